"""Training augmentation on a real clip: reproducible, and each transform does what it says."""

import numpy as np
import pytest
import torch

from asr.audio import SAMPLE_RATE, load_audio
from asr.train.augment import augment_waveform, load_noises, warp_frequency
from asr.train.config import load_config
from tests.conftest import NOISE


def _config(*overrides):
    quiet = ("speed_factors=[1.0]", "gain_db=[0.0, 0.0]", "noise_prob=0.0")
    return load_config(None, [*quiet, *overrides])


def _high_band_share(audio: torch.Tensor) -> float:
    spectrum = np.abs(np.fft.rfft(audio.numpy())) ** 2
    return spectrum[np.fft.rfftfreq(len(audio), 1 / SAMPLE_RATE) > 4200].sum() / spectrum.sum()


@pytest.mark.shared
def test_same_seed_same_augmentation(sc_clip):
    audio, config = torch.from_numpy(load_audio(sc_clip)), load_config(None, ["band_limit_prob=0.5", "pad_s=0.2"])
    noises = load_noises(str(NOISE))
    draw = lambda seed: augment_waveform(audio, config, noises, torch.Generator().manual_seed(seed))  # noqa: E731
    assert torch.equal(draw(3), draw(3)) and not torch.equal(draw(3), draw(4))


def test_band_limit_leaves_the_telephone_band(sc_clip):
    audio = torch.from_numpy(load_audio(sc_clip))
    limited = augment_waveform(audio, _config("band_limit_prob=1.0"), [], torch.Generator().manual_seed(0))
    assert _high_band_share(audio) > 0.01 and _high_band_share(limited) < 0.01 * _high_band_share(audio)
    assert len(limited) == len(audio)


def test_padding_adds_quiet_at_both_ends(sc_clip):
    audio = torch.from_numpy(load_audio(sc_clip))
    padded = augment_waveform(audio, _config("pad_s=0.25"), [], torch.Generator().manual_seed(1))
    extra = len(padded) - len(audio)
    assert 0 < extra <= 0.5 * SAMPLE_RATE
    start = int(torch.nonzero(padded).min())
    assert torch.equal(padded[start : start + len(audio)], audio)  # the clip itself, untouched


@pytest.mark.shared
def test_trim_cuts_a_speech_commands_clip_to_its_word(sc_clip):
    """A 1 s Speech Commands clip cut as tightly as FSDD's: shorter, the word's loudest part kept,
    and the same samples; a clip of steady noise has no edges to cut."""
    audio = torch.from_numpy(load_audio(sc_clip))
    trimmed = augment_waveform(audio, _config("trim_prob=1.0"), [], torch.Generator().manual_seed(0))
    assert 0.2 * SAMPLE_RATE < len(trimmed) < 0.8 * len(audio)
    start = int(np.flatnonzero((audio.unfold(0, len(trimmed), 1) == trimmed).all(dim=1))[0])  # where it came from
    assert start <= int(audio.abs().argmax()) < start + len(trimmed)
    noise = torch.from_numpy(load_noises(str(NOISE))[0][:SAMPLE_RATE].numpy())
    assert torch.equal(augment_waveform(noise, _config("trim_prob=1.0"), [], torch.Generator()), noise.clamp(-1, 1))


def test_frequency_warp_moves_formants():
    feats = torch.zeros(3, 80, 4)
    feats[:, 40] = 1.0  # one spectral peak
    warped = warp_frequency(feats, torch.tensor([1.0, 1.15, 0.85]))
    peaks = warped[:, :, 0].argmax(dim=1).tolist()
    assert peaks[0] == 40 and peaks[1] > 41 and peaks[2] < 39
    assert torch.allclose(warped[0], feats[0], atol=1e-4)
