"""Reminders, alarms and timers in SQLite: the actions behind the built-in requests.

One table holds all three (`kind`); an alarm's or a timer's label is its `task`, and a timer is
stored with the moment it ends. A store made before alarms and timers existed gains the column
when it is opened (every row in it a reminder).

One file (default: the user data dir, or $ASR_REMINDERS), WAL journal and a busy timeout, so
several processes can add reminders at once without losing any; every statement is
parameterized. Times are stored as ISO 8601 with their offset, and in UTC for ordering.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asr.errors import ASRError

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    due TEXT NOT NULL,          -- ISO 8601 in the user's zone, as said
    due_utc TEXT NOT NULL,      -- the same moment in UTC: sorts and compares as text
    created TEXT NOT NULL,
    said TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
    kind TEXT NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'alarm', 'timer'))
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (status, due_utc);
"""
KINDS = ("reminder", "alarm", "timer")
# Stores written before `kind`: every row a reminder.
ADD_KIND = "ALTER TABLE reminders ADD COLUMN kind TEXT NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'alarm', 'timer'))"


def default_path() -> Path:
    if os.environ.get("ASR_REMINDERS"):
        return Path(os.environ["ASR_REMINDERS"])
    import platformdirs

    return Path(platformdirs.user_data_dir("asr")) / "reminders.sqlite3"


@dataclass(frozen=True)
class Reminder:
    """One stored reminder, alarm or timer."""

    id: int
    task: str  # a reminder's task; an alarm's or a timer's label ("" for none)
    due: str  # ISO 8601 in the user's zone: when it goes off
    status: str  # pending | done | cancelled
    said: str = ""
    kind: str = "reminder"  # reminder | alarm | timer

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "task": self.task,
            "due": self.due,
            "status": self.status,
            "said": self.said,
        }


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("reminder times must be timezone-aware")
    # To the millisecond: a timer of a few seconds must not ring early. Rows of older stores, to
    # the second, still compare right: "12:00:02" sorts before "12:00:02.500".
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00")


class ReminderStore:
    """Reminders, alarms and timers in one SQLite file, safe for several processes at once.
    Times are timezone-aware datetimes in; ISO 8601 strings in the user's zone out."""

    def __init__(self, path: str | os.PathLike | None = None):
        """`path`: the store file; its folder must exist (the default one is made when missing)."""
        self.path = Path(path) if path else default_path()
        if path and not self.path.parent.is_dir():
            raise ASRError(
                f"folder '{self.path.parent}' of the store does not exist; create it or pass another --store"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)  # explicit transactions
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.executescript(SCHEMA)
            if "kind" not in {row[1] for row in self.db.execute("PRAGMA table_info(reminders)")}:
                self._write(ADD_KIND, ())
        except (sqlite3.DatabaseError, OSError) as e:
            raise ASRError(
                f"reminder store '{self.path}' is not usable ({e}); move it aside or pass another --store"
            ) from None

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def _write(self, sql: str, params: tuple) -> sqlite3.Cursor:
        try:
            self.db.execute("BEGIN IMMEDIATE")  # take the write lock now: waits for other writers
            cursor = self.db.execute(sql, params)
            self.db.execute("COMMIT")
            return cursor
        except sqlite3.DatabaseError as e:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise ASRError(f"reminder store '{self.path}': {e}; nothing was changed") from None

    def add(self, task: str, due: datetime, said: str = "", kind: str = "reminder") -> Reminder:
        """Store a pending entry due at the aware datetime `due` (kept to the millisecond); `said`
        is what the user said, `kind` one of KINDS."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        cursor = self._write(
            "INSERT INTO reminders (task, due, due_utc, created, said, kind) VALUES (?, ?, ?, ?, ?, ?)",
            (task, due.isoformat(), _utc(due), created, said, kind),
        )
        return Reminder(cursor.lastrowid, task, due.isoformat(), "pending", said, kind)

    def _select(self, where: str, params: tuple = ()) -> list[Reminder]:
        try:
            rows = self.db.execute(
                f"SELECT id, task, due, status, said, kind FROM reminders WHERE {where} ORDER BY due_utc, id", params
            ).fetchall()
        except sqlite3.DatabaseError as e:
            raise ASRError(f"reminder store '{self.path}' is not readable ({e}); move it aside") from None
        return [Reminder(*row) for row in rows]

    def list(self, include_finished: bool = False, kind: str | None = None) -> list[Reminder]:
        """Pending entries (all, with `include_finished`), of one kind or every kind, soonest first."""
        where = "1 = 1" if include_finished else "status = 'pending'"
        return self._select(where + (" AND kind = ?" if kind else ""), (kind,) if kind else ())

    def due(self, now: datetime) -> list[Reminder]:
        """Pending entries due at or before the aware datetime `now`, soonest first."""
        return self._select("status = 'pending' AND due_utc <= ?", (_utc(now),))

    def set_status(self, reminder_id: int, status: str) -> Reminder:
        """Mark a pending entry done or cancelled; one that is not pending (any more) is an error."""
        found = self._select("id = ?", (reminder_id,))
        if not found:
            raise ASRError(f"no reminder with id {reminder_id}; see 'asr reminders list'")
        changed = self._write(
            "UPDATE reminders SET status = ? WHERE id = ? AND status = 'pending'", (status, reminder_id)
        )
        if changed.rowcount == 0:  # checked in the same statement: another process may have got there first
            now = self._select("id = ?", (reminder_id,))[0].status
            raise ASRError(f"{found[0].kind} {reminder_id} is already {now}; see 'asr reminders list --all'")
        return Reminder(found[0].id, found[0].task, found[0].due, status, found[0].said, found[0].kind)
