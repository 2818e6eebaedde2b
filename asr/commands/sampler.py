"""Random sentences of a context, for tests and for synthesizing training speech (Grammar.sample)."""

from __future__ import annotations

from dataclasses import dataclass

from asr.commands.context import Context
from asr.commands.expressions import Choice, Macro, Word


@dataclass
class Sampler:
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
        inner = Sampler(self.builtin, self.builtin, self.rng, self.phrases)
        return inner.nodes(self.pick(self.builtin.expressions[node.type])[0])
