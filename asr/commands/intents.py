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
from datetime import datetime, timedelta

from asr.commands import builtin
from asr.commands.datetimes import DateTimeError
from asr.commands.grammar import Context, ContextError, Grammar, read_context
from asr.commands.requests import INTENTS as REQUESTS
from asr.commands.requests import Intent, parse_request
from asr.commands.spoken import spoken


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
    if request.intent is not None:
        request.confidence = confidence
    return request


def interpret(transcript, grammar: Grammar, now: datetime, threshold: float | None = None) -> Intent:
    """A grammar-decoded Transcript (asr.runtime) -> its intent, or None when the best allowed
    sentence is too unlikely next to the free transcript (out-of-grammar speech, noise).
    threshold: default, the one calibrated for the model that decoded it (transcript.command_threshold).

    The grammar holds the sentences its authors imagined; people ask for reminders, timers and
    alarms in many more. When no allowed sentence fits, the free transcript (open words) goes to
    the same robust parser, and a built-in request found there is the answer."""
    confidence = transcript.command_confidence
    threshold = transcript.command_threshold if threshold is None else threshold
    heard = understand(transcript.text, grammar, now, transcript.confidence)
    if transcript.command_text is not None and confidence >= threshold:
        command = understand(transcript.command_text, grammar, now, confidence)
        # A phone model's open words (its bigram graph) hear a built-in request's free-text task
        # better than the grammar's word loop: when both say the same request, the open words'
        # reading wins (4 points more Kokoro commands exact; BENCHMARKS.md). A letter model's
        # open transcript is spelled, so its grammar sentence stays.
        if transcript.open_words and command.intent in REQUESTS and heard.intent == command.intent:
            heard.confidence = confidence
            return heard
        return command
    if heard.intent in REQUESTS:
        return heard
    if transcript.command_text is None:
        return Intent(None, text=transcript.text, confidence=0.0, reason="no sentence of the active context fits")
    return Intent(None, text=transcript.text, confidence=confidence,
                  reason=f"rejected: confidence {confidence:.2f} is below the threshold {threshold:.2f}")  # fmt: skip


def act(intent: Intent, store, now: datetime) -> str:
    """Take a built-in request's action on the store (asr.store.ReminderStore); returns what was
    done, for the user. set_* stores (a timer ends `now` + its length); cancel_* cancels the
    pending entries the slots pick (task words, date, time), when they pick one or say "all";
    list_* lists them. Other intents need no action."""
    verb, _, kind = (intent.intent or "").partition("_")
    kind = kind.removesuffix("s")
    if kind not in ("reminder", "alarm", "timer") or verb not in ("set", "cancel", "list"):
        return ""
    slots = intent.slots
    if verb == "set":
        if kind == "timer":
            due = now + timedelta(seconds=slots["duration_s"])
        else:
            due = datetime.fromisoformat(slots["datetime"])
        entry = store.add(slots.get("task") or slots.get("label", ""), due, intent.text, kind)
        return f"{kind} {entry.id} set: {entry.task + ' at ' if entry.task else 'at '}{entry.due}"
    picked = [e for e in store.list(kind=kind) if _picked(e, slots)]
    if verb == "list":
        return "\n".join(f"{e.id}: {e.task + ' at ' if e.task else ''}{e.due}" for e in picked) or f"no pending {kind}s"
    if len(picked) != 1 and not (slots.get("all") and picked):
        what = f" matching '{slots['task']}'" if slots.get("task") else ""
        return f"nothing cancelled: {len(picked)} {kind}s{what} pending; cancel one with 'asr reminders cancel ID'"
    return "\n".join(f"{kind} {store.set_status(e.id, 'cancelled').id} cancelled: {e.task or e.due}" for e in picked)


def _picked(entry, slots: dict) -> bool:
    """Whether a stored entry is the one a cancel or list request's slots name."""
    if slots.get("task") and slots["task"] not in entry.task:
        return False
    if slots.get("date") and not entry.due.startswith(slots["date"]):
        return False
    return not slots.get("datetime") or datetime.fromisoformat(entry.due) == datetime.fromisoformat(slots["datetime"])
