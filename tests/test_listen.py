"""The microphone loop: endpointing on real clips, and `asr listen` end to end through PulseAudio."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from asr.app.listen import FRAME, Endpointer, events, utterances
from asr.app.store import Reminder, ReminderStore
from asr.audio import SAMPLE_RATE, load_audio
from cli import app
from tests.conftest import ROOT

EXAMPLES = ROOT / "data" / "examples"
ASR = shutil.which("asr") or str(os.path.join(os.path.dirname(sys.executable), "asr"))


def _recording(*clips, gap_s=1.0):
    gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)
    parts, onsets, t = [gap], [], gap_s
    for clip in clips:
        audio = load_audio(clip)
        parts += [audio, gap]
        onsets.append(t)
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    return np.concatenate(parts), onsets


def _blocks(signal, size=FRAME * 3 + 7):  # blocks that don't line up with VAD frames
    return [signal[i : i + size] for i in range(0, len(signal), size)]


def test_endpointer_finds_each_utterance_with_pre_roll():
    signal, onsets = _recording(EXAMPLES / "yes.wav", EXAMPLES / "stop.wav", EXAMPLES / "yes.wav")
    events = list(utterances(_blocks(signal), Endpointer(min_silence_ms=400)))
    assert len(events) == 3
    for event, onset in zip(events, onsets):
        assert onset - 0.35 <= event.start_s <= onset + 1.0 and event.at_s > event.start_s  # 0.3 s pre-roll
        first = int(event.start_s * SAMPLE_RATE)
        assert np.array_equal(event.audio, signal[first : first + len(event.audio)])  # exactly the stream's samples
        assert not event.cut


def test_endpointer_cuts_long_speech_and_resets():
    babble = np.concatenate([load_audio(EXAMPLES / "yes.wav")] * 6)  # no pause long enough to end it
    endpointer = Endpointer(min_silence_ms=1500, max_utterance_s=2.0)
    events = list(utterances(_blocks(babble), endpointer))
    assert events and events[0].cut and len(events[0].audio) <= 2.0 * SAMPLE_RATE + FRAME
    endpointer.reset()
    assert not endpointer.in_speech and endpointer(np.zeros(FRAME, dtype=np.float32)) is None


def test_a_pause_event_carries_the_audio_its_end_will_carry():
    signal, _ = _recording(EXAMPLES / "yes.wav", EXAMPLES / "stop.wav")
    found = list(events(_blocks(signal), Endpointer(min_silence_ms=400)))
    assert [e.kind for e in found] == ["start", "pause", "end"] * 2
    for pause, end in zip(found[1::3], found[2::3]):
        assert np.array_equal(pause.audio, end.audio) and (pause.start_s, pause.at_s) == (end.start_s, end.at_s)


class _CountingRecognizer:
    """A real command recognizer that counts its decodes."""

    def __init__(self):
        from asr.app.hear import CommandRecognizer
        from asr.commands.intents import active_grammar
        from asr.runtime import Recognizer

        self.commands, self.calls = CommandRecognizer(Recognizer(threads=1), active_grammar()), 0

    def transcribe(self, audio):
        self.calls += 1
        return self.commands.transcribe(audio)

    def intent_of(self, transcript, now):
        return self.commands.intent_of(transcript, now)


def test_assistant_decodes_at_the_pause_and_again_only_if_speech_resumed(tmp_path):
    from asr.app.listen import Assistant

    counting = _CountingRecognizer()
    opened = datetime.now(UTC)

    def heard_and_ends(signal, **endpointing):
        assistant = Assistant(counting, ReminderStore(tmp_path / "r.db"), Endpointer(**endpointing))
        counting.calls = 0
        heard = list(assistant.run(_blocks(signal), opened))
        found = list(events(_blocks(signal), Endpointer(**endpointing)))
        return heard, [e for e in found if e.kind == "pause"], [e for e in found if e.kind == "end"]

    signal, _ = _recording(EXAMPLES / "yes.wav", EXAMPLES / "stop.wav")
    heard, pauses, ends = heard_and_ends(signal, min_silence_ms=450)
    assert len(heard) == len(pauses) == len(ends) == 2 and counting.calls == 2  # each decoded once, at its pause

    # "yes", the clips' own silence (a pause, not an end), "yes": the second pause's decode is the one used
    yes, silence = load_audio(EXAMPLES / "yes.wav"), np.zeros(SAMPLE_RATE * 3 // 2, dtype=np.float32)
    (heard,), pauses, (end,) = heard_and_ends(np.concatenate([yes, yes, silence]), min_silence_ms=1200)
    assert len(pauses) == 2 and counting.calls == 2 and len(pauses[0].audio) < len(end.audio)
    assert heard.transcript.text == counting.commands.transcribe(end.audio).text

    # speech that resumed after its pauses and was then cut by max_utterance_s: decoded again at the end
    heard, pauses, ends = heard_and_ends(np.concatenate([yes] * 6), min_silence_ms=1500, max_utterance_s=2.0)
    assert ends[0].cut and pauses and counting.calls == len(pauses) + len(ends)
    assert heard[0].transcript.text == counting.commands.transcribe(ends[0].audio).text


def test_listen_path_matches_transcribe_on_the_same_segments(tmp_path):
    """Each endpointed segment decoded in the loop equals `asr transcribe` of that segment's file."""
    from asr.runtime import Recognizer

    signal, _ = _recording(EXAMPLES / "yes.wav", EXAMPLES / "stop.wav")
    recognizer = Recognizer(threads=1)
    texts, paths = [], []
    for i, event in enumerate(utterances(_blocks(signal), Endpointer(min_silence_ms=400))):
        texts.append(recognizer.transcribe(event.audio).text)
        paths.append(tmp_path / f"segment{i}.wav")
        sf.write(paths[-1], event.audio, SAMPLE_RATE, subtype="FLOAT")
    result = CliRunner().invoke(app, ["transcribe", *map(str, paths), "--json", "--threads", "1"])
    assert result.exit_code == 0
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == texts and len(texts) == 2


@pytest.fixture(scope="module")
def virtual_microphone(tmp_path_factory):
    """A PulseAudio daemon for this test: a null sink whose monitor is remapped as the default source."""
    runtime = tmp_path_factory.mktemp("pulse")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=asr_sink",
            "--load=module-remap-source master=asr_sink.monitor source_name=asr_mic",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    for command in (["pactl", "set-default-source", "asr_mic"], ["pactl", "set-default-sink", "asr_sink"]):
        subprocess.run(command, env=env, check=True)
    yield env
    subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)


def _listen(env, store, *args):
    return subprocess.Popen(
        [ASR, "listen", "--json", "--device", "pulse", "--store", str(store), "--threads", "1", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_listening(process):
    line = process.stderr.readline()
    assert "listening on 'pulse'" in line, line + process.stderr.read()


def test_listen_end_to_end_through_pulseaudio(virtual_microphone, tmp_path):
    process = _listen(virtual_microphone, tmp_path / "r.db", "--max-utterances", "1", "--min-silence-ms", "400")
    _wait_until_listening(process)
    subprocess.run(["paplay", str(EXAMPLES / "yes.wav")], env=virtual_microphone, check=True)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    heard = json.loads(out.splitlines()[-1])
    assert heard["intent"] == {
        "intent": "command",
        "slots": {"word": "yes"},
        "confidence": heard["intent"]["confidence"],
        "text": "yes",
    }
    assert heard["started_at"] < heard["ended_at"] and heard["duration_s"] > 0.5


def test_ctrl_c_stops_at_once_with_exit_0(virtual_microphone, tmp_path):
    process = _listen(virtual_microphone, tmp_path / "r.db")
    _wait_until_listening(process)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "Traceback" not in err, err
    assert time.monotonic() - started < 5


def test_a_missing_device_is_one_line(virtual_microphone, tmp_path):
    result = subprocess.run(
        [ASR, "listen", "--device", "no-such-mic", "--store", str(tmp_path / "r.db")],
        env=virtual_microphone,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "list them with 'asr devices'" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_assistant_announces_due_reminders_and_acts_on_each_utterance(tmp_path):
    from asr.app.hear import CommandRecognizer, Heard
    from asr.app.listen import Assistant
    from asr.commands.intents import active_grammar
    from asr.runtime import Recognizer

    store = ReminderStore(tmp_path / "r.db")
    opened = datetime.now(UTC)
    store.add("water the plants", opened - timedelta(minutes=1), "water the plants in a minute")
    assistant = Assistant(
        CommandRecognizer(Recognizer(threads=1), active_grammar()), store, Endpointer(min_silence_ms=400), tz="UTC"
    )
    signal, onsets = _recording(EXAMPLES / "yes.wav", EXAMPLES / "yes.wav")
    items = list(assistant.run(_blocks(signal), opened))
    assert isinstance(items[0], Reminder) and items[0].task == "water the plants"
    heard = items[1:]
    assert [h.intent.slots for h in heard] == [{"word": "yes"}, {"word": "yes"}]
    assert all(isinstance(h, Heard) for h in heard) and store.due(opened + timedelta(days=1)) == []
    started = [datetime.fromisoformat(h.started_at) - opened for h in heard]
    assert all(abs(s.total_seconds() - onset) < 1.0 for s, onset in zip(started, onsets))


def test_a_spoken_timer_request_is_understood_through_pulseaudio(virtual_microphone, tmp_path):
    """A whole command phrase, spoken by a synthetic voice held out of training, through a real audio stack."""
    process = _listen(virtual_microphone, tmp_path / "r.db", "--max-utterances", "1")
    _wait_until_listening(process)
    subprocess.run(["paplay", str(EXAMPLES / "timer.wav")], env=virtual_microphone, check=True)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    heard = json.loads(out.splitlines()[-1])
    assert heard["intent"] is not None, heard
    assert (heard["intent"]["intent"], heard["intent"]["slots"]) == ("set_timer", {"duration_s": 600}), heard


def test_a_spoken_reminder_is_understood_and_stored_through_pulseaudio(virtual_microphone, tmp_path):
    """The README's sentence, spoken by a synthetic voice held out of training, through a real audio stack."""
    store = tmp_path / "r.db"
    process = _listen(virtual_microphone, store, "--max-utterances", "1", "--tz", "America/New_York")
    _wait_until_listening(process)
    subprocess.run(["paplay", str(EXAMPLES / "reminder.wav")], env=virtual_microphone, check=True)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    heard = json.loads(out.splitlines()[-1])
    zone = ZoneInfo("America/New_York")
    said = datetime.fromisoformat(heard["ended_at"]).astimezone(zone)
    nine = datetime.combine(said.date() + timedelta(days=1), dtime(9), zone).isoformat()
    assert heard["intent"] is not None, heard
    slots = {"task": "call mom", "datetime": nine}
    assert (heard["intent"]["intent"], heard["intent"]["slots"]) == ("set_reminder", slots), heard
    assert [(r.task, r.due) for r in ReminderStore(store).list()] == [("call mom", nine)]


def test_a_due_timer_chimes_through_the_output_and_rings_after_its_time(virtual_microphone, tmp_path):
    """A timer falls due while `asr listen` runs: one line says so (not before its time), and its
    chime, played to the default output (the null sink), is recorded back from the sink's monitor."""
    store, recording = tmp_path / "r.db", tmp_path / "chime.wav"
    process = _listen(virtual_microphone, store, "--tz", "UTC")
    _wait_until_listening(process)
    due = datetime.now(UTC) + timedelta(seconds=2)
    ReminderStore(store).add("", due, "set a timer for two seconds", kind="timer")
    recorder = subprocess.Popen(
        ["parecord", "--device=asr_sink.monitor", "--file-format=wav", str(recording)], env=virtual_microphone
    )
    rang = json.loads(process.stdout.readline())
    time.sleep(1.0)  # the chime lasts 0.7 s
    recorder.terminate()
    recorder.wait(timeout=10)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert rang["timer"]["kind"] == "timer"
    assert datetime.fromisoformat(rang["rang_at"]) >= due - timedelta(milliseconds=5)
    audio, rate = sf.read(recording, dtype="float32", always_2d=True)
    audio = audio[:, 0]
    spectrum = np.abs(np.fft.rfft(audio))
    freqs = np.fft.rfftfreq(len(audio), 1 / rate)
    near = lambda f: spectrum[(freqs > f - 15) & (freqs < f + 15)].max()  # noqa: E731
    assert (
        np.abs(audio).max() > 0.05
        and near(880.0) > 20 * np.median(spectrum)
        and near(1318.5) > 20 * np.median(spectrum)
    )


@pytest.mark.shared
def test_saying_stop_while_a_timer_rings_stops_it(tmp_path):
    """A timer falls due and rings; a real speaker (a dev speaker of Speech Commands) says "stop":
    the listen loop stops the ringing and says so, and "stop" said when nothing rings is a command."""
    from asr.app.chime import Ringer
    from asr.app.hear import CommandRecognizer, Heard
    from asr.app.listen import Assistant
    from asr.commands.intents import active_grammar
    from asr.runtime import Recognizer
    from tests.conftest import SC

    store = ReminderStore(tmp_path / "r.db")
    opened = datetime.now(UTC)
    store.add("", opened - timedelta(seconds=1), "set a timer for a minute", kind="timer")
    assistant = Assistant(
        CommandRecognizer(Recognizer(threads=1), active_grammar()),
        store,
        Endpointer(min_silence_ms=400),
        tz="UTC",
        ringer=Ringer(),
    )
    signal, _ = _recording(SC / "stop" / "1acc97de_nohash_0.wav", SC / "stop" / "1acc97de_nohash_1.wav")
    items = list(assistant.run(_blocks(signal), opened))
    assert isinstance(items[0], Reminder) and items[0].kind == "timer"
    first, second = items[1:]
    assert isinstance(first, Heard) and first.action == "stopped the timer" and assistant.ringer.ringing is None
    assert second.intent.slots == {"word": "stop"} and second.action == ""
