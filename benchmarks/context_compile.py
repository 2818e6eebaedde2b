"""Compile time of a large context: how long `asr transcribe --context` spends before decoding.

    python benchmarks/context_compile.py [--values 2000]

Builds a Rhino-syntax context whose expressions expand to many sentences (a product catalogue
slot with --values entries, sizes, quantities, and the built-in date-time type), then times
reading the YAML, compiling the graph with the built-in context, and parsing a sentence.
"""

import argparse
import time

from asr.builtin import commands_context, compile_context
from asr.grammar import load_context
from asr.intents import merge


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=2000)
    args = parser.parse_args()
    adjectives = ["red", "blue", "green", "small", "large", "old", "new", "fresh", "dark", "light"]
    nouns = ["apple", "bottle", "candle", "tomato", "pepper", "onion", "lemon", "melon", "carrot", "potato",
             "cookie", "muffin", "bagel", "pickle", "noodle", "waffle", "yogurt", "cheese", "butter", "pepperoni"]  # fmt: skip
    extras = ["", " box", " bag", " jar", " pack", " tray", " can", " crate", " case", " tin"]
    items = [f"{a} {n}{e}" for e in extras for n in nouns for a in adjectives][: args.values]
    yaml_text = "context:\n  expressions:\n    order:\n" + "".join(
        f'      - "{e}"\n'
        for e in ["(please) [add, put] $asr.Number:count $item:item [to, on] (my) (shopping) list",
                  "(please) order $asr.Number:count $item:item $asr.DateTime:when",
                  "[i need, we need, get me] (some, more) $item:item"]  # fmt: skip
    ) + "  slots:\n    item:\n" + "".join(f"      - {i}\n" for i in items)
    start = time.perf_counter()
    context = merge(commands_context(), load_context(yaml_text, "<benchmark>"))
    loaded = time.perf_counter()
    grammar = compile_context(context)
    compiled = time.perf_counter()
    parse = grammar.parse(f"please order twelve {items[-1]} tomorrow at nine")
    parsed = time.perf_counter()
    expansions = len(items) * 100 * 3  # items x numbers below 100 x expressions, before date-times
    print(f"{len(items)} slot values (over {expansions:,} sentences before date-times): "
          f"YAML {1000 * (loaded - start):.0f} ms, compile {1000 * (compiled - loaded):.0f} ms "
          f"({len(grammar.graph.arcs):,} states), first parse {1000 * (parsed - compiled):.0f} ms -> {parse.slots}")  # fmt: skip


if __name__ == "__main__":
    main()
