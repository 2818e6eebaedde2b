"""The built-in slot types (numbers, durations, date-times, free text, and Rhino's `pv.*` numbers,
ordinals, percentages and letters) and the built-in context (reminders, timers, alarms, the ten
Speech Commands keywords, digits), both in Rhino's context syntax. The other Speech Commands
words ("bed", "marvin"...) are outside it: the 12-class task's "unknown", to be rejected.

The slot types' grammars say what can be decoded; asr/datetimes.py and slot_value say what it
means. Tests check that every sentence the DateTime and pv.* grammars can produce is understood.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from text_to_num import text2num

from asr.commands.context import Context, check_references, load_context
from asr.commands.datetimes import DateTimeError, parse_datetime, parse_duration
from asr.commands.expressions import TEXT_TYPE
from asr.commands.grammar import Grammar
from asr.commands.spoken import number_words
from asr.words import free_words

TYPES_YAML = r"""
context:
  macros:
    digit: [one, two, three, four, five, six, seven, eight, nine]
    teen: [ten, eleven, twelve, thirteen, fourteen, fifteen, sixteen, seventeen, eighteen, nineteen]
    tens: [twenty, thirty, forty, fifty, sixty, seventy, eighty, ninety]
    below100: ["@digit", "@teen", "@tens (@digit)"]
    number: ["@below100", "[a, one] hundred (and @below100)"]
    hour: ["@digit", "ten", "eleven", "twelve"]
    minutes: ["oh @digit", "@teen", "[twenty, thirty, forty, fifty] (@digit)"]
    meridiem: ["[am, pm, a m, p m]", "in the [morning, afternoon, evening]", "at night", "tonight"]
    clock:
      - "@hour (@minutes) (o'clock)"
      - "half past @hour"
      - "(a) quarter [past, to] @hour"
      - "[@digit, @teen, [twenty, thirty, forty, fifty] (@digit)] (minutes) [past, to] @hour"
    time: ["(at) @clock (@meridiem)", "(at) [noon, midday, midnight]"]
    weekday: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]
    month: [january, february, march, april, may, june, july, august, september, october, november, december]
    digit_ordinal: [first, second, third, fourth, fifth, sixth, seventh, eighth, ninth]
    teen_ordinal: [tenth, eleventh, twelfth, thirteenth, fourteenth, fifteenth, sixteenth, seventeenth, eighteenth, nineteenth]
    ordinal: ["@digit_ordinal", "@teen_ordinal", "twentieth", "twenty @digit_ordinal", "thirtieth", "thirty first"]
    ordinal_below100:
      - "@digit_ordinal"
      - "@teen_ordinal"
      - "[twentieth, thirtieth, fortieth, fiftieth, sixtieth, seventieth, eightieth, ninetieth]"
      - "@tens @digit_ordinal"
    letter: [LETTERS]  # filled in from LETTERS below
    date:
      - "[today, tomorrow]"
      - "(the) day after tomorrow"
      - "(on) (this, next) @weekday"
      - "(on) @month (the) @ordinal"
      - "(on) the @ordinal (of @month)"
      - "next week"
    daypart: ["tonight", "this [morning, afternoon, evening]"]
    part: ["(in the) [morning, afternoon, evening]", "night"]
    unit: [second, seconds, minute, minutes, hour, hours, day, days, week, weeks]
    amount:
      - "@number @unit (and a half)"
      - "@number and a half @unit"
      - "[a, an] @unit (and a half)"
      - "half [a, an] @unit"
      - "a quarter of an hour"
    duration: ["@amount ((and) @amount)"]
  expressions:
    asr.Digit: ["[zero, @digit]"]
    asr.Number: ["zero", "@number"]
    asr.Duration: ["@duration"]
    asr.DateTime:
      - "in @duration"
      - "@duration from now"
      - "@date (@part) (@time)"
      - "@daypart (@time)"
      - "@time (@date) (@part)"
    # Rhino's built-in slot types, so that existing Rhino contexts compile unchanged
    pv.SingleDigitInteger: ["[zero, @digit]"]
    pv.TwoDigitInteger: ["zero", "@below100"]
    pv.SingleDigitOrdinal: ["@digit_ordinal"]
    pv.TwoDigitOrdinal: ["@ordinal_below100"]
    pv.Percent: ["[zero, @below100, [a, one] hundred] percent"]
    pv.Alphabetic: ["@letter"]
    pv.Alphanumeric: ["@letter", "[zero, @digit]"]
"""
# A letter as it is written and as it is said: the value is the letter.
LETTERS = {
    "a": ["a", "ay"],
    "b": ["b", "bee"],
    "c": ["c", "see", "cee"],
    "d": ["d", "dee"],
    "e": ["e", "ee"],
    "f": ["f", "ef", "eff"],
    "g": ["g", "gee"],
    "h": ["h", "aitch"],
    "i": ["i", "eye"],
    "j": ["j", "jay"],
    "k": ["k", "kay"],
    "l": ["l", "el", "ell"],
    "m": ["m", "em"],
    "n": ["n", "en"],
    "o": ["o", "oh"],
    "p": ["p", "pee"],
    "q": ["q", "cue", "queue"],
    "r": ["r", "ar"],
    "s": ["s", "ess"],
    "t": ["t", "tee"],
    "u": ["u", "you"],
    "v": ["v", "vee"],
    "w": ["w", "double u", "double you"],
    "x": ["x", "ex"],
    "y": ["y", "why", "wye"],
    "z": ["z", "zee", "zed"],
}
_SPOKEN_LETTER = {said: letter for letter, names in LETTERS.items() for said in names}
_ORDINALS = {number_words(n, "ordinal"): n for n in range(1, 100)}  # "twenty first" -> 21
TYPES_YAML = TYPES_YAML.replace("[LETTERS]", "[" + ", ".join(_SPOKEN_LETTER) + "]")

COMMANDS_YAML = r"""
context:
  expressions:
    set_reminder:
      - "(please) [remind me to, [set, create, make, add] a reminder to, don't let me forget to, remember to] $asr.Text:task $asr.DateTime:datetime"
      - "(please) [remind me, [set, create, make, add] a reminder (for)] $asr.DateTime:datetime to $asr.Text:task"
      - "$asr.DateTime:datetime [remind me to, don't let me forget to] $asr.Text:task"
    set_timer:
      - "(please) [[set, start] a timer for, timer for, count down] $asr.Duration:duration_s"
      - "(please) [set, start] a $asr.Duration:duration_s timer"
    set_alarm:
      - "(please) [wake me up, [set, create] an alarm (for), set the alarm (for), alarm] $asr.DateTime:datetime"
    cancel_reminder:
      - "(please) [cancel, delete, remove] (my, the) reminder"
      - "(please) [cancel, delete, remove] (my, the) reminder [to, about] $asr.Text:task"
      - "(please) don't remind me to $asr.Text:task"
    list_reminders:
      - "[list, show] (me) (all) (of) my reminders"
      - "what are my reminders"
      - "what reminders do i have"
    command:
      - "$command:word"
    snooze:
      - "snooze (it, that, (the) [alarm, timer, reminder]) (for $asr.Duration:duration)"
    digit:
      - "$asr.Digit:value"
  slots:
    command: [yes, no, up, down, left, right, "on", "off", stop, go]
"""


@cache
def types_context() -> Context:
    return load_context(TYPES_YAML, "<built-in slot types>")


@cache
def commands_context() -> Context:
    return load_context(COMMANDS_YAML, "<built-in context>")


def builtin_types() -> tuple[str, ...]:
    """The slot types every context may use without defining them: those of TYPES_YAML, and free text."""
    return (*types_context().expressions, TEXT_TYPE)


def compile_context(context: Context) -> Grammar:
    """A context (its slot types checked) compiled with the built-in types; free text decodes to
    the English words and the context's own `words:`."""
    check_references(context, builtin_types())
    return Grammar(context, types_context(), free_words(context.words))


def _number(words: str, now: datetime) -> int:
    return text2num(words.removesuffix(" percent").replace("a hundred", "one hundred"), "en")


def _ordinal(words: str, now: datetime) -> int:
    return _ORDINALS[words]


def _letter(words: str, now: datetime) -> str:
    return _SPOKEN_LETTER.get(words) or str(text2num(words, "en"))


def _seconds(words: str, now: datetime) -> int | float:
    seconds = parse_duration(words)
    return int(seconds) if seconds == int(seconds) else seconds


def _moment(words: str, now: datetime) -> str:
    moment = parse_datetime(words, now)
    if moment is None:
        raise DateTimeError(f"cannot tell which moment '{words}' means; say a day and a time")
    return moment.isoformat()


# What each built-in slot type's words mean; a test checks every type of TYPES_YAML is here.
VALUE_OF = {
    "asr.Digit": _number,
    "asr.Number": _number,
    "pv.SingleDigitInteger": _number,
    "pv.TwoDigitInteger": _number,
    "pv.Percent": _number,
    "pv.SingleDigitOrdinal": _ordinal,
    "pv.TwoDigitOrdinal": _ordinal,
    "pv.Alphabetic": _letter,
    "pv.Alphanumeric": _letter,
    "asr.Duration": _seconds,
    "asr.DateTime": _moment,
}


def slot_value(slot_type: str, words: str, now: datetime, canonical: dict[str, str] | None = None):
    """A slot's said words -> its value: a canonical string, a number, seconds, or an ISO
    date-time; free text as said. Raises DateTimeError for a date that does not exist."""
    if canonical is not None:
        return canonical[words]
    return VALUE_OF[slot_type](words, now) if slot_type in VALUE_OF else words
