"""asr.words: the word lists shared by the layers."""

from asr.words import english_words, free_words


def test_the_english_list_is_twenty_thousand_plain_words():
    words = english_words()
    assert len(words) == 20_000 and len(set(words)) == len(words)
    assert {"call", "mom", "dentist", "tomorrow"} <= set(words)
    assert all(w == w.lower() and w.replace("'", "").isalpha() for w in words)


def test_a_contexts_words_come_after_the_english_ones_once():
    words = free_words(("xzavier", "call"))
    assert words[: len(english_words())] == english_words()
    assert words[-1] == "xzavier" and words.count("call") == 1
