"""Rhino's expression syntax: "[i want, give me] (a) $size:size @drink" -> a sequence of syntax
tree nodes. `[a, b]` is a required choice, `(a, b)` an optional one, `$type:name` a slot and `@name`
a macro; every other token is a word, spelled in the letters the recognizer knows."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from asr.errors import ASRError

LETTERS = string.ascii_lowercase + "'"
TEXT_TYPE = "asr.Text"


class ContextError(ASRError):
    """A context file that cannot be compiled; the message names the line."""


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Slot:
    type: str
    name: str


@dataclass(frozen=True)
class Macro:
    name: str


@dataclass(frozen=True)
class Choice:
    alternatives: tuple[tuple, ...]  # each a sequence of nodes
    optional: bool


_TOKEN = re.compile(r"\s*(\[|\]|\(|\)|,|\$[\w.]+:\w+|@\w+|[^\s\[\]\(\),$@]+)")


def parse_expression(text: str, where: str) -> tuple:
    """An expression string -> a sequence of Word, Slot, Macro and Choice nodes."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ContextError(f"{where}: cannot read {text[pos:]!r} in {text!r}")
        tokens.append(match.group(1))
        pos = match.end()
    nodes, i = _sequence(tokens, 0, where, text, closer=None)
    if not nodes:
        raise ContextError(f"{where}: empty expression")
    return nodes


def _sequence(tokens: list[str], i: int, where: str, text: str, closer: str | None) -> tuple[tuple, int]:
    nodes = []
    while i < len(tokens):
        token = tokens[i]
        if token in ("]", ")", ","):
            if closer is None:
                raise ContextError(f"{where}: unexpected {token!r} in {text!r}")
            return tuple(nodes), i
        if token in ("[", "("):
            alternatives, i = _choice(tokens, i + 1, where, text, "]" if token == "[" else ")")
            nodes.append(Choice(alternatives, optional=token == "("))
            continue
        if token.startswith("$"):
            slot_type, name = token[1:].split(":")
            nodes.append(Slot(slot_type, name))
        elif token.startswith("@"):
            nodes.append(Macro(token[1:]))
        else:
            word = token.lower()
            bad = sorted(set(word) - set(LETTERS))
            if bad:
                raise ContextError(
                    f"{where}: {word!r} has characters the recognizer cannot spell {bad}; "
                    "write numbers and symbols as words"
                )
            nodes.append(Word(word))
        i += 1
    if closer is not None:
        raise ContextError(f"{where}: missing {closer!r} in {text!r}")
    return tuple(nodes), i


def _choice(tokens, i, where, text, closer) -> tuple[tuple[tuple, ...], int]:
    alternatives = []
    while True:
        seq, i = _sequence(tokens, i, where, text, closer)
        if not seq:
            raise ContextError(f"{where}: an empty alternative in {text!r}")
        alternatives.append(seq)
        if i >= len(tokens):
            raise ContextError(f"{where}: missing {closer!r} in {text!r}")
        if tokens[i] == ",":
            i += 1
            continue
        if tokens[i] != closer:
            raise ContextError(f"{where}: {tokens[i]!r} where {closer!r} was expected in {text!r}")
        return tuple(alternatives), i + 1
