"""Command contexts in Picovoice Rhino's YAML syntax, read into syntax trees (asr.commands.grammar
compiles them for the decoder and the text parser).

    context:
      expressions:
        orderDrink:
          - "[i want, give me] (a) $size:size $drink:drink"
      slots:
        size: [small, medium, large]
        drink: [coffee, tea]
      macros:                       # Rhino's @macro: a named list of phrases
        please: [please, thank you]
      words: [anneliese]            # ours: words free text may also be decoded to

In an expression `[a, b]` is a required choice, `(a, b)` an optional one, `$type:name` a slot
and `@name` a macro; Rhino's built-in slot types (`pv.TwoDigitInteger`, `pv.Alphabetic`...) are
defined in asr/commands/builtin.py. Additions to Rhino's syntax: a slot value may map a canonical value to its
synonyms (`- latte: [caffe latte, cafe latte]`), and built-in slot types need no `slots:` entry:
`asr.Number`, `asr.Duration`, `asr.DateTime` (spoken numbers, durations and date-times) and
`asr.Text` (free text, such as a reminder's task). The parser reads free text as any letters;
the decoder, given a word list, spells it only from the list's words, to which a context's
`words:` adds its own (names, rare words).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from asr.commands.expressions import (
    Choice,
    ContextError,
    Macro,
    Slot,
    Word,
    parse_expression,
)


@dataclass
class Context:
    expressions: dict[str, list[tuple[tuple, str]]]  # intent -> [(nodes, where)]
    slots: dict[str, dict[str, str]] = field(default_factory=dict)  # type -> {phrase: canonical value}
    macros: dict[str, list[tuple]] = field(default_factory=dict)  # name -> [nodes]
    source: str = "<context>"
    words: tuple[str, ...] = ()  # words free text may be decoded to besides the built-in list


def _scalar_lines(node: yaml.Node, where: str) -> list[tuple[str, int]]:
    """A YAML sequence of strings (or a single string) -> [(text, line)]."""
    if isinstance(node, yaml.ScalarNode):
        return [(node.value, node.start_mark.line + 1)]
    if not isinstance(node, yaml.SequenceNode):
        raise ContextError(f"{where} (line {node.start_mark.line + 1}): expected a list of phrases")
    out = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            raise ContextError(f"{where} (line {item.start_mark.line + 1}): expected a phrase, got a nested structure")
        out.append((item.value, item.start_mark.line + 1))
    return out


def _mapping(node: yaml.Node, where: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise ContextError(f"{where} (line {node.start_mark.line + 1}): expected a mapping")
    return {k.value: v for k, v in node.value}


def load_context(text: str, source: str = "<context>") -> Context:
    """Read a context from YAML text; errors name `source` and the line."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ContextError(f"{source}{line}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if root is None:
        raise ContextError(f"{source}: empty; a context needs 'context: expressions:'")
    top = _mapping(root, source)
    if "context" not in top:
        raise ContextError(f"{source}: no top-level 'context:' key (Rhino's context syntax)")
    ctx = _mapping(top["context"], f"{source}: context")
    unknown = sorted(set(ctx) - {"expressions", "slots", "macros", "words"})
    if unknown:
        raise ContextError(f"{source}: unknown key(s) {unknown} under context; use expressions, slots, macros, words")
    if "expressions" not in ctx:
        raise ContextError(f"{source}: context has no 'expressions:'")
    context = Context({}, source=source)
    for name, node in _mapping(ctx.get("macros") or yaml.MappingNode("", []), "macros").items():
        context.macros[name] = [parse_expression(t, f"{source}:{line}") for t, line in _scalar_lines(node, name)]
    for type_name, node in _mapping(ctx.get("slots") or yaml.MappingNode("", []), "slots").items():
        context.slots[type_name] = _slot_values(node, f"{source}: slot {type_name}")
    for phrase, line in _scalar_lines(ctx["words"], "words") if "words" in ctx else []:
        context.words += _plain_words(phrase, f"{source}:{line}", "'words:' takes plain words")
    for intent, node in _mapping(ctx["expressions"], "expressions").items():
        context.expressions[intent] = [
            (parse_expression(t, f"{source}:{line}"), f"{source}:{line}") for t, line in _scalar_lines(node, intent)
        ]
    return context


def _slot_values(node: yaml.Node, where: str) -> dict[str, str]:
    """Slot values -> {spoken phrase: canonical value}; `- canonical: [synonym, ...]` adds synonyms."""
    if not isinstance(node, yaml.SequenceNode):
        raise ContextError(f"{where} (line {node.start_mark.line + 1}): expected a list of values")
    values = {}
    for item in node.value:
        line = item.start_mark.line + 1
        if isinstance(item, yaml.ScalarNode):
            pairs = [(item.value, item.value)]
        elif isinstance(item, yaml.MappingNode) and len(item.value) == 1:
            canonical, synonyms = item.value[0][0].value, item.value[0][1]
            pairs = [(canonical, canonical)] + [(s, canonical) for s, _ in _scalar_lines(synonyms, where)]
        else:
            raise ContextError(f"{where} (line {line}): a value is a phrase or 'canonical: [synonyms]'")
        for phrase, canonical in pairs:
            words = _plain_words(phrase, f"{where} (line {line})", "a slot value must be plain words")
            values[" ".join(words)] = canonical
    return values


def _plain_words(phrase: str, where: str, rule: str) -> tuple[str, ...]:
    """A phrase of words only (no choices, slots or macros) -> its words, spelled as the decoder spells them."""
    nodes = parse_expression(phrase, where)
    if not all(isinstance(node, Word) for node in nodes):
        raise ContextError(f"{where}: {rule}, got {phrase!r}")
    return tuple(node.text for node in nodes)


def check_references(context: Context, builtin_types: tuple[str, ...]) -> None:
    """Every slot type a context's expressions name is its own or one of `builtin_types`, and
    every macro is defined; else a ContextError naming the line."""

    def walk(nodes, where):
        for node in nodes:
            if isinstance(node, Slot) and node.type not in context.slots and node.type not in builtin_types:
                known = sorted(context.slots) + sorted(builtin_types)
                raise ContextError(
                    f"{where}: unknown slot type '{node.type}' in ${node.type}:{node.name}; known: {known}"
                )
            if isinstance(node, Macro) and node.name not in context.macros:
                raise ContextError(f"{where}: unknown macro '@{node.name}'; define it under context: macros:")
            if isinstance(node, Choice):
                for alternative in node.alternatives:
                    walk(alternative, where)

    for expressions in context.expressions.values():
        for nodes, where in expressions:
            walk(nodes, where)


def read_context(path: str | os.PathLike) -> Context:
    path = Path(path)
    if not path.is_file():
        raise ContextError(f"context file '{path}' not found; check the path")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContextError(
            f"context file '{path}' is not UTF-8 text; a context is a YAML file in Rhino's syntax"
        ) from None
    return load_context(text, str(path))


def merge(base: Context, extra: Context) -> Context:
    """Both contexts' intents, slots, macros and words; a name defined by both is an error."""
    for kind in ("expressions", "slots", "macros"):
        clash = sorted(set(getattr(base, kind)) & set(getattr(extra, kind)))
        if clash:
            raise ContextError(f"{extra.source}: {kind} {clash} already exist in the built-in context; rename them")
    return Context(
        {**base.expressions, **extra.expressions},
        {**base.slots, **extra.slots},
        {**base.macros, **extra.macros},
        f"{base.source} + {extra.source}",
        base.words + extra.words,
    )
