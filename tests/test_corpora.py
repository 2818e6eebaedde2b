import re
import shutil

import pytest
from typer.testing import CliRunner

from asr.data.corpora import KEYWORDS, SPEECH_COMMANDS_WORDS, librispeech, librispeech_sexes
from asr.data.manifest import read_manifest
from asr.errors import ASRError
from cli import app
from tests.conftest import SHARED


@pytest.mark.shared
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


MINI = SHARED / "mini_librispeech" / "LibriSpeech" / "train-clean-5"


@pytest.mark.shared
def test_prepare_shared_holds_out_librispeech_readers_of_both_sexes(tmp_path):
    result = CliRunner().invoke(app, ["data", "prepare-shared", "--shared", str(SHARED), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    train = read_manifest(tmp_path / "librispeech_train.jsonl")
    dev = read_manifest(tmp_path / "librispeech_dev.jsonl")
    assert len(train) + len(dev) == 1330 and not {u.speaker for u in train} & {u.speaker for u in dev}
    sexes = librispeech_sexes(MINI)
    assert sorted(sexes[s] for s in {u.speaker for u in dev}) == ["F", "F", "M", "M"]
    assert all(u.source == "librispeech" and 1 < u.duration_s < 36 and u.text.islower() for u in train + dev)
    assert sum(u.duration_s for u in train + dev) / 3600 > 4.5


def _chapter(tmp_path, lines, clips):
    """A one-chapter LibriSpeech subset with the given transcript lines and real clips."""
    chapter = tmp_path / "sub" / "19" / "198"
    chapter.mkdir(parents=True)
    real = sorted(MINI.glob("*/*/*.opus"))[0]
    for utt in clips:
        shutil.copy(real, chapter / f"{utt}.opus")
    if lines is not None:
        (chapter / "19-198.trans.txt").write_text("".join(f"{line}\n" for line in lines))
    return tmp_path / "sub"


@pytest.mark.shared
def test_librispeech_reads_its_layout(tmp_path):
    utterances = librispeech(
        _chapter(tmp_path, ["19-198-0000 HELLO THERE", "19-198-0001 IT'S ME"], ["19-198-0000", "19-198-0001"])
    )
    assert [(u.text, u.speaker) for u in utterances] == [("hello there", "19"), ("it's me", "19")]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("lines", "clips", "message"),
    [
        (None, ["19-198-0000"], r"19-198.trans.txt' is missing for the 1 clips"),
        (["19-198-0000 HELLO", "19-198-0001 THERE"], ["19-198-0000"], r"19-198.trans.txt:2: no audio file 19-198-0001"),
        (["19-198-0000 HELLO 42 TIMES"], ["19-198-0000"], r"19-198.trans.txt:1: .*outside the vocabulary"),
    ],
)
def test_librispeech_bad_folders_name_the_file_and_the_fix(tmp_path, lines, clips, message):
    with pytest.raises(ASRError, match=message):
        librispeech(_chapter(tmp_path, lines, clips))
