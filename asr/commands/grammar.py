"""A context (asr.commands.context) compiled into one graph that drives both the constrained CTC
decoder of a letter model and the text parser, so the two cannot disagree; and into the word
network a phone model's decoding graph is built from (asr.runtime.graph).

The graph is a character-level NFA: every word is a space followed by its letters, so a sentence
is " word word ..." (the decoder treats the leading space as given). Slots and intents are marked
by tags on epsilon arcs, read back by the parser. A fixed word's double letter may also be heard
as one ("tomorow"): the parser writes such a word as it is spelled.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache

from asr.commands.context import Context
from asr.commands.expressions import LETTERS, TEXT_TYPE, Choice, Macro, Slot, Word
from asr.commands.sampler import Sampler
from asr.words import FREE_TEXT

FREE = "free"  # the tag on free-text letter arcs: each costs the parser 1, so fixed words win ties
# The tag on the arc that reads a fixed word's double letter as one; it costs the parser 1 too.
# CTC needs a blank between repeated letters, and at 20 ms frames the acoustic model often gives
# none: "tomorrow" decodes as "tomorow", which would otherwise be read as free text.
SINGLED = "singled"
# The tag on the epsilon arc into a word list: free text the decoder may spell. The parser reads
# typed text, so it takes the letter arcs (any word) and never this one; the decoder, given a word
# list, takes this one and never the letter arcs, so a misheard "cal the dentis" cannot be decoded.
LEXICON = "lexicon"


class CharGraph:
    """A character NFA. out(state) = [(label, next, tag)]: label a character, or None for an
    epsilon arc; tag marks intents and slot boundaries (epsilon arcs) or free text (letters).

    A pasted template (a built-in slot type, a word list) is not copied: its states take a block
    of numbers, and each one's arcs are read from the template, renumbered, when first needed."""

    def __init__(self):
        self.arcs: list[list[tuple[str | None, int, tuple | str | None]] | None] = []  # None: not yet read
        self._pasted: list[tuple[int, CharGraph]] = []  # (the block's first state, its template), in order

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
        With `singled`, a double letter may also be read as one (CharGraph.singled)."""
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

    def paste(self, s: int, template: CharGraph, exit_state: int, entry_tag=None) -> int:
        """`template` hung from s as if copied (entered at its state 0 by an epsilon arc tagged
        `entry_tag`); returns the copy's exit. `template` must not change afterwards."""
        base = len(self.arcs)
        self.arcs.extend([None] * len(template.arcs))
        self._pasted.append((base, template))
        self.arc(s, None, base, entry_tag)
        return exit_state + base

    def free_text(self, s: int, lexicon: tuple[CharGraph, int] | None = None) -> int:
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


@cache
def word_trie(words: tuple[str, ...]) -> tuple[CharGraph, int]:
    """A word list as a graph to paste into free text: from state 0, " word" for each word, then
    the returned exit. No singled double letters: a decoded word is spelled as listed."""
    trie = CharGraph()
    return trie, trie.phrases(trie.new(), list(words), singled=False)


@dataclass
class _Builder:
    graph: CharGraph
    context: Context
    builtin: Context | None  # the built-in types' own context (None while building it)
    lexicon: tuple[CharGraph, int] | None = None  # the words free text may decode to (word_trie)
    templates: dict[str, tuple[CharGraph, int]] = field(default_factory=dict)  # built-in type -> (graph, exit)

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
            template = CharGraph()
            inner = _Builder(template, self.builtin, None)
            exit_state = inner.node(
                template.new(), Choice(tuple(n for n, _ in self.builtin.expressions[slot_type]), False)
            )
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
    """A compiled context: the text parser, a letter model's decoding constraint (the
    asr.runtime.ctc.Constraint protocol: start, step, accepting) and a phone model's word network
    (`word_network`, for asr.runtime.graph)."""

    def __init__(self, context: Context, builtin: Context | None = None, free_words: tuple[str, ...] = ()):
        """`builtin`: the context defining the built-in slot types. `free_words`: the words free text
        is decoded to (asr.words.free_words); without them, any letters."""
        self.context, self.builtin, self.free_words = context, builtin, free_words
        self.graph = g = CharGraph()
        self.root, self.final = g.new(), g.new()
        self._unheard = {FREE} if free_words else set()  # the tags of letter arcs the decoder does not take
        builder = _Builder(g, context, builtin, lexicon=word_trie(free_words) if free_words else None)
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
        return self._read_tags(sentence, tags, cost)

    @staticmethod
    def _read_tags(sentence: str, tags: tuple, cost: int) -> Parse:
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
        sampler = Sampler(self.context, self.builtin, rng, {TEXT_TYPE: ("call mom",), **(phrases or {})})
        return " ".join(sampler.nodes(expressions[rng.integers(len(expressions))][0]))

    def word_network(self) -> tuple[list[tuple[int, str | None, int]], int]:
        """The context as a word network for a phone model's decoding graph: arcs (from, word, to)
        from state 0 to the returned final state, a word None for an epsilon arc and FREE_TEXT
        for a free-text slot (the decoder fills it with `free_words`). Choices branch, slots
        take their type's phrases or the built-in type's own expressions."""
        walker = _NetworkWalker(self.builtin)
        final = walker.new()
        for expressions in self.context.expressions.values():
            for nodes, _ in expressions:
                walker.arcs.append((walker.nodes(self.context, 0, nodes), None, final))
        return walker.arcs, final


class _NetworkWalker:
    """A context's syntax trees -> word arcs (Grammar.word_network)."""

    def __init__(self, builtin: Context | None):
        self.builtin, self.states = builtin, 1  # state 0 is the start
        self.arcs: list[tuple[int, str | None, int]] = []

    def new(self) -> int:
        self.states += 1
        return self.states - 1

    def nodes(self, context: Context, s: int, nodes: tuple) -> int:
        for node in nodes:
            s = self.node(context, s, node)
        return s

    def node(self, context: Context, s: int, node) -> int:
        if isinstance(node, Word) or (isinstance(node, Slot) and node.type == TEXT_TYPE):
            t = self.new()
            self.arcs.append((s, node.text if isinstance(node, Word) else FREE_TEXT, t))
            return t
        if isinstance(node, Macro):
            return self.node(context, s, Choice(tuple(context.macros[node.name]), optional=False))
        if isinstance(node, Choice):
            end = self.new()
            for alternative in node.alternatives:
                self.arcs.append((self.nodes(context, s, alternative), None, end))
            if node.optional:
                self.arcs.append((s, None, end))
            return end
        if node.type in context.slots:  # the context's own phrases
            phrases = tuple(tuple(Word(w) for w in p.split()) for p in context.slots[node.type])
            return self.node(context, s, Choice(phrases, optional=False))
        expressions = Choice(tuple(n for n, _ in self.builtin.expressions[node.type]), optional=False)
        return self.node(self.builtin, s, expressions)
