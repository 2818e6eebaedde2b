"""The model's output units, shared by training, export and decoding: letters (CTC blank, space,
apostrophe, a-z) or phones (CTC blank and the 39 ARPAbet phones of asr.phones)."""

from __future__ import annotations

import re
import string
from functools import cache

from asr.errors import ASRError
from asr.runtime import phones

BLANK = "<blank>"
CHARS = (BLANK, " ", "'", *string.ascii_lowercase)  # index 0 is the CTC blank
BLANK_INDEX = 0
_INDEX = {c: i for i, c in enumerate(CHARS)}


def normalize(text: str) -> str:
    """Lower-case and collapse runs of whitespace; the vocabulary has no upper case."""
    return re.sub(r"\s+", " ", text.lower()).strip()


def encode(text: str) -> list[int]:
    """Normalized text -> label indices (no blanks). Characters outside the vocabulary raise."""
    text = normalize(text)
    bad = sorted({c for c in text if c not in _INDEX})
    if bad:
        raise ASRError(
            f"text {text!r} has characters outside the vocabulary {bad}; "
            "write numbers and symbols as words (a-z, space and apostrophe only)"
        )
    return [_INDEX[c] for c in text]


def decode(indices) -> str:
    """Label indices (blanks already removed) -> text."""
    return "".join(CHARS[i] for i in indices if i != BLANK_INDEX)


UNITS = {"letters": CHARS, "phones": phones.UNITS}


def unit_names(kind: str) -> tuple[str, ...]:
    """The output classes of a model of `kind` units, the CTC blank first."""
    if kind not in UNITS:
        raise ASRError(f"unknown units {kind!r}; use one of {', '.join(UNITS)}")
    return UNITS[kind]


def readable(indices: list[int], kind: str) -> str:
    """Decoded unit indices (no blanks) -> text: letters spelled, phones space-separated ("K AO L"),
    so the word error rate of a phone transcript is its phone error rate."""
    return " ".join(decode(indices).split()) if kind == "letters" else " ".join(phones.decode(indices))


def reference(text: str, kind: str, lexicon: phones.Lexicon | None = None) -> str:
    """A transcript as a model of `kind` units should decode it: the words, or their phones."""
    return text if kind == "letters" else " ".join((lexicon or _lexicon()).phones(text))


def targets(text: str, kind: str, lexicon: phones.Lexicon | None = None) -> list[int]:
    """A transcript -> training labels: its letters, or the phones of each word's first pronunciation."""
    return encode(text) if kind == "letters" else phones.encode((lexicon or _lexicon()).phones(text))


@cache
def _lexicon() -> phones.Lexicon:
    return phones.Lexicon()
