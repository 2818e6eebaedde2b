"""asr.runtime.vocab: the model's units, letters or phones, and text in them."""

import pytest

from asr.errors import ASRError
from asr.runtime import vocab


def test_vocab_round_trip_and_blank():
    assert vocab.CHARS[vocab.BLANK_INDEX] == vocab.BLANK
    assert vocab.decode(vocab.encode("  Don't   STOP ")) == "don't stop"


@pytest.mark.parametrize("text", ["call 911", "café", "stop!"])
def test_out_of_vocabulary_text_is_refused(text):
    with pytest.raises(ASRError, match="outside the vocabulary"):
        vocab.encode(text)
