"""The reminder store: actions from intents, concurrent writers, bad stores."""

import multiprocessing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from asr.app.actions import act
from asr.app.store import ReminderStore
from asr.commands.intents import active_grammar, understand
from asr.errors import ASRError
from cli import app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def grammar():
    return active_grammar()


def test_spoken_reminders_are_stored_listed_and_cancelled(tmp_path, grammar):
    store = ReminderStore(tmp_path / "r.db")
    say = lambda text: act(understand(text, grammar, NOW), store, NOW)  # noqa: E731
    assert say("remind me to call mom tomorrow at nine") == "reminder 1 set: call mom at 2026-11-25T09:00:00-05:00"
    say("in ten minutes remind me to take the pizza out")
    assert [r.task for r in store.list()] == ["take the pizza out", "call mom"]  # soonest first
    assert [r.task for r in store.due(NOW + timedelta(minutes=11))] == ["take the pizza out"]
    assert say("cancel my reminder to call mom") == "reminder 1 cancelled: call mom"
    assert "nothing cancelled: 0 reminders matching 'buy milk'" in say("cancel my reminder to buy milk")
    assert [r.task for r in store.list()] == ["take the pizza out"]
    assert say("what are my reminders") == "2: take the pizza out at 2026-11-24T15:10:00-05:00"
    store.close()
    reopened = ReminderStore(tmp_path / "r.db")  # nothing lost across processes
    assert [(r.id, r.status) for r in reopened.list(include_finished=True)] == [(2, "pending"), (1, "cancelled")]


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


def test_alarms_and_timers_are_stored_listed_and_cancelled_beside_reminders(tmp_path, grammar):
    store = ReminderStore(tmp_path / "r.db")
    say = lambda text: act(understand(text, grammar, NOW), store, NOW)  # noqa: E731
    assert say("wake me up at seven") == "alarm 1 set: at 2026-11-25T07:00:00-05:00"
    assert say("set an alarm for 6 am on friday for soccer practice") == (
        "alarm 2 set: soccer practice at 2026-11-27T06:00:00-05:00"
    )
    assert say("set a timer for ten minutes") == "timer 3 set: at 2026-11-24T15:10:00-05:00"
    say("remind me to call mom tomorrow at nine")
    assert [(e.kind, e.id) for e in store.list()] == [("timer", 3), ("alarm", 1), ("reminder", 4), ("alarm", 2)]
    assert say("do i have any alarms").splitlines() == [
        "1: 2026-11-25T07:00:00-05:00",
        "2: soccer practice at 2026-11-27T06:00:00-05:00",
    ]
    assert say("what alarms do i have on friday") == "2: soccer practice at 2026-11-27T06:00:00-05:00"
    assert "nothing cancelled: 2 alarms pending" in say("cancel my alarm")
    assert say("cancel the alarm for tomorrow") == "alarm 1 cancelled: 2026-11-25T07:00:00-05:00"
    assert say("cancel the timer") == "timer 3 cancelled: 2026-11-24T15:10:00-05:00"
    assert say("how much time is left") == "no pending timers"
    say("set a timer for 5 minutes")
    say("set a timer for 20 minutes")
    assert say("cancel all timers").count("cancelled") == 2
    assert [(e.kind, e.task) for e in store.list()] == [("reminder", "call mom"), ("alarm", "soccer practice")]


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


def test_cancelling_twice_says_so_and_a_missing_folder_is_an_error(tmp_path):
    store = str(tmp_path / "twice.db")
    runner = CliRunner()
    runner.invoke(app, ["intent", "remind me to call mom tomorrow at nine", "--act", "--store", store])
    assert runner.invoke(app, ["reminders", "cancel", "1", "--store", store]).exit_code == 0
    again = runner.invoke(app, ["reminders", "cancel", "1", "--store", store])
    assert again.exit_code == 1 and "reminder 1 is already cancelled" in again.stderr
    nowhere = tmp_path / "no" / "such" / "folder" / "r.db"
    result = runner.invoke(app, ["reminders", "list", "--store", str(nowhere)])
    assert result.exit_code == 1 and "of the store does not exist; create it" in result.stderr
    assert not (tmp_path / "no").exists()
