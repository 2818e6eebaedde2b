"""Word lists shared by the layers: the English words free text is decoded to, and the
placeholder that stands for free text in a word grammar until the decoder fills it in."""

from __future__ import annotations

from functools import cache
from importlib import resources

FREE_TEXT = "<text>"  # a word network's label for "one or more free words" (a reminder's task)


@cache
def english_words() -> tuple[str, ...]:
    """The 20,000 most frequent English words of a spelling dictionary (asr/lexicon/README.md)."""
    return tuple(resources.files("asr").joinpath("lexicon/english.txt").read_text(encoding="utf-8").split())


def free_words(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The words free text may be decoded to: the English list, then a context's own `words:`."""
    return tuple(dict.fromkeys(english_words() + extra))
