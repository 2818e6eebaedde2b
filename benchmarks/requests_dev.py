"""The robust parser on its development table and on requests that are not commands.

    python benchmarks/requests_dev.py [--errors] [--others]

tests/data/requests_dev.jsonl: 448 requests from ../shared/data/phrasings/commands.jsonl (drawn by
random.Random(2026).sample, two rows with dataset leftovers dropped), each labelled with the
intent and slots it should give at the reference time below (intent null: not a built-in request,
or one that cannot be carried out). Prints the share exact (intent and every slot), the share of
../shared/data/phrasings/others.jsonl read as a built-in intent, and the parse time per sentence.
"""

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from asr.commands.intents import active_grammar, understand
from asr.data.texts import phrasing_rows

NOW = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/New_York"))  # a Tuesday afternoon
TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "requests_dev.jsonl"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="print every row the parser gets wrong")
    parser.add_argument("--others", action="store_true", help="print every non-command read as a command")
    args = parser.parse_args()
    grammar = active_grammar()
    rows = [json.loads(line) for line in TABLE.open()]
    exact, seconds = 0, []
    for row in rows:
        start = time.perf_counter()
        got = understand(row["text"], grammar, NOW)
        seconds.append(time.perf_counter() - start)
        if (got.name, got.slots if got.name else {}) == (row["intent"], row["slots"]):
            exact += 1
        elif args.errors:
            print(
                f"{row['text']}\n    want {row['intent']} {row['slots']}\n    got  {got.name} {got.slots} {got.reason or ''}"
            )
    others = [r["text"] for r in phrasing_rows("others.jsonl")]
    accepted = []
    for text in others:
        start = time.perf_counter()
        got = understand(text, grammar, NOW)
        seconds.append(time.perf_counter() - start)
        if got.name is not None and got.name not in ("command", "digit"):
            accepted.append((text, got.name, got.slots))
    if args.others:
        for a in accepted:
            print("accepted:", *a)
    ms = 1000 * np.array(seconds)
    print(f"development table: {exact} of {len(rows)} exact ({100 * exact / len(rows):.1f}%)")
    print(
        f"others.jsonl read as a built-in request: {len(accepted)} of {len(others)} "
        f"({100 * len(accepted) / len(others):.2f}%)"
    )
    print(
        f"understand() per sentence: p50 {np.percentile(ms, 50):.3f} ms, p95 {np.percentile(ms, 95):.3f} ms, "
        f"max {ms.max():.2f} ms over {len(ms)} sentences"
    )


if __name__ == "__main__":
    main()
