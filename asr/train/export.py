"""Export a checkpoint to one self-describing ONNX file: raw 16 kHz PCM in, log-probs out.

The graph holds the whole model, front end included. The TorchScript-based exporter is used
(`dynamo=False`): the dynamo exporter bakes the sequence length into bidirectional LSTMs.
Metadata (vocabulary, blank, sample rate, frame shift, model config, training data, dev metrics)
goes into `metadata_props`, so the runtime needs no side file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import torch

import asr
from asr.audio import HOP_LENGTH, SAMPLE_RATE
from asr.data.manifest import Utterance
from asr.errors import ASRError
from asr.runtime import recognizer as runtime
from asr.runtime import vocab
from asr.train.checkpoint import build_model, checkpoint_config, load_checkpoint
from asr.train.data import read_manifests
from asr.train.model import AcousticModel, ModelConfig

OPSET = 17


def training_summary(ckpt: dict) -> dict:
    """Which data trained the checkpoint, and for how long: for the model file's metadata."""
    config = checkpoint_config(ckpt)
    summary: dict = {"manifests": list(config.train_manifests)}
    try:
        utterances = read_manifests(config.train_manifests)
        summary["utterances_by_source"] = dict(Counter(u.source or "unknown" for u in utterances))
        summary["speakers"] = len({u.speaker for u in utterances})
    except ASRError:
        pass  # manifests not on this machine: their names are still recorded
    progress = ckpt.get("progress", {})
    summary.update({k: progress[k] for k in ("epoch", "step") if k in progress})
    if "train_seconds" in progress:
        summary["train_minutes"] = round(progress["train_seconds"] / 60, 1)
    return summary


def metadata(
    model: AcousticModel,
    ckpt: dict,
    dev_metrics: dict | None,
    quantization: str,
    command_threshold: float | None = None,
) -> dict[str, str]:
    shift = HOP_LENGTH * (2 if model.config.subsample else 1) / SAMPLE_RATE
    calibrated = {"command_threshold": str(command_threshold)} if command_threshold is not None else {}
    return calibrated | {
        "asr_format": runtime.FORMAT,
        "asr_format_version": str(runtime.FORMAT_VERSION),
        "asr_version": asr.__version__,
        "units": model.config.units,
        "vocabulary": json.dumps(list(vocab.unit_names(model.config.units))),
        "blank_index": "0",
        "sample_rate": str(SAMPLE_RATE),
        "frame_shift_s": str(shift),
        "model_config": json.dumps(dataclasses.asdict(model.config)),
        "training": json.dumps(training_summary(ckpt)),
        "dev_metrics": json.dumps(dev_metrics or {}),
        "quantization": quantization,
    }


def _write_metadata(src: Path, dst: Path, props: dict[str, str]) -> None:
    proto = onnx.load(str(src))
    del proto.metadata_props[:]
    for k, v in props.items():
        proto.metadata_props.add(key=k, value=v)
    onnx.save(proto, str(dst))


def export_graph(model: AcousticModel, path: Path) -> None:
    """The fp32 graph with dynamic batch and time axes."""
    model.eval()
    audio = torch.randn(2, SAMPLE_RATE) * 0.1  # (batch, samples): shapes are traced, then made dynamic
    lengths = torch.tensor([SAMPLE_RATE, SAMPLE_RATE // 2])
    with warnings.catch_warnings():  # the exporter's deprecation and RNN-batch notes, not the user's concern
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (audio, lengths),
            str(path),
            dynamo=False,
            opset_version=OPSET,
            input_names=["audio", "audio_lengths"],
            output_names=["log_probs", "frame_lengths"],
            dynamic_axes={
                "audio": {0: "batch", 1: "samples"},
                "audio_lengths": {0: "batch"},
                "log_probs": {0: "batch", 1: "frames"},
                "frame_lengths": {0: "batch"},
            },
        )


def quantizable(config: ModelConfig) -> bool:
    """Whether --int8 applies: onnxruntime has int8 kernels for LSTM weights, not GRU ones."""
    return config.cell == "lstm"


def quantize_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantization of the LSTM, subsampling and output weights; the front end
    (Fourier basis, mel filters) stays fp32, because its precision is the features' precision."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    proto = onnx.load(str(src))
    frontend = [n.name for n in proto.graph.node if n.name.startswith("/frontend/")]
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process is for image models
    try:
        quantize_dynamic(
            src,
            dst,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=frontend,
            op_types_to_quantize=["LSTM", "MatMul", "Gemm", "Conv"],
        )
    finally:
        logging.getLogger().setLevel(quiet)


def evaluate_onnx(path: Path, utterances: list[Utterance], threads: int = 0) -> dict:
    """Dev metrics of an exported file, measured with the torch-free runtime."""
    from asr.data import metrics

    recognizer = runtime.Recognizer(path, threads=threads)
    hyps = [t.text for t in recognizer.transcribe_batch([u.audio for u in utterances])]
    report = metrics.report([u.text for u in utterances], hyps, [u.source for u in utterances])
    keep = ("utterances", "cer", "wer", "accuracy", "accuracy_by_source", "twelve_class_accuracy")
    return {k: report[k] for k in keep if k in report}


@dataclasses.dataclass
class ExportResult:
    path: Path
    size_bytes: int
    dev_metrics: dict | None
    parity: float | None = None  # max |log-prob| difference to PyTorch on random audio (fp32 only)
    fp32_size_bytes: int | None = None  # with int8: the fp32 file it was quantized from
    fp32_dev_metrics: dict | None = None


def export(
    checkpoint: str | os.PathLike,
    out: str | os.PathLike,
    int8: bool = False,
    dev: list[str] | None = None,
    command_threshold: float | None = None,
) -> ExportResult:
    """Checkpoint -> ONNX file at `out` (written whole, then renamed: never half a file).

    dev: manifests to measure the exported file on (default: the checkpoint's dev manifests,
    when present); the metrics go into the file's metadata. With int8, the fp32 file is measured
    as well, for comparison. command_threshold: the runtime's default (Recognizer.command_threshold).
    """
    out = Path(out)
    if out.suffix != ".onnx":
        raise ASRError(f"--out '{out}' must end in .onnx")
    ckpt = load_checkpoint(checkpoint)
    model = build_model(ckpt).eval()
    if int8 and not quantizable(model.config):
        raise ASRError(
            f"'{checkpoint}' is a GRU model and onnxruntime has int8 kernels for LSTMs only; export it without --int8"
        )
    manifests = dev if dev is not None else [m for m in checkpoint_config(ckpt).dev_manifests if Path(m).is_file()]
    utterances = read_manifests(manifests) if manifests else []
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32, int8_path = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        export_graph(model, fp32)
        _write_metadata(fp32, fp32, metadata(model, ckpt, None, "none", command_threshold))
        path, quantization = fp32, "none"
        if int8:
            quantize_int8(fp32, int8_path)
            path, quantization = int8_path, "int8-dynamic"
            _write_metadata(path, path, metadata(model, ckpt, None, quantization, command_threshold))
        dev_metrics = evaluate_onnx(path, utterances) if utterances else None
        _write_metadata(path, path, metadata(model, ckpt, dev_metrics, quantization, command_threshold))
        result = ExportResult(out, path.stat().st_size, dev_metrics)
        if int8:
            result.fp32_size_bytes = fp32.stat().st_size
            result.fp32_dev_metrics = evaluate_onnx(fp32, utterances) if utterances else None
        else:
            rng = np.random.default_rng(0)
            audios = [0.1 * rng.standard_normal(int(s * SAMPLE_RATE)).astype(np.float32) for s in (0.3, 1.0, 2.5)]
            result.parity = max_abs_diff(model, runtime.Recognizer(path), audios)
        os.replace(path, out)
    return result


def max_abs_diff(model: AcousticModel, recognizer: runtime.Recognizer, audios: list[np.ndarray]) -> float:
    """Largest |log-prob| difference between PyTorch and onnxruntime on one padded batch."""
    lengths = torch.tensor([len(a) for a in audios])
    batch = torch.zeros(len(audios), int(lengths.max()))
    for i, a in enumerate(audios):
        batch[i, : len(a)] = torch.from_numpy(a)
    with torch.inference_mode():
        expected, frames = model.eval()(batch, lengths)
    got = recognizer.log_probs(audios)
    return max(float(np.abs(g - expected[i, : frames[i]].numpy()).max()) for i, g in enumerate(got))
