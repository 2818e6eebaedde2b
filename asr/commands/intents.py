"""Text -> intent with slot values, through the active context (built-in + the user's).

    grammar = active_grammar("coffee.yaml")      # built-in context plus a user's
    understand("remind me to call mom tomorrow at nine", grammar, now).to_dict()
    -> {"intent": "set_reminder", "slots": {"task": "call mom", "datetime": "2026-11-25T09:00:00-05:00"}, ...}

Typed text is first read as spoken (asr.spoken): "Remind me to call mom tomorrow at 9." is the
same command.

`now` is an aware datetime in the user's zone, read once by the caller; nothing here reads the
clock. A text outside the context, or naming a date that does not exist, gives intent None with
the reason.
"""

from __future__ import annotations

import os
from datetime import datetime

from asr.commands import builtin
from asr.commands.context import merge, read_context
from asr.commands.datetimes import DateTimeError
from asr.commands.grammar import Grammar
from asr.commands.requests import INTENTS as REQUESTS
from asr.commands.requests import Intent, parse_request
from asr.commands.spoken import spoken


def active_grammar(context_path: str | os.PathLike | None = None) -> Grammar:
    """The built-in context, plus the user's context file when given, compiled."""
    context = builtin.commands_context()
    if context_path:
        context = merge(context, read_context(context_path))
    return builtin.compile_context(context)


def understand(text: str, grammar: Grammar, now: datetime, confidence: float = 1.0) -> Intent:
    """Typed or decoded text -> its intent. The keyword commands, digits and the user's contexts
    are read strictly by the grammar; reminders, timers and alarms by the robust parser
    (asr.requests), however they are phrased."""
    try:
        said = spoken(text)
    except DateTimeError as e:  # a typed date that reads two ways
        return Intent(None, text=text, confidence=0.0, reason=str(e))
    if not said:
        return Intent(None, text=said, confidence=0.0, reason="no speech: the text is empty")
    parse = grammar.parse(said)
    if parse is not None and parse.intent not in REQUESTS:
        slots = {}
        for name, words in parse.slots.items():
            slot_type = parse.types[name]
            try:
                slots[name] = builtin.slot_value(slot_type, words, now, grammar.context.slots.get(slot_type))
            except DateTimeError as e:
                return Intent(None, text=said, confidence=0.0, reason=str(e))
        return Intent(parse.intent, slots, parse.text, confidence)
    # The grammar's reading mends "tomorow" and "thre"; else the text as typed ("8-10" is a range).
    request = parse_request(parse.text if parse is not None else text, now)
    said = parse.text if parse is not None else said
    if request is None:
        return Intent(None, text=said, confidence=0.0, reason="not a command of the active context")
    request.text = said
    if request.name is not None:
        request.confidence = confidence
    return request
