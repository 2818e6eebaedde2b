"""asr.app.store: the reminder store, concurrent writers, bad stores."""

import multiprocessing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from asr.app.store import ReminderStore
from asr.errors import ASRError
from cli import app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def _add_many(path, worker, count):
    store = ReminderStore(path)
    for i in range(count):
        store.add(f"task {worker}-{i}", NOW + timedelta(minutes=i))


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    ReminderStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_add_many, args=(path, w, 150)) for w in range(2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=120)
        assert p.exitcode == 0
    tasks = {r.task for r in ReminderStore(path).list()}
    assert len(tasks) == 300 and {f"task {w}-{i}" for w in range(2) for i in range(150)} == tasks


def test_an_unreadable_store_is_refused_and_left_alone(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    before = bad.read_bytes()
    with pytest.raises(ASRError, match="not usable"):
        ReminderStore(bad)
    result = CliRunner().invoke(app, ["reminders", "list", "--store", str(bad)])
    assert result.exit_code == 1 and "move it aside" in result.stderr
    assert bad.read_bytes() == before


def test_cli_intent_act_and_reminders(tmp_path):
    store = str(tmp_path / "cli.db")
    runner = CliRunner()
    args = ["--now", "2026-11-24T15:00", "--tz", "America/New_York", "--store", store, "--act"]
    out = runner.invoke(app, ["intent", "set a reminder for friday at five pm to pick up the kids", *args, "--json"])
    assert out.exit_code == 0 and '"datetime": "2026-11-27T17:00:00-05:00"' in out.stdout
    listed = runner.invoke(app, ["reminders", "list", "--store", store])
    assert listed.stdout.strip() == "1: pick up the kids  at 2026-11-27T17:00:00-05:00  (pending)"
    due = runner.invoke(
        app, ["reminders", "due", "--store", store, "--now", "2026-11-28T00:00", "--tz", "UTC", "--done"]
    )
    assert "pick up the kids" in due.stdout
    assert runner.invoke(app, ["reminders", "list", "--store", store]).stdout.strip() == "no reminders"
    missing = runner.invoke(app, ["reminders", "cancel", "7", "--store", store])
    assert missing.exit_code == 1 and "no reminder with id 7" in missing.stderr


def test_a_store_from_before_alarms_opens_with_its_reminders_kept(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE reminders (id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, due TEXT NOT NULL,
            due_utc TEXT NOT NULL, created TEXT NOT NULL, said TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')));
        INSERT INTO reminders (task, due, due_utc, created) VALUES
            ('call mom', '2026-11-25T09:00:00-05:00', '2026-11-25T14:00:00', '2026-11-24T20:00:00');
    """)
    db.commit()
    db.close()
    store = ReminderStore(path)
    assert [(e.task, e.kind) for e in store.list()] == [("call mom", "reminder")]
    store.add("", NOW + timedelta(hours=1), kind="alarm")
    assert [e.kind for e in ReminderStore(path).list()] == ["alarm", "reminder"]  # soonest first
