"""Inference latency: PyTorch eager vs ONNX fp32 vs ONNX int8, side by side in one run; and
`asr transcribe` of one short file as a user runs it (process start to printed result, peak RSS).

    python benchmarks/inference_latency.py --checkpoint export/shared_real.pt [--threads 1 2] [--provider cuda]

Times one forward pass (front end included) plus decoding on random audio of 1, 3 and 10
seconds (PyTorch: the best path; ONNX: the runtime's own, for a phone model the open bigram graph), after warm-up runs, and reports p50/p95 and the real-time factor (compute time / audio
time). Exports the checkpoint to fp32 and int8 ONNX files in a temporary folder first. Also
counts the model's multiply-adds per utterance: with the core's peak rate, the least time any
engine can take.
"""

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from asr.runtime import Recognizer, ctc
from asr.train.checkpoint import build_model, load_checkpoint
from asr.train.export import export, quantizable
from asr.train.features import LogMel


def percentiles(run, repeats: int) -> tuple[float, float]:
    for _ in range(3):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.percentile(times, 50)) * 1000, float(np.percentile(times, 95)) * 1000


def torch_runner(model, audio: np.ndarray):
    x, n = torch.from_numpy(audio)[None], torch.tensor([len(audio)])

    def run():
        with torch.inference_mode():
            log_probs, _ = model(x, n)
        ctc.best_path(log_probs[0].numpy())  # the greedy path, whatever the units

    return run


def multiply_adds(model: torch.nn.Module, audio: np.ndarray) -> int:
    """Multiply-adds of one forward pass over `audio`, counted from the shapes of the front end,
    the convolutions, the linear layers and the recurrent layers (elementwise work left out)."""
    total = 0

    def count(module, inputs, output):
        nonlocal total
        out = output[0] if isinstance(output, tuple) else output
        if isinstance(module, LogMel):  # the STFT's Fourier basis and the mel filters, every frame
            total += out.shape[0] * out.shape[-1] * (module.basis.numel() + module.mel.numel())
        elif isinstance(module, (torch.nn.Conv1d, torch.nn.Conv2d)):
            total += out.numel() * module.in_channels // module.groups * math.prod(module.kernel_size)
        elif isinstance(module, torch.nn.Linear):
            total += out.numel() * module.in_features
        elif isinstance(module, (torch.nn.LSTM, torch.nn.GRU)):  # input and recurrent weights, every step
            total += out.shape[0] * out.shape[1] * sum(w.shape[0] * w.shape[1] for w in module.all_weights[0][:2])

    kinds = (LogMel, torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU)
    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, kinds)]
    with torch.inference_mode():
        model(torch.from_numpy(audio)[None], torch.tensor([len(audio)]))
    for hook in hooks:
        hook.remove()
    return total


def onnx_runner(recognizer: Recognizer, audio: np.ndarray):
    return lambda: recognizer.decode(recognizer.log_probs([audio])[0])


LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def transcribe_process(model: Path, clip: Path) -> tuple[float, float]:
    """Wall seconds from process start to the printed transcript, and that process's peak RSS (MB).

    Measured by a small launcher process: a child forked from this torch-laden one would count
    its parent's pages in its peak RSS."""
    asr = Path(sys.executable).parent / "asr"
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, asr, "transcribe", str(clip), "--model", str(model)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, rss = map(float, out.stdout.split())
    return wall, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", default="export/shared_real.pt")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--provider", default="cpu", help="cpu or cuda (ONNX only)")
    args = parser.parse_args()

    model = build_model(load_checkpoint(args.checkpoint)).eval()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {"onnx-fp32": export(args.checkpoint, tmp / "fp32.onnx", dev=[]).path}
        if quantizable(model.config):
            files["onnx-int8"] = export(args.checkpoint, tmp / "int8.onnx", int8=True, dev=[]).path
        print(
            f"checkpoint {Path(args.checkpoint).stat().st_size / 1e6:.1f} MB; "
            + "; ".join(f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in files.items())
        )
        print("| engine | threads | audio | p50 ms | p95 ms | real-time factor |")
        print("|---|---|---|---|---|---|")
        for threads in args.threads:
            torch.set_num_threads(threads)
            recognizers = {k: Recognizer(p, threads=threads, provider=args.provider) for k, p in files.items()}
            for seconds in args.seconds:
                audio = (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32)
                runners = {"pytorch-eager": torch_runner(model, audio)}
                runners.update({k: onnx_runner(r, audio) for k, r in recognizers.items()})
                if threads == args.threads[0]:
                    print(f"{seconds:g} s of audio: {multiply_adds(model, audio) / 1e6:.1f} M multiply-adds")
                repeats = max(10, int(args.repeats / seconds))
                for name, run in runners.items():
                    p50, p95 = percentiles(run, repeats)
                    print(
                        f"| {name} | {threads} | {seconds:g} s | {p50:.2f} | {p95:.2f} | {p50 / 1000 / seconds:.4f} |"
                    )
        clip = tmp / "one_second.wav"
        sf.write(clip, (0.1 * rng.standard_normal(16000)).astype(np.float32), 16000)
        transcribe_process(files["onnx-fp32"], clip)  # warm the file cache once
        walls, rss = zip(*[transcribe_process(files["onnx-fp32"], clip) for _ in range(5)])
        print(
            f"asr transcribe of a 1 s file, process start to printed result: median {np.median(walls):.2f} s "
            f"(max {max(walls):.2f} s); peak RSS {max(rss):.0f} MB"
        )


if __name__ == "__main__":
    main()
