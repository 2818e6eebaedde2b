"""The word bigram model: counting, ARPA files, and its acceptor."""

import math

import kaldifst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asr.errors import ASRError
from asr.runtime import lm

TEXT = ["remind me to call mom", "remind me to feed the cat", "set a timer", "call mom", "set an alarm"]
words_st = st.lists(st.sampled_from(["a", "b", "call", "mom", "set", "timer"]), min_size=1, max_size=6)


def probability(model: lm.Bigram, history: str, word: str) -> float:
    """p(word | history) as an ARPA reader computes it: the bigram, or backoff times the unigram."""
    if (history, word) in model.bigrams:
        return 10 ** model.bigrams[(history, word)]
    return 10 ** (model.unigrams[history][1] + model.unigrams[word][0])


@given(st.lists(words_st.map(" ".join), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_every_history_is_a_distribution_over_the_next_word(sentences):
    model = lm.count(sentences, vocabulary=["unseen"])
    following = [w for w in model.unigrams if w != lm.START]
    for history in model.unigrams:
        if history == lm.END:
            continue
        total = sum(probability(model, history, w) for w in following)
        # Backoff form double counts the seen words' unigram share: at most the backoff mass over.
        assert 0.99 < total < 1 + 10 ** model.unigrams[history][1] + 1e-6


def test_seen_bigrams_outweigh_unseen_ones():
    model = lm.count(TEXT)
    assert probability(model, "call", "mom") > probability(model, "call", "timer")
    assert probability(model, lm.START, "remind") > probability(model, lm.START, "cat")


def test_a_vocabulary_word_never_seen_keeps_a_small_probability():
    model = lm.count(TEXT, vocabulary=["anneliese"])
    assert 0 < 10 ** model.unigrams["anneliese"][0] < 10 ** model.unigrams["mom"][0]


@given(st.lists(words_st.map(" ".join), min_size=1, max_size=10))
@settings(max_examples=30, deadline=None)
def test_arpa_files_read_back_as_written(tmp_path_factory, sentences):
    path = tmp_path_factory.mktemp("arpa") / "words.arpa.gz"
    model = lm.count(sentences)
    lm.write_arpa(model, path)
    again = lm.read_arpa(path)
    assert again.unigrams.keys() == model.unigrams.keys() and again.bigrams.keys() == model.bigrams.keys()
    assert all(math.isclose(again.bigrams[k], v, abs_tol=1e-4) for k, v in model.bigrams.items())


def test_a_bad_arpa_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.arpa"
    path.write_text("\\data\\\nngram 1=2\n\n\\1-grams:\n-1.0\tmom\n-1.0 oops oops oops oops\n\\end\\\n")
    with pytest.raises(ASRError, match=r"bad.arpa:6: .* is not an ARPA 1 line"):
        lm.read_arpa(path)
    path.write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(ASRError, match="not readable.*asr lm build"):
        lm.read_arpa(path)
    with pytest.raises(ASRError, match="no sentence"):
        lm.count([""])


def test_the_acceptor_prefers_what_the_text_said():
    fst, words = lm.g_fst(lm.count(TEXT), weight=1.0)
    kaldifst.arcsort(fst, sort_type="olabel")
    ids = {w: i for i, w in enumerate(words)}

    def cost(sentence: str) -> float:
        path = kaldifst.shortest_path(
            kaldifst.compose(fst, kaldifst.make_linear_acceptor([ids[w] for w in sentence.split()]))
        )
        ok, _, said, weight = kaldifst.get_linear_symbol_sequence(path)
        assert ok and [words[i] for i in said] == sentence.split()
        return weight.value

    assert cost("call mom") < cost("mom call") < math.inf
    assert cost("remind me to call mom") < cost("remind me to mom call")
    assert math.isclose(
        cost("call mom"),
        -math.log(10) * sum(lm.count(TEXT).bigrams[k] for k in [(lm.START, "call"), ("call", "mom"), ("mom", lm.END)]),
        rel_tol=1e-4,
    )
