"""Decoding graphs for a phone model: T (the CTC topology) ∘ L (the pronunciations) ∘ G (the word
sequences allowed), built with kaldifst and searched with kaldi-decoder; no torch.

    graph = compile_sentences([["call", "mom"], ["set", "a", "timer"]], Lexicon())
    decode(graph, log_probs)   # (frames, 40) log-probs of a phone model -> Decoded(["call", "mom"], ...)

Labels: kaldi-decoder reads column i - 1 of the log-probs for input label i, so T's input labels
are the unit index + 1 (0 is epsilon); T's output labels, L's input labels, are the unit index
(the blank, 0, is epsilon); L's output labels, G's, are word ids (0 is epsilon).

This first graph is a finite set of sentences; the contexts' free-text slots and the word n-gram
for speech outside them come next (issue 26).
"""

from __future__ import annotations

from dataclasses import dataclass

import kaldifst
import numpy as np
from kaldi_decoder import DecodableCtc, FasterDecoder, FasterDecoderOptions

from asr import phones
from asr.errors import ASRError

EPSILON = 0


@dataclass(frozen=True)
class Graph:
    fst: kaldifst.StdVectorFst  # T ∘ L ∘ G
    words: tuple[str, ...]  # word id -> word; id 0 is epsilon


@dataclass(frozen=True)
class Decoded:
    words: list[str]
    cost: float  # the best path's total cost: minus its log-probability


def ctc_topology(units: int) -> kaldifst.StdVectorFst:
    """The standard CTC topology over `units` classes (the blank is 0): one state per class, each
    final, every state linked to every other; a class repeated in a row is one output."""
    fst = kaldifst.StdVectorFst()
    for _ in range(units):
        fst.set_final(state=fst.add_state(), weight=0)
    fst.start = 0
    for i in range(units):
        for k in range(units):
            fst.add_arc(state=i, arc=kaldifst.StdArc(ilabel=k + 1, olabel=k if i != k else EPSILON, weight=0, nextstate=k))
    return fst


def lexicon_fst(words: tuple[str, ...], lexicon: phones.Lexicon) -> kaldifst.StdVectorFst:
    """L: phones -> words, every pronunciation of each word, words one after another."""
    fst = kaldifst.StdVectorFst()
    start = fst.add_state()
    fst.start = start
    fst.set_final(state=start, weight=0)
    phone_ids = {p: i for i, p in enumerate(phones.UNITS)}
    for word_id, word in enumerate(words[1:], start=1):
        for pron in lexicon.pronunciations(word):
            state = start
            for k, phone in enumerate(pron):
                nextstate = start if k == len(pron) - 1 else fst.add_state()
                olabel = word_id if k == 0 else EPSILON
                fst.add_arc(state=state, arc=kaldifst.StdArc(ilabel=phone_ids[phone], olabel=olabel, weight=0,
                                                             nextstate=nextstate))  # fmt: skip
                state = nextstate
    return fst


def sentences_fst(sentences: list[list[str]], word_ids: dict[str, int]) -> kaldifst.StdVectorFst:
    """G: an acceptor of exactly these word sequences (a prefix tree, then minimized)."""
    fst = kaldifst.StdVectorFst()
    fst.start = fst.add_state()
    children: dict[tuple[int, int], int] = {}
    for sentence in sentences:
        state = fst.start
        for word in sentence:
            key = (state, word_ids[word])
            if key not in children:
                children[key] = fst.add_state()
                fst.add_arc(state=state, arc=kaldifst.StdArc(ilabel=key[1], olabel=key[1], weight=0,
                                                             nextstate=children[key]))  # fmt: skip
            state = children[key]
        fst.set_final(state=state, weight=0)
    kaldifst.minimize(fst)
    return fst


def compile_sentences(sentences: list[list[str]], lexicon: phones.Lexicon) -> Graph:
    """The decoding graph of a finite set of sentences (lists of words)."""
    sentences = [s for s in sentences if s]
    if not sentences:
        raise ASRError("the grammar has no sentence to decode to; give it at least one non-empty sentence")
    words = ("<eps>", *sorted({w for s in sentences for w in s}))
    word_ids = {w: i for i, w in enumerate(words)}
    L, G = lexicon_fst(words, lexicon), sentences_fst(sentences, word_ids)
    kaldifst.arcsort(L, sort_type="olabel")
    LG = kaldifst.compose(L, G)
    T = ctc_topology(len(phones.UNITS))
    kaldifst.arcsort(T, sort_type="olabel")
    kaldifst.arcsort(LG, sort_type="ilabel")
    TLG = kaldifst.compose(T, LG)
    kaldifst.connect(TLG)
    if TLG.start < 0:
        raise ASRError("the grammar compiled to an empty graph: no sentence has a pronunciation path")
    return Graph(kaldifst.StdVectorFst(TLG), words)


def decode(graph: Graph, log_probs: np.ndarray, max_active: int = 3000) -> Decoded | None:
    """The best sentence of the graph for (frames, units) log-probs; None when none fits."""
    decoder = FasterDecoder(graph.fst, FasterDecoderOptions(max_active=max_active))
    decoder.decode(DecodableCtc(np.ascontiguousarray(log_probs, dtype=np.float32)))
    if not decoder.reached_final():
        return None
    ok, best = decoder.get_best_path()
    if not ok:
        return None
    ok, _, word_ids, weight = kaldifst.get_linear_symbol_sequence(best)
    if not ok:
        return None
    return Decoded([graph.words[i] for i in word_ids], float(weight.value1 + weight.value2))  # graph + acoustic
