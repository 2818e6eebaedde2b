"""Actions on the reminder store for the built-in requests: set, cancel and list reminders,
alarms and timers."""

from __future__ import annotations

from datetime import datetime, timedelta

from asr.app.store import Reminder, ReminderStore
from asr.commands.requests import Intent


def act(intent: Intent, store: ReminderStore, now: datetime) -> str:
    """Take a built-in request's action on the store (asr.app.store.ReminderStore); returns what was
    done, for the user. set_* stores (a timer ends `now` + its length); cancel_* cancels the
    pending entries the slots pick (task words, date, time), when they pick one or say "all";
    list_* lists them. Other intents need no action."""
    verb, _, kind = (intent.name or "").partition("_")
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


def _picked(entry: Reminder, slots: dict) -> bool:
    """Whether a stored entry is the one a cancel or list request's slots name."""
    if slots.get("task") and slots["task"] not in entry.task:
        return False
    if slots.get("date") and not entry.due.startswith(slots["date"]):
        return False
    return not slots.get("datetime") or datetime.fromisoformat(entry.due) == datetime.fromisoformat(slots["datetime"])
