"""T ∘ L ∘ G decoding graphs with kaldifst, searched with kaldi-decoder, on phone posteriors."""

import kaldifst
import numpy as np
import pytest

from asr.commands.context import load_context
from asr.commands.grammar import Grammar
from asr.errors import ASRError
from asr.runtime import graph, phones

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


def test_every_pronunciation_of_a_word_is_in_the_graph(grammar, lexicon):
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


CONTEXT = """
context:
  expressions:
    orderDrink:
      - "[i want, give me] (a) $size:size $drink:drink (@please)"
    remind:
      - "remind me to $asr.Text:task"
  slots:
    size: [small, large]
    drink: [coffee, hot chocolate]
  macros:
    please: [please, thank you]
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("graphs")
        patch.setenv("ASR_CACHE", str(folder))
        yield folder


def compile_context(context, free_words: tuple[str, ...], lexicon) -> graph.Graph:
    """A context's decoding graph, as a phone recognizer compiles it (Recognizer.commands)."""
    return graph.compile_network(*Grammar(context, None, free_words).word_network(), free_words, lexicon)


@pytest.fixture(scope="module")
def context_graph(lexicon, cache):
    context = load_context(CONTEXT, "coffee.yaml")
    return compile_context(context, ("call", "mom", "feed", "the", "cat"), lexicon)


@pytest.mark.parametrize(
    "sentence",
    [
        "i want a large coffee",
        "give me small hot chocolate please",
        "remind me to feed the cat",
        "remind me to call mom",
    ],
)
def test_a_context_decodes_its_sentences_slots_macros_and_free_text(context_graph, lexicon, sentence):
    decoded = graph.decode(context_graph, posteriors(lexicon.phones(sentence)))
    assert decoded.words == sentence.split() and decoded.acoustic_cost < 1.0


def test_free_text_words_cost_more_than_fixed_ones(context_graph, lexicon):
    fixed = graph.decode(context_graph, posteriors(lexicon.phones("i want a large coffee")))
    free = graph.decode(context_graph, posteriors(lexicon.phones("remind me to feed the cat")))
    assert fixed.graph_cost == pytest.approx(0.0, abs=1e-4)
    assert free.graph_cost == pytest.approx(3 * graph.FREE_WORD_COST, abs=1e-3)


def test_word_spans_follow_the_phones(context_graph, lexicon):
    said = lexicon.phones("give me small coffee")
    decoded = graph.decode(context_graph, posteriors(said))
    # posteriors(): a leading blank, then each phone 3 frames and a blank
    assert decoded.spans[0] == (1, 12)  # "give", G IH V: frames 1-3, 5-7, 9-11
    assert decoded.phones == len(said) and len(decoded.alignment) == len(posteriors(said))
    assert all(a < b <= c for (a, b), (c, _) in zip(decoded.spans, decoded.spans[1:]))


def test_compiled_graphs_are_cached_by_content(context_graph, lexicon, cache):
    files = sorted(cache.glob("*.fst"))
    assert len(files) == 1
    again = compile_context(load_context(CONTEXT, "coffee.yaml"), ("call", "mom", "feed", "the", "cat"), lexicon)
    assert again.words == context_graph.words and sorted(cache.glob("*.fst")) == files
    files[0].write_bytes(b"damaged")  # a damaged entry is rebuilt, not trusted
    rebuilt = compile_context(load_context(CONTEXT, "coffee.yaml"), ("call", "mom", "feed", "the", "cat"), lexicon)
    assert graph.decode(rebuilt, posteriors(lexicon.phones("i want a large coffee"))).words[-1] == "coffee"
    other = load_context(CONTEXT.replace("coffee,", "tea,"), "tea.yaml")
    compile_context(other, ("call", "mom", "feed", "the", "cat"), lexicon)
    assert len(list(cache.glob("*.fst"))) == 2


def test_the_language_model_graph_transcribes_open_speech(lexicon, cache, tmp_path):
    from asr.runtime import lm

    path = tmp_path / "words.arpa"
    lm.write_arpa(lm.count(["call mom now", "feed the cat", "the cat is here"], vocabulary=["dog"]), path)
    open_graph = graph.compile_lm(path, lexicon)
    for sentence in ("feed the cat", "call the dog", "the dog is here"):
        assert graph.decode(open_graph, posteriors(lexicon.phones(sentence))).words == sentence.split()


def test_a_fixed_word_without_a_pronunciation_is_refused_with_the_fix(cache, tmp_path):
    class Silent:  # a G2P that guesses nothing
        def __call__(self, word):
            return ()

    lexicon = phones.Lexicon(tmp_path / "none.txt", g2p=Silent())
    context = load_context(CONTEXT.replace("coffee,", "zzyzxq,"), "coffee.yaml")
    with pytest.raises(ASRError, match="no pronunciation for 'zzyzxq'.*asr lexicon add zzyzxq"):
        compile_context(context, ("call",), lexicon)


def test_a_context_with_no_speakable_sentence_is_refused(lexicon, cache):
    context = load_context('context:\n  expressions:\n    note:\n      - "$asr.Text:text"\n', "note.yaml")
    with pytest.raises(ASRError, match="empty graph"):
        compile_context(context, (), lexicon)


def test_a_missing_language_model_is_one_line_with_the_fix(lexicon, tmp_path):
    with pytest.raises(ASRError, match="not found; build one with 'asr lm build"):
        graph.compile_lm(tmp_path / "none.arpa", lexicon)
