"""Log-mel front end as a torch module, exported inside the ONNX graph.

The STFT is a Conv1d whose fixed weights are the windowed Fourier basis: it exports to plain
ONNX Conv and runs on every execution provider (torch.stft does neither well). Constant (zero)
centre padding keeps a padded batch frame-for-frame equal to each utterance on its own.
"""

from __future__ import annotations

import math

import torch
import torchaudio
from torch import nn

from asr.audio import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE, WIN_LENGTH

LOG_FLOOR = 1e-6  # power floor before the log: about -60 dB below a full-scale sine


def frame_lengths(sample_lengths: torch.Tensor) -> torch.Tensor:
    """Frames the centred STFT gives for each length: 1 + samples // hop."""
    return 1 + torch.div(sample_lengths, HOP_LENGTH, rounding_mode="floor")


class LogMel(nn.Module):
    """(batch, samples) float32 PCM at 16 kHz -> (batch, n_mels, frames) log-mel power."""

    def __init__(self, n_mels: int = N_MELS):
        super().__init__()
        n_bins = N_FFT // 2 + 1
        window = torch.hann_window(WIN_LENGTH, periodic=True, dtype=torch.float64)
        # The window sits centred in the FFT frame, as torch.stft puts it; the frame's zero-padded
        # ends contribute nothing, so the basis covers only the window's WIN_LENGTH samples.
        t = (N_FFT - WIN_LENGTH) // 2 + torch.arange(WIN_LENGTH, dtype=torch.float64)  # sample within the frame
        k = torch.arange(n_bins, dtype=torch.float64)
        angle = 2 * math.pi * k[:, None] * t[None, :] / N_FFT  # (bins, win_length)
        basis = torch.cat([torch.cos(angle), -torch.sin(angle)]) * window  # (2*bins, win_length): real, imag
        self.register_buffer("basis", basis.float().unsqueeze(1), persistent=False)  # (2*bins, 1, win_length)
        fbanks = torchaudio.functional.melscale_fbanks(
            n_bins, f_min=0.0, f_max=SAMPLE_RATE / 2, n_mels=n_mels, sample_rate=SAMPLE_RATE
        )
        self.register_buffer("mel", fbanks.T.contiguous(), persistent=False)  # (n_mels, bins)
        self.n_bins = n_bins

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        x = nn.functional.pad(audio, (WIN_LENGTH // 2, WIN_LENGTH // 2)).unsqueeze(1)  # (batch, 1, samples + win)
        spec = nn.functional.conv1d(x, self.basis, stride=HOP_LENGTH)  # (batch, 2*bins, frames)
        real, imag = spec[:, : self.n_bins], spec[:, self.n_bins :]
        power = real * real + imag * imag  # (batch, bins, frames)
        mel = torch.matmul(self.mel, power)  # (batch, n_mels, frames)
        return torch.log(torch.clamp(mel, min=LOG_FLOOR))


def time_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(batch,) lengths -> (batch, max_len) bool, True on valid frames."""
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]


def subtract_mean(feats: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Per-utterance mean removal per mel bin over valid frames; padded frames set to 0.

    (batch, n_mels, frames) -> same. Removing the mean cancels microphone colour and gain.
    """
    mask = time_mask(lengths, feats.shape[-1]).unsqueeze(1).to(feats.dtype)  # (batch, 1, frames)
    mean = (feats * mask).sum(-1, keepdim=True) / lengths.clamp(min=1)[:, None, None].to(feats.dtype)
    return (feats - mean) * mask
