"""Contexts in Rhino's syntax, the built-in context, and text -> intent with slot values."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from asr.commands.builtin import LETTERS, commands_context, compile_context, types_context
from asr.commands.context import TEXT_TYPE, ContextError, load_context
from asr.commands.datetimes import DateTimeError, parse_datetime
from asr.commands.grammar import Grammar
from asr.commands.intents import active_grammar, understand
from asr.commands.spoken import number_words, spoken

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))

COFFEE = """\
context:
  expressions:
    orderDrink:
      - "[i want, i'd like, give me] (a, an) (@size) $drink:drink (please)"
      - "(can i have) (a, an) $size:size $drink:drink"
  slots:
    drink:
      - americano
      - latte: [caffe latte, cafe latte]
      - cappuccino
    size: [small, medium, large]
  macros:
    size: ["$size:size"]
"""


@pytest.fixture(scope="module")
def grammar():
    return active_grammar()


@pytest.fixture(scope="module")
def coffee(tmp_path_factory):
    path = tmp_path_factory.mktemp("ctx") / "coffee.yaml"
    path.write_text(COFFEE)
    return active_grammar(path)


TABLE = [
    (
        "remind me to call mom tomorrow at nine",
        "set_reminder",
        {"task": "call mom", "datetime": "2026-11-25T09:00:00-05:00"},
    ),
    (
        "remind me to take out the trash tonight",
        "set_reminder",
        {"task": "take out the trash", "datetime": "2026-11-24T20:00:00-05:00"},
    ),
    (
        "please remind me to water the plants on friday",
        "set_reminder",
        {"task": "water the plants", "datetime": "2026-11-27T09:00:00-05:00"},
    ),
    (
        "remind me at six pm to start dinner",
        "set_reminder",
        {"task": "start dinner", "datetime": "2026-11-24T18:00:00-05:00"},
    ),
    (
        "remind me tomorrow morning to pay the rent",
        "set_reminder",
        {"task": "pay the rent", "datetime": "2026-11-25T09:00:00-05:00"},
    ),
    (
        "set a reminder for friday at five pm to pick up the kids",
        "set_reminder",
        {"task": "pick up the kids", "datetime": "2026-11-27T17:00:00-05:00"},
    ),
    (
        "set a reminder to buy milk in an hour",
        "set_reminder",
        {"task": "buy milk", "datetime": "2026-11-24T16:00:00-05:00"},
    ),
    (
        "create a reminder to book the flight on december third",
        "set_reminder",
        {"task": "book the flight", "datetime": "2026-12-03T09:00:00-05:00"},
    ),
    (
        "add a reminder for next monday to renew my passport",
        "set_reminder",
        {"task": "renew my passport", "datetime": "2026-11-30T09:00:00-05:00"},
    ),
    (
        "in ten minutes remind me to take the pizza out",
        "set_reminder",
        {"task": "take the pizza out", "datetime": "2026-11-24T15:10:00-05:00"},
    ),
    (
        "in an hour and a half remind me to check the oven",
        "set_reminder",
        {"task": "check the oven", "datetime": "2026-11-24T16:30:00-05:00"},
    ),
    (
        "tomorrow at noon remind me to call the dentist",
        "set_reminder",
        {"task": "call the dentist", "datetime": "2026-11-25T12:00:00-05:00"},
    ),
    (
        "don't let me forget to water the plants on friday",
        "set_reminder",
        {"task": "water the plants", "datetime": "2026-11-27T09:00:00-05:00"},
    ),
    (
        "on saturday don't let me forget to feed the cat",
        "set_reminder",
        {"task": "feed the cat", "datetime": "2026-11-28T09:00:00-05:00"},
    ),
    (
        "remember to send the report at half past four",
        "set_reminder",
        {"task": "send the report", "datetime": "2026-11-24T16:30:00-05:00"},
    ),
    (
        "remind me to stretch in twenty five minutes",
        "set_reminder",
        {"task": "stretch", "datetime": "2026-11-24T15:25:00-05:00"},
    ),
    (
        "remind me to call grandma the day after tomorrow at seven in the evening",
        "set_reminder",
        {"task": "call grandma", "datetime": "2026-11-26T19:00:00-05:00"},
    ),
    (
        "remind me to leave for the airport at quarter to six",
        "set_reminder",
        {"task": "leave for the airport", "datetime": "2026-11-24T17:45:00-05:00"},
    ),
    (
        "remind me to go to bed at midnight",
        "set_reminder",
        {"task": "go to bed", "datetime": "2026-11-25T00:00:00-05:00"},
    ),
    (
        "remind me to check the mail at nine thirty",
        "set_reminder",
        {"task": "check the mail", "datetime": "2026-11-24T21:30:00-05:00"},
    ),
    ("set a timer for two and a half minutes", "set_timer", {"duration_s": 150}),
    ("set a timer for ten minutes", "set_timer", {"duration_s": 600}),
    ("start a timer for an hour and a half", "set_timer", {"duration_s": 5400}),
    ("start a ten minute timer", "set_timer", {"duration_s": 600}),
    ("set a thirty second timer", "set_timer", {"duration_s": 30}),
    ("timer for ninety seconds", "set_timer", {"duration_s": 90}),
    ("count down five minutes", "set_timer", {"duration_s": 300}),
    ("set a timer for one hour and twenty minutes", "set_timer", {"duration_s": 4800}),
    ("please set a timer for half an hour", "set_timer", {"duration_s": 1800}),
    # An alarm with no am or pm is a morning's (issue 27: "wake me up at six thirty" said at 09:00 set 18:30).
    ("wake me up at seven", "set_alarm", {"datetime": "2026-11-25T07:00:00-05:00"}),
    ("wake me up tomorrow at six thirty", "set_alarm", {"datetime": "2026-11-25T06:30:00-05:00"}),
    ("wake me up at six thirty am", "set_alarm", {"datetime": "2026-11-25T06:30:00-05:00"}),
    ("set an alarm for seven am", "set_alarm", {"datetime": "2026-11-25T07:00:00-05:00"}),
    ("set an alarm for tomorrow at eight", "set_alarm", {"datetime": "2026-11-25T08:00:00-05:00"}),
    ("set the alarm for monday at seven fifteen", "set_alarm", {"datetime": "2026-11-30T07:15:00-05:00"}),
    ("alarm at five in the morning", "set_alarm", {"datetime": "2026-11-25T05:00:00-05:00"}),
    ("cancel my reminder to call mom", "cancel_reminder", {"task": "call mom"}),
    ("delete the reminder about the dentist", "cancel_reminder", {"task": "the dentist"}),
    ("remove my reminder", "cancel_reminder", {}),
    ("cancel the reminder", "cancel_reminder", {}),
    ("don't remind me to feed the cat", "cancel_reminder", {"task": "feed the cat"}),
    ("list my reminders", "list_reminders", {}),
    ("show me all my reminders", "list_reminders", {}),
    ("what are my reminders", "list_reminders", {}),
    ("what reminders do i have", "list_reminders", {}),
    ("stop", "command", {"word": "stop"}),
    ("go", "command", {"word": "go"}),
    ("off", "command", {"word": "off"}),
    ("yes", "command", {"word": "yes"}),
    ("zero", "digit", {"value": 0}),
    ("seven", "digit", {"value": 7}),
    ("nine", "digit", {"value": 9}),
]


TYPED = [  # as people type them: digits, clock times, ordinals, capitals and punctuation
    (
        "Remind me to call mom tomorrow at 9.",
        "set_reminder",
        {"task": "call mom", "datetime": "2026-11-25T09:00:00-05:00"},
    ),
    (
        "remind me to call mom, tomorrow at nine!",
        "set_reminder",
        {"task": "call mom", "datetime": "2026-11-25T09:00:00-05:00"},
    ),
    (
        "Remind me at 6pm to start dinner",
        "set_reminder",
        {"task": "start dinner", "datetime": "2026-11-24T18:00:00-05:00"},
    ),
    (
        "set a reminder for Friday at 5 p.m. to pick up the kids",
        "set_reminder",
        {"task": "pick up the kids", "datetime": "2026-11-27T17:00:00-05:00"},
    ),
    (
        "create a reminder to book the flight on December 3rd",
        "set_reminder",
        {"task": "book the flight", "datetime": "2026-12-03T09:00:00-05:00"},
    ),
    (
        "Remind me to call mom on Dec 3 at 5:30 pm.",
        "set_reminder",
        {"task": "call mom", "datetime": "2026-12-03T17:30:00-05:00"},
    ),
    (
        "remind me to renew my passport on Sept. 21st",
        "set_reminder",
        {"task": "renew my passport", "datetime": "2027-09-21T09:00:00-04:00"},
    ),
    ("remind me to pay rent on the 1st", "set_reminder", {"task": "pay rent", "datetime": "2026-12-01T09:00:00-05:00"}),
    (
        "remind me to buy a tree on 12/20",
        "set_reminder",
        {"task": "buy a tree", "datetime": "2026-12-20T09:00:00-05:00"},
    ),
    (
        "remind me to call mom on 25/12 at 5pm",
        "set_reminder",
        {"task": "call mom", "datetime": "2026-12-25T17:00:00-05:00"},
    ),
    (
        "in 10 minutes remind me to take the pizza out",
        "set_reminder",
        {"task": "take the pizza out", "datetime": "2026-11-24T15:10:00-05:00"},
    ),
    (
        "remind me to take 2 pills at 9:05 PM",
        "set_reminder",
        {"task": "take two pills", "datetime": "2026-11-24T21:05:00-05:00"},
    ),
    (
        "Don’t let me forget to water the plants on Friday",
        "set_reminder",
        {"task": "water the plants", "datetime": "2026-11-27T09:00:00-05:00"},
    ),
    ("Set a timer for 2.5 minutes", "set_timer", {"duration_s": 150}),
    ("timer for 90 seconds", "set_timer", {"duration_s": 90}),
    ("start a 10-minute timer", "set_timer", {"duration_s": 600}),
    ("set a 5 min timer", "set_timer", {"duration_s": 300}),
    ("timer for 1.5 hrs", "set_timer", {"duration_s": 5400}),
    ("set a timer for 0.5 hours", "set_timer", {"duration_s": 1800}),
    ("remind me in 2hrs to call mom", "set_reminder", {"task": "call mom", "datetime": "2026-11-24T17:00:00-05:00"}),
    ("wake me up at 6:30 a.m.", "set_alarm", {"datetime": "2026-11-25T06:30:00-05:00"}),
    ("set an alarm for 16:30", "set_alarm", {"datetime": "2026-11-24T16:30:00-05:00"}),
    ("set an alarm for 0:15", "set_alarm", {"datetime": "2026-11-25T00:15:00-05:00"}),
    ("wake me up at 07:00", "set_alarm", {"datetime": "2026-11-25T07:00:00-05:00"}),  # a leading zero: 24-hour, am
    ("set the alarm for Monday at 7:15", "set_alarm", {"datetime": "2026-11-30T07:15:00-05:00"}),
    ("Stop.", "command", {"word": "stop"}),
    ("7", "digit", {"value": 7}),
]


@pytest.mark.parametrize("text, intent, slots", TABLE + TYPED, ids=[t[0] for t in TABLE + TYPED])
def test_builtin_phrasings(grammar, text, intent, slots):
    result = understand(text, grammar, NOW)
    assert (result.name, result.slots) == (intent, slots)


def test_typed_numbers_are_spelled_the_way_the_grammar_says_them(grammar):
    assert (
        spoken("at 12:00 or 9:07pm, the 22nd, 105 times")
        == "at twelve or nine oh seven pm the twenty second one hundred and five times"
    )
    assert understand("wake me up at 25:00", grammar, NOW).name is None  # no such time
    assert spoken("I'd like it   NOW") == "i'd like it now"


@pytest.mark.parametrize(
    "text",
    ["hello there", "what is the weather like", "seventeen", "the cat sat on the mat", "marvin", "backward", "bed"],
)
def test_outside_the_context_is_rejected_with_a_reason(grammar, text):
    result = understand(text, grammar, NOW)
    assert result.name is None and result.reason == "not a command of the active context"


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("remind me", "a reminder needs a task"),
        ("set a timer", "a timer needs a length"),
        (
            "remind me to call mom",
            "a reminder needs a time: when should it go off? e.g. 'remind me to call mom tomorrow",
        ),
        ("set an alarm", "an alarm needs a time"),
    ],
)
def test_a_request_missing_what_it_needs_says_what(grammar, text, missing):
    result = understand(text, grammar, NOW)
    assert result.name is None and result.reason.startswith(missing)


def test_empty_text_and_impossible_dates(grammar):
    assert understand("  ", grammar, NOW).reason == "no speech: the text is empty"
    result = understand("remind me to pay rent on february thirtieth", grammar, NOW)
    assert result.name is None and "february has no day 30" in result.reason
    result = understand("remind me to pay rent on 3/4", grammar, NOW)  # March 4 in the US, 3 April elsewhere
    assert result.name is None and result.reason.startswith("'3/4' could be march 4 or april 3; write the month")


def test_user_context_in_rhino_syntax_with_synonyms(coffee):
    assert understand("i'd like a large cafe latte please", coffee, NOW).to_dict() == {
        "intent": "orderDrink",
        "slots": {"size": "large", "drink": "latte"},
        "confidence": 1.0,
        "text": "i'd like a large cafe latte please",
    }
    assert understand("can i have a small americano", coffee, NOW).slots == {"size": "small", "drink": "americano"}
    assert understand("give me cappuccino", coffee, NOW).slots == {"drink": "cappuccino"}
    assert understand("remind me to call mom tomorrow at nine", coffee, NOW).name == "set_reminder"  # still on
    assert understand("i want a huge latte", coffee, NOW).name is None


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


@pytest.mark.parametrize(
    "text, message",
    [
        (
            'context:\n  expressions:\n    order:\n      - "$drinks:drink"\n  slots:\n    drink: [tea]\n',
            "<test>:4: unknown slot type 'drinks'",
        ),
        ('context:\n  expressions:\n    order:\n      - "[tea, coffee"\n', "<test>:4: missing ']'"),
        ('context:\n  expressions:\n    order:\n      - "two 2 tea"\n', "<test>:4: '2' has characters"),
        ('context:\n  expressions:\n    order:\n      - "@nope tea"\n', "<test>:4: unknown macro '@nope'"),
        ("context:\n  expressions:\n    order: [tea]\n  words: [r2d2]\n", "<test>:4: 'r2d2' has characters"),
        (
            'context:\n  expressions:\n    order: [tea]\n  words:\n    - "$drink:drink"\n',
            "<test>:5: 'words:' takes plain words",
        ),
        ("context:\n  expresions:\n    order: [tea]\n", "unknown key(s) ['expresions']"),
        ("context:\n  expressions:\n    order: [tea\n", "<test>:4: not valid YAML"),
        ("intents: []\n", "no top-level 'context:' key"),
        ("", "empty"),
    ],
)
def test_context_errors_name_the_line(text, message):
    with pytest.raises(ContextError) as error:
        compile_context(load_context(text, "<test>"))
    assert message in str(error.value)


def test_a_context_adds_words_that_free_text_may_decode_to(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text("context:\n  expressions:\n    greet: [hello]\n  words: [xzavier, tiana okafor]\n")
    grammar = active_grammar(path)
    assert _decodable(grammar, "remind me to call xzavier tomorrow")
    assert _decodable(grammar, "remind me to call tiana okafor tomorrow")
    assert not _decodable(active_grammar(), "remind me to call xzavier tomorrow")
    assert understand("remind me to call xzavier tomorrow at nine", grammar, NOW).slots["task"] == "call xzavier"


def test_user_context_cannot_redefine_builtin_intents(tmp_path):
    path = tmp_path / "clash.yaml"
    path.write_text("context:\n  expressions:\n    set_timer: [tea]\n")
    with pytest.raises(ContextError, match="already exist in the built-in context"):
        active_grammar(path)


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


def test_sampled_builtin_sentences_parse_to_their_intent(grammar):
    rng = np.random.default_rng(1)
    tasks = ("call mom", "feed the cat", "buy milk and eggs")
    for intent in commands_context().expressions:
        for _ in range(30):
            text = grammar.sample(rng, intent, {TEXT_TYPE: tasks})
            result = understand(text, grammar, NOW)
            assert result.name == intent or "passed" in result.reason or "has no day" in result.reason, text
