"""The chime and the ringing: what it sounds like, when it repeats, and stop or snooze by voice."""

from datetime import UTC, datetime, timedelta

import numpy as np

from asr.app import chime
from asr.app.listen import Assistant, Endpointer
from asr.app.store import ReminderStore
from asr.commands.intents import Intent


def test_the_chime_is_two_bell_notes_within_level():
    sound = chime.chime(sr=16_000, note_s=0.35, level=0.3)
    assert sound.dtype == np.float32 and len(sound) == 2 * int(0.35 * 16_000)
    assert 0.2 < np.abs(sound).max() <= 0.3
    for note, tone in zip(np.split(sound, 2), chime.TONES_HZ):
        freqs = np.fft.rfftfreq(len(note), 1 / 16_000)
        assert abs(freqs[np.abs(np.fft.rfft(note)).argmax()] - tone) < 5  # each note at its pitch
        assert np.abs(note[-100:]).max() < 0.1 * np.abs(note).max()  # and it decays


class Speaker:
    """A stand-in for sounddevice: records what would be played."""

    class PortAudioError(Exception):
        pass

    def __init__(self, fail: bool = False):
        self.played, self.fail = [], fail

    def play(self, data, rate, device=None, blocking=True):
        if self.fail:
            raise self.PortAudioError("device unplugged")
        self.played.append((len(data), rate))


def test_ringing_repeats_until_stopped_and_gives_up_on_its_own():
    speaker = Speaker()
    ringer = chime.Ringer(rate=8000, sd=speaker)
    ringer.start("timer 1")
    ringer.tick()
    assert len(speaker.played) == 1  # not again at once
    ringer._last -= chime.RING_EVERY_S
    ringer.tick()
    assert len(speaker.played) == 2 and ringer.ringing == "timer 1"
    ringer._started -= chime.RING_FOR_S
    ringer.tick()
    assert ringer.ringing is None and len(speaker.played) == 2
    ringer.start("timer 2")
    assert ringer.stop() == "timer 2" and ringer.stop() is None


def test_a_device_that_goes_away_leaves_a_silent_ringer(recwarn):
    ringer = chime.Ringer(sd=Speaker(fail=True))
    ringer.start("alarm")
    assert ringer.sd is None and ringer.ringing == "alarm" and "ringing silently" in str(recwarn.pop().message)


def test_stop_and_snooze_answer_what_rings(tmp_path):
    store = ReminderStore(tmp_path / "r.db")
    now = datetime(2026, 11, 24, 7, tzinfo=UTC)
    alarm = store.add("", now, "wake me up at seven", kind="alarm")
    assistant = Assistant(None, store, Endpointer(), ringer=chime.Ringer())  # answering needs no recognizer
    stop, snooze = Intent("command", {"word": "stop"}), Intent("snooze", {"duration": 300})
    assert assistant.answer_ringing(stop, now) == ""  # nothing rings: "stop" is just a word
    assistant.ringer.start(alarm)
    assert assistant.answer_ringing(stop, now) == "stopped the alarm" and assistant.ringer.ringing is None
    assistant.ringer.start(alarm)
    assert assistant.answer_ringing(snooze, now) == "snoozed the alarm until 07:05:00"
    again = [e for e in store.list() if e.id != alarm.id]
    assert [(e.kind, e.due) for e in again] == [("alarm", (now + timedelta(minutes=5)).isoformat())]
    assistant.ringer.start(alarm)
    assistant.answer_ringing(Intent("snooze", {}), now)
    assert store.list()[-1].due == (now + timedelta(seconds=chime.SNOOZE_S)).isoformat()
