"""Readers for the corpora we train on, each in its published layout -> lists of Utterance.

- Google Speech Commands (v0.01 / v0.02): `<root>/<word>/<speaker>_nohash_<n>.wav`, official
  `validation_list.txt` / `testing_list.txt`, `_background_noise_/` for augmentation.
- The Speech Commands 12-class test layout: the 10 keywords, `_unknown_/` (real word = file-name
  prefix) and `_silence_/` (1 s of background noise, empty transcript).
- Free Spoken Digit Dataset: `recordings/{digit}_{speaker}_{n}.wav` at 8 kHz.
- LibriSpeech (any subset, Mini LibriSpeech too): `<subset>/<speaker>/<chapter>/` holding
  `<speaker>-<chapter>-<n>.flac` (or `.opus`) and `<speaker>-<chapter>.trans.txt`; the speakers'
  sex in `SPEAKERS.TXT` beside the subset folders. Utterances of up to 35 s are kept whole.

Splits are by speaker, never by clip: a speaker's hash decides dev or train, so the same person
lands on the same side in every corpus that shares speaker ids.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import soundfile as sf

from asr.data.manifest import Utterance, write_manifest
from asr.errors import ASRError
from asr.runtime import vocab

KEYWORDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")  # the 12-class task's 10
SPEECH_COMMANDS_WORDS = KEYWORDS + (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "bed",
    "bird",
    "cat",
    "dog",
    "happy",
    "house",
    "marvin",
    "sheila",
    "tree",
    "wow",
    "backward",
    "forward",
    "follow",
    "learn",
    "visual",
)
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
UNKNOWN, SILENCE = "_unknown_", "_silence_"
_SC_NAME = re.compile(r"(?:(?P<word>[a-z]+)_)?(?P<speaker>[0-9a-f]{8})_nohash_\d+\.wav$")
_FSDD_NAME = re.compile(r"(?P<digit>\d)_(?P<speaker>[a-z]+)_\d+\.wav$")
LIBRISPEECH_AUDIO = (".flac", ".opus", ".wav")
LIBRISPEECH_DEV_PER_SEX = 2  # Mini LibriSpeech speakers of each sex held out for dev in prepare-shared


def is_dev_speaker(speaker: str, dev_percent: float) -> bool:
    """Stable speaker-level split: sha1 of the speaker id, bucketed into 100."""
    return int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % 100 < dev_percent


def _utt(path: Path, text: str, speaker: str, source: str) -> Utterance:
    info = sf.info(path)
    return Utterance(str(path), text, speaker, source, duration_s=round(info.frames / info.samplerate, 4))


def _require_dir(root: Path, what: str, fix: str) -> None:
    if not root.is_dir():
        raise ASRError(f"{what} not found at '{root}'; {fix}")


def speech_commands(root: str | os.PathLike, source: str = "speech_commands") -> dict[str, list[Utterance]]:
    """The official layout, split by its own validation/testing lists -> {"train", "dev", "test"}."""
    root = Path(root)
    _require_dir(root, "Speech Commands", "run 'asr data download speech-commands' or pass --root")
    lists = {}
    for split, name in (("dev", "validation_list.txt"), ("test", "testing_list.txt")):
        p = root / name
        lists[split] = set(p.read_text().split()) if p.is_file() else set()
    splits: dict[str, list[Utterance]] = {"train": [], "dev": [], "test": []}
    for word_dir in sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("_")):
        for wav in sorted(word_dir.glob("*.wav")):
            m = _SC_NAME.match(wav.name)
            if not m:
                continue
            rel = f"{word_dir.name}/{wav.name}"
            split = "dev" if rel in lists["dev"] else "test" if rel in lists["test"] else "train"
            splits[split].append(_utt(wav, word_dir.name, m["speaker"], source))
    if not any(splits.values()):
        raise ASRError(f"no Speech Commands clips (<word>/<speaker>_nohash_<n>.wav) under '{root}'")
    return splits


def speech_commands_12class(root: str | os.PathLike, source: str = "speech_commands") -> list[Utterance]:
    """The 12-class test layout: keyword folders, `_unknown_` (word from the file name), `_silence_`."""
    root = Path(root)
    _require_dir(root, "Speech Commands 12-class set", "check the path")
    utterances = []
    for word_dir in sorted(d for d in root.iterdir() if d.is_dir()):
        for wav in sorted(word_dir.glob("*.wav")):
            if word_dir.name == SILENCE:
                utterances.append(_utt(wav, "", f"noise-{wav.stem}", source))
                continue
            m = _SC_NAME.match(wav.name)
            if not m:
                continue
            text = m["word"] if word_dir.name == UNKNOWN else word_dir.name
            if not text:
                raise ASRError(f"'{wav}': an {UNKNOWN} clip must be named <word>_<speaker>_nohash_<n>.wav")
            utterances.append(_utt(wav, text, m["speaker"], source))
    return utterances


def fsdd(root: str | os.PathLike, source: str = "fsdd") -> list[Utterance]:
    """Free Spoken Digit Dataset: `{digit}_{speaker}_{n}.wav`, transcript = the digit's word."""
    root = Path(root)
    _require_dir(root, "Free Spoken Digit Dataset recordings", "pass the folder holding {digit}_{speaker}_{n}.wav")
    utterances = []
    for wav in sorted(root.glob("*.wav")):
        m = _FSDD_NAME.match(wav.name)
        if m:
            utterances.append(_utt(wav, DIGITS[int(m["digit"])], m["speaker"], source))
    if not utterances:
        raise ASRError(f"no FSDD clips named {{digit}}_{{speaker}}_{{n}}.wav under '{root}'")
    return utterances


def librispeech(subset: str | os.PathLike, source: str = "librispeech") -> list[Utterance]:
    """A LibriSpeech subset folder (`.../LibriSpeech/train-clean-5`) -> its utterances, transcripts
    lower-cased into the model's vocabulary, speaker = the reader's id."""
    subset = Path(subset)
    _require_dir(
        subset, "LibriSpeech subset", "pass the folder holding <speaker>/<chapter>/ (e.g. LibriSpeech/train-clean-5)"
    )
    utterances = []
    for chapter in sorted(d for d in subset.glob("*/*") if d.is_dir()):
        speaker, chapter_id = chapter.parent.name, chapter.name
        audio = {f.stem: f for f in chapter.iterdir() if f.suffix in LIBRISPEECH_AUDIO}
        transcript = chapter / f"{speaker}-{chapter_id}.trans.txt"
        if not transcript.is_file():
            if audio:
                raise ASRError(
                    f"'{transcript}' is missing for the {len(audio)} clips in '{chapter}'; "
                    "restore it from the archive or remove the chapter folder"
                )
            continue
        for n, line in enumerate(transcript.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            utt_id, _, text = line.partition(" ")
            if utt_id not in audio:
                raise ASRError(
                    f"{transcript}:{n}: no audio file {utt_id}.flac (or .opus) for this line; "
                    "restore it from the archive or delete the line"
                )
            text = vocab.normalize(text)
            try:
                vocab.encode(text)
            except ASRError as e:
                raise ASRError(f"{transcript}:{n}: {e}") from None
            utterances.append(_utt(audio[utt_id], text, speaker, source))
    if not utterances:
        raise ASRError(f"no LibriSpeech chapters (<speaker>/<chapter>/*.trans.txt) under '{subset}'")
    return utterances


def librispeech_sexes(subset: str | os.PathLike) -> dict[str, str]:
    """SPEAKERS.TXT beside a subset folder -> {speaker id: "F" or "M"} ({} when it is absent)."""
    path = Path(subset).parent / "SPEAKERS.TXT"
    if not path.is_file():
        return {}
    rows = (line.split("|") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(";"))
    return {r[0].strip(): r[1].strip() for r in rows if len(r) >= 2}


def split_by_speaker(utterances: list[Utterance], dev_percent: float) -> tuple[list[Utterance], list[Utterance]]:
    train = [u for u in utterances if not is_dev_speaker(u.speaker, dev_percent)]
    dev = [u for u in utterances if is_dev_speaker(u.speaker, dev_percent)]
    return train, dev


def librispeech_dev_speakers(utterances: list[Utterance], sexes: dict[str, str], per_sex: int) -> set[str]:
    """`per_sex` readers of each sex, the lowest by speaker hash: a dev set of women and men alike."""
    speakers = sorted({u.speaker for u in utterances}, key=lambda s: hashlib.sha1(s.encode()).hexdigest())
    by_sex: dict[str, list[str]] = {}
    for s in speakers:
        by_sex.setdefault(sexes.get(s, "?"), []).append(s)
    return {s for group in by_sex.values() for s in group[:per_sex]}


def prepare_shared(shared: str | os.PathLike, out_dir: str | os.PathLike, dev_percent: float = 20.0) -> dict[str, int]:
    """Speaker-disjoint train/dev manifests for the real recordings in ../shared/data.

    Speech Commands (both versions) split by speaker hash; FSDD keeps its one speaker with the
    lowest hash for dev (it has only four): train.jsonl, dev.jsonl. Mini LibriSpeech holds out
    LIBRISPEECH_DEV_PER_SEX readers of each sex: librispeech_train.jsonl, librispeech_dev.jsonl.
    Paths are written relative to the manifest folder.
    """
    shared, out_dir = Path(shared), Path(out_dir)
    _require_dir(shared, "shared data", "pass --shared pointing at the folder with the recordings")
    sc = speech_commands_12class(shared / "speech_commands_v0.02_test_subset")
    sc += speech_commands_12class(shared / "speech_commands_v0.01_sample")
    train, dev = split_by_speaker(sc, dev_percent)
    digits = fsdd(shared / "free-spoken-digit-dataset" / "recordings")
    fsdd_dev = min({u.speaker for u in digits}, key=lambda s: hashlib.sha1(s.encode()).hexdigest())
    train += [u for u in digits if u.speaker != fsdd_dev]
    dev += [u for u in digits if u.speaker == fsdd_dev]
    manifests = {"train": train, "dev": dev}
    mini = shared / "mini_librispeech" / "LibriSpeech" / "train-clean-5"
    if mini.is_dir():
        read = librispeech(mini)
        held = librispeech_dev_speakers(read, librispeech_sexes(mini), LIBRISPEECH_DEV_PER_SEX)
        manifests["librispeech_train"] = [u for u in read if u.speaker not in held]
        manifests["librispeech_dev"] = [u for u in read if u.speaker in held]
    for split in ("", "librispeech_"):
        overlap = {u.speaker for u in manifests.get(f"{split}train", [])} & {
            u.speaker for u in manifests.get(f"{split}dev", [])
        }
        assert not overlap, f"speaker leak between train and dev: {sorted(overlap)[:5]}"
    counts = {}
    for name, utts in manifests.items():
        rel = [
            Utterance(os.path.relpath(u.audio, out_dir), u.text, u.speaker, u.source, u.intent, u.duration_s)
            for u in utts
        ]
        write_manifest(out_dir / f"{name}.jsonl", rel)
        counts[name] = len(rel)
    return counts
