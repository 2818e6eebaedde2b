"""Synthetic command speech: real espeak-ng, flite and festival runs, 200 utterances."""

import json
import os

import numpy as np
import pytest
import soundfile as sf

from asr.intents import active_grammar, understand
from asr.train import synth
from tests.conftest import NOISE

pytestmark = pytest.mark.slow


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
    kinds = {r.get("intent") for r in train + dev}
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
    from asr.train.synth import REFERENCE_NOW, _lines

    for sentence in _lines("non_commands.txt"):
        assert understand(sentence, grammar, REFERENCE_NOW).intent is None, sentence
    plans = [synth.plan(5, i, []) for i in range(300)]
    for p in plans:
        if p.kind == "command":
            result = understand(p.text, grammar, REFERENCE_NOW)
            assert result.intent or "passed" in result.reason or "has no day" in result.reason, p.text


def test_everyday_slot_phrases_are_what_their_slots_mean():
    """Each everyday date-time is a reminder's whole datetime slot, each duration a timer's, and
    the intent mix names exactly the built-in intents."""
    grammar = active_grammar()
    from asr.builtin import commands_context
    from asr.train.synth import INTENTS, REFERENCE_NOW, _lines

    for phrase in _lines("datetimes.txt"):
        result = understand(f"remind me to call mom {phrase}", grammar, REFERENCE_NOW)
        assert (result.intent, result.slots["task"]) == ("set_reminder", "call mom"), (phrase, result.reason)
    for phrase in _lines("durations.txt"):
        assert understand(f"set a timer for {phrase}", grammar, REFERENCE_NOW).intent == "set_timer", phrase
    assert set(INTENTS) == set(commands_context().expressions) and abs(sum(INTENTS.values()) - 1) < 1e-9


def test_missing_engines_say_what_to_install(monkeypatch):
    monkeypatch.setattr(synth.shutil, "which", lambda name: None if name == "flite" else "/usr/bin/" + name)
    with pytest.raises(synth.ASRError, match=r"needs \['flite'\]: apt-get install"):
        synth.check_engines()
