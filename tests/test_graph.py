"""T ∘ L ∘ G decoding graphs with kaldifst, searched with kaldi-decoder, on phone posteriors."""

import kaldifst
import numpy as np
import pytest

from asr import graph, phones
from asr.errors import ASRError

SENTENCES = ["call mom", "call dad", "set a timer", "read the news", "stop", "yes", "no"]


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory):
    return phones.Lexicon(tmp_path_factory.mktemp("lex") / "none.txt")


@pytest.fixture(scope="module")
def grammar(lexicon):
    return graph.compile_sentences([s.split() for s in SENTENCES], lexicon)


def posteriors(said: list[str], frames: int = 3, floor: float = 1e-4) -> np.ndarray:
    """(frames, 40) log-probs that say these phones, each for `frames` frames, a blank after each."""
    path = [0] + [k for p in said for k in [phones.UNITS.index(p)] * frames + [0]] + [0]
    probs = np.full((len(path), len(phones.UNITS)), floor, dtype=np.float32)
    probs[np.arange(len(path)), path] = 1 - floor * (len(phones.UNITS) - 1)
    return np.log(probs)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_sentence_is_decoded_from_its_phones(grammar, lexicon, sentence):
    decoded = graph.decode(grammar, posteriors(lexicon.phones(sentence)))
    assert decoded.words == sentence.split() and decoded.cost < 1.0


def test_every_pronunciation_of_a_word_is_in_the_graph(grammar):
    for said in (["R", "IY", "D", "DH", "AH", "N", "UW", "Z"], ["R", "EH", "D", "DH", "AH", "N", "UW", "Z"]):
        assert graph.decode(grammar, posteriors(said)).words == ["read", "the", "news"]


def test_speech_outside_the_grammar_is_forced_to_a_sentence_at_a_high_cost(grammar, lexicon):
    decoded = graph.decode(grammar, posteriors(lexicon.phones("call mum")))  # "mum": not in the grammar
    assert decoded.words == ["call", "mom"] and decoded.cost > 10
    assert graph.decode(grammar, posteriors(lexicon.phones("call mom"))).cost < decoded.cost


def test_the_ctc_topology_outputs_a_class_once_however_long_it_lasts():
    topo = graph.ctc_topology(4)
    arcs = {(s, a.ilabel, a.olabel, a.nextstate) for s in range(4) for a in kaldifst.ArcIterator(topo, s)}
    assert len(arcs) == 16 and (2, 3, 0, 2) in arcs and (1, 3, 2, 2) in arcs  # a self-loop says nothing more
    assert (0, 1, 0, 0) in arcs  # the blank (input 1: column 0) outputs nothing


def test_an_empty_grammar_is_refused(lexicon):
    with pytest.raises(ASRError, match="no sentence to decode to"):
        graph.compile_sentences([[], []], lexicon)
