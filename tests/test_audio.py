import numpy as np
import pytest
import soundfile as sf

from asr.audio import SAMPLE_RATE, duration_s, iter_blocks, load_audio
from asr.errors import ASRError


def _tone(sr: int, seconds: float, channels: int) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    x = 0.5 * np.sin(2 * np.pi * 440 * t).astype(np.float32)
    return np.stack([x] * channels, axis=1) if channels > 1 else x


def _peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    return np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[spectrum.argmax()]


@pytest.mark.parametrize(
    "ext, sr, channels",
    [("wav", 44100, 2), ("flac", 22050, 1), ("ogg", 48000, 2), ("mp3", 44100, 1), ("wav", 8000, 1)],
)
def test_any_format_rate_and_channels_become_16k_mono(tmp_path, ext, sr, channels):
    path = tmp_path / f"tone.{ext}"
    sf.write(path, _tone(sr, 1.0, channels), sr)
    audio = load_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - SAMPLE_RATE) < 0.06 * SAMPLE_RATE  # mp3 adds encoder padding
    assert abs(_peak_hz(audio) - 440) < 3


def test_real_8khz_recording_is_resampled(fsdd_clip):
    info = sf.info(fsdd_clip)
    audio = load_audio(fsdd_clip)
    assert len(audio) == pytest.approx(info.frames * 2, abs=2)
    assert np.abs(audio).max() > 0.01


def test_silent_file_gives_zeros(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(8000, dtype=np.float32), 16000)
    audio = load_audio(path)
    assert len(audio) == 8000 and not audio.any()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: sf.write(p, np.zeros(0, dtype=np.float32), 16000), "no samples"),
        (lambda p: p.write_text("this is not audio\n" * 50), "cannot read"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, make, message):
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(ASRError, match=message):
        load_audio(path)


def test_missing_file(tmp_path):
    with pytest.raises(ASRError, match="not found"):
        load_audio(tmp_path / "nope.wav")


def test_truncated_wav_reads_what_is_there(tmp_path, sc_clip):
    data = sc_clip.read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(data[: len(data) // 2])  # header still claims the full length
    audio = load_audio(path)
    assert 0 < len(audio) < len(load_audio(sc_clip))


def test_blocks_cover_the_file_like_a_whole_load(tmp_path):
    path = tmp_path / "long.flac"
    sf.write(path, _tone(44100, 7.3, 2), 44100)
    blocks = list(iter_blocks(path, block_s=2.0))
    assert len(blocks) >= 4
    joined, whole = np.concatenate(blocks), load_audio(path)
    assert abs(len(joined) - len(whole)) < 100
    n = min(len(joined), len(whole)) - 200
    assert np.abs(joined[200:n] - whole[200:n]).max() < 1e-3
    assert duration_s(path) == pytest.approx(7.3, abs=1e-3)


def test_noise_is_mixed_at_the_asked_snr(sc_clip):
    from asr.audio import mix_at_snr

    speech = load_audio(sc_clip)
    noise = load_audio("../shared/data/speech_commands_background_noise/running_tap.wav")
    for snr in (0.0, 6.0, 20.0):
        mixed = mix_at_snr(speech, noise, snr, offset=0.25)
        added = mixed - speech
        measured = 10 * np.log10((speech**2).mean() / (added**2).mean())
        assert len(mixed) == len(speech) and abs(measured - snr) < 1e-3
        segment = noise[-int(0.25 * len(noise)) :][: len(speech)]  # rotated right by a quarter of its length
        gain = added @ segment / (segment @ segment)
        assert np.allclose(added, gain * segment, atol=1e-6)
