"""Phones, pronunciations and the G2P: CMUdict, the user's words, g2p-en's guesses."""

import pytest
from typer.testing import CliRunner

from asr.errors import ASRError
from asr.runtime import phones
from asr.runtime.phones import G2P, PHONES, UNITS, Lexicon, read_lexicon
from cli import app

# g2p-en 2.1.0's own G2p.predict on words CMUdict lacks, stress removed (checked against it once:
# importing g2p_en downloads NLTK data, so the test holds its answers).
G2P_EN = [
    ("anneliese", "AE N AH L AY Z"),
    ("xzavier", "Z IY V IY ER"),
    ("kokoro", "K OW K AO R OW"),
    ("zoomcall", "Z UW M K AH L"),
    ("instagrammer", "IH N S T AE G R AH M ER"),
    ("brexit", "B R EH K S IH T"),
    ("jadzia", "JH AE D IY AH"),
    ("okafor", "OW K AH F ER"),
    ("tiktok", "T IH K T AH K"),
    ("quinoa", "K W IH N OW"),
    ("siobhan", "SH OW B AA N"),
    ("nguyen", "N UW G IY N"),
    ("pokemon", "P OW K M AH N"),
    ("covid", "K OW V IH D"),
    ("blockchain", "B L AA K HH EY N"),
]


@pytest.fixture(scope="module")
def g2p():
    return G2P()


@pytest.mark.parametrize("word, said", G2P_EN)
def test_the_g2p_guesses_as_g2p_en_does(g2p, word, said):
    assert g2p(word) == tuple(said.split())


def test_units_are_39_phones_after_the_blank():
    assert len(PHONES) == 39 and UNITS[0] == phones.BLANK and len(UNITS) == 40
    assert phones.decode(phones.encode(["K", "AO", "L"])) == ["K", "AO", "L"]
    with pytest.raises(ASRError, match=r"unknown phone\(s\) \['IY1'\]"):
        phones.encode(["IY1"])


def test_cmudict_pronunciations_keep_their_alternatives(tmp_path):
    lexicon = Lexicon(tmp_path / "none.txt")
    assert lexicon.pronunciations("reminder") == [("R", "IY", "M", "AY", "N", "D", "ER")]
    assert set(lexicon.pronunciations("read")) == {("R", "EH", "D"), ("R", "IY", "D")}
    assert lexicon.phones("call mom") == ["K", "AO", "L", "M", "AA", "M"]
    assert lexicon.pronunciations("anneliese") == [("AE", "N", "AH", "L", "AY", "Z")]  # the G2P's
    with pytest.raises(ASRError, match="is not a word of letters"):
        lexicon.pronunciations("5pm")


def test_a_users_word_comes_first_and_persists(tmp_path):
    path = tmp_path / "mine.txt"
    result = CliRunner().invoke(app, ["lexicon", "add", "Anneliese", "AE N AH L IY S", "--lexicon", str(path)])
    assert result.exit_code == 0 and "anneliese: AE N AH L IY S" in result.output
    assert Lexicon(path).pronunciations("anneliese") == [("AE", "N", "AH", "L", "IY", "S")]
    shown = CliRunner().invoke(app, ["lexicon", "show", "anneliese", "read", "kokoro", "--lexicon", str(path)])
    assert shown.output.splitlines() == [
        "anneliese (yours): AE N AH L IY S",
        "read (cmudict): R EH D | R IY D",
        "kokoro (g2p): K OW K AO R OW",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "anneliese AE N AH L IY SS",
            r"mine.txt:2: 'anneliese AE N AH L IY SS' is not 'word PH ON ES' \('SS' is no ARPAbet",
        ),
        ("5pm F AY V", r"mine.txt:2: '5pm F AY V' is not 'word PH ON ES'"),
        ("lonely", r"mine.txt:2: 'lonely' is not 'word PH ON ES'"),
    ],
)
def test_a_bad_lexicon_line_names_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "mine.txt"
    path.write_text(f"# my words\n{line}\nbob B AA B\n")
    with pytest.raises(ASRError, match=message):
        read_lexicon(path)
    result = CliRunner().invoke(app, ["lexicon", "show", "bob", "--lexicon", str(path)])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "mine.txt:2" in result.output


def test_adding_a_bad_pronunciation_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("bob B AA B\n")
    result = CliRunner().invoke(app, ["lexicon", "add", "alice", "AE L IH SS", "--lexicon", str(path)])
    assert result.exit_code == 1 and "'SS' is no ARPAbet phone" in result.output
    assert path.read_text() == "bob B AA B\n"


def test_no_g2p_says_how_to_add_the_word(tmp_path, monkeypatch):
    monkeypatch.setattr(phones.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ASRError, match="pip install g2p-en .*asr lexicon add"):
        Lexicon(tmp_path / "none.txt").pronunciations("zyxwvut")
