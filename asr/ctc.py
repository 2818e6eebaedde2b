"""CTC decoding on numpy log-probabilities (no torch): the runtime and evaluation share it.

Every decoder returns a Hypothesis: the text, the path's log-probability, a confidence in [0, 1]
and the words with their frame spans, read from the alignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asr import vocab


@dataclass(frozen=True)
class Word:
    word: str
    start: int  # first frame of its first character
    end: int  # one past the last frame of its last character
    confidence: float  # geometric-mean posterior of the best path over the word's frames


@dataclass(frozen=True)
class Hypothesis:
    text: str
    score: float  # log-probability of the decoded path
    confidence: float  # geometric-mean posterior of the path per frame, in [0, 1]
    words: tuple[Word, ...]


def greedy(log_probs: np.ndarray, chars: tuple[str, ...] = vocab.CHARS, blank: int = vocab.BLANK_INDEX) -> Hypothesis:
    """Best path: argmax per frame, merge repeats, drop blanks. (frames, vocab) log-probs."""
    frames = len(log_probs)
    if frames == 0:
        return Hypothesis("", 0.0, 1.0, ())
    best = log_probs.argmax(axis=-1)  # (frames,)
    frame_scores = log_probs[np.arange(frames), best]  # (frames,)
    run_starts = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])  # a run: one emitted token
    run_ends = np.r_[run_starts[1:], frames]
    words, letters, start, end = [], [], 0, 0
    space = chars.index(" ")

    def close_word():
        if letters:
            conf = float(np.exp(frame_scores[start:end].mean()))
            words.append(Word("".join(letters), start, end, conf))
            letters.clear()

    for s, e in zip(run_starts.tolist(), run_ends.tolist()):
        token = best[s]
        if token == blank:
            continue
        if token == space:
            close_word()
            continue
        if not letters:
            start = s
        letters.append(chars[token])
        end = e
    close_word()
    score = float(frame_scores.sum())
    return Hypothesis(" ".join(w.word for w in words), score, float(np.exp(score / frames)), tuple(words))
