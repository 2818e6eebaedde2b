"""Training-time augmentation (torchaudio): a tight cut, speed, padding, telephone band, gain and
background noise on the waveform; vocal-tract length perturbation and SpecAugment on the log-mels.

Waveform augmentation is a pure function of (utterance, generator); the generator is seeded from
(seed, epoch, index), so a resumed run and any number of DataLoader workers draw exactly the
same augmentation.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torchaudio.functional as F

from asr.audio import SAMPLE_RATE, load_audio, trim_to_speech
from asr.errors import ASRError
from asr.train.config import TrainConfig


def load_noises(noise_dir: str) -> list[torch.Tensor]:
    """Every .wav in `noise_dir` as (samples,) tensors at 16 kHz; "" gives none."""
    if not noise_dir:
        return []
    folder = Path(noise_dir)
    files = sorted(folder.glob("*.wav")) if folder.is_dir() else []
    if not files:
        raise ASRError(f"no .wav noise files in '{noise_dir}'; set noise_dir to a folder of noise or to \"\"")
    return [torch.from_numpy(load_audio(f)) for f in files]


def _uniform(g: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * torch.rand((), generator=g).item()


def augment_waveform(
    audio: torch.Tensor, config: TrainConfig, noises: list[torch.Tensor], g: torch.Generator
) -> torch.Tensor:
    """(samples,) -> (samples',): a tight cut to the speech, speed perturbation, silence padding,
    telephone band, random gain, background noise at random SNR."""
    if config.trim_prob > 0 and torch.rand((), generator=g).item() < config.trim_prob:  # as tight as FSDD's clips
        audio = torch.from_numpy(trim_to_speech(audio.numpy()))
    factor = config.speed_factors[torch.randint(len(config.speed_factors), (), generator=g).item()]
    if factor != 1.0:  # play faster by `factor`: treat the clip as sampled at factor * 16 kHz
        audio = F.resample(audio, int(round(SAMPLE_RATE * factor)), SAMPLE_RATE)
    if config.pad_s > 0:  # quiet around the speech, as an endpointer leaves it
        audio = torch.nn.functional.pad(audio, [int(_uniform(g, 0, config.pad_s) * SAMPLE_RATE) for _ in range(2)])
    if torch.rand((), generator=g).item() < config.band_limit_prob:  # as recorded at 8 kHz, like FSDD
        audio = F.resample(F.resample(audio, SAMPLE_RATE, SAMPLE_RATE // 2), SAMPLE_RATE // 2, SAMPLE_RATE)
    audio = audio * 10 ** (_uniform(g, *config.gain_db) / 20)
    if noises and torch.rand((), generator=g).item() < config.noise_prob:
        noise = noises[torch.randint(len(noises), (), generator=g).item()]
        if len(noise) < len(audio):
            noise = noise.repeat(len(audio) // len(noise) + 1)
        start = torch.randint(len(noise) - len(audio) + 1, (), generator=g).item()
        noise = noise[start : start + len(audio)]
        snr = torch.tensor([_uniform(g, *config.snr_db)])
        if audio.pow(2).sum() > 0:
            audio = F.add_noise(audio[None], noise[None], snr)[0]
        else:  # a silent clip: noise alone, at a random level
            audio = noise * 10 ** (_uniform(g, -30, 0) / 20)
    return audio.clamp(-1.0, 1.0)


def _hz_to_mel(hz: torch.Tensor | float):
    return 2595.0 * (torch.log10(1 + hz / 700.0) if isinstance(hz, torch.Tensor) else math.log10(1 + hz / 700.0))


def warp_frequency(feats: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """Vocal-tract length perturbation on log-mels: (batch, n_mels, frames), factors (batch,) -> same.

    Mel bin k takes the value at frequency f_k / factor, interpolated between the neighbouring bins
    (HTK mel centres, as melscale_fbanks lays them out): factor > 1 moves formants up, like a
    shorter vocal tract.
    """
    batch, n_mels, frames = feats.shape
    step = _hz_to_mel(SAMPLE_RATE / 2) / (n_mels + 1)  # mel spacing of the filter centres
    centres_hz = 700.0 * (10 ** (step * torch.arange(1, n_mels + 1, device=feats.device) / 2595.0) - 1)
    source = _hz_to_mel(centres_hz[None, :] / factors[:, None]) / step - 1  # (batch, n_mels) bin position
    source = source.clamp(0, n_mels - 1)
    low = source.floor().long().clamp(max=n_mels - 2)
    w = (source - low).unsqueeze(-1).to(feats.dtype)  # (batch, n_mels, 1)
    below = feats.gather(1, low.unsqueeze(-1).expand(-1, -1, frames))
    above = feats.gather(1, (low + 1).unsqueeze(-1).expand(-1, -1, frames))
    return below * (1 - w) + above * w


def spec_augment(feats: torch.Tensor, lengths: torch.Tensor, config: TrainConfig) -> torch.Tensor:
    """Vocal-tract length perturbation, then SpecAugment (frequency and time masks), each utterance
    its own, on (batch, n_mels, frames).

    Warps and masks are drawn from torch's global generator, whose state every checkpoint saves.
    """
    batch, n_mels, frames = feats.shape
    low, high = config.freq_warp
    if high > low:
        feats = warp_frequency(feats, low + (high - low) * torch.rand(batch, device=feats.device))
    keep = torch.ones_like(feats, dtype=torch.bool)
    bins = torch.arange(n_mels, device=feats.device)[None, :]  # (1, n_mels)
    steps = torch.arange(frames, device=feats.device)[None, :]  # (1, frames)
    for _ in range(config.freq_masks):
        width = torch.randint(0, config.freq_mask_width + 1, (batch, 1), device=feats.device)
        start = (torch.rand(batch, 1, device=feats.device) * (n_mels - width)).long()
        keep &= ~((bins >= start) & (bins < start + width))[:, :, None]
    for _ in range(config.time_masks):
        width = torch.randint(0, config.time_mask_width + 1, (batch, 1), device=feats.device)
        width = torch.minimum(width, (lengths[:, None] // 5))  # never more than a fifth of the utterance
        start = (torch.rand(batch, 1, device=feats.device) * (lengths[:, None] - width).clamp(min=1)).long()
        keep &= ~((steps >= start) & (steps < start + width))[:, None, :]
    return feats * keep  # features are mean-normalized: 0 is the average frame
