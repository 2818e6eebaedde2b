"""The sound of a reminder, alarm or timer going off, and the ringing that repeats it until it is
stopped or snoozed.

    ringer = Ringer.open()                 # the default output device; None-safe: no device, no sound
    ringer.start(reminder)                 # chimes now, and again every RING_EVERY_S
    ringer.tick()                          # called often by the listen loop: repeats, gives up after RING_FOR_S
    ringer.stop()                          # "stop" (or "snooze") said while it rings
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

RING_EVERY_S = 4.0  # a chime, then quiet (so "stop" can be heard), then the next
RING_FOR_S = 60.0  # an unanswered ring gives up after this long
TONES_HZ = (880.0, 1318.5)  # A5 then E6: a rising two-note bell
SNOOZE_S = 9 * 60  # "snooze" without a duration: nine minutes, as alarm clocks do


def chime(sr: int = 48_000, note_s: float = 0.35, level: float = 0.3) -> np.ndarray:
    """A two-note bell: each note a sine with its octave, struck and decaying. (samples,) float32."""
    t = np.arange(int(note_s * sr)) / sr  # (samples per note,)
    envelope = np.minimum(1.0, t / 0.005) * np.exp(-t / (note_s / 4))  # 5 ms attack, then decay
    notes = [(np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)) * envelope for f in TONES_HZ]
    return (level / 1.3 * np.concatenate(notes)).astype(np.float32)


@dataclass
class Ringer:
    """Rings for one due item at a time through a sounddevice output (or silently, with none)."""

    device: int | str | None = None
    rate: int = 48_000
    sd: object = None  # the sounddevice module when an output device exists
    ringing: object = None  # the Reminder ringing now (asr.store.Reminder), or None
    _started: float = field(default=0.0, repr=False)
    _last: float = field(default=0.0, repr=False)

    @classmethod
    def open(cls, device: int | str | None = None) -> Ringer:
        """A ringer on `device` (default: the system's output); a silent one when there is none."""
        try:
            import sounddevice as sd
        except OSError:  # the PortAudio library is missing
            return cls(device)
        try:
            info = sd.query_devices(device, kind="output")
        except (ValueError, sd.PortAudioError):  # no such output device
            return cls(device)
        return cls(device, int(info["default_samplerate"]), sd)

    def start(self, item) -> None:
        self.ringing, self._started = item, time.monotonic()
        self._chime()

    def tick(self) -> None:
        if self.ringing is None:
            return
        now = time.monotonic()
        if now - self._started >= RING_FOR_S:
            self.stop()
        elif now - self._last >= RING_EVERY_S:
            self._chime()

    def stop(self):
        """Stop ringing; returns what was ringing (None if nothing)."""
        item, self.ringing = self.ringing, None
        return item

    def _chime(self) -> None:
        self._last = time.monotonic()
        if self.sd is None:
            return
        try:
            self.sd.play(chime(self.rate), self.rate, device=self.device, blocking=False)
        except self.sd.PortAudioError as e:  # the device went away: the printed line still says it is due
            warnings.warn(f"cannot play the chime ({e}); ringing silently from now on", stacklevel=2)
            self.sd = None
