"""Spoken date-time phrasings -> exact ISO moments, relative to an explicit now and zone.

The reference is Tuesday 2026-11-24 15:00 in New York unless a row names another. Expected
values were worked out by hand from the rules in asr/datetimes.py's docstring.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from asr.commands.datetimes import DateTimeError, parse_datetime, parse_duration

NY = "America/New_York"
NOW = "2026-11-24T15:00"

TABLE = [
    # days alone: 9:00 unless a part of the day is named
    ("tomorrow", "2026-11-25T09:00:00-05:00"),
    ("the day after tomorrow", "2026-11-26T09:00:00-05:00"),
    ("day after tomorrow", "2026-11-26T09:00:00-05:00"),
    ("on friday", "2026-11-27T09:00:00-05:00"),
    ("friday", "2026-11-27T09:00:00-05:00"),
    ("next monday", "2026-11-30T09:00:00-05:00"),
    ("monday", "2026-11-30T09:00:00-05:00"),
    ("on tuesday", "2026-12-01T09:00:00-05:00"),
    ("next tuesday", "2026-12-01T09:00:00-05:00"),
    ("on wednesday", "2026-11-25T09:00:00-05:00"),
    ("this friday", "2026-11-27T09:00:00-05:00"),
    ("on sunday", "2026-11-29T09:00:00-05:00"),
    ("saturday", "2026-11-28T09:00:00-05:00"),
    ("thursday", "2026-11-26T09:00:00-05:00"),
    ("next week", "2026-12-01T09:00:00-05:00"),
    ("on december third", "2026-12-03T09:00:00-05:00"),
    ("december 3rd", "2026-12-03T09:00:00-05:00"),
    ("on the third of december", "2026-12-03T09:00:00-05:00"),
    ("on the third", "2026-12-03T09:00:00-05:00"),
    ("on the twenty fifth", "2026-11-25T09:00:00-05:00"),
    ("on january first", "2027-01-01T09:00:00-05:00"),
    ("on march fifth", "2027-03-05T09:00:00-05:00"),
    ("on july fourth", "2027-07-04T09:00:00-04:00"),
    ("the first of january", "2027-01-01T09:00:00-05:00"),
    ("on november thirtieth", "2026-11-30T09:00:00-05:00"),
    ("on november twentieth", "2027-11-20T09:00:00-05:00"),
    ("on february twenty ninth", "2028-02-29T09:00:00-05:00"),
    # parts of the day
    ("tonight", "2026-11-24T20:00:00-05:00"),
    ("this evening", "2026-11-24T19:00:00-05:00"),
    ("tomorrow morning", "2026-11-25T09:00:00-05:00"),
    ("tomorrow afternoon", "2026-11-25T15:00:00-05:00"),
    ("tomorrow evening", "2026-11-25T19:00:00-05:00"),
    ("tomorrow night", "2026-11-25T20:00:00-05:00"),
    ("friday evening", "2026-11-27T19:00:00-05:00"),
    ("on saturday morning", "2026-11-28T09:00:00-05:00"),
    # times alone: the next occurrence; a bare hour is am or pm, whichever comes first
    ("at nine", "2026-11-24T21:00:00-05:00"),
    ("at three", "2026-11-25T03:00:00-05:00"),
    ("at four", "2026-11-24T16:00:00-05:00"),
    ("at two", "2026-11-25T02:00:00-05:00"),
    ("at eleven", "2026-11-24T23:00:00-05:00"),
    ("at one", "2026-11-25T01:00:00-05:00"),
    ("at twelve", "2026-11-25T00:00:00-05:00"),
    ("at twelve thirty", "2026-11-25T00:30:00-05:00"),
    ("at noon", "2026-11-25T12:00:00-05:00"),
    ("noon", "2026-11-25T12:00:00-05:00"),
    ("at midday", "2026-11-25T12:00:00-05:00"),
    ("at midnight", "2026-11-25T00:00:00-05:00"),
    ("midnight", "2026-11-25T00:00:00-05:00"),
    ("at half past seven", "2026-11-24T19:30:00-05:00"),
    ("half past seven", "2026-11-24T19:30:00-05:00"),
    ("at quarter to six", "2026-11-24T17:45:00-05:00"),
    ("quarter past eight", "2026-11-24T20:15:00-05:00"),
    ("a quarter past eight", "2026-11-24T20:15:00-05:00"),
    ("at ten past nine", "2026-11-24T21:10:00-05:00"),
    ("twenty to nine", "2026-11-24T20:40:00-05:00"),
    ("at twenty five past six", "2026-11-24T18:25:00-05:00"),
    ("at ten minutes to eleven", "2026-11-24T22:50:00-05:00"),
    ("nine thirty", "2026-11-24T21:30:00-05:00"),
    ("at nine thirty", "2026-11-24T21:30:00-05:00"),
    ("seven oh five", "2026-11-24T19:05:00-05:00"),
    ("at seven oh five pm", "2026-11-24T19:05:00-05:00"),
    ("at seven oh five am", "2026-11-25T07:05:00-05:00"),
    ("at six am", "2026-11-25T06:00:00-05:00"),
    ("at six pm", "2026-11-24T18:00:00-05:00"),
    ("at 6 pm", "2026-11-24T18:00:00-05:00"),
    ("at 6pm", "2026-11-24T18:00:00-05:00"),
    ("at six p m", "2026-11-24T18:00:00-05:00"),
    ("at 6 p.m.", "2026-11-24T18:00:00-05:00"),
    ("at 16:30", "2026-11-24T16:30:00-05:00"),
    ("at eight in the morning", "2026-11-25T08:00:00-05:00"),
    ("at eight in the evening", "2026-11-24T20:00:00-05:00"),
    ("at three in the afternoon", "2026-11-25T15:00:00-05:00"),
    ("at eleven at night", "2026-11-24T23:00:00-05:00"),
    ("at nine tonight", "2026-11-24T21:00:00-05:00"),
    ("at five o'clock", "2026-11-24T17:00:00-05:00"),
    ("five o'clock", "2026-11-24T17:00:00-05:00"),
    ("at eleven forty five pm", "2026-11-24T23:45:00-05:00"),
    ("at four fifteen", "2026-11-24T16:15:00-05:00"),
    # a day and a time, in either order; on a named day 7-11 is am and 12-6 is pm
    ("tomorrow at nine", "2026-11-25T09:00:00-05:00"),
    ("tomorrow at 9 pm", "2026-11-25T21:00:00-05:00"),
    ("tomorrow at five", "2026-11-25T17:00:00-05:00"),
    ("tomorrow at seven", "2026-11-25T07:00:00-05:00"),
    ("tomorrow at twelve", "2026-11-25T12:00:00-05:00"),
    ("tomorrow at noon", "2026-11-25T12:00:00-05:00"),
    ("on friday at five pm", "2026-11-27T17:00:00-05:00"),
    ("at five pm on friday", "2026-11-27T17:00:00-05:00"),
    ("friday at noon", "2026-11-27T12:00:00-05:00"),
    ("on monday at half past ten", "2026-11-30T10:30:00-05:00"),
    ("next monday at nine thirty", "2026-11-30T09:30:00-05:00"),
    ("on december third at noon", "2026-12-03T12:00:00-05:00"),
    ("december twenty fifth at eight am", "2026-12-25T08:00:00-05:00"),
    ("the day after tomorrow at four", "2026-11-26T16:00:00-05:00"),
    ("on the first of december at seven in the evening", "2026-12-01T19:00:00-05:00"),
    ("tomorrow evening at seven", "2026-11-25T19:00:00-05:00"),
    ("tomorrow morning at seven thirty", "2026-11-25T07:30:00-05:00"),
    ("tonight at eleven", "2026-11-24T23:00:00-05:00"),
    ("this evening at eight", "2026-11-24T20:00:00-05:00"),
    ("saturday at eleven", "2026-11-28T11:00:00-05:00"),
    ("sunday at one", "2026-11-29T13:00:00-05:00"),
    ("on thursday at quarter to eight", "2026-11-26T07:45:00-05:00"),
    ("at ten tomorrow", "2026-11-25T10:00:00-05:00"),
    ("at seven tomorrow morning", "2026-11-25T07:00:00-05:00"),
    ("at eight on monday", "2026-11-30T08:00:00-05:00"),
    ("today at nine", "2026-11-24T21:00:00-05:00"),
    ("today at five", "2026-11-24T17:00:00-05:00"),
    ("today at 6 pm", "2026-11-24T18:00:00-05:00"),
    ("on wednesday at noon", "2026-11-25T12:00:00-05:00"),
    ("tomorrow at seven oh five", "2026-11-25T07:05:00-05:00"),
    ("on january first at midnight", "2027-01-01T00:00:00-05:00"),
    ("on the third at ten past two", "2026-12-03T14:10:00-05:00"),
    ("the twenty first of december at eleven forty five pm", "2026-12-21T23:45:00-05:00"),
    # relative: absolute time arithmetic
    ("in ten minutes", "2026-11-24T15:10:00-05:00"),
    ("in ninety minutes", "2026-11-24T16:30:00-05:00"),
    ("in 90 minutes", "2026-11-24T16:30:00-05:00"),
    ("in an hour", "2026-11-24T16:00:00-05:00"),
    ("in an hour and a half", "2026-11-24T16:30:00-05:00"),
    ("in two hours", "2026-11-24T17:00:00-05:00"),
    ("in half an hour", "2026-11-24T15:30:00-05:00"),
    ("in a minute", "2026-11-24T15:01:00-05:00"),
    ("in thirty seconds", "2026-11-24T15:00:30-05:00"),
    ("in twenty five minutes", "2026-11-24T15:25:00-05:00"),
    ("in two and a half hours", "2026-11-24T17:30:00-05:00"),
    ("in one hour and twenty minutes", "2026-11-24T16:20:00-05:00"),
    ("in 1 hour 20 minutes", "2026-11-24T16:20:00-05:00"),
    ("in three days", "2026-11-27T15:00:00-05:00"),
    ("in a week", "2026-12-01T15:00:00-05:00"),
    ("in a quarter of an hour", "2026-11-24T15:15:00-05:00"),
    ("two hours from now", "2026-11-24T17:00:00-05:00"),
    ("ten minutes from now", "2026-11-24T15:10:00-05:00"),
    ("in forty five minutes", "2026-11-24T15:45:00-05:00"),
    ("in a hundred and twenty minutes", "2026-11-24T17:00:00-05:00"),
    ("in 2 days", "2026-11-26T15:00:00-05:00"),
    # daylight-saving changes in New York (2026: starts March 8, ends November 1)
    ("tomorrow at nine", "2026-03-08T09:00:00-04:00", "2026-03-07T15:00"),
    ("in twenty four hours", "2026-03-08T16:00:00-04:00", "2026-03-07T15:00"),
    ("tomorrow at two thirty am", "2026-03-08T03:30:00-04:00", "2026-03-07T15:00"),  # 2:30 does not exist
    ("tomorrow at nine", "2026-11-01T09:00:00-05:00", "2026-10-31T12:00"),
    ("in a day", "2026-11-01T11:00:00-05:00", "2026-10-31T12:00"),
    ("in an hour", "2026-03-08T00:30:00-05:00", "2026-03-07T23:30"),
    ("in an hour", "2026-03-08T03:30:00-04:00", "2026-03-08T01:30"),
    # other zones
    ("tomorrow at nine", "2026-11-25T09:00:00+01:00", "2026-11-24T15:00", "Europe/Berlin"),
    ("at half past seven", "2026-11-24T19:30:00+05:30", "2026-11-24T15:00", "Asia/Kolkata"),
    ("tomorrow at noon", "2026-03-29T12:00:00+01:00", "2026-03-28T12:00", "Europe/London"),
    ("tomorrow at nine", "2026-10-04T09:00:00+11:00", "2026-10-03T12:00", "Australia/Sydney"),
    # late at night
    ("at nine", "2026-11-25T09:00:00-05:00", "2026-11-24T23:30"),
    ("at midnight", "2026-11-25T00:00:00-05:00", "2026-11-24T23:30"),
    ("tomorrow", "2026-11-25T09:00:00-05:00", "2026-11-24T23:30"),
    ("in thirty minutes", "2026-11-25T00:00:00-05:00", "2026-11-24T23:30"),
    # early in the morning
    ("at nine", "2026-11-24T09:00:00-05:00", "2026-11-24T07:00"),
    ("this afternoon", "2026-11-24T15:00:00-05:00", "2026-11-24T07:00"),
    ("this morning at eight", "2026-11-24T08:00:00-05:00", "2026-11-24T07:00"),
    ("at six", "2026-11-24T18:00:00-05:00", "2026-11-24T07:00"),
    ("tonight", "2026-11-24T20:00:00-05:00", "2026-11-24T07:00"),
    ("at seven", "2026-11-24T19:00:00-05:00", "2026-11-24T07:00"),
    ("on tuesday", "2026-12-01T09:00:00-05:00", "2026-11-24T07:00"),
    ("this tuesday", "2026-11-24T09:00:00-05:00", "2026-11-24T07:00"),
    ("at noon", "2026-11-24T12:00:00-05:00", "2026-11-24T07:00"),
    ("at half past six", "2026-11-24T18:30:00-05:00", "2026-11-24T07:00"),
    ("this evening", "2026-11-24T19:00:00-05:00", "2026-11-24T07:00"),
    # the end of a month and of a year
    ("tomorrow", "2027-01-01T09:00:00-05:00", "2026-12-31T22:00"),
    ("at midnight", "2027-01-01T00:00:00-05:00", "2026-12-31T22:00"),
    ("on the second", "2027-01-02T09:00:00-05:00", "2026-12-31T22:00"),
    ("on the thirtieth", "2026-03-30T09:00:00-04:00", "2026-01-31T10:00"),  # no february 30th
]


def _now(row) -> datetime:
    moment, zone = (row[2] if len(row) > 2 else NOW), (row[3] if len(row) > 3 else NY)
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(zone))


def test_the_table_is_large():
    assert len(TABLE) >= 150


@pytest.mark.parametrize("row", TABLE, ids=[f"{r[0]}@{r[2] if len(r) > 2 else NOW}" for r in TABLE])
def test_phrasing(row):
    assert parse_datetime(row[0], _now(row)).isoformat() == row[1]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello there",
        "call mom",
        "in the kitchen",
        "at the store",
        "tomorrow tomorrow",
        "in",
        "at",
        "next",
        "seven apples",
    ],
)
def test_not_a_date_time(text):
    assert parse_datetime(text, _now(("",))) is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("on february thirtieth", "february has no day 30"),
        ("february 30th", "february has no day 30"),
        ("at twenty five o'clock", "not a time of day"),
        ("at 9:75", "not a time of day"),
        ("today at nine am", "already passed"),
        ("this morning", "already passed"),
    ],
)
def test_impossible_dates_say_why(text, reason):
    with pytest.raises(DateTimeError, match=reason):
        parse_datetime(text, _now(("",)))


def test_now_must_carry_a_zone():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_datetime("tomorrow", datetime(2026, 11, 24, 15))


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("two and a half minutes", 150),
        ("an hour and a half", 5400),
        ("ninety seconds", 90),
        ("ten minutes", 600),
        ("one hour and twenty minutes", 4800),
        ("half an hour", 1800),
        ("a quarter of an hour", 900),
        ("a minute and a half", 90),
        ("five minutes and thirty seconds", 330),
        ("twenty five minutes", 1500),
        ("a hundred and twenty seconds", 120),
        ("three hours", 10800),
        ("an hour", 3600),
        ("tomorrow", None),
        ("ten", None),
        ("minutes", None),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds
