"""Compile time of a large context: how long `asr transcribe --context` spends before decoding.

    python benchmarks/context_compile.py [--values 2000]

Builds a Rhino-syntax context whose expressions expand to many sentences (a product catalogue
slot with --values entries, sizes, quantities, and the built-in date-time type), then times
reading the YAML, compiling the graph with the built-in context, and parsing a sentence. Then
the phone model's decoding graph (asr.graph, T ∘ det(L ∘ G), cache off): of the catalogue
context alone, and of it with the built-in context (whose free-text slots loop over 20,000 words),
after CMUdict is read (once per process, timed apart).
"""

import argparse
import os
import tempfile
import time

from asr.commands.builtin import commands_context, compile_context
from asr.commands.context import load_context, merge
from asr.runtime import graph
from asr.runtime.phones import Lexicon


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=2000)
    args = parser.parse_args()
    adjectives = ["red", "blue", "green", "small", "large", "old", "new", "fresh", "dark", "light"]
    nouns = [
        "apple",
        "bottle",
        "candle",
        "tomato",
        "pepper",
        "onion",
        "lemon",
        "melon",
        "carrot",
        "potato",
        "cookie",
        "muffin",
        "bagel",
        "pickle",
        "noodle",
        "waffle",
        "yogurt",
        "cheese",
        "butter",
        "pepperoni",
    ]
    extras = ["", " box", " bag", " jar", " pack", " tray", " can", " crate", " case", " tin"]
    items = [f"{a} {n}{e}" for e in extras for n in nouns for a in adjectives][: args.values]
    yaml_text = (
        "context:\n  expressions:\n    order:\n"
        + "".join(
            f'      - "{e}"\n'
            for e in [
                "(please) [add, put] $asr.Number:count $item:item [to, on] (my) (shopping) list",
                "(please) order $asr.Number:count $item:item $asr.DateTime:when",
                "[i need, we need, get me] (some, more) $item:item",
            ]
        )
        + "  slots:\n    item:\n"
        + "".join(f"      - {i}\n" for i in items)
    )
    start = time.perf_counter()
    context = merge(commands_context(), load_context(yaml_text, "<benchmark>"))
    loaded = time.perf_counter()
    grammar = compile_context(context)
    compiled = time.perf_counter()
    parse = grammar.parse(f"please order twelve {items[-1]} tomorrow at nine")
    parsed = time.perf_counter()
    expansions = len(items) * 100 * 3  # items x numbers below 100 x expressions, before date-times
    print(
        f"{len(items)} slot values (over {expansions:,} sentences before date-times): "
        f"YAML {1000 * (loaded - start):.0f} ms, compile {1000 * (compiled - loaded):.0f} ms "
        f"({len(grammar.graph.arcs):,} states), first parse {1000 * (parsed - compiled):.0f} ms -> {parse.slots}"
    )
    lexicon = Lexicon(os.devnull)
    start = time.perf_counter()
    lexicon.pronunciations("a")
    print(f"CMUdict read once per process: {1000 * (time.perf_counter() - start):.0f} ms")
    user = load_context(yaml_text, "<benchmark>")
    for label, c in (("the catalogue context", user), ("it with the built-in context", context)):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["ASR_CACHE"] = cache
            start = time.perf_counter()
            compiled = compile_context(c)
            g = graph.compile_network(*compiled.word_network(), compiled.free_words, lexicon)
            took = time.perf_counter() - start
            start = time.perf_counter()
            graph.compile_network(*compile_context(c).word_network(), compiled.free_words, lexicon)
            print(
                f"phone graph of {label}: compile {1000 * took:.0f} ms ({g.fst.num_states:,} states), "
                f"from the cache {1000 * (time.perf_counter() - start):.0f} ms"
            )


if __name__ == "__main__":
    main()
