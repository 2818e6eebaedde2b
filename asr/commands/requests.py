"""How people ask for reminders, timers and alarms: the built-in requests understood from their
words, wherever they stand.

    parse_request("could you wake me up at six thirty", now)
    -> Intent("set_alarm", {"datetime": "2026-11-25T06:30:00-05:00"})
    parse_request("remind me on friday at noon about the car", now)
    -> Intent("set_reminder", {"task": "the car", "datetime": "2026-11-27T12:00:00-05:00"})
    parse_request("create a reminder to change my oil", now)
    -> Intent(None, reason="a reminder needs a time: when should it go off? ...")
    parse_request("what is the weather like", now) -> None: not a built-in request

Rules, not a grammar: user contexts stay as strict as their authors wrote them (asr.grammar), but
nobody says the built-in requests the way a grammar author imagined them. The words are read in
four steps, each explainable:

1. Clean-up: typed text is read as said (asr.spoken), wake words ("olly", "ok google"),
   politeness ("please", "could you", "i want you to") and common misspellings go.
2. Date-times and durations are found wherever they stand (asr.datetimes.extent), the words that
   introduce them ("for", "by", "until") with them; a bare number ("take 2 pills") is a time only
   after such a word.
3. The domain (alarm, timer, reminder, calendar) and the action (set, cancel, list) come from
   keywords: "wake me up", "countdown", "don't let me forget", "get rid of", "do i have"...
4. The slots: the task is what is left after the words that ask ("remind me to", "add ... to my
   calendar") once the date-times are taken out; an alarm's or timer's label follows "for",
   "called" or "labelled". A request missing what it needs (a reminder with no time) is an
   Intent with intent None and a reason that says what is missing.

Intents and slots (datetime: ISO 8601 with the user's offset; date: YYYY-MM-DD):
  set_reminder {task, datetime}   set_alarm {datetime, label?}   set_timer {duration_s, label?}
  cancel_reminder {task?, date?, datetime?, all?}   cancel_alarm {date?, datetime?, all?}
  cancel_timer {all?}   list_reminders {date?}   list_alarms {date?}   list_timers {}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from asr.commands import datetimes
from asr.commands.datetimes import DateTimeError
from asr.commands.spoken import number_words, spoken

INTENTS = (
    "set_reminder",
    "set_alarm",
    "set_timer",
    "cancel_reminder",
    "cancel_alarm",
    "cancel_timer",
    "list_reminders",
    "list_alarms",
    "list_timers",
)
# Misspellings people type, and the acoustic model's usual ones, -> the word.
TYPOS = {
    "tommorow": "tomorrow",
    "tomorow": "tomorrow",
    "tommorrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorrows": "tomorrow",
    "tonights": "tonight",
    "todays": "today",
    "alram": "alarm",
    "alaram": "alarm",
    "alarn": "alarm",
    "alrm": "alarm",
    "remider": "reminder",
    "reminer": "reminder",
    "remaind": "remind",
    "calander": "calendar",
    "calender": "calendar",
    "calandar": "calendar",
    "pleaze": "please",
    "pls": "please",
    "plz": "please",
    "goto": "go to",
    "wanna": "want to",
    "gonna": "going to",
    "thre": "three",
    "timmer": "timer",
    "apointment": "appointment",
    "appointmet": "appointment",
    "shedule": "schedule",
    "wakeup": "wake up",
    "oclock": "o'clock",
    "tomorrow's": "tomorrow",
    "today's": "today",
    "tonight's": "tonight",
    "everyday": "every day",
    "weekend's": "weekend",
    "twelveth": "twelfth",
    "alll": "all",
    "mins": "minutes",
    "hrs": "hours",
    "secs": "seconds",
    "min": "minutes",
    "hr": "hours",
    "neat": "next",
    "week's": "week",
    "jan": "january",
    "feb": "february",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}
WAKE_WORDS = ("olly", "pda", "alexa", "siri", "google", "jarvis", "echo", "cortana")
LEADING = ("hey", "ok", "okay", "hi", "so", "um", "uh", "well", "oh")  # said before the request
# Politeness and filler: word sequences that say nothing of the request, longest first.
FILLERS = sorted(
    [
        ("please",),
        ("kindly",),
        ("thanks",),
        ("thank", "you"),
        ("for", "me"),
        ("could", "you"),
        ("can", "you"),
        ("would", "you"),
        ("will", "you"),
        ("can", "u"),
        ("i", "want", "you", "to"),
        ("i", "need", "you", "to"),
        ("i'd", "like", "you", "to"),
        ("i", "would", "like", "you", "to"),
        ("go", "ahead", "and"),
        ("would", "you", "mind"),
        ("i", "was", "wondering", "if", "you", "could"),
        ("help", "me"),
        ("could", "you", "please"),
        ("for", "myself"),
        ("quickly",),
        ("now",),
    ],
    key=len,
    reverse=True,
)
INTRO = {"for", "by", "until", "till", "before", "every", "around", "about", "is"}  # may introduce a date-time
STRONG = re.compile(
    r"(^|\s)(at|am|pm|o'clock|noon|midnight|midday|today|tonight|tomorrow|morning|afternoon|"
    r"evening|night|week|in|now|" + "|".join(datetimes.WEEKDAYS + datetimes.MONTHS) + r")(\s|$)|\d+(st|nd|rd|th)"
)

ALARM = {"alarm", "alarms"}
WAKE = (("wake", "me"), ("wake", "up"), ("get", "me", "up"), ("get", "up"), ("wake", "us"))
TIMER = {"timer", "timers", "countdown", "stopwatch"}
REMINDER = {
    "remind",
    "reminder",
    "reminders",
    "remember",
    "forget",
    "notify",
    "notification",
    "notifications",
    "alert",
    "reminded",
    "recall",
}
CALENDAR = {
    "calendar",
    "agenda",
    "schedule",
    "scheduled",
    "event",
    "events",
    "appointment",
    "appointments",
    "meeting",
    "meetings",
    "plans",
    "diary",
    "calender",
}
ELSEWHERE = {
    "email",
    "emails",
    "text",
    "texts",
    "message",
    "messages",
    "mail",
    "voicemail",
    "uber",
    "lyft",
    "taxi",
    "cab",
    "ride",
    "inbox",
    "weather",
    "news",
    "invite",
    "tickets",
    "ticket",
    "flight",
    "restaurant",
    "recommend",
    "nearby",
    "local",
    "area",
    "town",
    "city",
    "near",
    "around",
    "social",
    "fun",
    "concert",
    "concerts",
    "festival",
    "festivals",
    "shows",
}  # another assistant's job: mail, rides, what is on in town
CANCEL = {
    "cancel",
    "delete",
    "remove",
    "clear",
    "erase",
    "disable",
    "unset",
    "dismiss",
    "undo",
    "drop",
    "deactivate",
    "scrap",
    "wipe",
    "empty",
    "deleted",
    "removed",
    "cancelled",
    "canceled",
    "erased",
}
EMPTY = {"clear", "empty", "wipe"}  # "clear my calendar": everything on it
# Phrases that cancel wherever they stand, and those that cancel only before a reminder's task
# ("remind me to take out the trash" sets a reminder).
CANCEL_ALWAYS = (
    ("don't", "remind"),
    ("do", "not", "remind"),
    ("no", "longer"),
    ("call", "off"),
    ("turn", "the", "alarm", "off"),
    ("turn", "my", "alarm", "off"),
    ("stop", "the", "alarm"),
    ("stop", "my", "alarm"),
)
CANCEL_BEFORE_TASK = (
    ("turn", "off"),
    ("switch", "off"),
    ("shut", "off"),
    ("get", "rid"),
    ("take", "off"),
    ("take", "out"),
    ("off", "my"),
    ("off", "of"),
    ("out", "of", "my"),
)
QUESTION = {
    "what",
    "what's",
    "whats",
    "which",
    "when",
    "when's",
    "how",
    "do",
    "did",
    "does",
    "is",
    "are",
    "am",
    "any",
    "anything",
    "list",
    "show",
    "tell",
    "read",
    "check",
    "review",
    "view",
    "see",
    "hear",
    "display",
    "repeat",
    "report",
    "confirm",
    "give",
    "play",
    "next",
    "upcoming",
    "go",
    "search",
    "where",
    "who",
    "latest",
    "pending",
    "future",
    "my",
    "whatever",
    "was",
    "were",
}
KNOW = (
    ("like", "to", "know"),
    ("want", "to", "know"),
    ("need", "to", "know"),
    ("remind", "me", "what"),
    ("remind", "me", "of", "what"),
    ("remind", "me", "the", "things"),
    ("go", "through"),
    ("list", "of"),
    ("reminder", "list"),
    ("reminders", "list"),
    ("things", "to", "remember"),
    ("how", "many"),
)
SET = {
    "set",
    "create",
    "make",
    "add",
    "put",
    "schedule",
    "start",
    "new",
    "book",
    "save",
    "need",
    "want",
    "give",
    "setup",
    "begin",
    "plan",
    "arrange",
    "place",
    "insert",
    "enter",
    "program",
    "activate",
    "write",
    "mark",
    "note",
    "pencil",
    "block",
    "log",
    "jot",
    "send",
    "remind",
    "notify",
    "alert",
    "remember",
    "wake",
    "get",
}
# Words that ask for a reminder or a calendar entry, before its task: "set up a new reminder for me to".
ASKING = {
    "remind",
    "me",
    "to",
    "a",
    "an",
    "the",
    "reminder",
    "set",
    "create",
    "make",
    "add",
    "up",
    "new",
    "please",
    "i",
    "need",
    "want",
    "would",
    "like",
    "don't",
    "let",
    "forget",
    "remember",
    "notify",
    "alert",
    "send",
    "give",
    "put",
    "schedule",
    "save",
    "book",
    "calendar",
    "event",
    "on",
    "in",
    "for",
    "of",
    "that",
    "about",
    "it",
    "you",
    "can",
    "could",
    "will",
    "should",
    "be",
    "notified",
    "notification",
    "so",
    "get",
    "have",
    "write",
    "down",
    "mark",
    "note",
    "place",
    "enter",
    "repeating",
    "recurring",
    "notice",
    "reminders",
}
TASK_INTRO = ("to", "about", "that", "of", "for", "regarding", "re")
CALENDAR_TAIL = re.compile(
    r"\s*\b(?:to|in|on|onto|into|from|off|off of)\s+(?:my|the|this)\s+"
    r"(?:calendar|agenda|schedule|diary|calender)\b|\s*\bfrom (?:calendar|agenda)\b"
)
LEADING_SUBJECT = re.compile(
    r"^(?:i have(?: an?| to)?|i need to|i must|i should|i've got to|i got to|there is an?)(?:\s+|$)"
)
GENERIC = {
    "my",
    "the",
    "a",
    "an",
    "this",
    "that",
    "all",
    "any",
    "every",
    "each",
    "of",
    "next",
    "upcoming",
    "last",
    "scheduled",
    "succeeding",
    "following",
    "current",
    "event",
    "events",
    "reminder",
    "reminders",
    "entry",
    "entries",
    "item",
    "items",
    "everything",
    "anything",
    "details",
    "content",
    "stuff",
    "things",
    "and",
    "in",
    "at",
    "time",
    "it",
    "i",
    "set",
    "calendar",
    "whatever",
    "is",
    "pending",
    "recurring",
}
FUNCTION_WORDS = {"the", "a", "an", "to", "it", "this", "that", "and", "of", "in", "at", "on", "for", "me", "my", "i"}
UNSUPPORTED = re.compile(
    r"^(?:if|when|whenever|once|as soon as)\b|\b(?:before|after) (?:it|the|my|each|every|next)\b"
    r"|\| (?:before|after)\b|\b(?:before|after)$|\b(?:hours?|minutes?|days?|weeks?) before\b"
)
_RANGE = re.compile(r" (?:between|from) \d+(?: \d+)?(?: [ap]m)? (?:and|to|till|until) \d+(?: \d+)?(?: [ap]m)? ")
_YEAR = re.compile(r"(19|20|21)\d\d")  # "on april 1 2017": the year after a day is dropped
_DAY = re.compile(r"\d{1,2}(st|nd|rd|th)?")
LABEL_INTRO = ("called", "named", "labelled", "labeled", "titled", "for", "to")
NOT_LABELS = re.compile(r"^(?:me|it|us|now|myself|go off|ring|wake|sound|start|stop|get up|set)\b")


@dataclass
class Intent:
    """What a command means: its name and slot values (numbers, seconds, ISO 8601 date-times,
    words), the text it was read from, and a confidence in [0, 1]; with name None, the reason."""

    name: str | None  # the intent's name; None when nothing was understood
    slots: dict = field(default_factory=dict)
    text: str = ""
    confidence: float = 1.0
    reason: str | None = None  # why name is None

    def to_dict(self) -> dict:
        """The JSON object: intent (the name), slots, confidence, text, and reason when not understood."""
        out = {"intent": self.name, "slots": self.slots, "confidence": round(self.confidence, 4), "text": self.text}
        if self.reason:
            out["reason"] = self.reason
        return out


def words_of(text: str) -> list[str]:
    """Typed or decoded text -> the request's words: read as said, wake words, politeness and
    misspellings gone. Raises DateTimeError for a typed date that reads two ways ("on 3/4")."""
    text = re.sub(r"\b(\d{1,2}(?::\d\d)?)\s*-\s*(\d{1,2}(?::\d\d)?)", r"between \1 and \2", text.lower())  # "8-10"
    text = spoken(text.replace("&", " and "))
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)
    text = re.sub(r"'?o\s*'?clock\b", " o'clock", re.sub(r"\bmid day\b", "midday", text))
    text = re.sub(r"(?<!\bthe )\bremainder\b", "reminder", text)  # "set a remainder", not "the remainder of"
    words = re.sub(r"[^a-z0-9' ]+", " ", text).split()
    words = [t for w in words for t in TYPOS.get(w.strip("'"), w.strip("'")).split() if t]
    words = [w for w in words if w not in WAKE_WORDS]
    while words and words[0] in LEADING:
        words = words[1:]
    out, i = [], 0
    while i < len(words):
        filler = next((f for f in FILLERS if tuple(words[i : i + len(f)]) == f), None)
        if filler and not (filler == ("now",) and out and out[-1] == "from"):
            i += len(filler)
        else:
            out.append(words[i])
            i += 1
    return out


@dataclass(frozen=True)
class Span:
    start: int  # token index
    end: int
    kind: str  # "moment" (a date-time phrase) or "duration"


def find_spans(tokens: list[str]) -> list[Span]:
    """The date-time and duration phrases among a sentence's tokens, left to right."""
    spans, i = [], 0
    while i < len(tokens):
        intro = tokens[i] in INTRO and i + 1 < len(tokens)
        start = i + 1 if intro else i
        if tokens[start] == "the" and start + 1 < len(tokens) and tokens[start + 1] in ("next", "following"):
            start += 1  # "the next friday"
        end = datetimes.extent(tokens, start)
        duration_end = _duration_extent(tokens, start)
        if duration_end > end:
            spans.append(Span(i, duration_end, "duration"))
            i = duration_end
        elif end > start and (intro or STRONG.search(" ".join(tokens[start:end]))):
            spans.append(Span(i, end, "moment"))
            i = end
        else:
            i += 1
    return spans


def _duration_extent(tokens: list[str], start: int) -> int:
    parser = datetimes._Parser(tokens)
    parser.i = start
    return parser.i if parser.attempt(parser.duration) is not None else start


def _said(tokens: list[str]) -> str:
    """Tokens back to words: "take 2 pills" -> "take two pills", "the 3rd" -> "the third"."""
    out = []
    for t in tokens:
        if t.isdigit():
            out.append(number_words(int(t)))
        elif m := re.fullmatch(r"(\d+)(st|nd|rd|th)", t):
            out.append(number_words(int(m[1]), "ordinal"))
        else:
            out.append(t)
    return " ".join(out)


def _has(words: list[str], vocabulary: set[str]) -> bool:
    return any(w in vocabulary for w in words)


def _has_phrase(words: list[str], phrases) -> bool:
    joined = f" {' '.join(words)} "
    return any(f" {' '.join(p)} " in joined for p in phrases)


# Questions about one's own calendar that name no calendar word: "what do i have going on next week".
CALENDAR_QUESTIONS = (
    ("what's", "happening"),
    ("what", "is", "happening"),
    ("anything", "happening"),
    ("what", "do", "i", "have"),
    ("do", "i", "have", "a"),
    ("do", "i", "have", "anything"),
    ("do", "i", "have", "any"),
    ("what", "time", "is", "my"),
    ("what", "time", "is", "the"),
    ("what", "time", "will", "the"),
    ("when", "and", "where", "is"),
    ("am", "i", "free"),
    ("am", "i", "busy"),
    ("am", "i", "available"),
    ("my", "pending", "tasks"),
    ("what", "is", "the", "plan"),
    ("things", "i", "want", "to", "recall"),
    ("is", "my", "calendar"),
)
# A request to set, even when it opens like a question: "is it possible to set a timer".
REQUEST_TO_SET = (
    ("to", "set"),
    ("to", "create"),
    ("to", "add"),
    ("to", "make"),
    ("to", "schedule"),
    ("remind", "me", "to"),
    ("remind", "me", "about"),
    ("me", "a", "reminder"),
)


WEAK_REMINDER = {"notify", "notification", "notifications", "alert"}  # also said of mail and apps
LET_ME_KNOW = tuple(("let", "me", "know", w) for w in ("in", "at", "on", "when", "to", "about", "tomorrow", "tonight"))
ALARM_PHRASES = WAKE + (("let", "me", "know", "when", "it", "is"), ("tell", "me", "when", "it", "is"))
EVER_SAID = {
    "weekend",
    "week",
    "today",
    "tonight",
    "tomorrow",
    "my",
    "planned",
    "going",
}  # a calendar question names a day or "my"


def _domain(words: list[str], spans: list[Span]) -> str | None:
    if _has(words, ALARM) or _has_phrase(words, ALARM_PHRASES):
        return "alarm"
    if _has(words, TIMER) or _has_phrase(
        words,
        (("count", "down"), ("counting", "down"), ("time", "left"), ("time", "is", "left"), ("time", "remaining")),
    ):
        return "timer"
    if _has(words, REMINDER - WEAK_REMINDER) or _has_phrase(words, LET_ME_KNOW):
        return "reminder"
    if _has(words, ELSEWHERE):
        return None  # "what events are happening near me", "email tom about the meeting"
    if _has(words, WEAK_REMINDER):
        return "reminder"
    if _has(words, CALENDAR):
        return "calendar"
    if _has_phrase(words, CALENDAR_QUESTIONS) and (spans or _has(words, EVER_SAID)):
        return "calendar"
    return None


TASK_OPENERS = (("remind", "me", "to"), ("reminder", "to"), ("remember", "to"), ("forget", "to"), ("remind", "me"))


def _action(words: list[str], domain: str, first: str) -> str:
    """set, cancel, list, or none (a statement, not a request). `first`: the first word that is
    not a date-time ("today how many...")."""
    asking = words
    for opener in TASK_OPENERS:  # "remind me to take out the trash": what follows is the task
        joined = f" {' '.join(words)} "
        if f" {' '.join(opener)} " in joined and not _has_phrase(words, (("don't", "remind"), ("do", "not", "remind"))):
            asking = joined[: joined.index(f" {' '.join(opener)} ")].split()
            break
    off = any(
        w == "off" and (i == 0 or asking[i - 1] not in ("go", "goes", "going", "set")) for i, w in enumerate(asking)
    )
    if not _has(words, ALARM | CALENDAR):
        off = False  # "take out the trash", "take off the cover": a task, unless a calendar or an alarm is named
        asking = [w for w in asking if w not in ("off", "out")]
    if _has(asking, CANCEL) or _has_phrase(words, CANCEL_ALWAYS) or _has_phrase(asking, CANCEL_BEFORE_TASK) or off:
        return "cancel"
    past_question = first in ("did", "has", "was", "were") or first == "have" and _has(words[1:3], {"i", "you", "we"})
    if past_question or _has_phrase(words, KNOW + CALENDAR_QUESTIONS):  # not "have an alarm wake me at 6"
        return "list"
    if domain == "calendar" and "happening" in words:  # "is anything happening on may 3rd", not "events happening soon"
        return (
            "list"
            if _has(words, {"my", "i", "today", "tomorrow", "tonight"}) or _has(words, set(datetimes.MONTHS))
            else "none"
        )
    if first in QUESTION and not _has_phrase(words, REQUEST_TO_SET):
        return "list"
    if words[-1:] in (["alarms"], ["timers"], ["settings"], ["list"]):
        return "list"  # "my alarms", "alarm settings"
    if domain == "calendar" and not _has(words, SET):  # "today's schedule", "my events"; not "the meeting went well"
        return "list" if len(words) <= 4 or "my" in words else "none"
    return "set"


class _Reader:
    """One sentence's tokens, its date-time spans and what they mean at `now`."""

    def __init__(self, words: list[str], now: datetime):
        self.now = now
        tokens = datetimes.tokens(" ".join(words))
        tokens = [t for k, t in enumerate(tokens) if not (k and _YEAR.fullmatch(t) and _DAY.fullmatch(tokens[k - 1]))]
        self.tokens = _RANGE.sub(" ", f" {' '.join(tokens)} ").split()  # a span of hours names no one time
        self.spans = find_spans(self.tokens)
        self.words = [_said([t]) for t in self.tokens]

    def rest(self) -> list[str]:
        """The words with the date-time spans taken out ("|" where one stood)."""
        out = []
        taken = {i for s in self.spans for i in range(s.start, s.end)}
        for i, word in enumerate(self.words):
            if i not in taken:
                out.append(word)
            elif out[-1:] != ["|"]:
                out.append("|")
        return out

    def moment_spans(self) -> list[list[str]]:
        out = []
        for s in self.spans:
            if s.kind == "moment":
                body = self.tokens[s.start : s.end]
                if body[0] in INTRO and body[1:]:
                    body = body[1:]
                out.append(body[1:] if body[:1] == ["the"] and body[1:2] in (["next"], ["following"]) else body)
        return out

    def moment(self, default_meridiem: str | None = None, past: bool = False) -> datetime | None:
        """The one moment the date-times name (None if none is said); `past`: one that has already
        passed today is fine (the 1 pm meeting to delete)."""
        spans = self.moment_spans()
        if sum(map(_clock, spans)) > 1:
            raise DateTimeError(f"'{' and '.join(_said(s) for s in spans)}' name two times; ask for one at a time")
        tokens = [t for s in spans for t in s]
        if not tokens:
            return None
        try:
            moment = datetimes.datetime_of(tokens, self.now, _said(tokens), default_meridiem)
        except DateTimeError:
            if not past:
                raise
            start_of_day = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
            moment = datetimes.datetime_of(tokens, start_of_day, _said(tokens), default_meridiem)
        if moment is None:
            raise DateTimeError(f"cannot tell which moment '{_said(tokens)}' means; say one day and one time")
        return moment

    def day_of(self) -> str | None:
        """The day the date-times name, whether or not a time of it has passed."""
        tokens = [t for s in self.moment_spans() if not _clock(s) for t in s]
        if not tokens or all(
            t in ("morning", "afternoon", "evening", "night", "in", "the", "at", "hours") for t in tokens
        ):
            return None  # "my morning alarm": a part of the day alone names no day
        moment = datetimes.datetime_of(tokens + ["at", "23", "59"], self.now, _said(tokens))
        if moment is None:
            raise DateTimeError(f"cannot tell which day '{_said(tokens)}' means")
        return moment.date().isoformat()

    def duration(self) -> float | None:
        for s in self.spans:
            parser = datetimes._Parser(self.tokens[s.start : s.end])
            parser.accept(*INTRO, "in")
            seconds = parser.attempt(parser.duration)
            if seconds is not None:
                return seconds
        return None

    def relative_only(self) -> bool:
        """Whether the one date-time said is "in <duration>" ("let me know in 15 minutes")."""
        return len(self.spans) == 1 and self.tokens[self.spans[0].start] == "in" and self.duration() is not None


def _clock(tokens: list[str]) -> bool:
    """Whether date-time tokens name a time of day, not only a day."""
    return any(t.isdigit() or t in ("noon", "midnight", "midday", "o'clock") for t in tokens)


def _tidy(text: str) -> str:
    """Words of a task or label: calendar tails, leading "i have a", "that", trailing "every day",
    "down" and prepositions go; the first stretch between date-times is kept, with a "with ..."
    that follows joined on ("meeting | with tom" -> "meeting with tom")."""
    pieces = []
    for piece in CALENDAR_TAIL.sub("", text).split("|"):
        piece = re.sub(r"^\s*(?:an? )?(?:item|note|entry)?\s*that\s+", "", piece.strip())
        piece = re.sub(
            r"^(?:my|the) (?:calendar|agenda|schedule|diary) (?:for|with|that)\s+", "", piece
        )  # "mark my calendar for"
        piece = LEADING_SUBJECT.sub("", piece)
        piece = re.sub(r"\s*\b(?:every|each)\s+(?:day|week|month|year|morning|evening|night)\b.*$", "", piece)
        piece = re.sub(r"(?:\s+(?:time\s+)?(?:down|put|added|scheduled))+$", "", piece)
        piece = re.sub(r"(?:\s*\b(?:to|about|for|at|on|in|by|and|of|with|every|each|the|a|an)\b)+\s*$", "", piece)
        if piece.strip() and any(w not in FUNCTION_WORDS for w in piece.split()):
            pieces.append(piece.strip())
    if not pieces:
        return ""
    return " ".join([pieces[0]] + [p for p in pieces[1:] if p.startswith("with ")])


def _task(rest: list[str]) -> str:
    """A reminder's task: the words after the ones that ask, date-times taken out."""
    anchors = [i for i, w in enumerate(rest) if w in REMINDER | {"notified", "know"}]
    verbs = [i for i, w in enumerate(rest) if w in SET]
    ask = anchors[-1] if anchors else verbs[0] if verbs else -1  # "i need a reminder to remind me to": the last
    words = rest[ask + 1 :]
    while words and words[0] in (ASKING | {"|"}) - set(TASK_INTRO):
        words = words[1:]
    if words and words[0] in TASK_INTRO:
        words = words[1:]
    text = re.sub(r"^(?:put|write|mark|note)\s+(?:it\s+)?(?:down\s+)?(?:that\s+)?", "", " ".join(words))
    if not anchors:  # a calendar entry: "i want to add farm trip to my calendar"
        text = re.sub(r"^(?:add|put|schedule|set|make|create|book|save|write|mark|enter|place)\s+", "", text)
    task = _tidy(text)
    if not task and ask > 0:  # "i have an appointment tomorrow, remind me"
        before = [w for w in rest[:ask] if w not in ASKING - {"i", "have", "to", "a", "an", "the"}]
        task = _tidy(re.sub(r"\s*\b(?:please|send me an?|can you|so|let me|and)\s*$", "", " ".join(before)))
    return task


def _cancelled(rest: list[str]) -> str:
    """What a cancel request names: "remove lunch with sally from my calendar" -> "lunch with sally";
    "cancel my reminder to call mom" -> "call mom"; "delete my next event" -> ""."""
    for i, w in enumerate(rest):
        after = rest[i + 2 :] if rest[i + 1 : i + 2] == ["me"] and w == "remind" else rest[i + 1 :]
        if w in ("reminder", "reminders", "remind") and after[:1] and after[0] in ("to", "about", "for", "of"):
            return _tidy(" ".join(after[1:]))  # "cancel my reminder to call mom", "don't remind me to"
    verb = next((i for i, w in enumerate(rest) if w in CANCEL or w in ("rid", "take", "turn", "off", "out")), None)
    words = rest[verb + 1 :] if verb is not None else rest
    while words and words[0] in GENERIC | {"of", "off", "out", "rid", "|"}:
        words = words[1:]
    stop = next(
        (
            i
            for i, w in enumerate(words)
            if w in ("|", "from", "off", "out", "that", "which", "for", "on", "in", "after", "before", "until", "and")
        ),
        len(words),
    )
    words = words[:stop]
    while words and words[0] in GENERIC:
        words = words[1:]
    while words and words[-1] in GENERIC:
        words = words[:-1]
    return " ".join(words) if any(w not in GENERIC | {"agenda", "schedule", "diary", "calender"} for w in words) else ""


def _label(rest: list[str]) -> str | None:
    """An alarm's or timer's name: "for soccer practice", "called pasta"."""
    after = next((i for i, w in enumerate(rest) if w in ALARM | TIMER), None)
    if after is None:
        return None
    for i in range(after + 1, len(rest)):
        if rest[i] in LABEL_INTRO:
            words = rest[i + 1 :]
            words = words[: words.index("|")] if "|" in words else words
            label = _tidy(" ".join(words))
            if label and not NOT_LABELS.match(label):
                return label
    return None


def parse_request(text: str, now: datetime) -> Intent | None:
    """A built-in request's intent and slots; an Intent with intent None and the reason when it is
    one but cannot be carried out; None when the text is not a built-in request at all."""
    try:
        words = words_of(text)
        if not words:
            return None
        reader = _Reader(words, now)
        domain = _domain(words, reader.spans)
        if domain is None:
            return None
        return _read_request(words, reader, domain, now)
    except DateTimeError as e:
        return Intent(None, text=text, confidence=0.0, reason=str(e))


def _missing(what: str) -> Intent:
    return Intent(None, confidence=0.0, reason=what)


def _read_request(words: list[str], reader: _Reader, domain: str, now: datetime) -> Intent | None:
    first = next((w for w in reader.rest() if w != "|"), "")
    action = _action(words, domain, first)
    if action == "none":
        return None
    if domain == "calendar":
        domain = "reminder"
    if action == "list":
        if domain == "timer":
            return Intent("list_timers", {})
        return Intent(f"list_{domain}s", _date_slots(reader))
    if action == "cancel":
        slots = _date_slots(reader, one_time=True)
        if _has(words, {"all", "every", "everything", "any"}) or (_has(words, EMPTY) and _has(words, CALENDAR)):
            slots["all"] = True
        if domain == "reminder" and (task := _cancelled(reader.rest())):  # what to cancel, by its words
            slots["task"] = task
        return Intent(f"cancel_{domain}", slots)
    if domain == "timer":
        seconds = reader.duration()
        if seconds is None:
            return _missing("a timer needs a length: how long should it run? e.g. 'set a timer for ten minutes'")
        slots = {"duration_s": int(seconds) if seconds == int(seconds) else seconds}
        if label := _label(reader.rest()):
            slots["label"] = label
        return Intent("set_timer", slots)
    if domain == "alarm":  # an alarm with no am or pm is a morning's: people set them to wake up
        moment = reader.moment("am")
        if moment is None:
            return _missing("an alarm needs a time: when should it ring? e.g. 'set an alarm for seven am'")
        slots = {"datetime": moment.isoformat()}
        if label := _label(reader.rest()):
            slots["label"] = label
        return Intent("set_alarm", slots)
    task = _task(reader.rest())
    if UNSUPPORTED.search(task) or UNSUPPORTED.search(" ".join(reader.rest())) or UNSUPPORTED.search(" ".join(words)):
        return _missing("reminders tied to an event or a condition are not supported; say a day and a time")
    if not task and reader.relative_only():  # "let me know in 15 minutes": a timer
        return Intent("set_timer", {"duration_s": int(reader.duration())})
    moment = reader.moment()
    if not task:
        return _missing("a reminder needs a task: what should it say? e.g. 'remind me to call mom tomorrow at nine'")
    if moment is None:
        return _missing(f"a reminder needs a time: when should it go off? e.g. 'remind me to {task} tomorrow at nine'")
    return Intent("set_reminder", {"task": task, "datetime": moment.isoformat()})


def _date_slots(reader: _Reader, one_time: bool = False) -> dict:
    """A cancel or list request's date-times: a datetime when one time of day is said, else the
    day. `one_time`: two times of day are an error (a cancel must name what it cancels)."""
    spans = reader.moment_spans()
    clocks = sum(map(_clock, spans))
    if clocks == 1 or clocks > 1 and one_time:
        return {"datetime": reader.moment(past=True).isoformat()}
    day = reader.day_of()
    return {"date": day} if day else {}
