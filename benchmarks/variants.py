"""Model variants side by side: accuracy per source, size and latency of each trained checkpoint.

    python benchmarks/variants.py runs/variant_bilstm/best.pt runs/variant_lstm/best.pt runs/variant_bigru/best.pt

Each checkpoint is exported to fp32 ONNX in a temporary folder and measured with the torch-free
runtime on the dev manifests (default: the checkpoint's own): CER, Speech Commands 12-class
accuracy and FSDD digit accuracy (greedy decoding). Latency is one forward pass plus greedy
decoding of 1 s and 10 s of audio on one thread, p50 after warm-up. Training minutes and the
best epoch come from the checkpoint. Run it alone on the machine: other work skews the timings.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
from inference_latency import onnx_runner, percentiles

from asr.runtime import Recognizer
from asr.train.checkpoint import build_model, checkpoint_config, load_checkpoint
from asr.train.export import export
from asr.train.model import count_parameters


def describe(ckpt: dict) -> str:
    m = checkpoint_config(ckpt).model
    return f"{'Bi' if m.bidirectional else ''}{m.cell.upper()} {m.layers}x{m.hidden}"


def measure(checkpoint: str, dev: list[str] | None, tmp: Path) -> dict:
    ckpt = load_checkpoint(checkpoint)
    result = export(checkpoint, tmp / f"{Path(checkpoint).parent.name}.onnx", dev=dev)
    recognizer = Recognizer(result.path, threads=1)
    rng = np.random.default_rng(0)
    latency = {}
    for seconds in (1.0, 10.0):
        audio = (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32)
        latency[seconds] = percentiles(onnx_runner(recognizer, audio), repeats=max(10, int(50 / seconds)))[0]
    metrics = result.dev_metrics or {}
    progress = ckpt.get("progress", {})
    return {
        "variant": describe(ckpt),
        "params": count_parameters(build_model(ckpt)),
        "onnx_mb": result.size_bytes / 1e6,
        "cer": metrics.get("cer"),
        "twelve_class": metrics.get("twelve_class_accuracy"),
        "fsdd": metrics.get("accuracy_by_source", {}).get("fsdd"),
        "ms_1s": latency[1.0],
        "ms_10s": latency[10.0],
        "epoch": progress.get("epoch"),
        "train_min": progress.get("train_seconds", 0.0) / 60,
    }


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoints", nargs="+", help="best.pt of each variant")
    parser.add_argument("--dev", nargs="+", help="dev manifests (default: each checkpoint's own)")
    args = parser.parse_args()
    print(
        "| variant | parameters | fp32 ONNX | dev CER | SC 12-class | FSDD | 1 s, 1 thread | 10 s, 1 thread "
        "| best epoch | training minutes to it |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for checkpoint in args.checkpoints:
            r = measure(checkpoint, args.dev, Path(tmp))
            print(
                f"| {r['variant']} | {r['params'] / 1e6:.2f} M | {r['onnx_mb']:.1f} MB | {pct(r['cer'])} "
                f"| {pct(r['twelve_class'])} | {pct(r['fsdd'])} | {r['ms_1s']:.2f} ms | {r['ms_10s']:.2f} ms "
                f"| {r['epoch']} | {r['train_min']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
