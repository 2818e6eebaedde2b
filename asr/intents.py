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
from dataclasses import dataclass, field
from datetime import datetime

from asr import builtin
from asr.datetimes import DateTimeError
from asr.grammar import Context, ContextError, Grammar, read_context
from asr.spoken import spoken


@dataclass
class Intent:
    intent: str | None
    slots: dict = field(default_factory=dict)
    text: str = ""
    confidence: float = 1.0
    reason: str | None = None  # why intent is None

    def to_dict(self) -> dict:
        out = {"intent": self.intent, "slots": self.slots, "confidence": round(self.confidence, 4), "text": self.text}
        if self.reason:
            out["reason"] = self.reason
        return out


def merge(base: Context, extra: Context) -> Context:
    """Both contexts' intents, slots, macros and words; a name defined by both is an error."""
    for kind in ("expressions", "slots", "macros"):
        clash = sorted(set(getattr(base, kind)) & set(getattr(extra, kind)))
        if clash:
            raise ContextError(f"{extra.source}: {kind} {clash} already exist in the built-in context; rename them")
    return Context(
        {**base.expressions, **extra.expressions}, {**base.slots, **extra.slots}, {**base.macros, **extra.macros},
        f"{base.source} + {extra.source}", base.words + extra.words,
    )


def active_grammar(context_path: str | os.PathLike | None = None) -> Grammar:
    """The built-in context, plus the user's context file when given, compiled."""
    context = builtin.commands_context()
    if context_path:
        context = merge(context, read_context(context_path))
    return builtin.compile_context(context)


def understand(text: str, grammar: Grammar, now: datetime, confidence: float = 1.0) -> Intent:
    try:
        text = spoken(text)
    except DateTimeError as e:  # a typed date that reads two ways
        return Intent(None, text=text, confidence=0.0, reason=str(e))
    if not text:
        return Intent(None, text=text, confidence=0.0, reason="no speech: the text is empty")
    parse = grammar.parse(text)
    if parse is None:
        return Intent(None, text=text, confidence=0.0, reason="not a command of the active context")
    slots = {}
    for name, words in parse.slots.items():
        slot_type = parse.types[name]
        try:
            slots[name] = builtin.slot_value(slot_type, words, now, grammar.context.slots.get(slot_type))
        except DateTimeError as e:
            return Intent(None, text=text, confidence=0.0, reason=str(e))
    return Intent(parse.intent, slots, parse.text, confidence)


DEFAULT_THRESHOLD = 0.83  # calibrated: at most 5% of dev commands rejected (benchmarks/rejection.py)


def interpret(transcript, grammar: Grammar, now: datetime, threshold: float = DEFAULT_THRESHOLD) -> Intent:
    """A grammar-decoded Transcript (asr.runtime) -> its intent, or None when the best allowed
    sentence is too unlikely next to the free transcript (out-of-grammar speech, noise)."""
    confidence = transcript.command_confidence
    if transcript.command_text is None:
        return Intent(None, text=transcript.text, confidence=0.0, reason="no sentence of the active context fits")
    if confidence < threshold:
        return Intent(None, text=transcript.text, confidence=confidence,
                      reason=f"rejected: confidence {confidence:.2f} is below the threshold {threshold:.2f}")  # fmt: skip
    return understand(transcript.command_text, grammar, now, confidence)


def act(intent: Intent, store) -> str:
    """Take an intent's action on the reminder store (asr.store.ReminderStore); returns what was
    done, for the user. set_reminder stores; cancel_reminder cancels the one reminder that
    matches (or the only pending one); list_reminders lists. Other intents need no action."""
    if intent.intent == "set_reminder":
        reminder = store.add(intent.slots["task"], datetime.fromisoformat(intent.slots["datetime"]), intent.text)
        return f"reminder {reminder.id} set: {reminder.task} at {reminder.due}"
    if intent.intent == "cancel_reminder":
        task = intent.slots.get("task")
        found = store.matching(task) if task else store.list()
        if len(found) != 1:
            what = f"matching '{task}'" if task else "pending"
            return f"nothing cancelled: {len(found)} reminders {what}; cancel one with 'asr reminders cancel ID'"
        return f"reminder {store.set_status(found[0].id, 'cancelled').id} cancelled: {found[0].task}"
    if intent.intent == "list_reminders":
        pending = store.list()
        return "\n".join(f"{r.id}: {r.task} at {r.due}" for r in pending) or "no pending reminders"
    return ""
