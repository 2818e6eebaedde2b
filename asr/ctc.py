"""CTC decoding on numpy log-probabilities (no torch): the runtime and evaluation share it."""

from __future__ import annotations

import numpy as np

from asr import vocab


def greedy(log_probs: np.ndarray) -> str:
    """Best path: argmax per frame, merge repeats, drop blanks. (frames, vocab) -> text."""
    best = log_probs.argmax(axis=-1)  # (frames,)
    keep = np.ones_like(best, dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    return vocab.decode(best[keep & (best != vocab.BLANK_INDEX)].tolist())
