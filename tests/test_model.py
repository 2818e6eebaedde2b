"""asr.train.model: the acoustic model's shapes, padding and configuration."""

import pytest
import torch

from asr.audio import N_MELS
from asr.train.model import AcousticModel, ModelConfig, count_parameters, reverse_padded


def test_default_model_is_a_bilstm_under_two_million_parameters():
    model = AcousticModel(ModelConfig())
    assert isinstance(model.layers[0].forward_rnn, torch.nn.LSTM) and model.layers[0].backward_rnn is not None
    assert count_parameters(model) <= 2_000_000


def test_reverse_padded_reverses_within_each_length():
    x = torch.arange(10.0).reshape(2, 5, 1)
    lengths = torch.tensor([5, 3])
    out = reverse_padded(x, lengths)
    assert out[0, :, 0].tolist() == [4, 3, 2, 1, 0]
    assert out[1, :, 0].tolist() == [7, 6, 5, 8, 9]
    assert torch.equal(reverse_padded(out, lengths), x)


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(),
        ModelConfig(cell="gru"),
        ModelConfig(bidirectional=False),
        ModelConfig(subsample=False, hidden=32),
        ModelConfig(cell="gru", conv="2d"),
    ],
    ids=["bilstm", "bigru", "lstm", "no-subsample", "bigru-conv2d"],
)
def test_padding_in_a_batch_changes_nothing(config):
    torch.manual_seed(0)
    model = AcousticModel(config).eval()
    lengths = torch.tensor([16000, 5000, 11234])
    audio = torch.zeros(3, 16000)
    for i, n in enumerate(lengths):
        audio[i, :n] = 0.1 * torch.randn(int(n))
    batch, batch_lengths = model(audio, lengths)
    for i, n in enumerate(lengths):
        alone, alone_lengths = model(audio[i : i + 1, :n], lengths[i : i + 1])
        assert batch_lengths[i] == alone_lengths[0] == alone.shape[1]
        assert torch.allclose(batch[i, : batch_lengths[i]], alone[0], atol=1e-5)


def test_bad_model_config_values():
    with pytest.raises(ValueError, match="cell"):
        ModelConfig(cell="transformer")
    with pytest.raises(ValueError, match="'1d' or '2d'"):
        ModelConfig(conv="3d")
    with pytest.raises(ValueError, match="subsample=true"):
        ModelConfig(conv="2d", subsample=False)


def test_conv2d_subsampling_shares_weights_along_the_mel_axis():
    """The same pattern a few mel bins higher gives the same feature maps, moved: what lets a new
    speaker's formants, higher or lower, meet the weights a training speaker's trained."""
    torch.manual_seed(0)
    model = AcousticModel(ModelConfig(conv="2d", conv2d_channels=4)).eval()
    pattern = torch.zeros(1, N_MELS, 40)
    pattern[0, 20:28, 10:30] = torch.randn(8, 20)
    shifted = torch.roll(pattern, 4, dims=1)  # 4 bins up: 2 after the first stride-2 conv, 1 after the second
    lengths = torch.tensor([40])
    conv = model.subsample
    a = torch.relu(conv.conv2(torch.relu(conv.conv1(pattern.unsqueeze(1)))))  # (1, maps, n_mels/4, frames/2)
    b = torch.relu(conv.conv2(torch.relu(conv.conv1(shifted.unsqueeze(1)))))
    assert torch.allclose(a[:, :, 2:15], b[:, :, 3:16], atol=1e-6)
    assert model.subsample(pattern, lengths)[0].shape == (1, 20, model.config.conv_channels)
