"""Greedy transcripts of utterances by a torch model (training-time dev evaluation and `asr eval`)."""

from __future__ import annotations

import torch
from tqdm import tqdm

from asr.audio import load_audio
from asr.data.manifest import Utterance
from asr.runtime import ctc, vocab
from asr.train.data import collate
from asr.train.model import AcousticModel


@torch.inference_mode()
def greedy_transcripts(
    model: AcousticModel,
    utterances: list[Utterance],
    batch_size: int = 64,
    device: str | torch.device = "cpu",
    progress: bool = False,
) -> list[str]:
    """Greedy transcripts in the order given (a phone model's: its phones, space-separated);
    batches are length-sorted to limit padding."""
    was_training = model.training
    model.eval()
    order = sorted(range(len(utterances)), key=lambda i: utterances[i].duration_s or 0.0)
    hyps = [""] * len(utterances)
    batches = range(0, len(order), batch_size)
    for b in tqdm(batches, desc="decode", unit="batch", disable=not progress, leave=False):
        idx = order[b : b + batch_size]
        batch = collate([(torch.from_numpy(load_audio(utterances[i].audio)), torch.empty(0)) for i in idx])
        log_probs, lengths = model(batch["audio"].to(device), batch["audio_lengths"].to(device))
        log_probs = log_probs.float().cpu().numpy()  # (batch, frames, vocab)
        for j, i in enumerate(idx):
            hyps[i] = vocab.readable(ctc.best_path(log_probs[j, : lengths[j]]), model.config.units)
    model.train(was_training)
    return hyps
