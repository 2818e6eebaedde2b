"""asr.train.export: self-describing ONNX files with parity to torch, and int8 copies measured on dev."""

import dataclasses
import json

import numpy as np
import onnx
import pytest
from typer.testing import CliRunner

from asr.audio import SAMPLE_RATE, load_audio
from asr.data.manifest import Utterance, write_manifest
from asr.runtime import Recognizer, ctc
from asr.train.checkpoint import load_checkpoint, save_checkpoint
from asr.train.config import TrainConfig
from asr.train.evaluate import greedy_transcripts
from asr.train.export import export, max_abs_diff
from asr.train.model import AcousticModel, ModelConfig
from cli import app
from tests.conftest import CHECKPOINT, JACKSON, SC


def test_metadata_describes_the_model(onnx_path):
    props = {p.key: p.value for p in onnx.load(str(onnx_path)).metadata_props}
    assert (
        json.loads(props["vocabulary"])[0] == "<blank>" and props["blank_index"] == "0" and props["units"] == "letters"
    )
    assert props["sample_rate"] == "16000" and float(props["frame_shift_s"]) == 0.02
    config = ModelConfig.from_dict(load_checkpoint(CHECKPOINT)["model_config"])  # fields added since: their defaults
    assert json.loads(props["model_config"]) == dataclasses.asdict(config)
    assert json.loads(props["training"])["manifests"] == ["data/manifests/train.jsonl"]
    assert props["quantization"] == "none" and props["asr_version"]
    graph = onnx.load(str(onnx_path)).graph
    assert [d.dim_param for d in graph.input[0].type.tensor_type.shape.dim] == ["batch", "samples"]


@pytest.mark.parametrize("seconds", [(0.3,), (1.0, 0.5, 2.7), (10.0,), (60.0, 3.3)])
def test_parity_with_pytorch_on_random_audio(torch_model, recognizer, seconds):
    rng = np.random.default_rng(len(seconds))
    audios = [0.1 * rng.standard_normal(int(s * SAMPLE_RATE)).astype(np.float32) for s in seconds]
    assert max_abs_diff(torch_model, recognizer, audios) <= 1e-4


@pytest.mark.shared
def test_same_transcripts_as_pytorch_on_real_speech(torch_model, recognizer):
    clips = JACKSON + sorted((SC / "yes").glob("*.wav"))[:10] + sorted((SC / "stop").glob("*.wav"))[:10]
    utterances = [Utterance(str(c), "") for c in clips]
    expected = greedy_transcripts(torch_model, utterances, batch_size=7)
    got = [ctc.greedy(lp).text for lp in recognizer.log_probs([load_audio(c) for c in clips])]  # one padded batch
    assert got == expected
    trimmed = [t.text for t in recognizer.transcribe_batch([str(c) for c in clips], batch_size=5)]  # quiet ends cut
    assert [recognizer.transcribe(c).text for c in clips[::7]] == trimmed[::7]
    digits = "zero one two three four five six seven eight nine".split()
    assert sum(h == digits[int(c.name[0])] for h, c in zip(got, JACKSON)) >= 28  # a speaker it trained on


@pytest.mark.shared
def test_int8_is_smaller_and_measured_on_dev(tmp_path, onnx_path):
    dev = tmp_path / "dev.jsonl"
    write_manifest(
        dev,
        [
            Utterance(
                str(c),
                ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][int(c.name[0])],
                source="fsdd",
            )
            for c in JACKSON
        ],
    )
    result = export(CHECKPOINT, tmp_path / "int8.onnx", int8=True, dev=[str(dev)])
    assert result.size_bytes < 0.5 * result.fp32_size_bytes
    assert result.dev_metrics["utterances"] == 30 and result.fp32_dev_metrics["utterances"] == 30
    assert result.dev_metrics["accuracy"] >= 0.9
    props = {p.key: p.value for p in onnx.load(str(result.path)).metadata_props}
    assert props["quantization"] == "int8-dynamic"
    assert json.loads(props["dev_metrics"])["accuracy_by_source"]["fsdd"] == result.dev_metrics["accuracy"]


def test_int8_of_a_gru_is_refused_in_one_line(tmp_path):
    """onnxruntime quantizes LSTM weights but not GRU ones: a GRU's int8 file would be fp32 inside."""
    config = TrainConfig(model=ModelConfig(cell="gru", hidden=32, layers=1))
    save_checkpoint(tmp_path / "gru.pt", AcousticModel(config.model), config)
    args = ["export", str(tmp_path / "gru.pt"), "--out", str(tmp_path / "gru.onnx"), "--int8"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "GRU model" in result.output and "without --int8" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "gru.onnx").exists()
    assert export(tmp_path / "gru.pt", tmp_path / "gru.onnx", dev=[]).path.is_file()  # fp32 is fine


def test_a_conv2d_model_exports_with_parity_and_int8(tmp_path):
    config = TrainConfig(model=ModelConfig(conv="2d", conv2d_channels=8, hidden=32, layers=1))
    torch_model = AcousticModel(config.model).eval()
    save_checkpoint(tmp_path / "conv2d.pt", torch_model, config)
    fp32 = export(tmp_path / "conv2d.pt", tmp_path / "conv2d.onnx", dev=[])
    assert fp32.parity <= 1e-4
    rng = np.random.default_rng(3)
    audios = [0.1 * rng.standard_normal(int(s * SAMPLE_RATE)).astype(np.float32) for s in (0.2, 4.1, 1.3)]
    assert max_abs_diff(torch_model, Recognizer(fp32.path), audios) <= 1e-4  # one padded batch, other lengths
    int8 = export(tmp_path / "conv2d.pt", tmp_path / "conv2d-int8.onnx", int8=True, dev=[])
    assert int8.size_bytes < fp32.size_bytes
    assert max_abs_diff(torch_model, Recognizer(int8.path), audios) <= 0.5
