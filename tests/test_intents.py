"""asr.commands.intents: text -> intent with slot values through the active context."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from asr.commands.intents import understand

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))

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
