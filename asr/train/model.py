"""The acoustic model: PCM -> log-mel -> [conv subsampling x2] -> RNN x N -> Linear -> log-softmax.

The subsampling convolution is 1-D (one kernel across all mel bins) or 2-D (small kernels over
(mel, time) patches, shared along the mel axis, as in DeepSpeech 2 and ESPnet's Conv2dSubsampling):
the 2-D one sees a formant that a new speaker says a few bins higher with the same weights.

Padding is handled with length masks, not packed sequences (they don't export to ONNX): the
backward direction reverses each utterance within its own length, so a padded batch gives
every utterance exactly the outputs it gets alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from asr.audio import N_MELS
from asr.runtime import vocab
from asr.train.features import LogMel, frame_lengths, subtract_mean, time_mask


@dataclass(frozen=True)
class ModelConfig:
    n_mels: int = N_MELS  # log-mel bins from the front end
    subsample: bool = True  # conv subsampling x2 in time: 10 ms -> 20 ms frames
    conv: str = "1d"  # the subsampling convolution: "1d" across all mel bins, "2d" over (mel, time) patches
    conv_channels: int = 256  # width of the subsampling's output, the first recurrent layer's input
    conv2d_channels: int = 32  # feature maps of each 2-D convolution ("2d" only)
    cell: str = "lstm"  # "lstm" | "gru"
    bidirectional: bool = True  # read forward and backward (needs the whole utterance)
    hidden: int = 160  # units per direction per layer
    layers: int = 3  # stacked recurrent layers
    dropout: float = 0.15  # between layers, training only
    units: str = "letters"  # "letters" (spells) | "phones" (39 ARPAbet phones, words through a lexicon)

    @property
    def vocab_size(self) -> int:
        """Output classes, CTC blank included."""
        return len(vocab.unit_names(self.units))

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        """A saved config; checkpoints from before `units` also saved vocab_size, now derived."""
        return cls(**{k: v for k, v in values.items() if k != "vocab_size"})

    def __post_init__(self):
        if self.cell not in ("lstm", "gru"):
            raise ValueError(f"model.cell must be 'lstm' or 'gru', got {self.cell!r}")
        if self.conv not in ("1d", "2d"):
            raise ValueError(f"model.conv must be '1d' or '2d', got {self.conv!r}")
        if self.conv == "2d" and not self.subsample:
            raise ValueError("model.conv='2d' is a subsampling convolution: set model.subsample=true or conv='1d'")
        vocab.unit_names(self.units)  # an unknown kind of units raises, naming the known ones
        for name in ("n_mels", "conv_channels", "conv2d_channels", "hidden", "layers"):
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


def halved(lengths: torch.Tensor) -> torch.Tensor:
    """Frames after a kernel-3, stride-2, padding-1 convolution in time: ceil(frames / 2)."""
    return torch.div(lengths - 1, 2, rounding_mode="floor") + 1


class Subsample(nn.Module):
    """(batch, n_mels, frames) -> (batch, ceil(frames/2), channels): one strided conv + ReLU."""

    def __init__(self, n_mels: int, channels: int):
        super().__init__()
        self.conv = nn.Conv1d(n_mels, channels, kernel_size=3, stride=2, padding=1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.relu(self.conv(x)).transpose(1, 2)  # (batch, frames/2, channels)
        return x, halved(lengths)


class Subsample2d(nn.Module):
    """(batch, n_mels, frames) -> (batch, ceil(frames/2), channels): two 3x3 convs + ReLU, each
    halving the mel axis (the first also time), then a linear map of the flattened maps.

    Frames past an utterance's length are zeroed between the convs, so a padded batch gives each
    utterance what it gets alone.
    """

    def __init__(self, n_mels: int, maps: int, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(1, maps, kernel_size=3, stride=2, padding=1)  # stride (mel, time)
        self.conv2 = nn.Conv2d(maps, maps, kernel_size=3, stride=(2, 1), padding=1)
        mels = (n_mels + 3) // 4  # each conv halves the mel axis, rounding up
        self.linear = nn.Linear(maps * mels, channels)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        lengths = halved(lengths)
        x = torch.relu(self.conv1(x.unsqueeze(1)))  # (batch, maps, n_mels/2, frames/2)
        x = x * time_mask(lengths, x.shape[-1])[:, None, None, :].to(x.dtype)
        x = torch.relu(self.conv2(x))  # (batch, maps, n_mels/4, frames/2)
        x = x.permute(0, 3, 1, 2).flatten(2)  # (batch, frames/2, maps * n_mels/4)
        return self.linear(x), lengths  # (batch, frames/2, channels)


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
        if not config.subsample:
            self.subsample = None
        elif config.conv == "1d":
            self.subsample = Subsample(config.n_mels, config.conv_channels)
        else:
            self.subsample = Subsample2d(config.n_mels, config.conv2d_channels, config.conv_channels)
        d = config.conv_channels if config.subsample else config.n_mels
        directions = 2 if config.bidirectional else 1
        self.layers = nn.ModuleList()
        for _ in range(config.layers):
            self.layers.append(RecurrentLayer(config.cell, d, config.hidden, config.bidirectional))
            d = config.hidden * directions
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(d, config.vocab_size)  # vocab_size counts the CTC blank

    def features(self, audio: torch.Tensor, audio_lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, samples), (batch,) -> mean-subtracted log-mels (batch, n_mels, frames), frame lengths."""
        lengths = frame_lengths(audio_lengths)
        return subtract_mean(self.frontend(audio), lengths), lengths

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
