"""Spoken dates, times and durations -> timezone-aware datetimes and seconds.

    parse_datetime("tomorrow at nine", now)          -> 2026-11-25 09:00-05:00
    parse_duration("two and a half minutes")         -> 150.0

Parsing never reads the clock or the system zone: `now` is an aware datetime in the user's zone,
read once by the caller. Spoken numbers become digits with text2num ("nine thirty" -> "9 30",
"december third" -> "december 3rd"); the structure is parsed here, because dateparser reads
spoken commands wrongly ("at 9" -> September 24th, "tomorrow at 9" -> 15:00, no "half past
seven" or "an hour and a half").

Rules: a time already past today means its next occurrence; a bare "at nine" is the next 9:00
or 21:00 after now, whichever comes first; a weekday is its next occurrence after today ("this
friday" may be today); a month day is its next occurrence. A date with no time is at 9:00 (or
the part of the day named: morning 9:00, afternoon 15:00, evening 19:00, night and tonight
20:00). On a named day, an hour without am/pm is read as 7-11 am and 12-6 pm.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta

from text_to_num import alpha2digit

from asr.errors import ASRError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = tuple(m.lower() for m in calendar.month_name[1:])
UNITS = {"second": 1, "sec": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
PARTS_OF_DAY = {"morning": (9, "am"), "afternoon": (15, "pm"), "evening": (19, "pm"), "night": (20, "pm")}
DEFAULT_HOUR = 9  # a date with no time of day


class DateTimeError(ASRError):
    """A phrase that names a date or time that does not exist ("february 30th", "25 o'clock")."""


def _tokens(text: str, durations: bool = False) -> list[str]:
    """Normalized tokens, spoken numbers as digits. With `durations`, "second" is the unit, not
    the ordinal text2num would make of it ("thirty second" -> "32nd")."""
    text = text.lower().replace("a.m.", "am").replace("p.m.", "pm")
    if durations:
        text = re.sub(r"\bsecond\b", "sec", text)
    text = re.sub(r"\b([ap]) m\b", r"\1m", text)
    text = re.sub(r"\bo ?clock\b", "o'clock", text)
    text = re.sub(r"\b(\d{1,2}):(\d{2})\b", r"\1 \2", text)  # "16:30" -> "16 30"
    text = alpha2digit(re.sub(r"[,.!?]", " ", text), "en", threshold=0)
    return [t for t in re.split(r"\s+|(?<=\d)(?=[ap]m\b)", text) if t]  # "9pm" -> "9", "pm"


def _number(token: str) -> int | None:
    return int(token) if token.isdigit() else None


def _ordinal(token: str) -> int | None:
    match = re.fullmatch(r"(\d+)(st|nd|rd|th)?", token)
    return int(match.group(1)) if match else None


class _Parser:
    """Recursive descent over tokens: each rule returns its value and advances, or returns None
    and leaves the position as it was."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.i = tokens, 0

    def peek(self, k: int = 0) -> str | None:
        return self.tokens[self.i + k] if self.i + k < len(self.tokens) else None

    def accept(self, *words: str) -> bool:
        if self.peek() in words:
            self.i += 1
            return True
        return False

    def accept_seq(self, *words: str) -> bool:
        if tuple(self.tokens[self.i : self.i + len(words)]) == words:
            self.i += len(words)
            return True
        return False

    def done(self) -> bool:
        return self.i == len(self.tokens)

    def attempt(self, rule):
        start = self.i
        value = rule()
        if value is None:
            self.i = start
        return value

    # durations ------------------------------------------------------------------------------
    def unit(self) -> int | None:
        token = self.peek()
        if token and token.rstrip("s") in UNITS:
            self.i += 1
            return UNITS[token.rstrip("s")]
        return None

    def duration_part(self) -> float | None:
        """ "90 minutes", "an hour", "2 and a half minutes", "an hour and a half", "half an hour",
        "a quarter of an hour"."""
        if self.accept_seq("half", "an") or self.accept_seq("half", "a"):
            unit = self.unit()
            return unit / 2 if unit else None
        if self.accept_seq("a", "quarter", "of", "an") or self.accept_seq("a", "quarter", "of", "a"):
            unit = self.unit()
            return unit / 4 if unit else None
        if self.peek() == "a" and _number(self.peek(1) or "") is not None:
            self.i += 1  # "a 120 seconds": text2num keeps the article of "a hundred and twenty"
        if self.accept("a", "an"):
            count = 1.0
        elif (n := _number(self.peek() or "")) is not None:
            count, self.i = float(n), self.i + 1
        else:
            return None
        if self.accept_seq("and", "a", "half"):
            count += 0.5
        unit = self.unit()
        if unit is None:
            return None
        if self.accept_seq("and", "a", "half"):
            count += 0.5
        return count * unit

    def duration(self) -> float | None:
        total = self.attempt(self.duration_part)
        if total is None:
            return None
        while True:
            start = self.i
            self.accept("and")
            part = self.attempt(self.duration_part)
            if part is None:
                self.i = start
                return total
            total += part

    # times of day ---------------------------------------------------------------------------
    def meridiem(self) -> str | None:
        if self.accept("am") or self.accept_seq("in", "the", "morning"):
            return "am"
        if self.accept("pm") or self.accept_seq("in", "the", "afternoon") or self.accept_seq("in", "the", "evening"):
            return "pm"
        if self.accept_seq("at", "night") or self.accept_seq("tonight"):
            return "night"
        return None

    def clock(self) -> tuple[int, int, str | None] | None:
        """(hour, minute, am/pm if the words fix it) as said: "noon", "9", "9 30", "7 oh 5",
        "half past 7", "20 to 9"..."""
        if self.accept("noon") or self.accept("midday"):
            return 12, 0, "pm"
        if self.accept("midnight"):
            return 0, 0, "am"
        relative = self.attempt(self.clock_relative)
        if relative is not None:
            return relative
        hour = _number(self.peek() or "")
        if hour is None:
            return None
        self.i += 1
        minute = 0
        if self.accept("oh") and (m := _number(self.peek() or "")) is not None and m < 10:
            self.i += 1
            minute = m
        elif (m := _number(self.peek() or "")) is not None:
            self.i += 1
            minute = m
        self.accept("o'clock")
        if hour > 23 or minute > 59:
            raise DateTimeError(f"'{hour}:{minute:02d}' is not a time of day")
        return hour, minute, None

    def clock_relative(self) -> tuple[int, int, None] | None:
        """ "half past 7", "a quarter to 9", "20 past 6"; None when the words are not one ("at 8
        to call mom" is 8 o'clock, then a task)."""
        offset = None
        if self.accept("half"):
            offset = 30
        elif self.accept("quarter") or self.accept_seq("a", "quarter"):
            offset = 15
        elif (n := _number(self.peek() or "")) is not None and self.peek(1) in ("past", "to", "after", "minutes"):
            self.i += 1
            self.accept("minutes")
            offset = n
        if offset is None or self.peek() not in ("past", "to", "after"):
            return None
        direction = self.tokens[self.i]
        self.i += 1
        hour = _number(self.peek() or "")
        if hour is None:
            hour = 12 if self.peek() == "noon" else 0 if self.peek() == "midnight" else None
            if hour is None:
                return None
        self.i += 1
        if offset >= 60:
            raise DateTimeError(f"'{offset} {direction} {hour}' is not a time of day")
        return ((hour, offset) if direction != "to" else ((hour - 1) % 24, 60 - offset)) + (None,)

    def time_of_day(self) -> tuple[int, int, str | None] | None:
        self.accept("at")
        clock = self.attempt(self.clock)
        if clock is None:
            return None
        hour, minute, fixed = clock
        return hour, minute, self.meridiem() or fixed

    # days -----------------------------------------------------------------------------------
    def month_day(self) -> tuple[int | None, int] | None:
        """(month or None, day): "december 3rd", "the 3rd of december", "the 3rd"."""
        if self.peek() in MONTHS:
            month = MONTHS.index(self.tokens[self.i]) + 1
            self.i += 1
            self.accept("the")
            day = _ordinal(self.peek() or "")
            if day is None:
                return None
            self.i += 1
            return month, day
        self.accept("the")
        token = self.peek() or ""
        if not re.fullmatch(r"\d+(st|nd|rd|th)", token):
            return None
        self.i += 1
        self.accept("of")
        if self.peek() in MONTHS:
            self.i += 1
            return MONTHS.index(self.tokens[self.i - 1]) + 1, int(token[:-2])
        return None, int(token[:-2])

    def day(self, today: date) -> tuple[date, str | None] | None:
        """(date, part of day or None)."""
        self.accept("on")
        if self.accept("today"):
            return today, None
        if self.accept("tonight"):
            return today, "night"
        if self.accept("tomorrow"):
            return today + timedelta(days=1), None
        if self.accept_seq("the", "day", "after", "tomorrow") or self.accept_seq("day", "after", "tomorrow"):
            return today + timedelta(days=2), None
        if self.peek() == "this" and self.peek(1) in PARTS_OF_DAY:
            self.i += 2
            return today, self.tokens[self.i - 1]
        qualifier = "this" if self.accept("this") else "next" if self.accept("next") else None
        if self.peek() in WEEKDAYS:
            weekday = WEEKDAYS.index(self.tokens[self.i])
            ahead = (weekday - today.weekday()) % 7
            self.i += 1
            if (found := self.attempt(self.month_day)) is not None:  # "friday the 1st": the next such day
                return _next_month_day(today, *found, weekday=weekday), None
            if self.accept_seq("of", "next", "week") or self.accept_seq("next", "week"):  # that day of next week
                return today + timedelta(days=7 - today.weekday() + weekday), None
            if qualifier != "this" and ahead == 0:
                ahead = 7
            return today + timedelta(days=ahead), None
        if qualifier == "next" and self.accept("week"):
            return today + timedelta(days=7), None
        if qualifier is not None:
            return None
        found = self.attempt(self.month_day)
        return (_next_month_day(today, *found), None) if found else None

    def part_of_day(self) -> str | None:
        for words in (("in", "the"), ("this",), ("at",), ("the",), ()):
            start = self.i
            if self.accept_seq(*words) and self.peek() in PARTS_OF_DAY:
                self.i += 1
                return self.tokens[self.i - 1]
            self.i = start
        return None


def _next_month_day(today: date, month: int | None, day: int, weekday: int | None = None) -> date:
    """The next `month`/`day` on or after today (this month or the next when no month is said;
    with `weekday` and no month, the next month whose day falls on that weekday)."""
    if month is None:
        for k in range(13 if weekday is None else 7):  # "friday the 1st": within half a year
            year, m = divmod(today.month - 1 + k, 12)
            try:
                candidate = date(today.year + year, m + 1, day)
            except ValueError:
                continue
            if candidate >= today and weekday in (None, candidate.weekday()):
                return candidate
        raise DateTimeError(f"no month has a day {day}")
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateTimeError(f"{MONTHS[month - 1]} has no day {day}")


def _local(day: date, hour: int, minute: int, now: datetime) -> datetime:
    """Wall time in now's zone; a time inside a spring-forward gap moves past the gap."""
    wall = datetime.combine(day, time(hour % 24, minute), tzinfo=now.tzinfo)
    return wall.astimezone(UTC).astimezone(now.tzinfo)


def _hours(hour: int, meridiem: str | None) -> list[int]:
    """24-hour readings of a said hour: one when am/pm is known or the hour is > 12, else two."""
    if hour > 12 or hour == 0:
        return [hour]
    if meridiem == "am":
        return [hour % 12]
    if meridiem == "pm":
        return [hour % 12 + 12]
    if meridiem == "night":
        return [hour % 12 + 12] if hour >= 6 else [hour % 12, hour % 12 + 12]
    return [hour % 12, hour % 12 + 12]


def _check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (the user's zone), e.g. datetime.now(ZoneInfo(...))")


def parse_duration(text: str) -> float | None:
    """Seconds in a spoken duration ("an hour and a half", "90 seconds"); None if it isn't one."""
    parser = _Parser(_tokens(text, durations=True))
    seconds = parser.duration()
    return seconds if seconds is not None and parser.done() else None


def parse_datetime(text: str, now: datetime) -> datetime | None:
    """The moment a spoken date/time phrase names, after `now` (aware, in the user's zone).

    None when the text is not a date-time phrase; DateTimeError when it names one that does not
    exist.
    """
    _check_now(now)
    relative = re.match(r"\s*in\s", text.lower()) or re.search(r"\sfrom now\s*$", text.lower())
    return datetime_of(_tokens(text, durations=bool(relative)), now, text)


_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "a an and half"
).split()
_SAID_SECOND = re.compile(rf"(\S+ )?((?:(?:{'|'.join(_NUMBER_WORDS)}) )+)second\b(?! of)")


def _second(match: re.Match) -> str:
    """ "thirty second" is 30 seconds, unless a month or "the" makes it a date ("march twenty
    second", "the twenty second"); "a second" and "a half second" are units too."""
    before = (match[1] or "").strip()
    if before in MONTHS or before in ("the", "on"):
        return match[0]
    return f"{match[1] or ''}{match[2]}sec"


def tokens(text: str) -> list[str]:
    """A sentence's tokens as date-time phrases read them: numbers as digits ("at 4 15 pm"), a
    "second" after a number the unit ("a thirty second timer"), not the ordinal of a date."""
    text = _SAID_SECOND.sub(_second, f" {text.lower()}")
    return _tokens(re.sub(r"\bsecond (timer|countdown)\b", r"sec \1", text))


def extent(tokens: list[str], start: int) -> int:
    """Where the longest date-time phrase that begins at tokens[start] ends (start: none does).
    A relative phrase ("in 10 minutes", "10 minutes from now"), or days, parts of the day and
    times of day in any order ("tomorrow at 4 in the afternoon")."""
    parser = _Parser(tokens)
    parser.i = start
    if parser.accept("in") and parser.attempt(parser.duration) is not None:
        return parser.i
    parser.i = start
    if parser.attempt(parser.duration) is not None and parser.accept_seq("from", "now"):
        return parser.i
    parser.i = start
    today = date(2000, 1, 3)  # any day: only how far the words reach matters here
    day = clock = part = None
    while not parser.done():
        try:
            if day is None and (found := parser.attempt(lambda: parser.day(today))):
                day = found
            elif clock is None and (found := parser.attempt(parser.time_of_day)):
                clock = found
            elif part is None and (found := parser.attempt(parser.part_of_day)):
                part = found
            else:
                break
        except DateTimeError:  # "25 o'clock": not a phrase here; datetime_of says why
            break
    return parser.i


def datetime_of(
    tokens: list[str], now: datetime, text: str | None = None, default_meridiem: str | None = None
) -> datetime | None:
    """parse_datetime over tokens (see tokens()); `text` names the phrase in errors. A time said
    with no am or pm and no part of the day takes `default_meridiem` (a wake-up alarm: "am")."""
    text = text or " ".join(tokens)
    parser = _Parser(tokens)
    ahead = parser.accept("in")
    seconds = parser.attempt(parser.duration)
    if seconds is not None and (ahead or parser.accept_seq("from", "now")) and parser.done():
        return (now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(now.tzinfo)
    parser.i = 0  # not a relative phrase: read it as days and times
    today = now.date()
    day = part = clock = None
    while not parser.done():  # a day, a part of the day and a time, in any order, once each
        if day is None and (found := parser.attempt(lambda: parser.day(today))):
            day, part = found[0], found[1] or part
        elif clock is None and (found := parser.attempt(parser.time_of_day)):
            clock = found
        elif part is None and (found := parser.attempt(parser.part_of_day)):
            part = found
        else:
            return None
    if day is None and clock is None and part is None:
        return None
    if clock is None:
        hour, meridiem = PARTS_OF_DAY[part] if part else (DEFAULT_HOUR, "am")
        clock = (hour, 0, meridiem)
    hour, minute, meridiem = clock
    if meridiem is None and part:
        meridiem = "night" if part == "night" else PARTS_OF_DAY[part][1]
    meridiem = meridiem or default_meridiem
    if day is None:
        days = [today, today + timedelta(days=1)] if part is None else [today]
    elif day == today:
        days = [today]
    else:
        days = [day]
        if meridiem is None and 1 <= hour <= 12:
            meridiem = "am" if 7 <= hour <= 11 else "pm"
    candidates = sorted(_local(d, h, minute, now) for d in days for h in _hours(hour, meridiem))
    later = [c for c in candidates if c > now]
    if later:
        return later[0]
    if day is None and part is not None:  # "this evening at 7" said at 8 pm: tomorrow's
        return min(_local(today + timedelta(days=1), h, minute, now) for h in _hours(hour, meridiem))
    raise DateTimeError(f"'{text}' has already passed")


def reference_time(now: str | None = None, tz: str | None = None) -> datetime:
    """The reference moment for parsing: `now` (ISO 8601) in zone `tz` (IANA name), defaulting to
    the clock and the system zone. The command line calls this once per command; parsing never
    reads the clock itself."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    import tzlocal

    try:
        zone = ZoneInfo(tz) if tz else tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError):
        raise ASRError(f"unknown time zone {tz!r}; use an IANA name such as America/New_York or Europe/Paris") from None
    if now is None:
        return datetime.now(zone).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise ASRError(f"--now {now!r} is not an ISO date-time; write it like 2026-11-24T15:00") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
