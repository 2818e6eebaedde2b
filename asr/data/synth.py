"""Synthetic speech: the built-in context's sentences, real requests, Speech Commands words, digits
and non-command sentences (asr/train/texts.py), spoken by Kokoro-82M (a neural TTS: 63 voices and
blends of two) and Debian's espeak-ng, festival and flite, then augmented.

    asr data synth --out data/synth --n 20000 --seed 0
    asr data synth --engine kokoro --voices ../shared/tts/kokoro/voices.npz --out data/synth_kokoro --n 20000

Utterance i is a pure function of (seed, i): its text, voice, prosody and augmentation come from
its own random generator, so a run is reproducible, resumable and splittable over any number of
worker processes. Each clip is written whole, then renamed, and so is its manifest line beside it
(`wav/<seed>_<i>.json`): a stopped run keeps every finished clip with its label, and the manifests
are assembled from those lines at the end.

Speakers are split into train and dev by the real speaker behind a voice: flite's and festival's
`kal` and `slt` are the same recorded people, and `kal` is held out so that every engine has a dev
speaker; espeak-ng's voice variants are split by hash; Kokoro's v0.19 and v1.0 packs of one person
are one speaker, KOKORO_DEV_PEOPLE are held out, and each blend of two voices is a new speaker,
on the side of the two people it is made of.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf
from tqdm import tqdm

from asr.audio import SAMPLE_RATE, load_audio, mix_at_snr
from asr.commands.intents import understand
from asr.data import texts
from asr.data.corpora import is_dev_speaker
from asr.data.manifest import Utterance, write_manifest
from asr.errors import ASRError

ESPEAK_ACCENTS = ("en", "en-us")  # `-v en-gb+variant` ignores the variant (../shared/TTS.md)
ESPEAK_VARIANTS = (
    "klatt",
    "klatt2",
    "klatt3",
    "klatt4",
    "klatt5",
    "klatt6",
    "edward",
    "edward2",
    "robosoft3",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m6",
    "m7",
    "m8",
    "Andy",
    "Annie",
    "boris",
    "david",
    "john",
    "linda",
    "max",
    "paul",
    "rob",
    "steph",
)
FLITE_VOICES = {"kal16": "kal", "rms": "rms", "slt": "slt", "awb": "awb"}  # voice -> the recorded speaker
FESTIVAL_VOICES = {"voice_kal_diphone": "kal", "voice_ked_diphone": "ked", "voice_cmu_us_slt_arctic_hts": "slt"}
MIX = {"command": 0.45, "phrasing": 0.1, "word": 0.15, "digits": 0.1, "other": 0.2}  # share of each kind of text
ENGINES = {"espeak": 0.5, "flite": 0.3, "festival": 0.2, "kokoro": 1.0}  # relative share among the engines asked for
CLASSIC_ENGINES = ("espeak", "flite", "festival")  # the default: no model file needed
DEV_RECORDED_SPEAKER = "kal"  # recorded by both flite and festival: held out, each engine has a dev speaker
# Kokoro people held out as synthetic dev speakers: American, British and accented, female and male.
KOKORO_DEV_PEOPLE = ("af_sky", "af_nova", "am_michael", "bf_isabella", "bm_lewis", "hf_beta", "jm_kumo", "zf_xiaoyi")
KOKORO_BLENDS = 160  # blends of two voices, each a speaker of its own (a fifth of them from dev people)
KOKORO_SPEED = (0.85, 1.2)
KOKORO_MODEL = "kokoro-v1.0.int8.onnx"


@dataclass(frozen=True)
class Voice:
    engine: str  # espeak | flite | festival | kokoro
    name: str  # kokoro: a voice of the voices file, or a blend "af_bella+bm_george@0.35" (0.35 of the first)
    speaker: str  # the person (or espeak variant) behind it: the unit of the train/dev split


@dataclass(frozen=True)
class KokoroFiles:
    model: str  # the Kokoro-82M ONNX file (`asr data download kokoro`)
    voices: str  # an npz of style arrays, one per voice: (length, 1, 256) float32


def kokoro_person(voice_name: str) -> str:
    """One person's v0.19 and v1.0 packs are one speaker: "af_v0bella" -> "af_bella"."""
    prefix, _, rest = voice_name.partition("_")
    return f"{prefix}_{rest[2:]}" if rest.startswith("v0") and rest != "v0" else voice_name


def kokoro_voices(names: list[str]) -> list[Voice]:
    """The voices of a voices file and KOKORO_BLENDS blends of two people on the same side of the
    split. The blends depend only on the names, so every corpus made from one file has the same."""
    voices = [Voice("kokoro", n, f"kokoro-{kokoro_person(n)}") for n in sorted(names)]
    people: dict[str, list[str]] = {}
    for n in sorted(names):
        people.setdefault(kokoro_person(n), []).append(n)
    sides = {dev: sorted(p for p in people if (p in KOKORO_DEV_PEOPLE) == dev) for dev in (False, True)}
    rng = np.random.default_rng(20260)
    for k in range(KOKORO_BLENDS):
        pool = sides[k % 5 == 0] if len(sides[True]) >= 2 else sides[False]
        a, b = (people[pool[i]] for i in rng.choice(len(pool), size=2, replace=False))  # two people
        name = f"{a[rng.integers(len(a))]}+{b[rng.integers(len(b))]}@{rng.uniform(0.2, 0.8):.2f}"
        voices.append(Voice("kokoro", name, f"kokoro-blend-{name}"))
    return voices


@cache
def voices(kokoro: KokoroFiles | None = None) -> tuple[Voice, ...]:
    """Every voice of every engine (Kokoro's when its files are given)."""
    found = [Voice("espeak", f"{a}+{v}", f"espeak-{a}-{v}") for a in ESPEAK_ACCENTS for v in ESPEAK_VARIANTS]
    found += [Voice("flite", v, s) for v, s in FLITE_VOICES.items()]
    found += [Voice("festival", v, s) for v, s in FESTIVAL_VOICES.items()]
    if kokoro is not None:
        found += kokoro_voices(list(kokoro_styles(kokoro.voices)))
    return tuple(found)


def check_engines(engines: tuple[str, ...], kokoro: KokoroFiles | None = None) -> None:
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown or not engines:
        raise ASRError(f"unknown engine(s) {unknown}; choose from {', '.join(ENGINES)}")
    programs = {"espeak": ["espeak-ng"], "flite": ["flite"], "festival": ["text2wave"], "kokoro": []}
    missing = [e for e in [*(e for engine in engines for e in programs[engine]), "sox"] if shutil.which(e) is None]
    if missing:
        raise ASRError(
            f"speech synthesis needs {missing}: apt-get install espeak-ng festival festvox-kallpc16k "
            "festvox-kdlpc16k festvox-us-slt-hts flite sox"
        )
    if "kokoro" in engines:
        if kokoro is None or not Path(kokoro.model).is_file():
            where = f"'{kokoro.model}' " if kokoro else ""
            raise ASRError(
                f"the Kokoro model {where}was not found; run 'asr data download kokoro --root data/tts' "
                "or pass --kokoro-model"
            )
        kokoro_styles(kokoro.voices)


@cache
def kokoro_styles(path: str) -> dict[str, np.ndarray]:
    """A Kokoro voices file -> {name: (length, 1, 256) float32 style array}, checked."""
    fix = "pass the voices.npz of ../shared/tts/kokoro or of 'asr data download kokoro'"
    try:
        with np.load(path, allow_pickle=False) as npz:
            styles = {name: npz[name] for name in npz.files}
    except (OSError, ValueError) as e:
        raise ASRError(f"voices file '{path}' is not a readable npz ({e}); {fix}") from None
    bad = [n for n, a in styles.items() if a.ndim != 3 or a.shape[1:] != (1, 256) or a.dtype != np.float32]
    if not styles or bad:
        raise ASRError(
            f"voices file '{path}' holds no style arrays of shape (length, 1, 256) float32"
            f"{f' ({bad[0]!r} is not one)' if bad else ''}; {fix}"
        )
    return styles


@dataclass(frozen=True)
class Plan:
    """Everything about utterance i, drawn from its own generator."""

    index: int
    text: str
    kind: str
    voice: Voice
    rate: float  # espeak words per minute, a flite/festival duration stretch, or Kokoro's speed
    pitch: int  # espeak pitch 0-99
    tempo: float  # sox tempo factor
    semitones: float  # sox pitch shift
    reverb: int  # sox reverberance 0-100, 0: none
    telephone: bool  # 300-3400 Hz band
    noise: str  # noise file name, "" for none
    noise_start: float  # where in the noise file to start, as a fraction of its length
    snr_db: float
    gain_db: float


def plan(
    seed: int,
    index: int,
    noises: list[str],
    engines: tuple[str, ...] = CLASSIC_ENGINES,
    kokoro: KokoroFiles | None = None,
    dev_only: bool = False,
) -> Plan:
    """Utterance `index`; `dev_only` draws its voice from the held-out speakers alone (a dev set)."""
    rng = np.random.default_rng([seed, index])
    kind = list(MIX)[rng.choice(len(MIX), p=list(MIX.values()))]
    text = texts.text(kind, rng)
    shares = np.array([ENGINES[e] for e in engines])
    engine = engines[rng.choice(len(engines), p=shares / shares.sum())]
    engine_voices = [
        v
        for v in voices(kokoro if engine == "kokoro" else None)
        if v.engine == engine and (held_out(v) or not dev_only)
    ]
    voice = engine_voices[rng.integers(len(engine_voices))]
    rate = {"espeak": (120, 220), "kokoro": KOKORO_SPEED}.get(engine, (0.8, 1.25))
    return Plan(
        index,
        text,
        kind,
        voice,
        rate=float(rng.uniform(*rate)),
        pitch=int(rng.integers(20, 81)),
        tempo=float(rng.uniform(0.85, 1.15)),
        semitones=float(rng.uniform(-2.5, 2.5)),
        reverb=int(rng.integers(10, 80)) if rng.random() < 0.4 else 0,
        telephone=bool(rng.random() < 0.15),
        noise=noises[rng.integers(len(noises))] if noises and rng.random() < 0.7 else "",
        noise_start=float(rng.random()),
        snr_db=float(rng.uniform(0, 30)),
        gain_db=float(rng.uniform(-12, 0)),
    )


def held_out(voice: Voice, dev_percent: float = 20.0) -> bool:
    """Whether a voice's speaker is in the dev split: the held-out recorded speaker, espeak-ng
    variants chosen by hash, and Kokoro voices and blends of KOKORO_DEV_PEOPLE."""
    if voice.engine == "kokoro":
        first = voice.name.split("@")[0].split("+")[0]
        return kokoro_person(first) in KOKORO_DEV_PEOPLE
    return voice.speaker == DEV_RECORDED_SPEAKER or (
        voice.engine == "espeak" and is_dev_speaker(voice.speaker, dev_percent)
    )


@cache
def _kokoro_engine(model: str, voices_file: str):
    """One Kokoro session per process, on one thread: two threads are not faster on this model
    (../shared/tts/kokoro/README.md), so run one worker per core."""
    import onnxruntime
    from kokoro_onnx import Kokoro

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return Kokoro.from_session(session, voices_file)


def kokoro_style(voices_file: str, name: str) -> np.ndarray:
    """A voice's style array; a blend "a+b@w" is w * a + (1 - w) * b."""
    styles = kokoro_styles(voices_file)
    voice, _, weight = name.partition("@")
    if not weight:
        return styles[voice]
    a, b = (styles[v] for v in voice.split("+"))
    length = min(len(a), len(b))  # packs hold 510 or 511 rows, one per input length
    return float(weight) * a[:length] + (1 - float(weight)) * b[:length]


def speak(
    v: Voice,
    text: str,
    wav: Path,
    rate: float | None = None,
    pitch: int | None = None,
    kokoro: KokoroFiles | None = None,
) -> None:
    """`text` in voice `v` to `wav` at the engine's own sample rate. rate: espeak words per minute,
    a flite/festival duration stretch or Kokoro's speed; pitch: espeak's 0-99 (None: the voice's own)."""
    if v.engine == "kokoro":
        if kokoro is None:
            raise ASRError("a Kokoro voice needs the Kokoro model and voices files")
        lang = "en-gb" if v.name.startswith("b") else "en-us"  # British voices: bf_*, bm_*
        engine = _kokoro_engine(kokoro.model, kokoro.voices)
        audio, rate_hz = engine.create(text, voice=kokoro_style(kokoro.voices, v.name), speed=rate or 1.0, lang=lang)
        sf.write(wav, audio, rate_hz, subtype="FLOAT")
        return
    if v.engine == "espeak":
        options = (["-s", str(int(rate))] if rate else []) + (["-p", str(pitch)] if pitch is not None else [])
        cmd = ["espeak-ng", "-v", v.name, *options, "-w", str(wav), text]
    elif v.engine == "flite":
        options = ["--setf", f"duration_stretch={rate:.3f}"] if rate else []
        cmd = ["flite", "-voice", v.name, *options, "-t", text, "-o", str(wav)]
    else:
        options = ["-eval", f"(Parameter.set 'Duration_Stretch {rate:.3f})"] if rate else []
        cmd = ["text2wave", "-eval", f"({v.name})", *options, "-o", str(wav)]
    subprocess.run(
        cmd,
        input=text if v.engine == "festival" else None,
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _sox(p: Plan, src: Path, dst: Path) -> None:
    effects = ["tempo", f"{p.tempo:.3f}", "pitch", f"{100 * p.semitones:.0f}"]
    if p.reverb:
        effects += ["reverb", str(p.reverb)]
    if p.telephone:
        effects += ["sinc", "300-3400"]
    effects += ["pad", "0.15", "0.15"]  # the quiet an endpointer leaves around speech
    subprocess.run(
        ["sox", "-R", "-V1", str(src), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(dst), *effects],
        check=True,
        stderr=subprocess.PIPE,
    )


def render(p: Plan, out: Path, noise_dir: Path | None, kokoro: KokoroFiles | None = None) -> None:
    """Speak, augment with sox, mix noise, write out (whole, then renamed)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, shaped = Path(tmp) / "raw.wav", Path(tmp) / "shaped.wav"
        speak(p.voice, p.text, raw, p.rate, p.pitch, kokoro)
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


def label(p: Plan, wav: Path, out_dir: Path) -> Utterance:
    """A clip's manifest line: its text, speaker, engine and, for a command, intent and slots."""
    intent = None
    if p.kind in ("command", "phrasing", "word", "digits"):
        understood = understand(p.text, texts.grammar(), texts.REFERENCE_NOW)
        intent = {"intent": understood.name, "slots": understood.slots} if understood.name else None
    return Utterance(
        os.path.relpath(wav, out_dir),
        p.text,
        p.voice.speaker,
        f"synth-{p.voice.engine}",
        intent,
        round(sf.info(wav).duration, 3),
    )


def _write_json(path: Path, row: dict) -> None:
    tmp = path.with_suffix(".tmp.json")
    tmp.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _render_one(args) -> tuple[int, str | None]:
    p, out, noise_dir, kokoro = args
    line = out.with_suffix(".json")
    if line.exists() and out.exists():
        return p.index, None  # done by an earlier run
    try:
        render(p, out, noise_dir, kokoro)
        utt = label(p, out, out.parents[1])
    except (subprocess.CalledProcessError, ASRError, OSError, ValueError, RuntimeError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        return p.index, f"{p.voice.engine} {p.voice.name}: {str(detail).strip()[:200]}"
    _write_json(line, {k: v for k, v in asdict(utt).items() if v is not None})
    return p.index, None


def _worker_init() -> None:
    os.environ["OMP_NUM_THREADS"] = "1"  # one worker per core: no thread pools fighting over it


def synthesize(
    out_dir: str | os.PathLike,
    n: int,
    seed: int = 0,
    workers: int = 2,
    dev_percent: float = 20.0,
    noise_dir: str | os.PathLike | None = None,
    engines: tuple[str, ...] = CLASSIC_ENGINES,
    kokoro: KokoroFiles | None = None,
    dev_only: bool = False,
    render: bool = True,
) -> dict[str, int]:
    """Render n utterances into out_dir/wav and write out_dir/train.jsonl and dev.jsonl. With
    `render` False, only write the manifests of the clips finished so far (to train while a long
    run goes on)."""
    check_engines(engines, kokoro)
    out_dir = Path(out_dir)
    (out_dir / "wav").mkdir(parents=True, exist_ok=True)
    noise_path = Path(noise_dir) if noise_dir else None
    noises = sorted(p.name for p in noise_path.glob("*.wav")) if noise_path and noise_path.is_dir() else []
    if noise_path and not noises:
        raise ASRError(f"no .wav noise files in '{noise_path}'; pass a folder of noise, or \"\" for clean speech")
    plans = [plan(seed, i, noises, engines, kokoro, dev_only) for i in range(n)]
    jobs = [(p, out_dir / "wav" / f"{seed}_{p.index:06d}.wav", noise_path, kokoro) for p in plans]
    failures = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
        rendered = pool.map(_render_one, jobs, chunksize=4) if render else []
        for index, error in tqdm(rendered, total=n, desc="synthesize", unit="utt", disable=not render):
            if error:
                failures.append((index, error))
    if failures:
        raise ASRError(
            f"{len(failures)} of {n} utterances failed, e.g. #{failures[0][0]}: {failures[0][1]}; "
            "rerun to retry them (finished files are kept)"
        )
    splits: dict[str, list[Utterance]] = {"train": [], "dev": []}
    for p, wav, _, _ in jobs:
        if not (wav.exists() and wav.with_suffix(".json").exists()):
            continue  # not rendered yet (render=False)
        row = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))
        splits["dev" if held_out(p.voice, dev_percent) else "train"].append(Utterance(**row))
    for split, utterances in splits.items():
        write_manifest(out_dir / f"{split}.jsonl", utterances)
    return {k: len(v) for k, v in splits.items()}
