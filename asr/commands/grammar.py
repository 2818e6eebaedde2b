"""Command contexts in Picovoice Rhino's YAML syntax, compiled into one graph that drives both the
constrained CTC decoder and the text parser, so the two cannot disagree.

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
defined in asr/builtin.py. Additions to Rhino's syntax: a slot value may map a canonical value to its
synonyms (`- latte: [caffe latte, cafe latte]`), and built-in slot types need no `slots:` entry:
`asr.Number`, `asr.Duration`, `asr.DateTime` (spoken numbers, durations and date-times) and
`asr.Text` (free text, such as a reminder's task). The parser reads free text as any letters;
the decoder, given a word list, spells it only from the list's words, to which a context's
`words:` adds its own (names, rare words).

The graph is a character-level NFA: every word is a space followed by its letters, so a sentence
is " word word ..." (the decoder treats the leading space as given). Slots and intents are marked
by tags on epsilon arcs, read back by the parser. A fixed word's double letter may also be heard
as one ("tomorow"): the parser writes such a word as it is spelled.
"""

from __future__ import annotations

import bisect
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from asr.errors import ASRError

LETTERS = string.ascii_lowercase + "'"
TEXT_TYPE = "asr.Text"


class ContextError(ASRError):
    """A context file that cannot be compiled; the message names the line."""


# expressions -> syntax trees ---------------------------------------------------------------


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


# YAML -> Context -----------------------------------------------------------------------------


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
    _check_references(context)
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


def _check_references(context: Context) -> None:
    from asr.commands.builtin import BUILTIN_TYPES

    def walk(nodes, where):
        for node in nodes:
            if isinstance(node, Slot) and node.type not in context.slots and node.type not in BUILTIN_TYPES:
                known = sorted(context.slots) + sorted(BUILTIN_TYPES)
                raise ContextError(f"{where}: unknown slot type '{node.type}' in ${node.type}:{node.name}; known: {known}")
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
        raise ContextError(f"context file '{path}' is not UTF-8 text; a context is a YAML file in Rhino's syntax") from None
    return load_context(text, str(path))


# Context -> graph ----------------------------------------------------------------------------

FREE = "free"  # the tag on free-text letter arcs: each costs the parser 1, so fixed words win ties
# The tag on the arc that reads a fixed word's double letter as one; it costs the parser 1 too.
# CTC needs a blank between repeated letters, and at 20 ms frames the acoustic model often gives
# none: "tomorrow" decodes as "tomorow", which would otherwise be read as free text.
SINGLED = "singled"
# The tag on the epsilon arc into a word list: free text the decoder may spell. The parser reads
# typed text, so it takes the letter arcs (any word) and never this one; the decoder, given a word
# list, takes this one and never the letter arcs, so a misheard "cal the dentis" cannot be decoded.
LEXICON = "lexicon"


class Graph:
    """A character NFA. out(state) = [(label, next, tag)]: label a character, or None for an
    epsilon arc; tag marks intents and slot boundaries (epsilon arcs) or free text (letters).

    A pasted template (a built-in slot type, a word list) is not copied: its states take a block
    of numbers, and each one's arcs are read from the template, renumbered, when first needed."""

    def __init__(self):
        self.arcs: list[list[tuple[str | None, int, tuple | str | None]] | None] = []  # None: not yet read
        self._pasted: list[tuple[int, Graph]] = []  # (the block's first state, its template), in order

    def new(self) -> int:
        self.arcs.append([])
        return len(self.arcs) - 1

    def out(self, s: int) -> list[tuple[str | None, int, tuple | str | None]]:
        if self.arcs[s] is None:
            base, template = self._pasted[bisect.bisect_right(self._pasted, s, key=lambda p: p[0]) - 1]
            self.arcs[s] = [(label, t + base, tag) for label, t, tag in template.out(s - base)]
        return self.arcs[s]

    def arc(self, a: int, label: str | None, b: int, tag=None) -> None:
        self.out(a).append((label, b, tag))

    def word(self, s: int, word: str) -> int:
        states = [s]
        for c in " " + word:
            states.append(self.new())
            self.arc(states[-2], c, states[-1])
        self.singled(states, " " + word)
        return states[-1]

    def singled(self, states: list[int], spelled: str) -> None:
        """Arcs that read each double letter of `spelled` (whose path is `states`: states[k] after
        k letters) as one letter."""
        for k in range(1, len(spelled)):
            a, arc = states[k - 1], (spelled[k], states[k + 1], SINGLED)
            if spelled[k] == spelled[k - 1] != " " and arc not in self.out(a):  # a trie's shared prefix: once
                self.arc(a, *arc)

    def phrases(self, s: int, phrases: list[str], singled: bool = True) -> int:
        """A trie of phrases from s: shared prefixes share states. Returns the common end state.
        With `singled`, a double letter may also be read as one (Graph.singled)."""
        end, children = self.new(), {}
        for phrase in phrases:
            spelled, path = " " + " ".join(phrase.split()), [s]
            for c in spelled:
                key = (path[-1], c)
                if key not in children:
                    children[key] = self.new()
                    self.arc(path[-1], c, children[key])
                path.append(children[key])
            if singled:
                self.singled(path, spelled)
            self.arc(path[-1], None, end)
        return end

    def paste(self, s: int, template: Graph, exit_state: int, entry_tag=None) -> int:
        """`template` hung from s as if copied (entered at its state 0 by an epsilon arc tagged
        `entry_tag`); returns the copy's exit. `template` must not change afterwards."""
        base = len(self.arcs)
        self.arcs.extend([None] * len(template.arcs))
        self._pasted.append((base, template))
        self.arc(s, None, base, entry_tag)
        return exit_state + base

    def free_text(self, s: int, lexicon: tuple[Graph, int] | None = None) -> int:
        """One or more words: of any letters, and with a `lexicon` (word_trie) also its words, the
        only ones the decoder may spell (LEXICON)."""
        word, letters = self.new(), self.new()
        self.arc(s, " ", word)
        for c in LETTERS:
            self.arc(word, c, letters, FREE)
            self.arc(letters, c, letters, FREE)
        self.arc(letters, None, s)  # another word
        if lexicon is not None:
            self.arc(self.paste(s, *lexicon, entry_tag=LEXICON), None, letters)
        return letters


def word_trie(words: list[str]) -> tuple[Graph, int]:
    """A word list as a graph to paste into free text: from state 0, " word" for each word, then
    the returned exit. No singled double letters: a decoded word is spelled as listed."""
    trie = Graph()
    return trie, trie.phrases(trie.new(), words, singled=False)


@dataclass
class _Builder:
    graph: Graph
    context: Context
    builtin: Context | None  # the built-in types' own context (None while building it)
    lexicon: tuple[Graph, int] | None = None  # the words free text may decode to (word_trie)
    templates: dict[str, tuple[Graph, int]] = field(default_factory=dict)  # built-in type -> (graph, exit)

    def nodes(self, s: int, nodes: tuple) -> int:
        for node in nodes:
            s = self.node(s, node)
        return s

    def node(self, s: int, node) -> int:
        g = self.graph
        if isinstance(node, Word):
            return g.word(s, node.text)
        if isinstance(node, Macro):
            macros = self.context.macros
            return self.node(s, Choice(tuple(macros[node.name]), optional=False))
        if isinstance(node, Choice):
            end = g.new()
            for alternative in node.alternatives:
                a = g.new()
                g.arc(s, None, a)
                g.arc(self.nodes(a, alternative), None, end)
            if node.optional:
                g.arc(s, None, end)
            return end
        opened, closed = g.new(), g.new()
        g.arc(s, None, opened, ("open", node.name, node.type))
        g.arc(self.slot_body(opened, node.type), None, closed, ("close", node.name, node.type))
        return closed

    def slot_body(self, s: int, slot_type: str) -> int:
        if slot_type in self.context.slots:
            return self.graph.phrases(s, list(self.context.slots[slot_type]))
        if slot_type == TEXT_TYPE:
            return self.graph.free_text(s, self.lexicon)
        if slot_type not in self.templates:  # built once, then pasted: far faster than rebuilding
            template = Graph()
            inner = _Builder(template, self.builtin, None)
            exit_state = inner.node(template.new(), Choice(tuple(n for n, _ in self.builtin.expressions[slot_type]), False))
            self.templates[slot_type] = (template, exit_state)
        return self.graph.paste(s, *self.templates[slot_type])


@dataclass
class Parse:
    intent: str
    slots: dict[str, str]  # slot name -> the words said
    types: dict[str, str]  # slot name -> slot type
    cost: int  # letters matched as free text or as a singled double letter (less is a closer parse)
    text: str  # the sentence with every fixed word spelled as in the context


class Grammar:
    """A compiled context: the decoder's constraint (ctc.Constraint) and the text parser."""

    def __init__(self, context: Context, builtin: Context | None = None, lexicon: tuple[Graph, int] | None = None):
        """`lexicon` (word_trie): the words free text decodes to; without it, any letters."""
        self.context, self.builtin = context, builtin
        self.graph = g = Graph()
        self.root, self.final = g.new(), g.new()
        self._unheard = {FREE} if lexicon else set()  # the tags of letter arcs the decoder does not take
        builder = _Builder(g, context, builtin, lexicon=lexicon)
        for intent, expressions in context.expressions.items():
            entry = g.new()
            g.arc(self.root, None, entry, ("intent", intent))
            end = builder.node(entry, Choice(tuple(n for n, _ in expressions), optional=False))
            g.arc(end, None, self.final)
        self._ids: dict[frozenset, int] = {}
        self._sets: list[frozenset] = []
        self._steps: dict[tuple[int, str], int | None] = {}
        self._start = self._step_set(self._closure({self.root}), " ")  # the sentence's leading space

    # the decoder's view: a lazily built DFA over state sets ----------------------------------
    def _closure(self, states) -> frozenset:
        todo, seen = list(states), set(states)
        while todo:
            for label, t, _ in self.graph.out(todo.pop()):
                if label is None and t not in seen:
                    seen.add(t)
                    todo.append(t)
        return frozenset(seen)

    def _id(self, states: frozenset) -> int:
        if states not in self._ids:
            self._ids[states] = len(self._sets)
            self._sets.append(states)
        return self._ids[states]

    def _step_set(self, states: frozenset, char: str) -> int | None:
        moved = {t for s in states for label, t, tag in self.graph.out(s) if label == char and tag not in self._unheard}
        return self._id(self._closure(moved)) if moved else None

    def start(self) -> int:
        return self._start

    def step(self, state: int, char: str) -> int | None:
        key = (state, char)
        if key not in self._steps:
            self._steps[key] = self._step_set(self._sets[state], char)
        return self._steps[key]

    def accepting(self, state: int) -> bool:
        return self.final in self._sets[state]

    # the parser's view: the same graph, with tags ------------------------------------------
    def _tagged_closure(self, frontier: dict, pos: int) -> dict:
        todo = list(frontier)
        while todo:
            s = todo.pop(0)
            cost, tags = frontier[s]
            for label, t, tag in self.graph.out(s):
                if label is None and tag != LEXICON and (t not in frontier or cost < frontier[t][0]):
                    frontier[t] = (cost, tags + ((tag, pos),) if tag else tags)
                    todo.append(t)
        return frontier

    def parse(self, text: str) -> Parse | None:
        """The closest parse of `text` (fewest free-text letters and singled double letters), or None
        outside the context."""
        sentence = " " + " ".join(text.lower().split())
        frontier = self._tagged_closure({self.root: (0, ())}, 0)
        for pos, char in enumerate(sentence):
            moved: dict[int, tuple] = {}
            for s, (cost, tags) in frontier.items():
                for label, t, tag in self.graph.out(s):
                    if label == char:
                        singled = ((tag, pos),) if tag == SINGLED else ()  # where the parse must write a letter twice
                        candidate = (cost + (tag in (FREE, SINGLED)), tags + singled)
                        if t not in moved or candidate[0] < moved[t][0]:
                            moved[t] = candidate
            if not moved:
                return None
            frontier = self._tagged_closure(dict(sorted(moved.items(), key=lambda kv: kv[1][0])), pos + 1)
        if self.final not in frontier:
            return None
        cost, tags = frontier[self.final]
        return self._interpret(sentence, tags, cost)

    @staticmethod
    def _interpret(sentence: str, tags: tuple, cost: int) -> Parse:
        singled = {pos for tag, pos in tags if tag == SINGLED}
        spelled = "".join(c * (1 + (i in singled)) for i, c in enumerate(sentence))
        intent, slots, types, opened = "", {}, {}, {}
        for tag, pos in tags:
            pos += sum(i < pos for i in singled)  # where `pos` lies in the spelled sentence
            if tag[0] == "intent":
                intent = tag[1]
            elif tag[0] == "open":
                opened[tag[1]] = pos
            elif tag[0] == "close":
                slots[tag[1]], types[tag[1]] = spelled[opened.pop(tag[1]) : pos].strip(), tag[2]
        return Parse(intent, slots, types, cost, spelled.strip())

    def sample(self, rng, intent: str | None = None, phrases: dict[str, tuple[str, ...]] | None = None) -> str:
        """A random sentence of the context (of `intent`, if given). A slot whose type is in
        `phrases` takes one of its phrases; free text that is not takes "call mom", and every
        other slot a random expansion of its type. For tests and for synthesizing training speech."""
        intents = [intent] if intent else list(self.context.expressions)
        expressions = self.context.expressions[intents[rng.integers(len(intents))]]
        sampler = _Sampler(self.context, self.builtin, rng, {TEXT_TYPE: ("call mom",), **(phrases or {})})
        return " ".join(sampler.nodes(expressions[rng.integers(len(expressions))][0]))


@dataclass
class _Sampler:
    context: Context
    builtin: Context | None
    rng: object  # numpy Generator
    phrases: dict[str, tuple[str, ...]]  # slot type -> the phrases its slots take

    def pick(self, items):
        return items[self.rng.integers(len(items))]

    def nodes(self, nodes: tuple) -> list[str]:
        return [w for node in nodes for w in self.node(node)]

    def node(self, node) -> list[str]:
        if isinstance(node, Word):
            return [node.text]
        if isinstance(node, Macro):
            return self.nodes(self.pick(self.context.macros[node.name]))
        if isinstance(node, Choice):
            if node.optional and self.rng.random() < 0.5:
                return []
            return self.nodes(self.pick(node.alternatives))
        if node.type in self.context.slots:
            return self.pick(list(self.context.slots[node.type])).split()
        if node.type in self.phrases:
            return self.pick(self.phrases[node.type]).split()
        inner = _Sampler(self.builtin, self.builtin, self.rng, self.phrases)
        return inner.nodes(self.pick(self.builtin.expressions[node.type])[0])
