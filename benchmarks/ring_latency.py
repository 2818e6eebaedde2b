"""How late a due timer rings in `asr listen`: the listen loop (asr.listen.Assistant) fed quiet
10 ms blocks in real time, as a microphone would, with timers falling due every few seconds.

    python benchmarks/ring_latency.py [--timers 10]

Prints each timer's lateness (the moment the loop yields it, minus its due time) and the worst.
The decoder is never reached (the blocks are silent), so this is the store polling and the loop.
"""

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from asr.app.listen import Assistant, Endpointer
from asr.app.store import ReminderStore


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = ReminderStore(Path(folder) / "r.db")
        start = datetime.now(UTC)
        dues = [start + timedelta(seconds=2 + 1.3 * k) for k in range(args.timers)]
        for due in dues:
            store.add("", due, "set a timer", kind="timer")
        assistant = Assistant(None, None, store, Endpointer(), tz="UTC")

        def blocks():  # 10 ms of silence every 10 ms until every timer has rung
            quiet = np.zeros(160, dtype=np.float32)
            tick = time.monotonic()
            while True:
                tick += 0.01
                time.sleep(max(0.0, tick - time.monotonic()))
                yield quiet

        late = []
        for item in assistant.run(blocks(), start):
            late.append((datetime.now(UTC) - datetime.fromisoformat(item.due)).total_seconds())
            if len(late) == len(dues):
                break
    print(
        f"{len(late)} timers rang {1000 * min(late):.0f}-{1000 * max(late):.0f} ms after their time "
        f"(median {1000 * np.median(late):.0f} ms); polling every {1000 * assistant.due_every_s:.0f} ms"
    )


if __name__ == "__main__":
    main()
