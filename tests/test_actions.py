"""asr.app.actions: set, list and cancel reminders, alarms and timers from intents."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from asr.app.actions import act
from asr.app.store import ReminderStore
from asr.commands.intents import understand
from cli import app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


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
