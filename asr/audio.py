"""Audio input: any file (WAV, FLAC, OGG, MP3, ...), any rate and channel count -> 16 kHz mono float32.

Pure functions, no state. soundfile reads what libsndfile knows (WAV, FLAC, OGG, MP3 with
libsndfile >= 1.1); anything else goes through librosa (audioread / ffmpeg).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import numpy as np
import soundfile as sf
import soxr

from asr.errors import ASRError

SAMPLE_RATE = 16_000  # Hz: everything inside the model runs at this rate
HOP_LENGTH = 160  # samples: 10 ms between feature frames
WIN_LENGTH = 400  # samples: 25 ms analysis window
N_FFT = 512  # FFT size: the next power of two above WIN_LENGTH
N_MELS = 80  # log-mel bins


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(samples,) or (samples, channels) -> (samples,) float32, channels averaged."""
    audio = np.asarray(audio, dtype=np.float32)
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def resample(audio: np.ndarray, orig_sr: int, target_sr: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited resampling (soxr, high quality) of a mono float32 signal."""
    if orig_sr == target_sr:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio, orig_sr, target_sr, quality="HQ").astype(np.float32, copy=False)


def _check_exists(path: str | os.PathLike) -> None:
    if not os.path.exists(path):
        raise ASRError(f"audio file '{path}' not found; check the path")
    if os.path.isdir(path):
        raise ASRError(f"'{path}' is a directory, not an audio file")
    if os.path.getsize(path) == 0:
        raise ASRError(f"audio file '{path}' is empty (0 bytes); record or export it again")


def load_audio(path: str | os.PathLike, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Read a whole file as mono float32 at `sr` Hz: (samples,).

    A silent file is returned as zeros; an empty, truncated-to-nothing or non-audio file raises
    ASRError.
    """
    _check_exists(path)
    try:
        audio, file_sr = sf.read(path, dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        audio, file_sr = _load_with_librosa(path)
    audio = to_mono(audio)
    if audio.size == 0:
        raise ASRError(f"audio file '{path}' holds no samples; record or export it again")
    return resample(audio, int(file_sr), sr)


def _load_with_librosa(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    import librosa  # slow import: only for formats libsndfile can't read

    try:
        with warnings.catch_warnings():  # its fallback chatter is not the user's concern
            warnings.simplefilter("ignore")
            audio, file_sr = librosa.load(path, sr=None, mono=True)
    except Exception as e:  # audioread raises many unrelated types for the same problem
        raise ASRError(
            f"cannot read '{path}' as audio ({type(e).__name__}); "
            "use WAV, FLAC, OGG or MP3, or install ffmpeg for other formats"
        ) from None
    return audio, int(file_sr)


def duration_s(path: str | os.PathLike) -> float:
    """Length in seconds, from the header where possible (no decoding)."""
    _check_exists(path)
    try:
        info = sf.info(path)
        return info.frames / info.samplerate
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return len(load_audio(path)) / SAMPLE_RATE


def iter_blocks(
    path: str | os.PathLike, block_s: float = 30.0, sr: int = SAMPLE_RATE
) -> Iterator[np.ndarray]:
    """Yield consecutive mono float32 blocks of about `block_s` seconds at `sr` Hz.

    Memory stays bounded by one block for the formats libsndfile reads; other formats are
    decoded whole first (librosa has no streaming decoder for them).
    """
    if block_s <= 0:
        raise ValueError(f"block_s must be > 0, got {block_s}")
    _check_exists(path)
    try:
        f = sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        audio = load_audio(path, sr)
        step = int(block_s * sr)
        for start in range(0, len(audio), step):
            yield audio[start : start + step]
        return
    with f:
        if f.frames == 0:
            raise ASRError(f"audio file '{path}' holds no samples; record or export it again")
        stream = soxr.ResampleStream(f.samplerate, sr, 1, dtype="float32", quality="HQ")
        block_frames = int(block_s * f.samplerate)
        while True:
            block = to_mono(f.read(block_frames, dtype="float32", always_2d=True))
            last = len(block) < block_frames
            out = stream.resample_chunk(block, last=last) if f.samplerate != sr else block
            if len(out):
                yield out
            if last:
                return
