"""The torch-free runtime: an exported ONNX model + numpy decoding.

    from asr import Recognizer
    print(Recognizer("export/my-model.onnx").transcribe("speech.wav").text)

Everything the runtime needs (units, blank, sample rate, frame shift) is read from the model
file's metadata; a file without it is refused with the reason. A letter model is decoded by CTC
search over its letters (asr.runtime.ctc); a phone model through decoding graphs
(asr.runtime.graph): open speech through the shipped word bigram model (LANGUAGE_MODEL), commands
through a grammar's word network (`Recognizer.commands`), with pronunciations from
asr.runtime.phones. Which transcript is an intent is decided above this layer (asr.app.hear).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidGraph, InvalidProtobuf, NoSuchFile

from asr import audio
from asr.errors import ASRError
from asr.runtime import ctc, graph, phones
from asr.words import free_words

FORMAT = "asr-ctc"
FORMAT_VERSION = 1
DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "default.onnx"  # package data: pip installs it
LANGUAGE_MODEL = Path(__file__).resolve().parents[1] / "models" / "words.arpa.gz"  # `asr lm build`; package data
PROVIDERS = {"cpu": "CPUExecutionProvider", "cuda": "CUDAExecutionProvider"}
MAX_PIECE_S = 20.0  # longer recordings are cut at pauses into pieces of at most this length
UTTERANCE_PAUSE_S = 0.5  # a pause this long ends an utterance (as `asr listen`'s endpointer hears it)
GRAMMAR_BEAM = 32  # the smallest beam of the constrained search: long commands need it (BENCHMARKS.md)
FREE_BEAM = 8  # the smallest beam of the free search that a grammar's confidence compares with
LETTERS_THRESHOLD = 0.83  # a letter model's command confidence threshold (benchmarks/rejection.py)


@dataclass(frozen=True)
class ModelInfo:
    """What the runtime reads from a model file's metadata_props."""

    units: str  # "letters" | "phones"
    chars: tuple[str, ...]  # the output classes: letters, or phones
    blank_index: int
    sample_rate: int
    frame_shift_s: float
    metadata: dict[str, str]  # everything, for display (model config, training data, dev metrics...)

    @classmethod
    def from_metadata(cls, props: dict[str, str], path: str) -> ModelInfo:
        fix = "export it with 'asr export' from this version of asr"
        if props.get("asr_format") != FORMAT:
            raise ASRError(f"'{path}' is an ONNX model but not an asr model (no asr_format metadata); {fix}")
        if props.get("asr_format_version") != str(FORMAT_VERSION):
            raise ASRError(
                f"'{path}' has asr format version {props.get('asr_format_version')!r}, this runtime reads "
                f"{FORMAT_VERSION}; {fix}"
            )
        units = props.get("units", "letters")  # models exported before units spelled
        if units not in ("letters", "phones"):
            raise ASRError(
                f"'{path}' outputs {units!r}; this runtime decodes letters and phones: "
                "upgrade asr, or use a letter or phone model"
            )
        missing = [k for k in ("vocabulary", "blank_index", "sample_rate", "frame_shift_s") if k not in props]
        if missing:
            raise ASRError(f"'{path}' lacks the metadata {missing}; {fix}")
        try:
            chars = tuple(json.loads(props["vocabulary"]))
            info = cls(
                units, chars, int(props["blank_index"]), int(props["sample_rate"]), float(props["frame_shift_s"]), props
            )
        except (ValueError, TypeError) as e:
            raise ASRError(f"'{path}' has unreadable metadata ({e}); {fix}") from None
        expected = (" " in chars) if units == "letters" else chars == phones.UNITS
        if not 0 <= info.blank_index < len(chars) or not expected or info.sample_rate <= 0:
            raise ASRError(f"'{path}' has inconsistent metadata (vocabulary, blank index or sample rate); {fix}")
        return info


@dataclass
class Transcript:
    """What was said in one recording or utterance: the free transcript (`text`, its words with
    start and end in seconds from the start of the recording, and confidences in [0, 1]), and with
    commands the best sentence they allow (`command_text`) and its confidence in [0, 1]."""

    text: str
    confidence: float  # in [0, 1]
    words: list[dict] = field(default_factory=list)  # {"word", "start", "end", "confidence"}, seconds
    duration_s: float = 0.0
    latency_ms: float = 0.0  # from reading the audio to the decoded text
    start_s: float = 0.0  # where it starts in the recording (an utterance of a longer one)
    command_text: str | None = None  # with commands: the best sentence they allow
    command_confidence: float = 0.0  # that sentence's likelihood ratio to the free transcript, in [0, 1]

    def to_dict(self) -> dict:
        """The JSON fields: text, confidence, words, start, end and duration_s (seconds), latency_ms."""
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "words": self.words,
            "start": round(self.start_s, 3),
            "end": round(self.start_s + self.duration_s, 3),
            "duration_s": round(self.duration_s, 3),
            "latency_ms": round(self.latency_ms, 1),
        }


def _session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads  # 0: onnxruntime's default (all physical cores)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: the runtime reports problems itself
    return options


def _providers(provider: str) -> list[str]:
    if provider not in PROVIDERS:
        raise ASRError(f"unknown provider {provider!r}; use one of {sorted(PROVIDERS)}")
    if provider == "cuda":
        if PROVIDERS["cuda"] in ort.get_available_providers():
            return [PROVIDERS["cuda"], PROVIDERS["cpu"]]
        warnings.warn("CUDA provider not available (pip install 'asr[gpu]'); running on the CPU", stacklevel=3)
    return [PROVIDERS["cpu"]]


class CommandGrammar(ctc.Constraint, Protocol):
    """What the recognizer needs of a grammar (asr.commands.grammar.Grammar is one): a letter
    model searches it character by character (ctc.Constraint), a phone model through a graph
    built from its word network, free-text arcs filled with `free_words`."""

    free_words: tuple[str, ...]

    def word_network(self) -> tuple[list[tuple[int, str | None, int]], int]: ...


@dataclass(frozen=True)
class Commands:
    """A grammar made ready for one recognizer's search (`Recognizer.commands`)."""

    constraint: ctc.Constraint  # a letter model's search
    graph: graph.Graph | None  # a phone model's decoding graph


class Recognizer:
    """An ONNX acoustic model with CTC decoding.

    model: path to an .onnx file from `asr export` (default: $ASR_MODEL or the shipped asr/models/default.onnx).
    threads: intra-op threads (0: onnxruntime's default). provider: "cpu" or "cuda".
    beam: a letter model's beam width (1: greedy decoding; used without commands).
    lexicon: a phone model's pronunciations (default: CMUdict, the user's lexicon, the G2P).
    """

    def __init__(
        self,
        model: str | os.PathLike | None = None,
        threads: int = 0,
        provider: str = "cpu",
        beam: int = 1,
        lexicon: phones.Lexicon | None = None,
    ):
        self.beam = beam
        if beam < 1:
            raise ASRError(f"beam must be >= 1, got {beam}")
        path = Path(model or os.environ.get("ASR_MODEL") or DEFAULT_MODEL)
        if not path.is_file():
            hint = "pass --model" if model is None else "check the path"
            raise ASRError(f"model '{path}' not found; {hint}, or export one with 'asr export'")
        if threads < 0:
            raise ASRError(f"threads must be >= 0 (0: all cores), got {threads}")
        try:
            self.session = ort.InferenceSession(str(path), _session_options(threads), providers=_providers(provider))
        except (Fail, InvalidGraph, InvalidProtobuf, NoSuchFile, RuntimeError) as e:
            reason = str(e).strip().splitlines()[0][:160]
            raise ASRError(
                f"'{path}' is not a readable ONNX model ({reason}); it may be truncated: export it again"
            ) from None
        self.path = path
        self.info = ModelInfo.from_metadata(self.session.get_modelmeta().custom_metadata_map, str(path))
        names = {i.name for i in self.session.get_inputs()}
        if names != {"audio", "audio_lengths"}:
            raise ASRError(f"'{path}' takes inputs {sorted(names)}, not audio and audio_lengths; export it again")
        if self.info.units == "phones":
            self.lexicon = lexicon or phones.Lexicon()
            self.open_graph = graph.compile_lm(LANGUAGE_MODEL, self.lexicon)

    def commands(self, grammar: CommandGrammar) -> Commands:
        """A grammar compiled for this model's search (a phone model's graph is cached on disk):
        pass it to `transcribe` to also get the best sentence it allows."""
        if self.info.units != "phones":
            return Commands(grammar, None)
        arcs, final = grammar.word_network()
        return Commands(grammar, graph.compile_network(arcs, final, grammar.free_words or free_words(), self.lexicon))

    @property
    def command_threshold(self) -> float:  # in [0, 1]
        """The command confidence below which an intent is rejected: calibrated on dev data when
        the model was exported (`asr export --command-threshold`), else the letter models' value."""
        return float(self.info.metadata.get("command_threshold", LETTERS_THRESHOLD))

    @property
    def provider(self) -> str:
        """The onnxruntime execution provider in use ("CPUExecutionProvider", "CUDAExecutionProvider")."""
        return self.session.get_providers()[0]

    def log_probs(self, audios: list[np.ndarray]) -> list[np.ndarray]:
        """One batched forward pass: mono float32 arrays at the model's rate -> (frames, vocab) each."""
        lengths = np.array([len(a) for a in audios], dtype=np.int64)
        batch = np.zeros((len(audios), max(lengths.max(), 1)), dtype=np.float32)  # (batch, samples)
        for i, a in enumerate(audios):
            batch[i, : len(a)] = a
        log_probs, frames = self.session.run(None, {"audio": batch, "audio_lengths": lengths})
        return [log_probs[i, : frames[i]] for i in range(len(audios))]  # (frames_i, vocab)

    def decode(
        self, log_probs: np.ndarray, commands: Commands | None = None
    ) -> tuple[ctc.Hypothesis, ctc.Hypothesis | None]:
        """One piece's (frames, vocab) log-probs -> the free transcript, and with commands the
        best sentence they allow (None if none survived the beam).

        The allowed sentence's confidence is exp((allowed - free) / letters): the per-letter
        likelihood ratio of the best allowed sentence to the best free transcript (both by beam
        search). Out-of-grammar speech and noise get a low ratio.
        """
        if self.info.units == "phones":
            return self._decode_phones(log_probs, commands)
        chars, blank = self.info.chars, self.info.blank_index
        if commands is None:
            if self.beam == 1:
                return ctc.greedy(log_probs, chars, blank), None
            return ctc.beam_search(log_probs, self.beam, chars, blank), None
        free = ctc.beam_search(log_probs, max(self.beam, FREE_BEAM), chars, blank)
        allowed = ctc.beam_search(log_probs, max(self.beam, GRAMMAR_BEAM), chars, blank, constraint=commands.constraint)
        if allowed is not None:
            ratio = np.exp(min(0.0, allowed.score - free.score) / max(len(allowed.text), 1))
            allowed = dataclasses.replace(allowed, confidence=float(ratio))
        return free, allowed

    def _decode_phones(
        self, log_probs: np.ndarray, commands: Commands | None
    ) -> tuple[ctc.Hypothesis, ctc.Hypothesis | None]:
        """A phone model's decode: the open transcript through the language model, and with
        commands their best sentence. That sentence's confidence is exp((its acoustic log-prob - the
        best path's) / its phones): the per-phone likelihood ratio of the best allowed sentence to
        the best phones the model heard, whatever their words."""
        free = _hypothesis(graph.decode(self.open_graph, log_probs, require_final=False), log_probs)
        if commands is None:
            return free, None
        decoded = graph.decode(commands.graph, log_probs)
        if decoded is None:
            return free, None
        allowed = _hypothesis(decoded, log_probs)
        best = float(log_probs.max(axis=-1).sum())
        ratio = np.exp(min(0.0, allowed.score - best) / max(decoded.phones, 1))
        return free, dataclasses.replace(allowed, confidence=float(ratio))

    def _transcript(
        self, pieces: list[tuple[float, np.ndarray]], duration_s: float, started: float, commands: Commands | None
    ) -> Transcript:
        """Decode pieces (start_s, log-probs) into one transcript with times in seconds."""
        shift = self.info.frame_shift_s
        words, confidences, frames, sentences = [], [], [], []
        for start, log_probs in pieces:
            hyp, command = self.decode(log_probs, commands)
            confidences.append(hyp.confidence)
            frames.append(len(log_probs))
            sentences.append(command)
            words += [
                {
                    "word": w.word,
                    "start": round(start + w.start * shift, 3),
                    "end": round(start + w.end * shift, 3),
                    "confidence": round(w.confidence, 4),
                }
                for w in hyp.words
            ]
        confidence = (
            float(np.exp(np.average(np.log(np.maximum(confidences, 1e-30)), weights=frames))) if frames else 0.0
        )
        result = Transcript(" ".join(w["word"] for w in words), confidence, words, duration_s)
        if commands is not None:  # a recording in several pieces is rarely one command: the weakest decides
            found = [c for c in sentences if c is not None]
            result.command_text = " ".join(c.text for c in found) if len(found) == len(sentences) else None
            result.command_confidence = min((c.confidence for c in found), default=0.0) if result.command_text else 0.0
        result.latency_ms = (time.perf_counter() - started) * 1000
        return result

    def _blocks(self, source: str | os.PathLike | np.ndarray) -> Iterable[np.ndarray]:
        """A file read in blocks of MAX_PIECE_S (any length, bounded memory), or an array whole."""
        if isinstance(source, np.ndarray):
            return [np.asarray(source, dtype=np.float32)]
        return audio.iter_blocks(source, block_s=MAX_PIECE_S, sr=self.info.sample_rate)

    def transcribe(self, source: str | os.PathLike | np.ndarray, commands: Commands | None = None) -> Transcript:
        """A file (any format, rate, channels; read in blocks, so any length) or a mono float32
        array at the model's rate. The audio is cut at its pauses and each piece decoded; with
        `commands` (from `self.commands(grammar)`), also the best sentence they allow."""
        started = time.perf_counter()
        sr = self.info.sample_rate
        pieces = [
            (start_s, self.log_probs([piece])[0])
            for start_s, piece in audio.split_at_pauses(self._blocks(source), max_s=MAX_PIECE_S, sr=sr)
        ]
        duration = audio.duration_s(source) if not isinstance(source, np.ndarray) else len(source) / sr
        return self._transcript(pieces, duration, started, commands)

    def utterances(self, source: str | os.PathLike | np.ndarray, commands: Commands | None = None) -> list[Transcript]:
        """Every utterance of a recording (pieces of speech between pauses of UTTERANCE_PAUSE_S),
        each transcribed on its own, with its start and duration; [] when there is no speech."""
        started = time.perf_counter()
        sr = self.info.sample_rate
        found = []
        for start_s, piece in audio.split_at_pauses(
            self._blocks(source), max_s=MAX_PIECE_S, min_pause_s=UTTERANCE_PAUSE_S, sr=sr, whole_if_short=False
        ):
            result = self._transcript([(start_s, self.log_probs([piece])[0])], len(piece) / sr, started, commands)
            result.start_s = start_s
            found.append(result)
            started = time.perf_counter()
        return found

    def transcribe_batch(
        self, sources: list, batch_size: int = 16, commands: Commands | None = None
    ) -> list[Transcript]:
        """Many clips (paths or arrays), their pieces batched, length-sorted, for throughput.
        Gives the same transcripts as `transcribe` one by one."""
        started = time.perf_counter()
        sr = self.info.sample_rate
        clips = [
            np.asarray(s, dtype=np.float32) if isinstance(s, np.ndarray) else audio.load_audio(s, sr) for s in sources
        ]
        pieces = [
            (i, start, piece)
            for i, clip in enumerate(clips)
            for start, piece in audio.split_at_pauses([clip], max_s=MAX_PIECE_S, sr=sr)
        ]
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][2]))
        decoded: list[list[tuple[float, np.ndarray]]] = [[] for _ in clips]
        for b in range(0, len(order), batch_size):
            batch = [pieces[k] for k in order[b : b + batch_size]]
            for (i, start, _), log_probs in zip(batch, self.log_probs([p for _, _, p in batch])):
                decoded[i].append((start, log_probs))
        return [
            self._transcript(sorted(d, key=lambda p: p[0]), len(c) / sr, started, commands)
            for d, c in zip(decoded, clips)
        ]


def _hypothesis(decoded: graph.Decoded | None, log_probs: np.ndarray) -> ctc.Hypothesis:
    """A graph's best path as the Hypothesis a letter search gives: its acoustic log-prob, the
    geometric-mean posterior per frame, and each word's over its frames."""
    frames = len(log_probs)
    if decoded is None or not decoded.words:
        best = float(log_probs.max(axis=-1).sum()) if frames else 0.0
        return ctc.Hypothesis("", best, float(np.exp(min(best, 0.0) / max(frames, 1))), ())
    on_path = log_probs[np.arange(len(decoded.alignment)), decoded.alignment]  # (frames,)
    score = float(on_path.sum())
    words = tuple(
        ctc.TimedWord(w, start, end, float(np.exp(on_path[start:end].mean())))
        for w, (start, end) in zip(decoded.words, decoded.spans)
    )
    return ctc.Hypothesis(" ".join(decoded.words), score, float(np.exp(min(score, 0.0) / max(frames, 1))), words)
