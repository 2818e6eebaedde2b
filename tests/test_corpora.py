import re

from typer.testing import CliRunner

from asr.corpora import KEYWORDS, SPEECH_COMMANDS_WORDS
from asr.manifest import read_manifest
from cli import app
from tests.conftest import SHARED


def test_prepare_shared_writes_speaker_disjoint_manifests(tmp_path):
    result = CliRunner().invoke(app, ["data", "prepare-shared", "--shared", str(SHARED), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    train, dev = read_manifest(tmp_path / "train.jsonl"), read_manifest(tmp_path / "dev.jsonl")
    assert not {u.speaker for u in train} & {u.speaker for u in dev}
    assert len(train) + len(dev) == 2734 + 299 + 2000  # every clip of the three corpora, once
    fsdd_dev = {u.speaker for u in dev if u.source == "fsdd"}
    assert len(fsdd_dev) == 1 and len({u.speaker for u in train if u.source == "fsdd"}) == 3
    for u in train + dev:
        if "/_unknown_/" in u.audio:  # labelled with the real word from the file name
            word = re.match(r"([a-z]+)_", u.audio.rsplit("/", 1)[1]).group(1)
            assert u.text == word and word in SPEECH_COMMANDS_WORDS and word not in KEYWORDS
        if "/_silence_/" in u.audio:
            assert u.text == ""
        assert u.duration_s and u.duration_s > 0.1
    sc_dev = [u for u in dev if u.source == "speech_commands"]
    assert 0.1 < len(sc_dev) / (len(sc_dev) + sum(u.source == "speech_commands" for u in train)) < 0.35


def test_prepare_shared_missing_folder_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["data", "prepare-shared", "--shared", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "not found" in result.output
