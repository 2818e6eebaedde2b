"""Typed text -> the words a speaker would say, so that a typed command reads like a decoded one.

Contexts and the acoustic model's vocabulary are words of a-z, space and apostrophe; a person
typing `asr intent` writes "Remind me to call Mom on December 3rd at 5 p.m." Numbers are spelled
with num2words, clock times in 24-hour form gain their am or pm, "min", "hr" and "sec" after a
number are written out, and punctuation goes.

    spoken("Set a timer for 2.5 minutes!")  -> "set a timer for two and a half minutes"
    spoken("set a 5 min timer")             -> "set a five minutes timer"
    spoken("wake me up at 16:30")           -> "wake me up at four thirty pm"
    spoken("on Dec 3 at 9")                 -> "on december third at nine"
    spoken("on 12/25")                      -> "on december twenty fifth"

A numeric date after "on" that reads two ways ("on 3/4": March 4 or 3 April) raises
DateTimeError.
"""

import re

from num2words import num2words

from asr.commands.datetimes import MONTHS, DateTimeError

_MONTH = "|".join(rf"{m[:3]}(?:{m[3:]}|\.)?" for m in MONTHS) + r"|sept\.?"  # "dec", "dec.", "december"
_UNITS = {"min": "minutes", "hr": "hours", "sec": "seconds"}  # typed after a number: "5 min", "2hrs"
_DATE = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)")  # "Dec 3", "Sept. 21st"
_NUMERIC_DATE = re.compile(r"(?<=\bon )(\d{1,2})/(\d{1,2})(?![\d/])")  # "on 12/25", "on 25/12"; not "3/4 of"


def number_words(number: int, to: str = "cardinal") -> str:
    """12 -> "twelve", 21 -> "twenty one" (ordinal: "twenty first"): hyphens and commas as spaces."""
    return re.sub(r"[-,]", " ", num2words(number, to=to))


def _clock(match: re.Match) -> str:
    """ "9:05" -> "nine oh five", "16:30" -> "four thirty pm", "0:15" and "07:00" (24-hour
    notation) -> "twelve fifteen am" and "seven am"; an am or pm written after the time is kept
    as written."""
    hour, minute, meridiem = int(match[1]), int(match[2]), match[3]
    if hour > 23 or minute > 59:
        return match[0]  # not a time: left for the parser to refuse
    if meridiem is None and (hour == 0 or hour > 12 or match[1].startswith("0")):
        meridiem = "pm" if hour > 12 else "am"
    said = [number_words(hour % 12 or 12)]
    if minute:
        said.append(("oh " if minute < 10 else "") + number_words(minute))
    return " ".join(said + ([meridiem] if meridiem else []))


def _month_day(month: int, day: int) -> str:
    """(12, 3) -> "december third": a day after its month is said as an ordinal."""
    return f"{MONTHS[month - 1]} {number_words(day, 'ordinal')}"


def _date(match: re.Match) -> str:
    """ "dec 3" -> "december third"."""
    return _month_day(next(i for i, m in enumerate(MONTHS, 1) if m.startswith(match[1][:3])), int(match[2]))


def _numeric_date(match: re.Match) -> str:
    """ "12/25" and "25/12" -> "december twenty fifth". Which number is the month differs by
    country, so a date that reads both ways ("3/4") is refused rather than guessed."""
    a, b = int(match[1]), int(match[2])
    months = [(m, d) for m, d in ((a, b), (b, a)) if 1 <= m <= 12 and 1 <= d <= 31]
    if len({*months}) > 1:
        (m1, d1), (m2, d2) = months
        raise DateTimeError(
            f"'{match[0]}' could be {MONTHS[m1 - 1]} {d1} or {MONTHS[m2 - 1]} {d2}; "
            "write the month's name, e.g. 'on december 3rd'"
        )
    if not months:
        return match[0]  # no month: left for the parser to refuse
    return _month_day(*months[0])


def _half(match: re.Match) -> str:
    return f"half {'an' if match[1] == 'hour' else 'a'} {match[1]}"


def spoken(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = _DATE.sub(_date, text)
    text = _NUMERIC_DATE.sub(_numeric_date, text)
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)  # "p.m." -> "pm"
    text = re.sub(r"(\d)([ap]m)\b", r"\1 \2", text)  # "5pm" -> "5 pm"
    text = re.sub(r"(\d)\s*(mins?|hrs?|secs?)\b", lambda m: f"{m[1]} {_UNITS[m[2].rstrip('s')]}", text)
    text = re.sub(r"\b(\d{1,2}):(\d\d)\b(?: ([ap]m)\b)?", _clock, text)
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: number_words(int(m[1]), "ordinal"), text)
    text = re.sub(r"(?<![\d.])0?\.5 (hour|minute|second)s?\b", _half, text)  # "0.5 hours" -> "half an hour"
    text = re.sub(r"\b(\d+)\.5\b", lambda m: number_words(int(m[1])) + " and a half", text)
    text = re.sub(r"\b\d+\b", lambda m: number_words(int(m[0])), text)
    text = text.replace("%", " percent")
    text = re.sub(r"[-.,!?;:\"()]|(?<![a-z])'|'(?![a-z])", " ", text)  # punctuation; apostrophes inside words stay
    return re.sub(r"\s+", " ", text).strip()
