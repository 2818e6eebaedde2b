"""Training throughput (utterances/s) of the acoustic model on this machine's CPU or GPU.

    python benchmarks/train_throughput.py [--device cuda] [--batch-size 64] [--seconds 1.0] [--set model.hidden=128]

Times full training steps (front end, SpecAugment, forward, CTC loss, backward, AdamW) on
random audio, after warm-up steps; data loading is not included (see metrics.csv of a real run
for the end-to-end figure).
"""

import argparse
import time

import torch

from asr.train.config import load_config
from asr.train.loop import Encoder, compute_loss
from asr.train.model import AcousticModel, count_parameters


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=1.0, help="utterance length")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--set", action="append", default=[], help="config override, e.g. model.cell=gru")
    args = parser.parse_args()
    config = load_config(None, args.set)
    device = torch.device(args.device)
    model = AcousticModel(config.model).to(device)
    encoder = Encoder(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    n = int(args.seconds * 16000)
    batch = {
        "audio": 0.1 * torch.randn(args.batch_size, n),
        "audio_lengths": torch.full((args.batch_size,), n),
        "targets": torch.randint(1, 29, (args.batch_size * 5,)),
        "target_lengths": torch.full((args.batch_size,), 5),
    }
    use_amp = config.amp and device.type == "cuda"

    def step():
        loss = compute_loss(model, encoder, batch, config, device, use_amp)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    print(
        f"{config.model.cell} bidirectional={config.model.bidirectional} {count_parameters(model):,} params, "
        f"{device}, {torch.get_num_threads()} threads, batch {args.batch_size} x {args.seconds:.1f} s: "
        f"{args.steps * args.batch_size / elapsed:.0f} utterances/s"
    )


if __name__ == "__main__":
    main()
