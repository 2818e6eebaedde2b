"""Character vocabulary shared by training, export and decoding: CTC blank, space, apostrophe, a-z."""

from __future__ import annotations

import re
import string

from asr.errors import ASRError

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
