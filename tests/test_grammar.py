"""asr.commands.grammar: one compiled context for the parser, the letter decoder and the word network."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from asr.commands.builtin import commands_context, types_context
from asr.commands.context import load_context
from asr.commands.expressions import TEXT_TYPE
from asr.commands.grammar import Grammar
from asr.commands.intents import active_grammar, understand
from asr.words import FREE_TEXT

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def test_a_fixed_words_double_letter_heard_as_one_is_read_as_spelled(grammar, coffee):
    # "tomorow" is the acoustic model's usual reading of "tomorrow": without the singled arcs the
    # parser would take it for free text and make it part of the task.
    result = understand("set a reminder to call mom tomorow at nine", grammar, NOW)
    assert (result.name, result.slots, result.text) == (
        "set_reminder",
        {"task": "call mom", "datetime": "2026-11-25T09:00:00-05:00"},
        "set a reminder to call mom tomorrow at nine",
    )
    assert understand("set a timer for thre minutes", grammar, NOW).slots == {"duration_s": 180}
    assert understand("can i have a smal capucino", coffee, NOW).slots == {"size": "small", "drink": "cappuccino"}
    assert understand("tomorrow", grammar, NOW).name is None  # only the letters written twice are singled
    assert understand("remind me to cal mom tomorrow", grammar, NOW).slots["task"] == "cal mom"  # free text as heard


def _decodable(grammar: Grammar, sentence: str) -> bool:
    """Whether the decoder's constraint lets a search spell `sentence` to the end."""
    state = grammar.start()  # the leading space is given
    for c in sentence:
        if (state := grammar.step(state, c)) is None:
            return False
    return grammar.accepting(state)


def test_the_decoder_spells_free_text_from_the_word_list_and_the_parser_reads_any(grammar):
    # Decoded, a task is made of English words, so a misheard "dentis" cannot be the answer;
    # typed, it may hold any word.
    assert _decodable(grammar, "remind me to call the dentist tomorrow at nine")
    assert not _decodable(grammar, "remind me to call the dentis tomorrow at nine")
    assert _decodable(Grammar(commands_context(), types_context()), "remind me to call the dentis tomorrow at nine")
    assert understand("remind me to call xzavier tomorrow", grammar, NOW).slots["task"] == "call xzavier"
    assert not _decodable(grammar, "remind me to call xzavier tomorrow")


def test_sampled_builtin_sentences_parse_to_their_intent(grammar):
    rng = np.random.default_rng(1)
    tasks = ("call mom", "feed the cat", "buy milk and eggs")
    for intent in commands_context().expressions:
        for _ in range(30):
            text = grammar.sample(rng, intent, {TEXT_TYPE: tasks})
            result = understand(text, grammar, NOW)
            assert result.name == intent or "passed" in result.reason or "has no day" in result.reason, text


def test_a_context_adds_words_that_free_text_may_decode_to(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text("context:\n  expressions:\n    greet: [hello]\n  words: [xzavier, tiana okafor]\n")
    grammar = active_grammar(path)
    assert _decodable(grammar, "remind me to call xzavier tomorrow")
    assert _decodable(grammar, "remind me to call tiana okafor tomorrow")
    assert not _decodable(active_grammar(), "remind me to call xzavier tomorrow")
    assert understand("remind me to call xzavier tomorrow at nine", grammar, NOW).slots["task"] == "call xzavier"


def test_the_word_network_holds_the_sentences_the_parser_reads():
    """A phone model decodes through the word network: every path is a sentence the parser
    reads to its intent, and free text is one placeholder arc."""
    context = load_context(
        'context:\n  expressions:\n    order:\n      - "[i want, give me] (a) $drink:drink"\n'
        '    note:\n      - "note $asr.Text:text"\n  slots:\n    drink: [tea, hot chocolate]\n',
        "<test>",
    )
    grammar = Grammar(context, None, ("call", "mom"))
    arcs, final = grammar.word_network()
    out: dict[int, list] = {}
    for a, word, b in arcs:
        out.setdefault(a, []).append((word, b))

    def sentences(state: int, said: tuple) -> set:
        found = {said} if state == final else set()
        for word, b in out.get(state, []):
            found |= sentences(b, said + ((word,) if word else ()))
        return found

    paths = {" ".join(s) for s in sentences(0, ())}
    assert "i want a hot chocolate" in paths and "give me tea" in paths and f"note {FREE_TEXT}" in paths
    assert len(paths) == 2 * 2 * 2 + 1
    for path in paths - {f"note {FREE_TEXT}"}:
        assert grammar.parse(path).intent == "order"
    assert grammar.parse("note call mom").slots == {"text": "call mom"}
