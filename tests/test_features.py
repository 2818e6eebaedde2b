"""asr.train.features: the log-mel front end, an STFT as a fixed convolution."""

import torch
import torchaudio

from asr.audio import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE, WIN_LENGTH, load_audio
from asr.train.features import LOG_FLOOR, LogMel, frame_lengths


def test_conv_stft_log_mel_matches_torchaudio(sc_clip, fsdd_clip):
    reference = torchaudio.transforms.MelSpectrogram(
        SAMPLE_RATE,
        n_fft=N_FFT,
        win_length=WIN_LENGTH,
        hop_length=HOP_LENGTH,
        n_mels=N_MELS,
        center=True,
        pad_mode="constant",
        power=2.0,
    )
    audio = torch.nn.utils.rnn.pad_sequence(
        [torch.from_numpy(load_audio(p)) for p in (sc_clip, fsdd_clip)], batch_first=True
    )
    ours = LogMel()(audio)
    theirs = torch.log(reference(audio).clamp(min=LOG_FLOOR))
    assert ours.shape == theirs.shape == (2, N_MELS, int(frame_lengths(torch.tensor(audio.shape[1]))))
    assert (ours - theirs).abs().max() <= 1e-3
