"""The microphone loop: capture, voice-activity endpointing, decoding, intents, actions.

    endpointer = Endpointer(min_silence_ms=500)
    for chunk in chunks:                      # 16 kHz float32 blocks, any size
        event = endpointer(chunk)             # None, or Event("start"/"pause"/"end", ...)

The capture callback only copies blocks into a bounded queue (a full queue drops the block and
counts it); everything else happens in the main thread. Voice activity comes from WebRTC's VAD
(webrtcvad), on 30 ms frames.
"""

from __future__ import annotations

import collections
import math
import queue
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import soxr
import webrtcvad

from asr.app.actions import act
from asr.app.chime import SNOOZE_S, Ringer
from asr.app.hear import CommandRecognizer, Heard
from asr.app.store import Reminder, ReminderStore
from asr.audio import SAMPLE_RATE
from asr.commands.datetimes import reference_time
from asr.commands.requests import Intent
from asr.errors import ASRError

FRAME = SAMPLE_RATE * 30 // 1000  # samples per VAD frame: 30 ms
TAIL_FRAMES = 5  # 150 ms of the closing silence stay with the utterance, as the pre-roll does before it


@dataclass
class Event:
    """ "start": speech began. "pause": TAIL_FRAMES of silence after speech; its audio is what the
    "end" event will carry unless speech resumes, so it can be decoded while the endpointer waits
    out `min_silence_ms`. "end": the utterance is over."""

    kind: str  # "start", "pause" or "end"
    at_s: float  # stream time of the speech start or end, in seconds
    audio: np.ndarray | None = None  # with "pause" and "end": the utterance, pre-roll included (samples,)
    start_s: float = 0.0  # with "pause" and "end": stream time of the utterance's first sample
    cut: bool = False  # with "end": ended by max_utterance_s, not by silence


@dataclass
class Endpointer:
    """Speech start and end from a stream of 16 kHz float32 chunks.

    A start needs `min_speech_ms` of voiced frames; an end needs `min_silence_ms` of unvoiced
    ones, or the utterance reaching `max_utterance_s`. `pre_roll_ms` of audio before the start
    is kept, so the first syllable is not lost. `aggressiveness` is WebRTC's VAD mode (0-3).
    """

    min_silence_ms: int = 500
    max_utterance_s: float = 10.0
    pre_roll_ms: int = 300
    min_speech_ms: int = 90
    aggressiveness: int = 2
    _vad: webrtcvad.Vad = field(init=False, repr=False)

    def __post_init__(self):
        if not 0 <= self.aggressiveness <= 3:
            raise ASRError(f"VAD aggressiveness must be 0-3, got {self.aggressiveness}")
        if self.min_silence_ms < 30 or self.max_utterance_s <= 0:
            raise ASRError("min_silence_ms must be >= 30 and max_utterance_s > 0")
        self.reset()

    def reset(self) -> None:
        """Back to the state of a new Endpointer, the VAD's adapted noise estimates included."""
        self._vad = webrtcvad.Vad(self.aggressiveness)
        self._pending = np.empty(0, dtype=np.float32)  # samples not yet in a whole frame
        self._frames_seen = 0
        self._pre_roll: collections.deque = collections.deque(maxlen=max(1, self.pre_roll_ms // 30))
        self._voiced_run = 0
        self._silent_run = 0
        self._utterance: list[np.ndarray] | None = None  # frames, while in speech
        self._start_frame = 0
        self._events: collections.deque[Event] = collections.deque()

    @property
    def in_speech(self) -> bool:
        return self._utterance is not None

    def _is_speech(self, frame: np.ndarray) -> bool:
        pcm = (np.clip(frame, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        return self._vad.is_speech(pcm, SAMPLE_RATE)

    def __call__(self, chunk: np.ndarray) -> Event | None:
        """Feed (samples,) float32 at 16 kHz; returns the oldest event not yet returned."""
        self._pending = np.concatenate([self._pending, np.asarray(chunk, dtype=np.float32)])
        whole = len(self._pending) // FRAME * FRAME
        frames, self._pending = self._pending[:whole].reshape(-1, FRAME), self._pending[whole:]
        for frame in frames:
            self._step(frame)
            self._frames_seen += 1
        return self._events.popleft() if self._events else None

    def _step(self, frame: np.ndarray) -> None:
        speech = self._is_speech(frame)
        t = self._frames_seen * FRAME / SAMPLE_RATE
        if self._utterance is None:
            self._pre_roll.append(frame)
            self._voiced_run = self._voiced_run + 1 if speech else 0
            if self._voiced_run * 30 >= self.min_speech_ms:
                self._utterance = list(self._pre_roll)
                self._start_frame = self._frames_seen + 1 - len(self._utterance)
                self._silent_run = 0
                self._events.append(Event("start", (self._frames_seen + 1 - self._voiced_run) * FRAME / SAMPLE_RATE))
            return
        self._utterance.append(frame)
        self._silent_run = 0 if speech else self._silent_run + 1
        too_long = len(self._utterance) * FRAME >= self.max_utterance_s * SAMPLE_RATE
        ended = self._silent_run * 30 >= self.min_silence_ms or too_long
        if ended or self._silent_run == TAIL_FRAMES:
            end_s = t + FRAME / SAMPLE_RATE - self._silent_run * FRAME / SAMPLE_RATE
            keep = len(self._utterance) - max(0, self._silent_run - TAIL_FRAMES)  # speech + a short tail
            audio = np.concatenate(self._utterance[:keep])  # (samples,)
            start_s = self._start_frame * FRAME / SAMPLE_RATE
            self._events.append(
                Event("end", end_s, audio, start_s, cut=too_long) if ended else Event("pause", end_s, audio, start_s)
            )
        if ended:
            self._utterance, self._voiced_run = None, 0
            self._pre_roll.clear()


class Microphone:
    """A sounddevice input stream resampled to 16 kHz mono, read block by block.

    The stream's callback only copies each block into a bounded queue; a full queue drops the
    block. Overflows reported by PortAudio and dropped blocks are counted, never raised.
    """

    def __init__(self, device: int | str | None = None, block_ms: int = 10, queue_blocks: int = 600):
        try:
            import sounddevice as sd
        except OSError:  # the PortAudio library itself is missing
            raise ASRError(
                "PortAudio is not installed: apt-get install libportaudio2 (or your system's portaudio)"
            ) from None
        self.sd = sd
        try:
            info = sd.query_devices(device, kind="input")
        except (ValueError, sd.PortAudioError) as e:
            raise ASRError(f"no usable input device {device!r} ({e}); list them with 'asr devices'") from None
        self.device_name, self.rate = info["name"], int(info["default_samplerate"])
        self.overflows = self.dropped = 0
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=queue_blocks)
        self._resampler = soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        try:
            self._stream = sd.InputStream(
                device=device,
                channels=1,
                samplerate=self.rate,
                dtype="float32",
                blocksize=self.rate * block_ms // 1000,
                callback=self._callback,
            )
        except sd.PortAudioError as e:
            raise ASRError(
                f"cannot open input device '{self.device_name}' ({e}); it may be busy: close other "
                "programs using it or pick another with --device"
            ) from None

    def _callback(self, indata, frames, time_info, status) -> None:
        if status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.dropped += 1

    def __enter__(self) -> Microphone:
        self._stream.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self._stream.stop()  # let the last blocks in
        else:
            self._stream.abort()  # Ctrl+C or an error: stop at once, without waiting on the device
        self._stream.close()

    def blocks(self, timeout: float = 0.5) -> Iterator[np.ndarray | None]:
        """16 kHz float32 blocks as they arrive; None when nothing came within `timeout` seconds."""
        while True:
            try:
                block = self._queue.get(timeout=timeout)
            except queue.Empty:
                yield None
                continue
            yield self._resampler.resample_chunk(block) if self.rate != SAMPLE_RATE else block


def input_devices() -> list[dict]:
    """Input devices: index, name, default sample rate, channels."""
    try:
        import sounddevice as sd
    except OSError:
        raise ASRError(
            "PortAudio is not installed: apt-get install libportaudio2 (or your system's portaudio)"
        ) from None
    return [
        {"index": i, "name": d["name"], "rate": int(d["default_samplerate"]), "channels": d["max_input_channels"]}
        for i, d in enumerate(sd.query_devices())
        if d["max_input_channels"] > 0
    ]


def events(blocks, endpointer: Endpointer) -> Iterator[Event]:
    """Every event from 16 kHz blocks; None blocks (nothing arrived yet) are skipped."""
    for block in blocks:
        if block is None:
            continue
        event = endpointer(block)
        while event is not None:
            yield event
            event = endpointer(np.empty(0, dtype=np.float32))


def utterances(blocks, endpointer: Endpointer) -> Iterator[Event]:
    """End events (utterances) from 16 kHz blocks."""
    return (event for event in events(blocks, endpointer) if event.kind == "end")


@dataclass
class Assistant:
    """The listen loop's stages after capture: endpointing, decoding, intent, action, announcements.

        assistant = Assistant(CommandRecognizer(Recognizer(), grammar), ReminderStore(), Endpointer())
        for item in assistant.run(mic.blocks(), opened=datetime.now().astimezone()):
            ...                               # a Heard per utterance, a Reminder as each falls due

    An utterance is decoded at its pause (`prepare`), while the endpointer waits for the rest of
    the closing silence; at its end only the intent and the action remain, unless speech resumed.
    """

    commands: CommandRecognizer
    store: ReminderStore
    endpointer: Endpointer
    tz: str | None = None  # IANA zone for "tomorrow at nine" (None: the machine's)
    due_every_s: float = 0.1  # how often the store is asked for due reminders (a timer rings this late at most)
    ringer: Ringer = field(default_factory=Ringer)  # rings what falls due (default: silently)
    _early: tuple | None = field(default=None, init=False, repr=False)  # (start_s, samples, Transcript) of a pause

    def run(self, blocks: Iterable[np.ndarray | None], opened: datetime) -> Iterator[Heard | Reminder]:
        """`opened`: the wall-clock time of the stream's first sample, for the Heard timestamps."""
        checked = -math.inf
        for block in blocks:
            if time.monotonic() - checked >= self.due_every_s:
                checked = time.monotonic()
                for reminder in self.store.due(datetime.now(UTC)):  # to the millisecond, not the second
                    self.store.set_status(reminder.id, "done")
                    self.ringer.start(reminder)
                    yield reminder
            self.ringer.tick()
            for event in events([block], self.endpointer):
                if event.kind == "pause":
                    self.prepare(event)
                elif event.kind == "end":
                    yield self.hear(event, opened)

    def answer_ringing(self, intent: Intent, now: datetime) -> str:
        """ "stop" or "snooze" said while something rings: stop it, or ring it again later (a
        snooze is a new pending item, SNOOZE_S or the duration said from now). "" otherwise."""
        if self.ringer.ringing is None or not (intent.name == "snooze" or intent.slots.get("word") == "stop"):
            return ""
        item = self.ringer.stop()
        if intent.name != "snooze":
            return f"stopped the {item.kind}"
        again = now + timedelta(seconds=intent.slots.get("duration", SNOOZE_S))
        self.store.add(item.task, again, f"snoozed: {item.said}", kind=item.kind)
        return f"snoozed the {item.kind} until {again:%H:%M:%S}"

    def prepare(self, pause: Event) -> None:
        """Decode a pause event's audio ahead of its end."""
        self._early = (pause.start_s, len(pause.audio), self.commands.transcribe(pause.audio))

    def hear(self, event: Event, opened: datetime) -> Heard:
        early, self._early = self._early, None
        if early is not None and early[:2] == (event.start_s, len(event.audio)):  # the same audio: no speech since
            transcript = early[2]
        else:
            transcript = self.commands.transcribe(event.audio)
        now = reference_time(None, self.tz)
        intent = self.commands.intent_of(transcript, now)
        action = self.answer_ringing(intent, now) or (act(intent, self.store, now) if intent.name else "")
        at = lambda s: (opened + timedelta(seconds=s)).isoformat(timespec="milliseconds")  # noqa: E731
        return Heard(transcript, intent, at(event.start_s), at(event.at_s), action)
