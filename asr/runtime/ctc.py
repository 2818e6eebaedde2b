"""CTC decoding on numpy log-probabilities (no torch): the runtime and evaluation share it.

Every decoder returns a Hypothesis: the text, its log-probability, a confidence in [0, 1] and
the words with their frame spans, read from the alignment.

- greedy: the best path (argmax per frame).
- beam_search: CTC prefix beam search (Hannun et al., 2014), summing over alignments; with a
  `constraint` (a compiled grammar, see asr/grammar.py) only prefixes the grammar allows are
  extended and only complete sentences can win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from asr.runtime import vocab


@dataclass(frozen=True)
class TimedWord:
    word: str
    start: int  # first frame of its first character
    end: int  # one past the last frame of its last character
    confidence: float  # geometric-mean posterior of the best path over the word's frames


@dataclass(frozen=True)
class Hypothesis:
    text: str
    score: float  # log-probability of the decoded path
    confidence: float  # geometric-mean posterior of the path per frame, in [0, 1]
    words: tuple[TimedWord, ...]


def best_path(log_probs: np.ndarray, blank: int = vocab.BLANK_INDEX) -> list[int]:
    """Argmax per frame, repeats merged, blanks dropped: (frames, vocab) log-probs -> unit indices."""
    best = log_probs.argmax(axis=-1)  # (frames,)
    keep = np.ones_like(best, dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    return [int(i) for i in best[keep] if i != blank]


def greedy(log_probs: np.ndarray, chars: tuple[str, ...] = vocab.CHARS, blank: int = vocab.BLANK_INDEX) -> Hypothesis:
    """Best path, spelled, with word timings. (frames, vocab) log-probs of a letter model."""
    text = " ".join("".join(chars[i] for i in best_path(log_probs, blank)).split())
    score = float(log_probs.max(axis=-1).sum())
    return _with_alignment(text, score, log_probs, chars, blank)


class Constraint(Protocol):
    """What beam search needs from a grammar: states reached by characters."""

    def start(self) -> int: ...

    def step(self, state: int, char: str) -> int | None: ...  # None: the grammar forbids `char` here

    def accepting(self, state: int) -> bool: ...


def _logsumexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


def beam_search(
    log_probs: np.ndarray,
    beam: int = 16,
    chars: tuple[str, ...] = vocab.CHARS,
    blank: int = vocab.BLANK_INDEX,
    constraint: Constraint | None = None,
    prune: float = -6.0,
) -> Hypothesis | None:
    """CTC prefix beam search over (frames, vocab) log-probs.

    A prefix's score sums over all its alignments (ending in blank, ending in a label). Labels
    below `prune` (log-prob; -6: a posterior under 0.25%) at a frame are not tried there. With a
    constraint, returns the best complete sentence, or None when no allowed sentence survived
    the beam.
    """
    frames = len(log_probs)
    # prefix -> [log p(ends in blank), log p(ends in label), grammar state]
    beams: dict[str, list] = {"": [0.0, -math.inf, constraint.start() if constraint else 0]}
    labels = [i for i in range(len(chars)) if i != blank]
    index = {c: i for i, c in enumerate(chars)}
    for t in range(frames):
        lp = log_probs[t].tolist()  # Python floats: arithmetic on numpy scalars is slower
        candidates = [i for i in labels if lp[i] > prune]
        nxt: dict[str, list] = {}

        def add(prefix: str, state: int, p_b: float, p_nb: float, nxt: dict = nxt) -> None:
            entry = nxt.setdefault(prefix, [-math.inf, -math.inf, state])
            entry[0], entry[1] = _logsumexp(entry[0], p_b), _logsumexp(entry[1], p_nb)

        for prefix, (p_b, p_nb, state) in beams.items():
            total = _logsumexp(p_b, p_nb)
            add(prefix, state, total + lp[blank], -math.inf)  # a blank: the prefix stays
            last = prefix[-1] if prefix else None
            if last is not None:  # the last label again, merged by CTC
                add(prefix, state, -math.inf, p_nb + lp[index[last]])
            for i in candidates:
                c = chars[i]
                following = constraint.step(state, c) if constraint else 0
                if following is None:
                    continue
                # a repeated label needs a blank between: only the blank-ending paths extend
                add(prefix + c, following, -math.inf, (p_b if c == last else total) + lp[i])
        ranked = sorted(nxt.items(), key=lambda kv: -_logsumexp(kv[1][0], kv[1][1]))
        beams = dict(ranked[:beam])
        if constraint:  # complete sentences are outnumbered by the prefixes of longer ones: keep the best few
            complete = [kv for kv in ranked[beam:] if constraint.accepting(kv[1][2])]
            beams.update(complete[: max(1, beam // 4)])
    finished = [(p, _logsumexp(e[0], e[1])) for p, e in beams.items() if not constraint or constraint.accepting(e[2])]
    if not finished:
        return None
    text, score = max(finished, key=lambda x: x[1])
    return _with_alignment(" ".join(text.split()), score, log_probs, chars, blank)  # as greedy spaces words


def align(log_probs: np.ndarray, labels: list[int], blank: int = vocab.BLANK_INDEX) -> np.ndarray:
    """Viterbi forced alignment: the best CTC path that spells `labels` (no blanks in them).

    (frames, vocab) log-probs -> (frames,) position in `labels` of each frame's label, -1 on
    blanks. Raises ValueError when the labels need more frames than there are.
    """
    frames, n = len(log_probs), len(labels)
    states = [blank]
    for label in labels:
        states += [label, blank]  # blank, l1, blank, l2, ..., blank: 2n + 1 states
    score = np.full(len(states), -np.inf)
    score[0] = log_probs[0, blank]
    if n:
        score[1] = log_probs[0, labels[0]]
    back = np.zeros((frames, len(states)), dtype=np.int64)  # 0: stayed, 1: from s-1, 2: from s-2
    can_skip = np.array([s % 2 == 1 and s >= 3 and states[s] != states[s - 2] for s in range(len(states))])
    for t in range(1, frames):
        step = np.r_[-np.inf, score[:-1]]
        skip = np.where(can_skip, np.r_[-np.inf, -np.inf, score[:-2]], -np.inf)
        options = np.stack([score, step, skip])  # (3, states)
        back[t] = options.argmax(axis=0)
        score = options.max(axis=0) + log_probs[t, states]
    end = len(states) - 1 if n == 0 or score[-1] >= score[-2] else len(states) - 2
    if not np.isfinite(score[end]):
        raise ValueError(f"{n} labels do not fit in {frames} frames")
    path = np.empty(frames, dtype=np.int64)
    for t in range(frames - 1, -1, -1):
        path[t] = (end - 1) // 2 if end % 2 else -1
        end -= back[t, end]
    return path


def _with_alignment(text: str, score: float, log_probs: np.ndarray, chars: tuple[str, ...], blank: int) -> Hypothesis:
    """A Hypothesis for `text`; each word spans its letters' frames in the forced alignment, and
    its confidence is the geometric-mean posterior of the aligned path over those frames."""
    frames = len(log_probs)
    confidence = float(np.exp(min(score, 0.0) / max(frames, 1)))
    if not text or frames == 0:
        return Hypothesis(text, score, confidence, ())
    labels = [chars.index(c) for c in text]
    position = align(log_probs, labels, blank)  # (frames,)
    on_path = log_probs[np.arange(frames), np.where(position >= 0, np.asarray(labels)[position], blank)]
    words, k = [], 0
    for word in text.split(" "):
        at = np.flatnonzero((position >= k) & (position < k + len(word)))
        start, end = int(at[0]), int(at[-1]) + 1
        words.append(TimedWord(word, start, end, float(np.exp(on_path[start:end].mean()))))
        k += len(word) + 1
    return Hypothesis(text, score, confidence, tuple(words))
