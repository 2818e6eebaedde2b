"""Audio input: any file (WAV, FLAC, OGG, MP3, ...), any rate and channel count -> 16 kHz mono float32.

Pure functions, no state. soundfile reads what libsndfile knows (WAV, FLAC, OGG, MP3 with
libsndfile >= 1.1); anything else goes through librosa (audioread / ffmpeg).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator

import numpy as np
import soundfile as sf
import soxr

from asr.errors import ASRError

SAMPLE_RATE = 16_000  # Hz: everything inside the model runs at this rate
HOP_LENGTH = 160  # samples: 10 ms between feature frames
WIN_LENGTH = 400  # samples: 25 ms analysis window
N_FFT = 512  # FFT size: the next power of two above WIN_LENGTH
N_MELS = 80  # log-mel bins
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".aiff", ".aif", ".au", ".webm")


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(samples,) or (samples, channels) -> (samples,) float32, channels averaged."""
    audio = np.asarray(audio, dtype=np.float32)
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def resample(audio: np.ndarray, orig_sr: int, target_sr: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited resampling (soxr, high quality) of a mono float32 signal."""
    if orig_sr == target_sr:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio, orig_sr, target_sr, quality="HQ").astype(np.float32, copy=False)


def mix_at_snr(audio: np.ndarray, noise: np.ndarray, snr_db: float, offset: float = 0.0) -> np.ndarray:
    """(samples,) speech plus `noise`, rotated by `offset` (a fraction of its length) and looped to the
    speech's length, at `snr_db` of mean power over the whole clip."""
    noise = np.resize(np.roll(noise, int(offset * len(noise))), len(audio))
    ratio = max(float((audio**2).mean()), 1e-10) / max(float((noise**2).mean()), 1e-10)
    return audio + noise * np.sqrt(ratio / 10 ** (snr_db / 10))


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


def iter_blocks(path: str | os.PathLike, block_s: float = 30.0, sr: int = SAMPLE_RATE) -> Iterator[np.ndarray]:
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


def _frame_db(audio: np.ndarray, hop: int) -> np.ndarray:
    """Energy of each `hop`-long frame in dB (full-scale sine ~ -3 dB): (samples,) -> (frames,)."""
    frames = audio[: len(audio) // hop * hop].reshape(-1, hop).astype(np.float64)
    return 10 * np.log10((frames**2).mean(axis=1) + 1e-10)


def _pauses(audio: np.ndarray, sr: int, min_pause_s: float) -> tuple[list[int], np.ndarray | None]:
    """Sample positions in the middle of every pause of at least `min_pause_s`, and a per-frame
    speech mask (None when the level barely varies: all speech or all silence, no pauses).

    Quiet is relative to this stretch of audio: below its floor (5th percentile of 10 ms frame
    energies) plus a third of its dynamic range.
    """
    hop = sr // 100
    db = _frame_db(audio, hop)
    if len(db) == 0:
        return [], None
    floor, peak = np.percentile(db, [5, 95])
    if peak - floor < 15.0:
        return [], None
    speech = db > floor + (peak - floor) / 3
    edges = np.flatnonzero(np.diff(np.r_[1, speech.astype(np.int8), 1]))  # starts/ends of quiet runs
    cuts = [(a + b) // 2 * hop for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_pause_s * 100]
    return [c for c in cuts if 0 < c < len(audio)], speech


def trim_to_speech(audio: np.ndarray, keep_s: float = 0.05, sr: int = SAMPLE_RATE) -> np.ndarray:
    """The audio from its first to its last speech frame, with up to `keep_s` of quiet on each
    side, as tightly as FSDD's clips are cut. Audio whose level barely varies comes back whole."""
    _, speech = _pauses(audio, sr, min_pause_s=1.0)
    if speech is None:
        return audio
    hop, margin, voiced = sr // 100, int(keep_s * 100), np.flatnonzero(speech)
    return audio[max(0, (voiced[0] - margin) * hop) : (voiced[-1] + 1 + margin) * hop]


def split_at_pauses(
    blocks: Iterable[np.ndarray],
    max_s: float = 20.0,
    min_pause_s: float = 0.3,
    keep_quiet_s: float = 0.25,
    sr: int = SAMPLE_RATE,
    whole_if_short: bool = True,
) -> Iterator[tuple[float, np.ndarray]]:
    """Cut a stream of blocks longer than `max_s` at its pauses into pieces of speech: (start_s,
    piece) pairs. A shorter stream is one piece, its long quiet ends trimmed (unless not
    `whole_if_short`: then it too is cut at every pause, one piece per utterance).

    Each pause of at least `min_pause_s` is a cut, and each piece keeps at most `keep_quiet_s`
    (and at most half a pause) of quiet on either side of its speech; pieces with no speech in
    them are dropped. The acoustic model normalizes each piece by its own mean, so a second of
    quiet around a word shifts every frame: it was trained on clips with about 0.25 s of quiet at
    each end. A stretch of `max_s` with no pause is cut at its quietest 100 ms. Audio whose level
    barely varies (all speech, or all silence) is left whole. Memory stays bounded by `max_s`
    plus one block.
    """
    if max_s <= 2 * min_pause_s or min_pause_s <= 0:
        raise ValueError(f"need 0 < 2 * min_pause_s < max_s, got min_pause_s={min_pause_s}, max_s={max_s}")
    high, window, hop = int(max_s * sr), sr // 10, sr // 100
    margin = int(keep_quiet_s * 100)  # frames of quiet kept on each side of the speech
    buffer, offset = np.empty(0, dtype=np.float32), 0

    def pieces(final: bool):
        nonlocal buffer, offset
        cuts, speech = _pauses(buffer[:high], sr, min_pause_s)
        if final and offset == 0 and whole_if_short:  # a recording of at most max_s is one utterance, its pauses kept
            cuts = [len(buffer)]
        elif final and len(buffer) <= high:
            cuts.append(len(buffer))
        elif not cuts:  # no pause in max_s: cut at the quietest 100 ms of the second half
            power = np.r_[0.0, np.cumsum(buffer[high // 2 : high].astype(np.float64) ** 2)]
            cuts = [high // 2 + int((power[window:] - power[:-window]).argmin()) + window // 2]
        start = 0
        for cut in cuts:
            if speech is None:
                yield float(offset + start) / sr, buffer[start:cut]
            elif (voiced := np.flatnonzero(speech[start // hop : cut // hop])).size:  # trim to speech + margin
                first = max(start, start + (voiced[0] - margin) * hop)
                last = min(cut, start + (voiced[-1] + 1 + margin) * hop)
                yield float(offset + first) / sr, buffer[first:last]
            start = cut
        offset, buffer = offset + start, buffer[start:]

    for block in blocks:
        buffer = np.concatenate([buffer, block])
        while len(buffer) > high:
            yield from pieces(final=False)
    while len(buffer):
        yield from pieces(final=True)


def expand_paths(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, ASRError | None]]:
    """Files as given, directories as the audio files under them (sorted): (path, error) pairs,
    where error is set for a missing path or a directory without audio."""
    for path in paths:
        path = os.fspath(path)
        if not os.path.isdir(path):
            yield path, None if os.path.exists(path) else ASRError(f"audio file '{path}' not found; check the path")
            continue
        found = sorted(
            os.path.join(folder, name)
            for folder, _, names in os.walk(path)
            for name in names
            if name.lower().endswith(AUDIO_EXTENSIONS)
        )
        if not found:
            yield path, ASRError(f"directory '{path}' holds no audio files ({', '.join(AUDIO_EXTENSIONS[:6])}, ...)")
        yield from ((f, None) for f in found)
