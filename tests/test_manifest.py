"""asr.data.manifest: JSON-lines manifests read and written, bad lines named."""

import json

import pytest

from asr.data.manifest import Utterance, read_manifest, write_manifest
from asr.errors import ASRError


def test_manifest_round_trip_resolves_relative_paths(tmp_path, sc_clip):
    utts = [Utterance(str(sc_clip), "yes", "spk", "speech_commands", duration_s=1.0)]
    write_manifest(tmp_path / "m.jsonl", utts)
    assert read_manifest(tmp_path / "m.jsonl") == utts
    rel = tmp_path / "sub" / "r.jsonl"
    rel.parent.mkdir()
    (tmp_path / "a.wav").write_bytes(b"")
    rel.write_text(json.dumps({"audio": "../a.wav", "text": "go"}) + "\n")
    assert read_manifest(rel)[0].audio == str(tmp_path / "a.wav")


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"audio": "a.wav", "text": "yes"', r":2: not valid JSON"),
        ('{"audio": "a.wav"}', r":2: each line needs"),
        ('{"audio": "a.wav", "text": "yes", "lang": "en"}', r":2: unknown field"),
        ('{"audio": "a.wav", "text": "take 2 pills"}', r":2: .*outside the vocabulary"),
    ],
)
def test_bad_manifest_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"audio": "a.wav", "text": "ok"}\n' + line + "\n")
    with pytest.raises(ASRError, match=message):
        read_manifest(path)


def test_missing_manifest(tmp_path):
    with pytest.raises(ASRError, match="not found.*prepare-shared"):
        read_manifest(tmp_path / "none.jsonl")
