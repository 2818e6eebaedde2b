"""Decoding graphs for a phone model: T (the CTC topology) ∘ L (the pronunciations) ∘ G (the word
sequences allowed), built with kaldifst and searched with kaldi-decoder; no torch.

    graph = compile_sentences([["call", "mom"], ["set", "a", "timer"]], Lexicon())
    decode(graph, log_probs)   # (frames, 40) log-probs of a phone model -> Decoded(["call", "mom"], ...)

G is one of three: a finite set of sentences; a word network (a context's, built-in + the
user's Rhino YAML, from the same parse the text parser reads: asr.commands.grammar), its
free-text arcs a loop over a large word list; or the word bigram model (asr.runtime.lm) for
speech outside every context.
Compiled graphs are cached on disk by the hash of everything that went into them.

Labels: kaldi-decoder reads column i - 1 of the log-probs for input label i, so T's input labels
are the unit index + 1 (0 is epsilon); T's output labels, L's input labels, are the unit index
(the blank, 0, is epsilon); L's output labels, G's, are word ids (0 is epsilon).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import kaldifst
import numpy as np
from kaldi_decoder import DecodableCtc, FasterDecoder, FasterDecoderOptions

from asr.errors import ASRError
from asr.runtime import lm, phones
from asr.words import FREE_TEXT

EPSILON = 0
FREE_WORD_COST = 4.0  # each word of a free-text slot: fixed words win a tie, and a task is not over-split
VERSION = 6  # of the graphs' construction: part of the cache key
FST_MAGIC = (2125659606).to_bytes(4, "little")  # the first bytes of an OpenFst binary file


@dataclass(frozen=True)
class Graph:
    fst: kaldifst.StdConstFst  # T ∘ L ∘ G, read-only: a const FST loads from the cache 4-8x faster
    words: tuple[str, ...]  # word id -> word; id 0 is epsilon
    prons: dict[str, str]  # word -> its pronunciations in the graph, "K AO L|K AA L" (read when needed)

    def write_words(self, path: Path) -> None:
        """The word table, a word and its pronunciations per line ("call\tK AO L|K AA L")."""
        path.write_text("\n".join(f"{w}\t{self.prons.get(w, '')}" for w in self.words), "utf-8")

    @staticmethod
    def read_words(path: Path) -> tuple[tuple[str, ...], dict[str, str]]:
        rows = [line.partition("\t") for line in path.read_text("utf-8").split("\n")]
        return tuple(word for word, _, _ in rows), {word: said for word, _, said in rows if said}


@dataclass(frozen=True)
class Decoded:
    words: list[str]
    spans: list[tuple[int, int]]  # each word's frames: from its first phone to one past its last
    alignment: list[int]  # the unit of each frame on the path (0: blank)
    phones: int  # phones on the path (a phone held over frames counts once)
    graph_cost: float  # the grammar's or language model's part of the path's cost
    acoustic_cost: float  # minus the path's log-probability under the acoustic model

    @property
    def cost(self) -> float:
        return self.graph_cost + self.acoustic_cost


def ctc_topology(units: int, disambiguation: int = 0) -> kaldifst.StdVectorFst:
    """The standard CTC topology over `units` classes (the blank is 0): one state per class, each
    final, every state linked to every other; a class repeated in a row is one output. With
    `disambiguation` symbols (numbered from `units`), each state also outputs every one of them
    without reading a frame, so L ∘ G keeps them for determinization and T ∘ (L ∘ G) drops them."""
    fst = kaldifst.StdVectorFst()
    for _ in range(units):
        fst.set_final(state=fst.add_state(), weight=0)
    fst.start = 0
    for i in range(units):
        for k in range(units):
            fst.add_arc(
                state=i, arc=kaldifst.StdArc(ilabel=k + 1, olabel=k if i != k else EPSILON, weight=0, nextstate=k)
            )
        for k in range(units, units + disambiguation):
            fst.add_arc(state=i, arc=kaldifst.StdArc(ilabel=EPSILON, olabel=k, weight=0, nextstate=i))
    return fst


def lexicon_fst(
    words: tuple[str, ...], lexicon: phones.Lexicon, optional: frozenset = frozenset()
) -> tuple[kaldifst.StdVectorFst, int, dict]:
    """L: phones -> words, every pronunciation of each word, words one after another; and the
    number of disambiguation symbols it uses. Each pronunciation ends in a symbol #k (the k-th
    word said that way), so homophones and a word that is another's first phones stay apart
    and L ∘ G can be determinized; #0 passes G's backoff (lm.BACKOFF) through. Also returns each
    word's pronunciations (Graph.prons). A word of `optional` with no pronunciation is left
    out; any other raises, naming the fix."""
    fst = kaldifst.StdVectorFst()
    start = fst.add_state()
    fst.start = start
    fst.set_final(state=start, weight=0)
    phone_ids = {p: i for i, p in enumerate(phones.UNITS)}
    first = len(phones.UNITS)  # #0; #k is first + k
    said: dict[tuple[str, ...], int] = {}
    found: dict[str, str] = {}
    for word_id, word in enumerate(words[1:], start=1):
        if word == lm.BACKOFF:
            fst.add_arc(state=start, arc=kaldifst.StdArc(ilabel=first, olabel=word_id, weight=0, nextstate=start))
            continue
        try:
            prons = lexicon.pronunciations(word)
        except ASRError:
            if word in optional:
                continue
            raise
        found[word] = "|".join(" ".join(pron) for pron in prons)
        for pron in prons:
            said[pron] = k = said.get(pron, 0) + 1
            state = start
            for i, symbol in enumerate([phone_ids[p] for p in pron] + [first + k]):
                nextstate = start if i == len(pron) else fst.add_state()
                fst.add_arc(
                    state=state,
                    arc=kaldifst.StdArc(
                        ilabel=symbol, olabel=word_id if i == 0 else EPSILON, weight=0, nextstate=nextstate
                    ),
                )
                state = nextstate
    return fst, 1 + max(said.values(), default=0), found


def compile_graph(
    G: kaldifst.StdVectorFst, words: tuple[str, ...], lexicon: phones.Lexicon, optional: frozenset = frozenset()
) -> Graph:
    """T ∘ det(L ∘ G) for a word acceptor G whose labels index `words` (its backoff and other
    epsilon-like arcs labelled lm.BACKOFF). Determinizing L ∘ G turns the many words that may
    follow a state into one tree of phones: the search expands a few arcs per frame, not one per word."""
    L, disambiguation, prons = lexicon_fst(words, lexicon, optional)
    kaldifst.arcsort(L, sort_type="olabel")
    kaldifst.arcsort(G, sort_type="ilabel")
    LG = kaldifst.compose(L, G)
    kaldifst.connect(LG)
    if LG.start < 0:
        raise ASRError(
            "the grammar compiled to an empty graph: no sentence has a pronunciation path; "
            "give it a sentence of words with pronunciations"
        )
    kaldifst.determinize_star(LG)
    kaldifst.minimize_encoded(LG)
    T = ctc_topology(len(phones.UNITS), disambiguation)
    kaldifst.arcsort(T, sort_type="olabel")
    kaldifst.arcsort(LG, sort_type="ilabel")
    TLG = kaldifst.compose(T, LG)
    kaldifst.connect(TLG)
    kaldifst.arcsort(TLG, sort_type="ilabel")
    return Graph(kaldifst.StdConstFst(TLG), words, prons)


class _Acceptor:
    """A word acceptor under construction; word ids are handed out as words appear."""

    def __init__(self):
        self.fst = kaldifst.StdVectorFst()
        self.fst.start = self.fst.add_state()
        self.ids = {lm.EPSILON: 0}

    def new(self) -> int:
        return self.fst.add_state()

    def arc(self, a: int, word: str | None, b: int, cost: float = 0.0) -> None:
        i = self.ids.setdefault(word, len(self.ids)) if word else EPSILON
        self.fst.add_arc(state=a, arc=kaldifst.StdArc(ilabel=i, olabel=i, weight=cost, nextstate=b))

    def words(self) -> tuple[str, ...]:
        return tuple(self.ids)

    def minimal(self) -> kaldifst.StdVectorFst:
        """Epsilons removed, determinized and minimized: shared prefixes and suffixes once."""
        kaldifst.rmepsilon(self.fst)
        fst = kaldifst.determinize(self.fst)
        kaldifst.minimize(fst)
        return fst


def sentences_fst(sentences: list[list[str]]) -> tuple[kaldifst.StdVectorFst, tuple[str, ...]]:
    """G: an acceptor of exactly these word sequences."""
    g = _Acceptor()
    for sentence in sentences:
        state = g.fst.start
        for word in sentence:
            nextstate = g.new()
            g.arc(state, word, nextstate)
            state = nextstate
        g.fst.set_final(state=state, weight=0)
    return g.minimal(), g.words()


def compile_sentences(sentences: list[list[str]], lexicon: phones.Lexicon) -> Graph:
    """The decoding graph of a finite set of sentences (lists of words)."""
    sentences = [s for s in sentences if s]
    if not sentences:
        raise ASRError("the grammar has no sentence to decode to; give it at least one non-empty sentence")
    return compile_graph(*sentences_fst(sentences), lexicon)


def network_fst(
    arcs: list[tuple[int, str | None, int]], final: int, free_words: tuple[str, ...]
) -> tuple[kaldifst.StdVectorFst, tuple[str, ...]]:
    """G of a word network (asr.commands.grammar.Grammar.word_network): its arcs from state 0 to
    `final`, each FREE_TEXT arc one or more words of `free_words`, each costing FREE_WORD_COST."""
    g = _Acceptor()
    states = [g.fst.start] + [g.new() for _ in range(max((max(a, b) for a, _, b in arcs), default=0))]
    g.fst.set_final(state=states[final], weight=0)
    for a, word, b in arcs:
        g.arc(states[a], word, states[b])
    G = g.minimal()
    if FREE_TEXT not in g.ids:
        return G, g.words()
    # Each placeholder arc a -> b becomes a loop of words shared by every arc into b: the loop is
    # built once per continuation, not per expression (determinizing the loops takes minutes).
    placeholder, backoff, loops = g.ids[FREE_TEXT], g.ids.setdefault(lm.BACKOFF, len(g.ids)), {}
    ids = [g.ids.setdefault(w, len(g.ids)) for w in free_words]
    out = kaldifst.StdVectorFst()
    for a in range(G.num_states):
        out.add_state()
        if not math.isinf(G.final(a).value):
            out.set_final(state=a, weight=G.final(a).value)
    out.start = G.start
    for a in range(G.num_states):
        for arc in kaldifst.ArcIterator(G, a):
            if arc.ilabel != placeholder:
                out.add_arc(state=a, arc=kaldifst.StdArc(arc.ilabel, arc.olabel, arc.weight.value, arc.nextstate))
                continue
            if arc.nextstate not in loops:
                loops[arc.nextstate] = loop = out.add_state()
                for i in ids:
                    out.add_arc(state=loop, arc=kaldifst.StdArc(i, i, FREE_WORD_COST, loop))
                out.add_arc(state=loop, arc=kaldifst.StdArc(backoff, EPSILON, 0.0, arc.nextstate))
            for i in ids:
                out.add_arc(state=a, arc=kaldifst.StdArc(i, i, FREE_WORD_COST + arc.weight.value, loops[arc.nextstate]))
    return out, g.words()


def compile_network(
    arcs: list[tuple[int, str | None, int]], final: int, free_words: tuple[str, ...], lexicon: phones.Lexicon
) -> Graph:
    """The decoding graph of a word network (a context's: asr.commands.grammar); cached. A
    free-text word without a pronunciation is left out; a fixed word without one is an error
    naming the fix."""
    key = repr((VERSION, "network", arcs, final, free_words, lexicon.key()))

    def build() -> Graph:
        return compile_graph(
            *network_fst(arcs, final, free_words), lexicon, optional=frozenset((*free_words, FREE_TEXT))
        )

    return cached(key, build)


def compile_lm(path: str | os.PathLike, lexicon: phones.Lexicon) -> Graph:
    """The open-vocabulary decoding graph of an ARPA bigram model; cached. Words without a
    pronunciation are left out."""
    path = Path(path)
    if not path.is_file():
        raise ASRError(f"language model '{path}' not found; build one with 'asr lm build --out {path}'")
    key = repr((VERSION, "lm", hashlib.sha256(path.read_bytes()).hexdigest(), lexicon.key()))

    def build() -> Graph:
        G, words = lm.g_fst(lm.read_arpa(path))
        return compile_graph(G, words, lexicon, optional=frozenset(words))

    return cached(key, build)


def cache_dir() -> Path:
    if os.environ.get("ASR_CACHE"):
        return Path(os.environ["ASR_CACHE"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("asr")) / "graphs"


def cached(key: str, build: Callable[[], Graph]) -> Graph:
    """The graph stored under the hash of `key`, or `build()`'s, stored (written whole, then
    renamed). An unreadable cache file is rebuilt; a cache that cannot be written is skipped."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    folder = cache_dir()
    fst_path, words_path = folder / f"{digest}.fst", folder / f"{digest}.words"
    try:
        with fst_path.open("rb") as f:
            intact = f.read(4) == FST_MAGIC  # else OpenFst's reader prints to stderr and gives None
        fst = kaldifst.StdConstFst.read(str(fst_path)) if intact else None
        if fst is not None:
            return Graph(fst, *Graph.read_words(words_path))
    except (OSError, UnicodeDecodeError):
        pass  # no entry, or a damaged one: build it below
    graph = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, write in ((words_path, graph.write_words), (fst_path, lambda p: graph.fst.write(str(p)))):
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            write(tmp)
            os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: decode without the cache
    return graph


BLANK_SKIP = 0.95  # frames the model is this sure are blank are not searched (their path is blank anyway)
MAX_ACTIVE, BEAM = 500, 10.0  # the search's pruning: measured to cost no words and save 10x (BENCHMARKS.md)


def decode(
    graph: Graph, log_probs: np.ndarray, max_active: int = MAX_ACTIVE, beam: float = BEAM, require_final: bool = True
) -> Decoded | None:
    """The best path of the graph for (frames, units) log-probs: its words with their frame spans.
    None when no complete sentence survives (with `require_final`), or nothing at all does.
    Frames that are surely blank are skipped, then given back as blanks."""
    kept = np.flatnonzero(log_probs[:, 0] < np.log(BLANK_SKIP))  # (frames searched,)
    decoder = FasterDecoder(graph.fst, FasterDecoderOptions(max_active=max_active, beam=beam))
    decoder.decode(DecodableCtc(np.ascontiguousarray(log_probs[kept], dtype=np.float32)))
    if require_final and not decoder.reached_final():
        return None
    ok, best = decoder.get_best_path()
    if not ok:
        return None
    words, searched, graph_cost, acoustic_cost = _read_path(best.to_str(), graph.words)
    alignment = np.zeros(len(log_probs), dtype=np.int64)
    alignment[kept[: len(searched)]] = searched
    acoustic_cost -= float(log_probs[np.setdiff1d(np.arange(len(log_probs)), kept), 0].sum())  # the skipped blanks
    said = _phones_said(alignment.tolist())
    return Decoded(
        words, word_spans(words, said, graph.prons), alignment.tolist(), len(said), graph_cost, acoustic_cost
    )


def _read_path(text: str, words: tuple[str, ...]) -> tuple[list[str], list[int], float, float]:
    """A linear lattice in text form ("src dst ilabel olabel graph,acoustic" per arc, in order) ->
    its words, the unit of each frame, and its two costs. (kaldifst iterates the arcs of standard
    FSTs only, not of the decoder's lattices.)"""
    said, alignment, graph_cost, acoustic_cost = [], [], 0.0, 0.0
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue  # a final state's line
        g, a = (float(x) for x in fields[4].split(","))
        graph_cost, acoustic_cost = graph_cost + g, acoustic_cost + a
        if int(fields[3]):
            said.append(words[int(fields[3])])
        if int(fields[2]):
            alignment.append(int(fields[2]) - 1)
    return said, alignment, graph_cost, acoustic_cost


def _phones_said(alignment: list[int]) -> list[tuple[int, int, int]]:
    """Frame units -> the phones said: (unit, first frame, one past the last), CTC's rule: a
    phone held over frames is one, a blank between two of the same makes two."""
    said, previous = [], 0
    for frame, unit in enumerate(alignment):
        if unit and unit == previous:
            said[-1] = (unit, said[-1][1], frame + 1)
        elif unit:
            said.append((unit, frame, frame + 1))
        previous = unit
    return said


def word_spans(words: list[str], said: list[tuple[int, int, int]], prons_of: dict) -> list[tuple[int, int]]:
    """Each word's frames, from its first phone to one past its last: the phones said, cut into
    one pronunciation per word (`prons_of`: Graph.prons). (The determinized graph writes a word
    where it becomes certain, not where it starts, so the spans come from the phones.)"""
    prons = [{tuple(phones.encode(p.split())) for p in prons_of[w].split("|")} for w in words]
    units = tuple(u for u, _, _ in said)
    cuts: dict[tuple[int, int], list[int] | None] = {}

    def cut(w: int, at: int) -> list[int] | None:  # the phones' cut points from word w on, if any
        if w == len(words):
            return [] if at == len(units) else None
        if (w, at) not in cuts:
            cuts[(w, at)] = None
            for pron in sorted(prons[w], key=len, reverse=True):
                if units[at : at + len(pron)] == pron and (rest := cut(w + 1, at + len(pron))) is not None:
                    cuts[(w, at)] = [at + len(pron), *rest]
                    break
        return cuts[(w, at)]

    ends = cut(0, 0)
    if ends is None or not said:  # two like phones merged where a skipped blank parted them: share evenly
        ends = [round(len(said) * (k + 1) / max(len(words), 1)) for k in range(len(words))]
    starts = [0, *ends[:-1]]
    return [(said[a][1], said[max(b - 1, a)][2]) if said else (0, 0) for a, b in zip(starts, ends)]
