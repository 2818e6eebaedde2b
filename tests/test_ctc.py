"""asr.runtime.ctc: greedy and beam search over letters, with and without a grammar."""

import numpy as np
import pytest

from asr.audio import load_audio
from asr.runtime import ctc
from tests.conftest import JACKSON


def test_greedy_alignment_gives_words_and_frames():
    chars = ("<blank>", " ", "a", "b")
    path = [0, 2, 2, 0, 3, 1, 1, 0, 3, 3, 0]  # "ab b": a at 1-2, b at 4, space, b at 8-9
    log_probs = np.log(np.full((len(path), 4), 0.1 / 3))
    log_probs[np.arange(len(path)), path] = np.log(0.9)
    hyp = ctc.greedy(log_probs, chars, 0)
    assert hyp.text == "ab b"
    assert [(w.word, w.start, w.end) for w in hyp.words] == [("ab", 1, 5), ("b", 8, 10)]
    assert hyp.confidence == pytest.approx(0.9) and hyp.score == pytest.approx(len(path) * np.log(0.9))


@pytest.mark.shared
def test_beam_search_agrees_with_greedy_on_clear_speech(recognizer):
    clips = [load_audio(c) for c in JACKSON[:10]]
    for log_probs in recognizer.log_probs(clips):
        greedy = ctc.greedy(log_probs)
        beam = ctc.beam_search(log_probs, beam=8)
        assert beam.text == greedy.text and beam.score >= greedy.score - 1e-6  # sums over more paths
        assert [w.word for w in beam.words] == [w.word for w in greedy.words]


def test_beam_search_spaces_words_as_greedy_does():
    """A path that says a space, a blank and a space again spells one space, not an empty word."""
    from asr.runtime import vocab

    said = ["a", " ", "<blank>", " ", "b", "<blank>"]
    log_probs = np.full((len(said), len(vocab.CHARS)), np.log(0.01 / (len(vocab.CHARS) - 1)))
    for t, c in enumerate(said):
        log_probs[t, vocab.CHARS.index(c)] = np.log(0.99)
    for hyp in (ctc.greedy(log_probs), ctc.beam_search(log_probs, beam=4)):
        assert hyp.text == "a b" and [w.word for w in hyp.words] == ["a", "b"]


def test_constrained_beam_keeps_a_complete_sentence_outranked_by_longer_prefixes():
    """'a' is a whole sentence; 'ab'..'ae' only begin longer ones, and together they outrank it."""
    from asr.runtime import vocab

    frames = [{"a": 0.9}, {"<blank>": 0.05, "b": 0.25, "c": 0.25, "d": 0.25, "e": 0.2}]
    log_probs = np.full((len(frames), len(vocab.CHARS)), np.log(1e-6))
    for t, probs in enumerate(frames):
        for c, p in probs.items():
            log_probs[t, vocab.CHARS.index(c)] = np.log(p)
    grammar = _Sentences("a", "abz", "acz", "adz", "aez")
    hyp = ctc.beam_search(log_probs, beam=2, constraint=grammar)
    assert hyp is not None and hyp.text == "a"
    assert ctc.beam_search(log_probs, beam=2, constraint=_Sentences("abz", "acz")) is None  # nothing complete


class _Sentences:
    """A Constraint over a few whole sentences: a state is the prefix said so far."""

    def __init__(self, *sentences):
        self.sentences = sentences

    def start(self):
        return ""

    def step(self, state, char):
        nxt = state + char
        return nxt if any(s.startswith(nxt) for s in self.sentences) else None

    def accepting(self, state):
        return state in self.sentences
