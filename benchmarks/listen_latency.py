"""`asr listen` costs: the delay from the end of speech to the intent, and the CPU and memory spent
listening to silence.

    python benchmarks/listen_latency.py --data data/manifests/dev.jsonl [--limit 300]
    python benchmarks/listen_latency.py --idle-seconds 600 --device pulse    # a PulseAudio source must exist

1. Latency: dev clips, each between 1 s of silence, go through the same Endpointer and Assistant
   as `asr listen`. The speech ends where the endpointer's end event says; the intent is ready
   after the endpointer has seen --min-silence-ms of silence (in whole 30 ms VAD frames), after
   the capture block that holds the last of it (10 ms), and after the work left at the end: the
   intent and the store action, plus whatever part of the decoding, started at the pause event
   150 ms into the silence, did not fit in the rest of it. Reports that part's p50/p95 and the
   total delay's p95.
2. Idle: with --idle-seconds, opens the microphone, runs the endpointer on whatever arrives
   (silence), and reports CPU time as a share of one core and the RSS at start and end.
"""

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from asr.app.hear import CommandRecognizer
from asr.app.listen import FRAME, TAIL_FRAMES, Assistant, Endpointer, Microphone, events
from asr.app.store import ReminderStore
from asr.audio import SAMPLE_RATE, load_audio
from asr.commands.intents import active_grammar
from asr.data.manifest import read_manifest
from asr.runtime import Recognizer


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def latency(args) -> None:
    grammar = active_grammar()
    commands = CommandRecognizer(Recognizer(args.model, threads=args.threads), grammar)
    clips = read_manifest(args.data)
    clips = clips[:: max(1, len(clips) // args.limit)][: args.limit]
    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    opened = datetime.now(UTC)
    silence_ms = -(-args.min_silence_ms // 30) * 30  # counted in whole 30 ms VAD frames
    window_ms = silence_ms - TAIL_FRAMES * 30  # from the pause event to the end event
    after_ms, early_ms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(
            commands, ReminderStore(Path(tmp) / "r.db"), Endpointer(min_silence_ms=args.min_silence_ms), tz="UTC"
        )
        for u in tqdm(clips, desc="utterances", unit="clip"):
            signal = np.concatenate([silence, load_audio(u.audio), silence])
            blocks = [signal[i : i + FRAME] for i in range(0, len(signal), FRAME)]
            early = 0.0
            assistant.endpointer.reset()
            for event in events(blocks, assistant.endpointer):  # what Assistant.run does, timed
                start = time.perf_counter()
                if event.kind == "pause":
                    assistant.prepare(event)
                    early = 1000 * (time.perf_counter() - start)
                elif event.kind == "end":
                    assistant.hear(event, opened)
                    after_ms.append(1000 * (time.perf_counter() - start) + max(0.0, early - window_ms))
                    early_ms.append(early)
    p50, p95 = np.percentile(after_ms, [50, 95])
    print(f"{len(after_ms)} utterances from {len(clips)} clips ({args.data}), {args.threads} thread(s)")
    print(
        f"decoding at the pause: p50 {np.percentile(early_ms, 50):.1f} ms, p95 {np.percentile(early_ms, 95):.1f} ms "
        f"(it has {window_ms} ms)"
    )
    print(
        f"left after the endpoint (intent, action, decoding past the pause's window): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    block = 10  # asr.listen.Microphone's capture block: the longest a sample waits to be read
    print(
        f"end of speech -> intent at p95: {silence_ms} ms of silence frames + <= {block} ms capture block + "
        f"{p95:.1f} ms = {silence_ms + block + p95:.0f} ms (target {args.min_silence_ms + 50} ms)"
    )


def idle(args) -> None:
    endpointer = Endpointer(min_silence_ms=args.min_silence_ms)
    mic = Microphone(args.device)
    rss_start = rss_mb()
    cpu_start, wall_start = time.process_time(), time.monotonic()
    with mic:
        for block in mic.blocks():
            if block is not None:
                endpointer(block)
            if time.monotonic() - wall_start >= args.idle_seconds:
                break
    cpu = time.process_time() - cpu_start
    wall = time.monotonic() - wall_start
    print(
        f"listening to '{mic.device_name}' for {wall:.0f} s: CPU {100 * cpu / wall:.2f}% of one core; "
        f"RSS {rss_start:.0f} MB -> {rss_mb():.0f} MB; overflows {mic.overflows}, dropped blocks {mic.dropped}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", default="data/manifests/dev.jsonl")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-silence-ms", type=int, default=500)
    parser.add_argument("--idle-seconds", type=float, default=0.0)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    if args.idle_seconds:
        idle(args)
    else:
        latency(args)


if __name__ == "__main__":
    main()
