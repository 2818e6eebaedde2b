"""asr.commands.spoken: typed text read as it is said."""

from datetime import datetime
from zoneinfo import ZoneInfo

from asr.commands.intents import understand
from asr.commands.spoken import spoken

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def test_typed_numbers_are_spelled_the_way_the_grammar_says_them(grammar):
    assert (
        spoken("at 12:00 or 9:07pm, the 22nd, 105 times")
        == "at twelve or nine oh seven pm the twenty second one hundred and five times"
    )
    assert understand("wake me up at 25:00", grammar, NOW).name is None  # no such time
    assert spoken("I'd like it   NOW") == "i'd like it now"
