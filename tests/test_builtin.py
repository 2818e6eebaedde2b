"""asr.commands.builtin: the built-in slot types (ours and Rhino's) and what their words mean."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from asr.commands import builtin
from asr.commands.builtin import LETTERS, types_context
from asr.commands.context import load_context
from asr.commands.datetimes import DateTimeError, parse_datetime
from asr.commands.grammar import Grammar
from asr.commands.intents import active_grammar, understand
from asr.commands.spoken import number_words

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))

RHINO_CLOCK = """\
context:
  expressions:
    setTimer:
      - "set (a) timer for $pv.TwoDigitInteger:minutes [minute, minutes]"
    setVolume:
      - "turn [it, the volume] [up, down] by $pv.Percent:step"
    pickSeat:
      - "take the $pv.TwoDigitOrdinal:row row seat $pv.Alphabetic:seat"
      - "channel $pv.SingleDigitInteger:channel on the $pv.SingleDigitOrdinal:floor floor"
      - "code $pv.Alphanumeric:first $pv.Alphanumeric:second"
"""


def test_every_datetime_the_grammar_allows_is_understood():
    """The DateTime slot's grammar (what can be decoded) and parse_datetime (what it means) agree."""
    types = types_context()
    grammar = Grammar(load_context("context:\n  expressions:\n    when: ['$asr.DateTime:when']\n"), types)
    rng = np.random.default_rng(0)
    for _ in range(2000):
        text = grammar.sample(rng)
        try:
            assert parse_datetime(text, NOW) is not None, text
        except DateTimeError:
            pass  # a real date that does not exist or has passed, e.g. "february thirtieth", "this morning"
        assert grammar.parse(text) is not None


@pytest.mark.parametrize(
    "text, intent, slots",
    [
        ("set a timer for 42 minutes", "setTimer", {"minutes": 42}),
        ("set timer for zero minutes", "setTimer", {"minutes": 0}),
        ("turn it up by 100%", "setVolume", {"step": 100}),
        ("turn the volume down by twenty five percent", "setVolume", {"step": 25}),
        ("take the ninety ninth row seat bee", "pickSeat", {"row": 99, "seat": "b"}),
        ("Take the 3rd row, seat C.", "pickSeat", {"row": 3, "seat": "c"}),
        ("take the tenth row seat double you", "pickSeat", {"row": 10, "seat": "w"}),
        ("channel 7 on the second floor", "pickSeat", {"channel": 7, "floor": 2}),
        ("code zed nine", "pickSeat", {"first": "z", "second": "9"}),
    ],
)
def test_rhinos_builtin_slot_types(tmp_path, text, intent, slots):
    path = tmp_path / "clock.yaml"
    path.write_text(RHINO_CLOCK)
    result = understand(text, active_grammar(path), NOW)
    assert (result.name, result.slots) == (intent, slots)


def test_rhinos_builtin_slot_types_read_every_value_they_allow():
    """Each pv.* type reads every value of its range as said (num2words' spelling, the letter
    names), and every sentence its grammar allows is one of those."""
    digits = {number_words(n): str(n) for n in range(10)}
    letters = {name: letter for letter, names in LETTERS.items() for name in names}
    said = {
        "pv.SingleDigitInteger": {number_words(n): n for n in range(10)},
        "pv.TwoDigitInteger": {number_words(n): n for n in range(100)},
        "pv.Percent": {number_words(n) + " percent": n for n in range(101)},
        "pv.SingleDigitOrdinal": {number_words(n, "ordinal"): n for n in range(1, 10)},
        "pv.TwoDigitOrdinal": {number_words(n, "ordinal"): n for n in range(1, 100)},
        "pv.Alphabetic": letters,
        "pv.Alphanumeric": letters | digits,
    }
    rng = np.random.default_rng(0)
    for slot_type, values in said.items():
        grammar = Grammar(load_context(f"context:\n  expressions:\n    say: ['${slot_type}:x']\n"), types_context())
        for sentence, value in values.items():
            assert understand(sentence, grammar, NOW).slots == {"x": value}, (slot_type, sentence)
        for _ in range(200):
            assert grammar.sample(rng).replace("a hundred", "one hundred") in values, slot_type


def test_every_builtin_slot_type_has_a_meaning():
    """The slot types are named once, in TYPES_YAML: each but free text has a reader of its words."""
    assert set(builtin.VALUE_OF) == set(builtin.types_context().expressions)
    assert builtin.builtin_types() == (*builtin.types_context().expressions, "asr.Text")
