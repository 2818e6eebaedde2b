"""asr.runtime.recognizer: the torch-free runtime on the shipped models and real recordings."""

import json
import os
import subprocess
import sys
import tarfile
import venv
from datetime import UTC, datetime

import numpy as np
import onnx
import pytest
import soundfile as sf
from typer.testing import CliRunner

from asr.app.hear import CommandRecognizer
from asr.audio import SAMPLE_RATE, load_audio, split_at_pauses
from asr.commands.intents import active_grammar
from asr.runtime import Recognizer
from cli import app
from tests.conftest import JACKSON, NOISE, ROOT, SC


def test_split_at_pauses_cuts_in_silence():
    rng = np.random.default_rng(0)
    loud = lambda s: 0.3 * rng.standard_normal(int(s * SAMPLE_RATE)).astype(np.float32)  # noqa: E731
    quiet = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    parts = [loud(7), quiet, loud(6), quiet, quiet, loud(8), quiet, loud(3)]
    signal = np.concatenate(parts)
    blocks = [signal[i : i + 16000 * 3] for i in range(0, len(signal), 16000 * 3)]
    pieces = list(split_at_pauses(blocks, max_s=10.0, min_pause_s=0.3))
    onsets = np.cumsum([0] + [len(p) for p in parts])[[0, 2, 5, 7]] / SAMPLE_RATE
    assert len(pieces) == 4
    for (start, piece), onset, seconds in zip(pieces, onsets, (7, 6, 8, 3)):
        assert np.array_equal(piece, signal[round(start * SAMPLE_RATE) : round(start * SAMPLE_RATE) + len(piece)])
        assert onset - 0.25 <= start <= onset  # the speech whole, with at most 0.25 s of the pause around it
        assert seconds <= len(piece) / SAMPLE_RATE <= seconds + 0.5
    short = loud(4)
    assert [(s, len(p)) for s, p in split_at_pauses([quiet, short, quiet], max_s=10.0)] == [
        (0.25, len(short) + SAMPLE_RATE // 2)  # a short recording is one piece, 0.25 s of quiet kept each side
    ]
    assert [(s, len(p)) for s, p in split_at_pauses([short], max_s=10.0)] == [(0.0, len(short))]  # level flat: whole


@pytest.mark.shared
def test_quiet_around_a_short_recording_is_trimmed_before_the_model(shipped):
    """Ten keywords and ten digits, each with a second of quiet either side and pink noise at 30 dB
    SNR throughout, come through the shipped model. It normalizes a piece by its mean over time:
    left in, the quiet shifts every frame, and 7 of these 20 were right."""
    words = "yes no up down left right on off stop go".split()
    clips = [sorted((SC / w).glob("*.wav"))[0] for w in words] + JACKSON[:10]
    noise = load_audio(NOISE / "pink_noise.wav")
    recordings = []
    for clip in clips:
        audio = load_audio(clip)
        quiet = np.zeros(SAMPLE_RATE, dtype=np.float32)
        around = np.concatenate([quiet, audio, quiet])
        floor = np.resize(noise, len(around)) * np.sqrt((audio**2).mean() / (noise**2).mean()) * 10 ** (-30 / 20)
        recordings.append(around + floor)
    heard = [t.text for t in shipped.transcribe_batch(recordings)]
    expected = words + "zero one two three four five six seven eight nine".split()
    assert sum(h == e for h, e in zip(heard, expected)) >= 17, heard


@pytest.mark.shared
def test_long_recording_is_cut_and_timed(tmp_path, shipped):
    """100 s of a training speaker's digits, 0.6 s pauses, pink noise at 30 dB SNR: cut at the
    pauses, one word per clip, at the time the clip was put; the shipped model hears them."""
    digits = "zero one two three four five six seven eight nine".split()
    pause = np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)
    parts, onsets, t = [], [], 0.0
    for clip in JACKSON * 3:
        audio = load_audio(clip)
        parts += [audio, pause]
        onsets.append(t)
        t += (len(audio) + len(pause)) / SAMPLE_RATE
    speech = np.concatenate(parts)
    noise = np.resize(load_audio(NOISE / "pink_noise.wav"), len(speech))
    noise *= np.sqrt((speech**2).mean() / (noise**2).mean()) * 10 ** (-30 / 20)
    path = tmp_path / "long.flac"
    sf.write(path, speech + noise, SAMPLE_RATE)
    result = shipped.transcribe(path)
    assert result.duration_s == pytest.approx(t, abs=0.01) and t > 40
    # Each clip's word: the one that starts nearest its onset; the open decoder may drop or add one.
    nearest = [min(result.words, key=lambda w: abs(w["start"] - onset)) for onset in onsets]
    timed = [
        abs(w["start"] - onset) < 0.3 and w["end"] <= end + 1.0
        for w, onset, end in zip(nearest, onsets, onsets[1:] + [t])
    ]
    assert sum(timed) >= 0.95 * len(onsets) and abs(len(result.words) - len(onsets)) <= 3
    expected = [digits[int(c.name[0])] for c in JACKSON * 3]
    # FSDD's clips are tightly trimmed; with 0.25 s of quiet kept around each, 76 of these 90 are right.
    assert sum(w["word"] == e for w, e in zip(nearest, expected)) >= 0.75 * len(expected)


@pytest.mark.shared
def test_runtime_works_with_torch_blocked(onnx_path):
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from asr import Recognizer\n"
        f"print(Recognizer({str(onnx_path)!r}, threads=1).transcribe({str(JACKSON[7])!r}).text)\n"
        "assert not any(m == 'torch' or m.startswith('torch.') for m in sys.modules if sys.modules[m])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "seven"


@pytest.mark.shared
def test_transcribe_cli_json_directories_and_per_file_errors(tmp_path, onnx_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    for clip in JACKSON[:3]:
        data, sr = sf.read(clip)
        sf.write(folder / (clip.stem + ".ogg"), np.stack([data, data], axis=1), sr)  # stereo OGG
    (tmp_path / "broken.wav").write_bytes(b"RIFF....WAVEfmt not really")
    args = [
        "transcribe",
        str(folder),
        str(tmp_path / "broken.wav"),
        str(JACKSON[4]),
        "--model",
        str(onnx_path),
        "--json",
        "--threads",
        "1",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1  # one file failed, the others were still transcribed
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["zero", "one", "two", "four"]
    assert {"path", "text", "confidence", "words", "duration_s", "latency_ms", "intent"} <= set(lines[0])
    assert 0 < lines[0]["confidence"] <= 1 and lines[0]["words"][0]["word"] == "zero"
    assert [(line["intent"] or {}).get("slots") for line in lines] == [
        {"value": 0},
        {"value": 1},
        {"value": 2},
        {"value": 4},
    ]
    assert "broken.wav" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("case", ["missing", "truncated", "not-asr", "no-vocabulary", "bpe-units"])
def test_bad_models_get_one_line(tmp_path, onnx_path, case):
    model = tmp_path / f"{case}.onnx"
    if case == "truncated":
        model.write_bytes(onnx_path.read_bytes()[:200_000])
    elif case in ("not-asr", "no-vocabulary", "bpe-units"):
        proto = onnx.load(str(onnx_path))
        keep = [
            (p.key, "bpe" if p.key == "units" and case == "bpe-units" else p.value)
            for p in proto.metadata_props
            if case != "not-asr" and not (case == "no-vocabulary" and p.key == "vocabulary")
        ]
        del proto.metadata_props[:]
        for k, v in keep:
            proto.metadata_props.add(key=k, value=v)
        onnx.save(proto, str(model))
    result = CliRunner().invoke(app, ["transcribe", str(JACKSON[0]), "--model", str(model)])
    assert result.exit_code == 1 and result.stdout == ""
    message = {
        "missing": "not found",
        "truncated": "truncated",
        "not-asr": "not an asr model",
        "no-vocabulary": "lacks the metadata ['vocabulary']",
        "bpe-units": "outputs 'bpe'; this runtime decodes letters and phones",
    }[case]
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_empty_audio_and_empty_directory(tmp_path, onnx_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "nothing").mkdir()
    result = CliRunner().invoke(
        app, ["transcribe", str(tmp_path / "empty.wav"), str(tmp_path / "nothing"), "--model", str(onnx_path)]
    )
    assert result.exit_code == 1
    assert "empty (0 bytes)" in result.stderr and "holds no audio files" in result.stderr


@pytest.mark.slow
@pytest.mark.shared
def test_the_built_wheel_installs_without_extras_and_transcribes(tmp_path, onnx_path):
    """`python -m build` makes a wheel and an sdist that carry the model; a fresh venv with the
    wheel alone (no torch, no checkout) runs `asr transcribe` and `python -m asr`."""
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,), (sdist,) = dist.glob("*.whl"), dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        assert any(n.endswith("asr/models/default.onnx") for n in tar.getnames())
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run(
        [bin_dir / "pip", "install", "-q", str(wheel)], capture_output=True, text=True, env=env, timeout=900
    )
    assert install.returncode == 0, install.stderr[-2000:]
    no_torch = subprocess.run([bin_dir / "python", "-c", "import torch"], capture_output=True, env=env, cwd=tmp_path)
    assert no_torch.returncode != 0
    out = subprocess.run(
        [bin_dir / "asr", "transcribe", str(JACKSON[3]), "--model", str(onnx_path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["text"] == "three"
    shipped = subprocess.run(
        [bin_dir / "python", "-m", "asr", "transcribe", str(ROOT / "data" / "examples" / "yes.wav")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert shipped.returncode == 0 and "yes" in shipped.stdout, shipped.stderr  # the packaged model, no checkout


@pytest.mark.shared
def test_constrained_decoding_finds_commands_and_rejects_noise(onnx_path):
    """The built-in context on real clips: a keyword and a digit become intents; background noise,
    forced into the grammar, gets a low confidence and is rejected."""
    commands = CommandRecognizer(Recognizer(onnx_path, threads=1), active_grammar())
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    said = lambda source: commands.hear(source, now).intent  # noqa: E731
    assert said(sorted((SC / "yes").glob("*.wav"))[0]).to_dict()["slots"] == {"word": "yes"}
    assert said(JACKSON[7]).slots == {"value": 7}
    noise = said(np.resize(load_audio(NOISE / "running_tap.wav"), 2 * SAMPLE_RATE))
    assert noise.name is None and noise.reason


def test_a_reminders_task_is_decoded_as_dictionary_words(tmp_path):
    """A held-out espeak-ng voice, decoded by the shipped phone model: through the built-in context
    the request and its time come out exact, and the task and the open transcript are words of
    the lexicon, never letters spelled out. (The task itself, "call the dentist", it hears as
    "towels again": export/MODEL_CARD.md, reminders' tasks.)"""
    from asr.runtime import lm
    from asr.runtime.recognizer import LANGUAGE_MODEL

    said, sentence = tmp_path / "said.wav", "remind me to call the dentist tomorrow at nine"
    subprocess.run(["espeak-ng", "-v", "en-us+klatt6", "-w", str(said), sentence], check=True)
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    commands = CommandRecognizer(Recognizer(ROOT / "asr" / "models" / "default.onnx", threads=2), active_grammar())
    transcript = commands.transcribe(said)
    heard = commands.intent_of(transcript, now)
    assert (heard.name, heard.slots["datetime"]) == ("set_reminder", "2026-11-25T09:00:00+00:00")
    words = set(lm.read_arpa(LANGUAGE_MODEL).unigrams)
    assert heard.slots["task"] and set(heard.slots["task"].split()) <= words
    assert transcript.text and set(transcript.text.split()) <= words


@pytest.mark.shared
def test_a_recording_of_several_commands_gives_one_result_each(tmp_path, shipped):
    """Three digits with a second of quiet between them: three utterances, each timed where it was
    put, each its own intent; `asr transcribe --json` writes one line per utterance."""
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    clips = [load_audio(JACKSON[k]) for k in (3, 5, 7)]
    onsets = np.cumsum([1.0] + [len(c) / SAMPLE_RATE + 1.0 for c in clips[:-1]])
    path = tmp_path / "three.wav"
    sf.write(path, np.concatenate([gap] + [x for c in clips for x in (c, gap)]), SAMPLE_RATE)
    found = shipped.utterances(path)
    assert len(found) == 3 and found[0].text == "three"
    assert all(abs(u.start_s - onset) < 0.3 for u, onset in zip(found, onsets))
    result = CliRunner().invoke(app, ["transcribe", str(path), "--json", "--now", "2026-11-24T15:00:00+00:00"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and [line["intent"]["slots"]["value"] for line in lines] == [3, 5, 7]
    assert all(line["path"] == str(path) and line["start"] < line["end"] for line in lines)
