"""Synthesis throughput per core of each engine: utterances rendered (spoken, augmented, labelled)
by one worker process, and seconds of speech per second of wall time. Stop other jobs first.

    python benchmarks/synth_throughput.py [--n 40] [--engines espeak flite festival kokoro]

and the size of a finished corpus (utterances, hours, distinct speakers per split):

    python benchmarks/synth_throughput.py --corpus data/synth_kokoro
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from asr.data import synth


def throughput(engine: str, n: int, kokoro: synth.KokoroFiles) -> str:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        synth.synthesize(
            out,
            n,
            seed=7,
            workers=1,
            noise_dir="../shared/data/speech_commands_background_noise",
            engines=(engine,),
            kokoro=kokoro if engine == "kokoro" else None,
        )
        wall = time.perf_counter() - start
        rows = [json.loads(line) for split in ("train", "dev") for line in open(Path(out) / f"{split}.jsonl")]
    speech_s = sum(r["duration_s"] for r in rows)
    return (
        f"{engine}: {n / wall:.2f} utterances/s per core ({3600 * n / wall:.0f} an hour), "
        f"{speech_s / wall:.2f} s of speech per second, mean clip {speech_s / n:.2f} s"
    )


def corpus_size(folder: Path) -> str:
    lines = []
    for split in ("train", "dev"):
        rows = [json.loads(line) for line in open(folder / f"{split}.jsonl")]
        hours = sum(r["duration_s"] for r in rows) / 3600
        lines.append(f"{split}: {len(rows)} utterances, {hours:.2f} h, {len({r['speaker'] for r in rows})} speakers")
    return f"{folder}: " + "; ".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="utterances per engine")
    parser.add_argument("--engines", nargs="+", default=list(synth.ENGINES))
    parser.add_argument("--kokoro-model", default="data/tts/kokoro-v1.0.int8.onnx")
    parser.add_argument("--voices", default="../shared/tts/kokoro/voices.npz")
    parser.add_argument("--corpus", type=Path, help="report a corpus's size instead")
    args = parser.parse_args()
    if args.corpus:
        print(corpus_size(args.corpus))
        return
    kokoro = synth.KokoroFiles(args.kokoro_model, args.voices)
    for engine in args.engines:
        print(throughput(engine, args.n, kokoro), flush=True)


if __name__ == "__main__":
    main()
