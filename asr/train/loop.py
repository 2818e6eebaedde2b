"""The training recipe: BiLSTM-CTC on JSON-lines manifests, on a GPU when there is one.

    asr train --config configs/shared_real.toml [--set epochs=10 ...] [--resume]
    torchrun --nproc_per_node 2 -m asr.train --config configs/shared_real.toml

Under torchrun every process trains on its own shard (DistributedSampler, DDP); rank 0 alone
logs, evaluates and writes checkpoints. Ctrl+C (or SIGTERM) finishes the current step, writes a
resumable checkpoint and exits; `--resume` continues exactly where it stopped.
"""

from __future__ import annotations

import csv
import json
import math
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from tqdm import tqdm

from asr.data import metrics
from asr.errors import ASRError
from asr.runtime import vocab
from asr.train import checkpoint
from asr.train.augment import spec_augment
from asr.train.config import TrainConfig, config_to_dict
from asr.train.data import BucketBatchSampler, SpeechDataset, collate, read_manifests
from asr.train.evaluate import greedy_transcripts
from asr.train.model import AcousticModel, count_parameters

METRIC_FIELDS = ("epoch", "step", "train_loss", "dev_cer", "dev_wer", "lr", "utt_per_s", "train_minutes")


@dataclass
class Progress:
    """Where the run stands; saved in every checkpoint."""

    epoch: int = 0  # epochs completed
    batch: int = 0  # batches completed in the current epoch (non-zero after an interrupt)
    step: int = 0  # optimizer steps so far
    best_cer: float = math.inf  # best dev CER so far
    train_seconds: float = 0.0  # training wall time so far, across resumes


class StopFlag:
    """Ctrl+C / SIGTERM ask the loop to stop after the current step; a second Ctrl+C aborts at once.

    The signals are blocked for the whole run, so that every thread started meanwhile (torch's,
    the DataLoader queues', forked workers) inherits the block, and the loop collects them between
    steps with sigtimedwait. Delivered asynchronously into a run with DataLoader workers, a Ctrl+C
    once aborted it with a corrupted heap, and once left NaN weights in the checkpoint it saved. The
    handler catches what reaches a thread that started before the block.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.requested = False
        self.previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        signal.pthread_sigmask(signal.SIG_BLOCK, self.SIGNALS)

    def close(self) -> None:
        """Collect what is pending, unblock, and give the signals back to their previous handlers."""
        self.poll()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, self.SIGNALS)
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def poll(self) -> bool:
        """True once a stop was asked for; from then on the signals are unblocked."""
        if not self.requested and signal.sigtimedwait(self.SIGNALS, 0) is not None:
            self.requested = True
        if self.requested:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, self.SIGNALS)
        return self.requested

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def agreed(self, distributed: bool, device: torch.device) -> bool:
        """True when any process was asked to stop: all ranks must leave at the same step."""
        if not distributed:
            return self.poll()
        flag = torch.tensor([float(self.poll())], device=device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())


def ignore_interrupts(worker_id: int) -> None:
    """DataLoader worker start-up: leave Ctrl+C to the main process, which saves before stopping.

    A terminal's Ctrl+C signals the whole process group; a worker that died of it would end the run
    before the mid-epoch checkpoint is written. SIGTERM stays the loader's way to end a worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])


def schedule_steps(config: TrainConfig, progress: Progress, batches_per_epoch: int) -> int:
    """The schedule's length: the steps taken plus those left at the current epoch length, so a
    run resumed with more data or more epochs still decays to its floor at the last epoch."""
    return progress.step + (config.epochs - progress.epoch) * batches_per_epoch - progress.batch


def lr_lambda(config: TrainConfig, total_steps: int):
    """Linear warm-up to the peak, then cosine decay to lr_min_ratio of it."""

    def f(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        t = min(1.0, (step - config.warmup_steps) / max(1, total_steps - config.warmup_steps))
        return config.lr_min_ratio + (1 - config.lr_min_ratio) * 0.5 * (1 + math.cos(math.pi * t))

    return f


def compute_loss(
    model: AcousticModel, encoder, batch: dict, config: TrainConfig, device: torch.device, use_amp: bool
) -> torch.Tensor:
    """CTC loss of one batch. Features (no weights) are computed outside `encoder`, the trainable
    part (wrapped in DDP under torchrun), with SpecAugment in between."""
    audio, audio_lengths = batch["audio"].to(device), batch["audio_lengths"].to(device)
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_amp):
        feats, lengths = model.features(audio, audio_lengths)  # (batch, n_mels, frames)
        log_probs, lengths = encoder(spec_augment(feats, lengths, config), lengths)  # (batch, frames', vocab)
    return torch.nn.functional.ctc_loss(
        log_probs.float().transpose(0, 1),  # (frames', batch, vocab)
        batch["targets"].to(device),
        lengths,
        batch["target_lengths"].to(device),
        blank=0,
        zero_infinity=True,
    )


class Encoder(torch.nn.Module):
    """The model's trainable part as a module whose forward is `encode`, for DDP to wrap."""

    def __init__(self, model: AcousticModel):
        super().__init__()
        self.model = model

    def forward(self, feats, lengths):
        return self.model.encode(feats, lengths)


def train_one_epoch(
    model,
    encoder,
    loader,
    optimizer,
    scheduler,
    config,
    device,
    use_amp,
    progress: Progress,
    stop: StopFlag,
    distributed: bool,
    is_main: bool,
) -> tuple[float, float, bool]:
    """One pass over this process's shard. Returns (mean loss, utterances/s, stopped early)."""
    model.train()
    total_loss, n_batches, skipped, n_utts, start = 0.0, 0, 0, 0, time.time()
    bar = tqdm(
        loader,
        desc=f"epoch {progress.epoch + 1}/{config.epochs}",
        unit="batch",
        disable=not is_main,
        initial=progress.batch,
        total=progress.batch + len(loader),
        dynamic_ncols=True,
    )
    for batch in bar:
        loss = compute_loss(model, encoder, batch, config, device, use_amp)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        if torch.isfinite(norm):  # DDP has averaged the gradients: every rank agrees
            optimizer.step()
            total_loss += loss.item()
            n_batches += 1
        else:  # one overflowing batch must not turn every weight into NaN
            skipped += 1
        scheduler.step()
        progress.step += 1
        progress.batch += 1
        n_utts += len(batch["audio_lengths"])
        rate = n_utts / (time.time() - start)
        bar.set_postfix(loss=f"{total_loss / max(1, n_batches):.3f}", utt_s=f"{rate:.0f}", skipped=skipped)
        if stop.agreed(distributed, device):
            bar.close()
            return total_loss / max(1, n_batches), rate, True
    if skipped and not n_batches:
        raise ASRError(
            f"training diverged: every batch of epoch {progress.epoch + 1} had non-finite gradients; "
            "resume from best.pt with a lower lr"
        )
    return total_loss / max(1, n_batches), n_utts / max(1e-9, time.time() - start), False


def evaluate(model: AcousticModel, dev, config: TrainConfig, device) -> dict:
    hyps = greedy_transcripts(model, dev, config.batch_size, device)
    return metrics.error_rates([vocab.reference(u.text, model.config.units) for u in dev], hyps)


def save(run_dir: Path, name: str, model, config, optimizer, scheduler, progress: Progress) -> None:
    """Write a checkpoint, unless the weights are no longer finite: then the one on disk is kept."""
    if not all(torch.isfinite(p).all() for p in model.parameters()):
        raise ASRError(
            f"training diverged: non-finite weights at epoch {progress.epoch + 1}, batch "
            f"{progress.batch}; {run_dir / name} was left as it was. Resume with a lower lr"
        )
    checkpoint.save_checkpoint(
        run_dir / name,
        model,
        config,
        optimizer=optimizer.state_dict(),
        scheduler=scheduler.state_dict(),
        progress=vars(progress).copy(),
        rng=torch.get_rng_state(),
        cuda_rng=torch.cuda.get_rng_state() if torch.cuda.is_available() else None,
    )


def log_metrics(run_dir: Path, row: dict) -> None:
    """Append one row to metrics.csv and redraw the loss / CER plot."""
    path = run_dir / "metrics.csv"
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=METRIC_FIELDS)
        if new:
            writer.writeheader()
        writer.writerow({k: row[k] for k in METRIC_FIELDS})
    plot_metrics(path, run_dir / "metrics.png")


def plot_metrics(csv_path: Path, png_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with csv_path.open() as f:
        rows = list(csv.DictReader(f))
    epochs = [int(r["epoch"]) for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [float(r["train_loss"]) for r in rows])
    ax1.set(xlabel="epoch", ylabel="CTC loss", title="training loss")
    ax2.plot(epochs, [100 * float(r["dev_cer"]) for r in rows])
    ax2.set(xlabel="epoch", ylabel="CER (%)", title="dev character error rate")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)


def setup_distributed() -> tuple[bool, int, int, torch.device]:
    """torchrun sets WORLD_SIZE/RANK/LOCAL_RANK; alone we run as rank 0 of 1."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return False, 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        torch.cuda.set_device(local)
        dist.init_process_group("nccl")
        device = torch.device("cuda", local)
    else:
        dist.init_process_group("gloo")
        device = torch.device("cpu")
    return True, dist.get_rank(), world, device


def train(config: TrainConfig, resume: bool = False) -> Path:
    """Run (or resume) training; returns the run folder."""
    distributed, rank, world, device = setup_distributed()
    is_main = rank == 0
    run_dir = Path(config.out_dir) / config.name
    stop = StopFlag()  # first: every thread and worker started from here on inherits its signal block
    try:
        ckpt = None
        if resume:
            ckpt = checkpoint.load_checkpoint(run_dir / "last.pt")
        elif (run_dir / "last.pt").exists():
            raise ASRError(f"run '{run_dir}' already has checkpoints; pass --resume, or choose another name")
        torch.manual_seed(config.seed)
        if ckpt:
            model = checkpoint.build_model(ckpt, expected=config.model)
        elif config.init_from:
            model = checkpoint.init_model(checkpoint.load_checkpoint(config.init_from), config.model)
        else:
            model = AcousticModel(config.model)
        model.to(device)
        train_set = SpeechDataset(read_manifests(config.train_manifests), config)
        dev = read_manifests(config.dev_manifests) if config.dev_manifests else []
        sampler = BucketBatchSampler(
            train_set.durations(), config.batch_size, config.bucket_batches, config.seed, rank, world
        )
        # The loader gets its own generator, so torch's global RNG (dropout, SpecAugment) is the model's alone.
        loader = DataLoader(
            train_set,
            batch_sampler=sampler,
            collate_fn=collate,
            num_workers=config.num_workers,
            worker_init_fn=ignore_interrupts,
            generator=torch.Generator(),
        )
        optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        progress = Progress(**ckpt["progress"]) if ckpt else Progress()
        steps = schedule_steps(config, progress, len(sampler))
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(config, steps))
        if ckpt:
            optimizer.load_state_dict(ckpt["optimizer"])
            scheduler.load_state_dict(ckpt["scheduler"])
            torch.set_rng_state(ckpt["rng"])
            if ckpt.get("cuda_rng") is not None and torch.cuda.is_available():
                torch.cuda.set_rng_state(ckpt["cuda_rng"])
        use_amp = config.amp and device.type == "cuda"
        encoder = Encoder(model)
        if distributed:  # the front end has no weights and no mutable buffers: nothing to broadcast
            encoder = DistributedDataParallel(encoder, broadcast_buffers=False)
        if is_main:
            run_dir.mkdir(parents=True, exist_ok=True)
            print(json.dumps(config_to_dict(config)))
            print(
                f"{count_parameters(model):,} parameters; {len(train_set)} training and {len(dev)} dev "
                f"utterances; {world} process(es) on {device}"
                + (f"; resuming at epoch {progress.epoch + 1}, batch {progress.batch}" if ckpt else "")
            )
        while progress.epoch < config.epochs:
            sampler.set_epoch(progress.epoch, progress.batch)
            started = time.time()
            loss, rate, stopped = train_one_epoch(
                model,
                encoder,
                loader,
                optimizer,
                scheduler,
                config,
                device,
                use_amp,
                progress,
                stop,
                distributed,
                is_main,
            )
            progress.train_seconds += time.time() - started
            if stopped:
                if is_main:
                    save(run_dir, "last.pt", model, config, optimizer, scheduler, progress)
                    print(f"stopped; resume with: asr train --config <same config> --resume  ({run_dir}/last.pt)")
                break
            progress.epoch += 1
            progress.batch = 0
            if is_main:
                scores = evaluate(model, dev, config, device) if dev else {"cer": loss, "wer": math.nan}
                if scores["cer"] < progress.best_cer:
                    progress.best_cer = scores["cer"]
                    save(run_dir, "best.pt", model, config, optimizer, scheduler, progress)
                save(run_dir, "last.pt", model, config, optimizer, scheduler, progress)
                log_metrics(
                    run_dir,
                    {
                        "epoch": progress.epoch,
                        "step": progress.step,
                        "train_loss": round(loss, 4),
                        "dev_cer": round(scores["cer"], 4),
                        "dev_wer": round(scores["wer"], 4),
                        "lr": f"{scheduler.get_last_lr()[0]:.2e}",
                        "utt_per_s": round(rate * world, 1),
                        "train_minutes": round(progress.train_seconds / 60, 2),
                    },
                )
                print(
                    f"epoch {progress.epoch}: loss {loss:.3f}  dev CER {100 * scores['cer']:.2f}%  "
                    f"WER {100 * scores['wer']:.2f}%  ({rate * world:.0f} utt/s)"
                )
            if distributed:
                dist.barrier()
            if config.max_minutes and progress.train_seconds >= 60 * config.max_minutes:
                if is_main:
                    print(f"reached max_minutes={config.max_minutes}; stopping after epoch {progress.epoch}")
                break
    finally:
        stop.close()
        if distributed:
            dist.destroy_process_group()
    return run_dir
