"""Synthetic command speech: the built-in context's sentences, Speech Commands words, digits and
non-command sentences, spoken by Debian's espeak-ng, festival and flite, then augmented.

Commands lean towards the long requests (INTENTS). Their tasks come from data/phrases/tasks.txt;
their date-times and durations from the everyday phrase lists beside it for most sentences, and
from the slot grammars' random expansions for the others, which cover every form the decoder
allows but seldom say "tomorrow at nine".

    asr data synth --out data/synth --n 20000 --seed 0

Utterance i is a pure function of (seed, i): its text, voice, prosody and augmentation come from
its own random generator, so a run is reproducible, resumable (finished files are kept; each is
written whole, then renamed) and splittable over any number of worker processes. Speakers are
split into train and dev by the real speaker behind a voice: flite's and festival's `kal` and
`slt` are the same recorded people, and `kal` is held out so that every engine has a dev speaker;
espeak-ng's voice variants are split by hash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf
from tqdm import tqdm

from asr.audio import SAMPLE_RATE, load_audio, mix_at_snr
from asr.builtin import commands_context, compile_context
from asr.corpora import SPEECH_COMMANDS_WORDS, is_dev_speaker
from asr.errors import ASRError
from asr.grammar import TEXT_TYPE
from asr.intents import understand
from asr.manifest import Utterance, write_manifest

PHRASES = Path(__file__).resolve().parents[2] / "data" / "phrases"
REFERENCE_NOW = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/New_York"))  # only to label intents
ESPEAK_ACCENTS = ("en", "en-us")  # `-v en-gb+variant` ignores the variant (../shared/TTS.md)
ESPEAK_VARIANTS = ("klatt", "klatt2", "klatt3", "klatt4", "klatt5", "klatt6", "edward", "edward2", "robosoft3",
                   "f1", "f2", "f3", "f4", "f5", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "Andy", "Annie",
                   "boris", "david", "john", "linda", "max", "paul", "rob", "steph")  # fmt: skip
FLITE_VOICES = {"kal16": "kal", "rms": "rms", "slt": "slt", "awb": "awb"}  # voice -> the recorded speaker
FESTIVAL_VOICES = {"voice_kal_diphone": "kal", "voice_ked_diphone": "ked", "voice_cmu_us_slt_arctic_hts": "slt"}
MIX = {"command": 0.5, "word": 0.2, "digits": 0.1, "other": 0.2}  # share of each kind of text
# Share of each built-in intent among the commands: the long requests most, since the words and
# digits have kinds of their own.
INTENTS = {"set_reminder": 0.35, "set_alarm": 0.15, "set_timer": 0.15, "cancel_reminder": 0.1, "list_reminders": 0.05,
           "command": 0.1, "digit": 0.1}  # fmt: skip
EVERYDAY_SLOTS = 0.6  # share of commands whose date-times and durations come from the everyday phrase lists
ENGINES = {"espeak": 0.5, "flite": 0.3, "festival": 0.2}  # share of each engine: flite and festival are clearer
DEV_RECORDED_SPEAKER = "kal"  # recorded by both flite and festival: held out, each engine has a dev speaker


@dataclass(frozen=True)
class Voice:
    engine: str  # espeak | flite | festival
    name: str
    speaker: str  # the person (or espeak variant) behind it: the unit of the train/dev split


def voices() -> list[Voice]:
    found = [Voice("espeak", f"{a}+{v}", f"espeak-{a}-{v}") for a in ESPEAK_ACCENTS for v in ESPEAK_VARIANTS]
    found += [Voice("flite", v, s) for v, s in FLITE_VOICES.items()]
    found += [Voice("festival", v, s) for v, s in FESTIVAL_VOICES.items()]
    return found


def check_engines() -> None:
    missing = [e for e in ("espeak-ng", "flite", "text2wave", "sox") if shutil.which(e) is None]
    if missing:
        raise ASRError(
            f"speech synthesis needs {missing}: apt-get install espeak-ng festival festvox-kallpc16k "
            "festvox-kdlpc16k festvox-us-slt-hts flite sox"
        )


@cache
def _lines(name: str) -> tuple[str, ...]:
    return tuple(ln.strip() for ln in (PHRASES / name).read_text().splitlines() if ln.strip() and not ln.startswith("#"))


@dataclass(frozen=True)
class Plan:
    """Everything about utterance i, drawn from its own generator."""

    index: int
    text: str
    kind: str
    voice: Voice
    rate: float  # espeak words per minute, or a duration stretch for flite and festival
    pitch: int  # espeak pitch 0-99
    tempo: float  # sox tempo factor
    semitones: float  # sox pitch shift
    reverb: int  # sox reverberance 0-100, 0: none
    telephone: bool  # 300-3400 Hz band
    noise: str  # noise file name, "" for none
    noise_start: float  # where in the noise file to start, as a fraction of its length
    snr_db: float
    gain_db: float


def plan(seed: int, index: int, noises: list[str]) -> Plan:
    rng = np.random.default_rng([seed, index])
    kinds = list(MIX)
    kind = kinds[rng.choice(len(kinds), p=list(MIX.values()))]
    if kind == "command":
        phrases = {TEXT_TYPE: _lines("tasks.txt")}
        if rng.random() < EVERYDAY_SLOTS:
            phrases |= {"asr.DateTime": _lines("datetimes.txt"), "asr.Duration": _lines("durations.txt")}
        intent = list(INTENTS)[rng.choice(len(INTENTS), p=list(INTENTS.values()))]
        text = _grammar().sample(rng, intent, phrases)
    elif kind == "word":
        text = SPEECH_COMMANDS_WORDS[rng.integers(len(SPEECH_COMMANDS_WORDS))]
    elif kind == "digits":
        digits = "zero one two three four five six seven eight nine".split()
        text = " ".join(digits[d] for d in rng.integers(10, size=rng.integers(1, 4)))
    else:
        others = _lines("non_commands.txt")
        text = others[rng.integers(len(others))]
    engine = list(ENGINES)[rng.choice(len(ENGINES), p=list(ENGINES.values()))]
    engine_voices = [v for v in voices() if v.engine == engine]
    voice = engine_voices[rng.integers(len(engine_voices))]
    espeak = voice.engine == "espeak"
    return Plan(
        index, text, kind, voice,
        rate=float(rng.uniform(120, 220)) if espeak else float(rng.uniform(0.8, 1.25)),
        pitch=int(rng.integers(20, 81)),
        tempo=float(rng.uniform(0.85, 1.15)),
        semitones=float(rng.uniform(-2.5, 2.5)),
        reverb=int(rng.integers(10, 80)) if rng.random() < 0.4 else 0,
        telephone=bool(rng.random() < 0.15),
        noise=noises[rng.integers(len(noises))] if noises and rng.random() < 0.7 else "",
        noise_start=float(rng.random()),
        snr_db=float(rng.uniform(0, 30)),
        gain_db=float(rng.uniform(-12, 0)),
    )  # fmt: skip


@cache
def _grammar():
    return compile_context(commands_context())


def held_out(voice: Voice, dev_percent: float = 20.0) -> bool:
    """Whether a voice's speaker is in the dev split: the held-out recorded speaker, and espeak-ng
    variants chosen by hash."""
    return voice.speaker == DEV_RECORDED_SPEAKER or (voice.engine == "espeak" and is_dev_speaker(voice.speaker, dev_percent))


def speak(v: Voice, text: str, wav: Path, rate: float | None = None, pitch: int | None = None) -> None:
    """`text` in voice `v` to `wav` at the engine's own sample rate. rate: espeak words per minute
    or a flite/festival duration stretch; pitch: espeak's 0-99 (None: the voice's own)."""
    if v.engine == "espeak":
        options = (["-s", str(int(rate))] if rate else []) + (["-p", str(pitch)] if pitch is not None else [])
        cmd = ["espeak-ng", "-v", v.name, *options, "-w", str(wav), text]
    elif v.engine == "flite":
        options = ["--setf", f"duration_stretch={rate:.3f}"] if rate else []
        cmd = ["flite", "-voice", v.name, *options, "-t", text, "-o", str(wav)]
    else:
        options = ["-eval", f"(Parameter.set 'Duration_Stretch {rate:.3f})"] if rate else []
        cmd = ["text2wave", "-eval", f"({v.name})", *options, "-o", str(wav)]
    subprocess.run(cmd, input=text if v.engine == "festival" else None, text=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def _sox(p: Plan, src: Path, dst: Path) -> None:
    effects = ["tempo", f"{p.tempo:.3f}", "pitch", f"{100 * p.semitones:.0f}"]
    if p.reverb:
        effects += ["reverb", str(p.reverb)]
    if p.telephone:
        effects += ["sinc", "300-3400"]
    effects += ["pad", "0.15", "0.15"]  # the quiet an endpointer leaves around speech
    subprocess.run(["sox", "-R", "-V1", str(src), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(dst), *effects],
                   check=True, stderr=subprocess.PIPE)  # fmt: skip


def render(p: Plan, out: Path, noise_dir: Path | None) -> None:
    """Speak, augment with sox, mix noise, write out (whole, then renamed)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, shaped = Path(tmp) / "raw.wav", Path(tmp) / "shaped.wav"
        speak(p.voice, p.text, raw, p.rate, p.pitch)
        _sox(p, raw, shaped)
        audio = load_audio(shaped)
    if p.noise and noise_dir is not None:
        audio = mix_at_snr(audio, load_audio(noise_dir / p.noise), p.snr_db, p.noise_start)
    audio = audio * 10 ** (p.gain_db / 20)
    peak = float(np.abs(audio).max())
    if peak > 0.99:  # never clip
        audio *= 0.99 / peak
    tmp_out = out.with_suffix(".tmp.wav")
    sf.write(tmp_out, audio, SAMPLE_RATE, subtype="PCM_16")
    os.replace(tmp_out, out)


def _render_one(args) -> tuple[int, str | None]:
    p, out, noise_dir = args
    if out.exists():
        return p.index, None  # done by an earlier run
    try:
        render(p, out, noise_dir)
    except (subprocess.CalledProcessError, ASRError, OSError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        return p.index, f"{p.voice.engine} {p.voice.name}: {str(detail).strip()[:200]}"
    return p.index, None


def synthesize(out_dir: str | os.PathLike, n: int, seed: int = 0, workers: int = 2, dev_percent: float = 20.0,
               noise_dir: str | os.PathLike | None = None) -> dict[str, int]:  # fmt: skip
    """Render n utterances into out_dir/wav and write out_dir/train.jsonl and dev.jsonl."""
    check_engines()
    out_dir = Path(out_dir)
    (out_dir / "wav").mkdir(parents=True, exist_ok=True)
    noise_path = Path(noise_dir) if noise_dir else None
    noises = sorted(p.name for p in noise_path.glob("*.wav")) if noise_path and noise_path.is_dir() else []
    if noise_path and not noises:
        raise ASRError(f"no .wav noise files in '{noise_path}'; pass a folder of noise, or \"\" for clean speech")
    plans = [plan(seed, i, noises) for i in range(n)]
    jobs = [(p, out_dir / "wav" / f"{seed}_{p.index:06d}.wav", noise_path) for p in plans]
    failures = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for index, error in tqdm(pool.map(_render_one, jobs, chunksize=8), total=n, desc="synthesize", unit="utt"):
            if error:
                failures.append((index, error))
    if failures:
        raise ASRError(f"{len(failures)} of {n} utterances failed, e.g. #{failures[0][0]}: {failures[0][1]}; "
                       "rerun to retry them (finished files are kept)")  # fmt: skip
    grammar = _grammar()
    splits: dict[str, list[Utterance]] = {"train": [], "dev": []}
    for p, wav, _ in jobs:
        intent = understand(p.text, grammar, REFERENCE_NOW).intent if p.kind != "other" else None
        split = "dev" if held_out(p.voice, dev_percent) else "train"
        utt = Utterance(os.path.relpath(wav, out_dir), p.text, p.voice.speaker, f"synth-{p.voice.engine}", intent,
                        round(sf.info(wav).duration, 3))  # fmt: skip
        splits[split].append(utt)
    for split, utterances in splits.items():
        write_manifest(out_dir / f"{split}.jsonl", utterances)
    return {k: len(v) for k, v in splits.items()}
