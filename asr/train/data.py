"""Manifests -> padded training batches.

Batches are length-bucketed: each process takes its DistributedSampler shard (the whole set when
alone), sorts windows of `bucket_batches` batches by duration, cuts batches and shuffles their
order. Every rank gets the same number of batches, and a resumed epoch can skip the ones done.
"""

from __future__ import annotations

import torch
from torch.utils.data import Dataset, DistributedSampler, Sampler

from asr.audio import load_audio
from asr.data.manifest import Utterance, read_manifest
from asr.runtime import vocab
from asr.train.augment import augment_waveform, load_noises
from asr.train.config import TrainConfig


def read_manifests(paths) -> list[Utterance]:
    return [u for p in paths for u in read_manifest(p)]


def utterance_seed(seed: int, epoch: int, index: int) -> int:
    return (seed * 1_000_003 + epoch) * 10_000_019 + index


class SpeechDataset(Dataset):
    """Item (index, epoch) -> (audio (samples,), labels (n,)); augmented when `config` is given."""

    def __init__(self, utterances: list[Utterance], config: TrainConfig | None = None):
        self.utterances = utterances
        self.config = config
        units = config.model.units if config else "letters"
        self.labels = [torch.tensor(vocab.targets(u.text, units), dtype=torch.long) for u in utterances]
        self.noises = load_noises(config.noise_dir) if config else []

    def __len__(self) -> int:
        return len(self.utterances)

    def durations(self) -> list[float]:
        return [u.duration_s or 0.0 for u in self.utterances]

    def __getitem__(self, item: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
        index, epoch = item
        audio = torch.from_numpy(load_audio(self.utterances[index].audio))
        if self.config is not None:
            g = torch.Generator().manual_seed(utterance_seed(self.config.seed, epoch, index))
            audio = augment_waveform(audio, self.config, self.noises, g)
        return audio, self.labels[index]


class BucketBatchSampler(Sampler):
    """Yields lists of (index, epoch): length-sorted within windows, in shuffled order."""

    def __init__(
        self,
        durations: list[float],
        batch_size: int,
        bucket_batches: int,
        seed: int,
        rank: int = 0,
        world_size: int = 1,
    ):
        self.durations = durations
        self.batch_size = batch_size
        self.window = batch_size * bucket_batches
        self.seed = seed
        self.shard = DistributedSampler(durations, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
        self.epoch = 0
        self.start_batch = 0  # batches to skip at the start of this epoch (resume)

    def set_epoch(self, epoch: int, start_batch: int = 0) -> None:
        self.epoch, self.start_batch = epoch, start_batch
        self.shard.set_epoch(epoch)

    def batches(self) -> list[list[int]]:
        indices = list(self.shard)
        batches = []
        for w in range(0, len(indices), self.window):
            window = sorted(indices[w : w + self.window], key=lambda i: self.durations[i])
            batches += [window[b : b + self.batch_size] for b in range(0, len(window), self.batch_size)]
        order = torch.randperm(len(batches), generator=torch.Generator().manual_seed(self.seed + self.epoch))
        return [batches[i] for i in order]

    def __iter__(self):
        for batch in self.batches()[self.start_batch :]:
            yield [(i, self.epoch) for i in batch]

    def __len__(self) -> int:
        return len(self.batches()) - self.start_batch  # cheap: one shuffle and sort of indices


def collate(items: list[tuple[torch.Tensor, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Pad audio with zeros; concatenate labels the way CTC loss takes them."""
    audio_lengths = torch.tensor([len(a) for a, _ in items], dtype=torch.long)
    audio = torch.zeros(len(items), int(audio_lengths.max()))  # (batch, samples)
    for i, (a, _) in enumerate(items):
        audio[i, : len(a)] = a
    return {
        "audio": audio,
        "audio_lengths": audio_lengths,
        "targets": torch.cat([t for _, t in items]),
        "target_lengths": torch.tensor([len(t) for _, t in items], dtype=torch.long),
    }
