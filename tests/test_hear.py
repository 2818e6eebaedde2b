"""asr.app.hear: one object from audio to intent, and its JSON line."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from asr.app.hear import CommandRecognizer, Heard
from asr.audio import SAMPLE_RATE
from asr.commands.intents import active_grammar
from asr.commands.requests import Intent
from asr.runtime import Recognizer, Transcript

NOW = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/New_York"))  # a Tuesday afternoon


@pytest.fixture(scope="module")
def commands():
    return CommandRecognizer(Recognizer(threads=1), active_grammar())


def test_a_keyword_is_heard_and_silence_is_not(commands, sc_clip):
    heard = commands.hear(sc_clip, NOW)
    assert (heard.intent.name, heard.intent.slots) == ("command", {"word": "yes"})
    line = json.loads(json.dumps(heard.to_dict()))
    assert line["intent"]["intent"] == "command" and line["text"] and "reason" not in line
    quiet = commands.hear(np.zeros(SAMPLE_RATE, dtype=np.float32), NOW)
    assert quiet.intent.name is None and quiet.to_dict()["intent"] is None and quiet.to_dict()["reason"]


def test_the_threshold_is_the_models_unless_given():
    recognizer = Recognizer(threads=1)
    grammar = active_grammar()
    assert CommandRecognizer(recognizer, grammar).threshold == recognizer.command_threshold
    assert CommandRecognizer(recognizer, grammar, threshold=0.5).threshold == 0.5


def test_a_live_utterance_line_has_its_times_and_action():
    heard = Heard(
        Transcript("stop", 0.9),
        Intent("command", {"word": "stop"}, "stop"),
        "2026-11-24T15:00:00.000-05:00",
        "2026-11-24T15:00:01.000-05:00",
        "stopped the timer",
    )
    line = heard.to_dict()
    assert line["started_at"] < line["ended_at"] and line["action"] == "stopped the timer"
    assert line["intent"]["slots"] == {"word": "stop"}


def test_speech_outside_the_grammar_is_read_from_its_open_words(commands):
    """A decoded request the built-in grammar has no sentence for goes to the same parser."""
    heard = Transcript("olly please set my alarm for five pm", 0.9, command_text=None)
    assert (commands.intent_of(heard, NOW).name, commands.intent_of(heard, NOW).slots) == (
        "set_alarm",
        {"datetime": "2026-11-24T17:00:00-05:00"},
    )
    weak = Transcript("the cat sat on the mat", 0.9, command_text="stop", command_confidence=0.2)
    assert commands.intent_of(weak, NOW).reason.startswith("rejected: confidence 0.20")


def test_a_phone_models_open_words_give_a_requests_task(commands):
    """When the grammar's sentence and the open words say the same request, a phone model's open
    words (a bigram graph's) give the task; a letter model's spelled transcript does not."""
    said = dict(command_text="remind me to mechanic at nine tomorrow", command_confidence=0.9)
    words = Transcript("remind me to make pancakes at nine tomorrow", 0.9, **said)
    assert commands.open_words  # the shipped model is a phone model
    assert commands.intent_of(words, NOW).slots["task"] == "make pancakes"
    assert commands.intent_of(words, NOW).confidence == 0.9
    other = Transcript("set a timer for ten minutes", 0.9, **said)  # another request: the grammar's
    assert commands.intent_of(other, NOW).slots["task"] == "mechanic"
    commands.open_words = False  # as for a letter model: its spelled transcript does not give the task
    try:
        assert commands.intent_of(words, NOW).slots["task"] == "mechanic"
    finally:
        commands.open_words = True
