"""The acoustic model: PCM -> log-mel -> [conv subsampling x2] -> RNN x N -> Linear -> log-softmax.

Padding is handled with length masks, not packed sequences (they don't export to ONNX): the
backward direction reverses each utterance within its own length, so a padded batch gives
every utterance exactly the outputs it gets alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from asr import vocab
from asr.audio import N_MELS
from asr.train.features import LogMel, frame_lengths, normalize


@dataclass(frozen=True)
class ModelConfig:
    n_mels: int = N_MELS  # log-mel bins from the front end
    subsample: bool = True  # conv subsampling x2 in time: 10 ms -> 20 ms frames
    conv_channels: int = 256  # width of the subsampling convolution's output
    cell: str = "lstm"  # "lstm" | "gru"
    bidirectional: bool = True  # read forward and backward (needs the whole utterance)
    hidden: int = 160  # units per direction per layer
    layers: int = 3  # stacked recurrent layers
    dropout: float = 0.15  # between layers, training only
    vocab_size: int = len(vocab.CHARS)  # output classes, CTC blank included

    def __post_init__(self):
        if self.cell not in ("lstm", "gru"):
            raise ValueError(f"model.cell must be 'lstm' or 'gru', got {self.cell!r}")
        for name in ("n_mels", "conv_channels", "hidden", "layers", "vocab_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"model.{name} must be >= 1, got {getattr(self, name)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"model.dropout must be in [0, 1), got {self.dropout}")


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence within its valid length; padded frames stay where they are.

    (batch, time, dim) -> same. Applying it twice gives back x.
    """
    t = torch.arange(x.shape[1], device=x.device)[None, :]  # (1, time)
    last = (lengths - 1)[:, None]  # (batch, 1)
    index = torch.where(t < lengths[:, None], last - t, t)  # (batch, time)
    return torch.gather(x, 1, index.unsqueeze(-1).expand_as(x))


class Subsample(nn.Module):
    """(batch, n_mels, frames) -> (batch, ceil(frames/2), channels): one strided conv + ReLU."""

    def __init__(self, n_mels: int, channels: int):
        super().__init__()
        self.conv = nn.Conv1d(n_mels, channels, kernel_size=3, stride=2, padding=1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.relu(self.conv(x)).transpose(1, 2)  # (batch, frames/2, channels)
        return x, torch.div(lengths - 1, 2, rounding_mode="floor") + 1


class RecurrentLayer(nn.Module):
    """One (bi)directional LSTM/GRU layer: (batch, time, d_in) -> (batch, time, hidden * directions)."""

    def __init__(self, cell: str, d_in: int, hidden: int, bidirectional: bool):
        super().__init__()
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.forward_rnn = rnn(d_in, hidden, batch_first=True)
        self.backward_rnn = rnn(d_in, hidden, batch_first=True) if bidirectional else None

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        out, _ = self.forward_rnn(x)
        if self.backward_rnn is None:
            return out
        back, _ = self.backward_rnn(reverse_padded(x, lengths))
        return torch.cat([out, reverse_padded(back, lengths)], dim=-1)


class AcousticModel(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.frontend = LogMel(config.n_mels)
        self.subsample = Subsample(config.n_mels, config.conv_channels) if config.subsample else None
        d = config.conv_channels if config.subsample else config.n_mels
        directions = 2 if config.bidirectional else 1
        self.layers = nn.ModuleList()
        for _ in range(config.layers):
            self.layers.append(RecurrentLayer(config.cell, d, config.hidden, config.bidirectional))
            d = config.hidden * directions
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(d, config.vocab_size)  # vocab_size counts the CTC blank

    def features(self, audio: torch.Tensor, audio_lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, samples), (batch,) -> normalized log-mels (batch, n_mels, frames), frame lengths."""
        lengths = frame_lengths(audio_lengths)
        return normalize(self.frontend(audio), lengths), lengths

    def encode(self, feats: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, n_mels, frames) -> log-probs (batch, frames', vocab), frames' lengths."""
        if self.subsample is not None:
            x, lengths = self.subsample(feats, lengths)  # (batch, frames/2, conv_channels)
        else:
            x = feats.transpose(1, 2)  # (batch, frames, n_mels)
        for layer in self.layers:
            x = self.dropout(layer(x, lengths))  # (batch, frames', hidden * directions)
        return torch.log_softmax(self.output(x), dim=-1), lengths

    def forward(self, audio: torch.Tensor, audio_lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, samples) float32 16 kHz, (batch,) int64 -> (batch, frames, vocab) log-probs, (batch,)."""
        return self.encode(*self.features(audio, audio_lengths))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
