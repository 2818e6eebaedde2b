"""What synthetic speech says: varied tasks, real phrasings read as said, all in the vocabulary."""

import numpy as np
import pytest

from asr.commands.intents import active_grammar, understand
from asr.data import texts
from asr.data.synth import MIX
from asr.data.texts import REFERENCE_NOW
from asr.runtime import vocab


@pytest.mark.shared
def test_thousands_of_distinct_everyday_tasks_in_the_vocabulary():
    tasks = texts.tasks()
    assert len(tasks) >= 2000 and len(set(tasks)) == len(tasks)
    for task in tasks:
        vocab.encode(task)
        assert 1 <= len(task.split()) <= 8, task
    assert {"call mom", "pick up the dry cleaning", "pay the rent"} <= set(tasks)
    assert "change my oil" in tasks  # written by a person after "remind me to"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("please set my alarm for 5pm", "please set my alarm for five pm"),
        ("wake me up at 7:30", "wake me up at seven thirty"),
        ("what's on my calendar for march 4th?", "what's on my calendar for march fourth"),
        ("set a 20 min timer", "set a twenty minutes timer"),
        ("what is my schedule for [date : tomorrow] olly", None),  # a dataset's annotation leftover
        ("remind me to pay rent on 3/4", None),  # a date that reads two ways
        ("напомни мне", None),  # not English words
        ("!!!", None),
    ],
)
def test_typed_requests_are_read_as_said(typed, said):
    assert texts.said(typed) == said


@pytest.mark.shared
def test_phrasings_keep_what_people_wrote_in_the_vocabulary():
    commands, others = texts.phrasings("commands.jsonl"), texts.phrasings("others.jsonl")
    assert len(commands) > 2300 and len(others) > 1900
    for sentence in commands + others:
        vocab.encode(sentence)
    assert "set alarm tomorrow at six am" in commands


@pytest.mark.shared
def test_every_kind_of_text_is_in_the_vocabulary_and_commands_are_understood():
    grammar = active_grammar()
    rng = np.random.default_rng(0)
    for kind in MIX:
        for _ in range(100):
            sentence = texts.text(kind, rng)
            vocab.encode(sentence)
            if kind == "command":
                result = understand(sentence, grammar, REFERENCE_NOW)
                assert result.name or "passed" in result.reason or "has no day" in result.reason, sentence
    with pytest.raises(ValueError, match="unknown kind"):
        texts.text("poem", rng)
