"""How much quiet around the speech costs: CER with digital zeros or a faint noise floor added at
both ends of every clip, read by the model alone and through the runtime (which trims a
recording's quiet ends to 0.25 s before the model).

    python benchmarks/quiet_ends.py --model asr/models/default.onnx --data data/manifests/dev.jsonl
    python benchmarks/quiet_ends.py --model M --source fsdd --seconds 0.05 0.1 0.3   # tightly cut digits

The acoustic model normalizes a clip by its mean over time, so quiet around a word shifts every
frame unless the model learnt from clips with quiet around them (`pad_s` in the training config).
"""

import argparse

import numpy as np
from tqdm import tqdm

from asr.audio import SAMPLE_RATE, load_audio
from asr.data.manifest import read_manifest
from asr.data.metrics import error_rates
from asr.runtime import Recognizer


def with_quiet(audio: np.ndarray, seconds: float, level_dbfs: float | None, rng: np.random.Generator) -> np.ndarray:
    """`seconds` of digital zeros (level None) or of white noise at `level_dbfs` RMS on each side."""
    n = int(seconds * SAMPLE_RATE)
    side = np.zeros(n, np.float32)
    padded = np.concatenate([side, audio, side])
    if level_dbfs is not None:
        padded += rng.standard_normal(len(padded)).astype(np.float32) * 10 ** (level_dbfs / 20)
    return padded


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="asr/models/default.onnx")
    parser.add_argument("--data", default="data/manifests/dev.jsonl")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seconds", type=float, nargs="+", default=[0.5, 1.0], help="quiet added at each end")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--source", default=None, help="only the clips of this manifest source (e.g. fsdd)")
    args = parser.parse_args()

    recognizer = Recognizer(args.model, threads=args.threads)
    utterances = [u for u in read_manifest(args.data) if args.source in (None, u.source)]
    refs = [u.text for u in utterances]
    clips = [load_audio(u.audio) for u in tqdm(utterances, desc="loading", unit="clip")]
    conditions = [("as is", 0.0, None)]
    conditions += [(f"+{s:g} s zeros", s, None) for s in args.seconds]
    conditions += [(f"+{s:g} s noise at -60 dBFS", s, -60.0) for s in args.seconds]
    print(
        f"{args.model} on {args.data} ({len(clips)} clips): CER and exact transcripts, "
        "model alone / through the runtime"
    )
    for name, seconds, level in conditions:
        rng = np.random.default_rng(0)
        audios = [with_quiet(c, seconds, level, rng) if seconds else c for c in clips]
        alone = []
        for b in tqdm(range(0, len(audios), args.batch), desc=name, unit="batch", leave=False):
            for lp in recognizer.log_probs(audios[b : b + args.batch]):
                alone.append(recognizer.decode(lp)[0].text)  # greedy: no grammar, beam 1
        trimmed = [t.text for t in recognizer.transcribe_batch(audios, batch_size=args.batch)]
        cer_alone, cer_trimmed = (100 * error_rates(refs, hyps)["cer"] for hyps in (alone, trimmed))
        exact_alone, exact_trimmed = (100 * np.mean([h == r for h, r in zip(hyps, refs)]) for hyps in (alone, trimmed))
        print(
            f"  {name:28s} CER {cer_alone:5.1f}% / {cer_trimmed:5.1f}%   exact {exact_alone:5.1f}% / {exact_trimmed:5.1f}%"
        )


if __name__ == "__main__":
    main()
