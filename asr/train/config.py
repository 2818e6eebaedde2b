"""Training configuration: a dataclass read from TOML, with `key=value` overrides from the CLI.

The merged config (model included) is saved inside every checkpoint, so loading a model never
needs the TOML file again.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from asr.errors import ASRError
from asr.train.model import ModelConfig


@dataclass(frozen=True)
class TrainConfig:
    name: str = "run"  # run folder under out_dir
    out_dir: str = "runs"  # where run folders go
    train_manifests: tuple[str, ...] = ("data/manifests/train.jsonl",)  # JSON-lines manifests to train on
    dev_manifests: tuple[str, ...] = ("data/manifests/dev.jsonl",)  # picked the best checkpoint by CER
    noise_dir: str = "../shared/data/speech_commands_background_noise"  # .wav noise to mix in; "" for none
    seed: int = 0  # one seed for order, augmentation and initialisation
    init_from: str = ""  # a checkpoint whose weights start the run (fine-tuning); its [model] must match, but for units
    epochs: int = 60  # passes over the training set
    batch_size: int = 64  # utterances per step (per process under torchrun)
    bucket_batches: int = 50  # length-sorting window, in batches: less padding, still shuffled
    lr: float = 2e-3  # AdamW peak learning rate
    weight_decay: float = 1e-2  # AdamW decoupled weight decay
    warmup_steps: int = 300  # linear warm-up, then cosine decay to lr_min_ratio * lr
    lr_min_ratio: float = 0.02  # floor of the cosine decay, as a fraction of lr
    grad_clip: float = 5.0  # max global gradient norm
    speed_factors: tuple[float, ...] = (0.9, 1.0, 1.1)  # speed perturbation, one picked per utterance
    noise_prob: float = 0.6  # fraction of utterances mixed with background noise
    snr_db: tuple[float, float] = (0.0, 30.0)  # noise SNR range, drawn uniformly
    gain_db: tuple[float, float] = (-12.0, 6.0)  # random level change
    trim_prob: float = 0.0  # fraction of utterances cut to their speech first, as tightly as FSDD's clips
    pad_s: float = 0.0  # up to this much silence added at each end (noise, when mixed, fills it)
    band_limit_prob: float = 0.0  # fraction of utterances passed through 8 kHz sampling (telephone band)
    freq_warp: tuple[float, float] = (1.0, 1.0)  # vocal-tract length perturbation factor range
    freq_masks: int = 2  # SpecAugment frequency masks per utterance
    freq_mask_width: int = 12  # max mel bins per frequency mask
    time_masks: int = 2  # SpecAugment time masks per utterance
    time_mask_width: int = 12  # max frames per time mask
    num_workers: int = 2  # DataLoader worker processes (0: load in the main process)
    amp: bool = True  # bfloat16 autocast on CUDA (ignored on CPU)
    max_minutes: float = 0.0  # stop after this much training wall time, summed across resumes (0: no limit)
    model: ModelConfig = field(default_factory=ModelConfig)

    def __post_init__(self):
        checks = {
            "epochs": self.epochs >= 1,
            "batch_size": self.batch_size >= 1,
            "lr": self.lr > 0,
            "noise_prob": 0.0 <= self.noise_prob <= 1.0,
            "pad_s": self.pad_s >= 0.0,
            "band_limit_prob": 0.0 <= self.band_limit_prob <= 1.0,
            "trim_prob": 0.0 <= self.trim_prob <= 1.0,
            "freq_warp": 0 < self.freq_warp[0] <= self.freq_warp[1],
            "speed_factors": len(self.speed_factors) > 0 and all(f > 0 for f in self.speed_factors),
            "snr_db": self.snr_db[0] <= self.snr_db[1],
            "train_manifests": len(self.train_manifests) > 0,
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            raise ASRError(f"invalid training config value(s) for {bad}: {[getattr(self, k) for k in bad]}")


def _from_dict(cls, values: dict, where: str):
    """Build a (nested) dataclass, refusing unknown keys with the list of valid ones."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ASRError(f"unknown config key(s) {unknown} in {where}; valid keys: {sorted(fields)}")
    kwargs = {}
    for k, v in values.items():
        if k == "model" and cls is TrainConfig:
            v = v if isinstance(v, ModelConfig) else _from_dict(ModelConfig, v, f"{where} [model]")
        else:
            v = _typed(k, v, fields[k], where)
        kwargs[k] = v
    try:
        return cls(**kwargs)
    except ValueError as e:
        raise ASRError(f"{where}: {e}") from None


def _typed(key: str, value, spec: dataclasses.Field, where: str):
    """`value` as the type of the field's default; a value of another type is refused, so that
    a typo never reaches training as a string (bidirectional="false" would be true)."""
    default = spec.default_factory() if spec.default is dataclasses.MISSING else spec.default
    if isinstance(default, tuple):
        ok = isinstance(value, (list, tuple)) and all(isinstance(x, (str, int, float)) for x in value)
        value, kind = (tuple(value) if ok else value), "list, e.g. [1.0, 2.0]"
    elif isinstance(default, bool):
        ok, kind = isinstance(value, bool), "boolean: true or false"
    elif isinstance(default, float):
        ok, kind = isinstance(value, (int, float)) and not isinstance(value, bool), "number"
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "whole number"
    else:
        ok, kind = isinstance(value, str), "string"
    if not ok:
        raise ASRError(f"{where}: {key} must be a {kind}, got {value!r}")
    return value


def _parse_override(item: str) -> tuple[list[str], object]:
    """`key=value`, the value read as TOML (true, 3, 2e-3, [0.9, 1.1], "x"); anything else
    is a bare string (name=baseline)."""
    if "=" not in item:
        raise ASRError(f"override {item!r} must look like key=value, e.g. epochs=10 or model.hidden=128")
    key, raw = item.split("=", 1)
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip().split("."), value


def load_config(path: str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> TrainConfig:
    """TOML file (optional) + `key=value` overrides (dotted for the model: model.hidden=128)."""
    values: dict = {}
    if path:
        p = Path(path)
        if not p.is_file():
            raise ASRError(f"config '{path}' not found; see configs/ for examples")
        try:
            values = tomllib.loads(p.read_text())
        except tomllib.TOMLDecodeError as e:
            raise ASRError(f"config '{path}' is not valid TOML: {e}") from None
    for item in overrides:
        keys, value = _parse_override(item)
        target = values
        for k in keys[:-1]:
            target = target.setdefault(k, {})
            if not isinstance(target, dict):
                raise ASRError(f"override {item!r}: '{k}' is not a section")
        target[keys[-1]] = value
    return _from_dict(TrainConfig, values, f"'{path}'" if path else "the overrides")


def config_to_dict(config: TrainConfig) -> dict:
    return dataclasses.asdict(config)


def config_from_dict(values: dict) -> TrainConfig:
    """The inverse of config_to_dict, for configs read back from a checkpoint (whose [model] may
    hold vocab_size, saved before it was derived from the units)."""
    model = {k: v for k, v in values.get("model", {}).items() if k != "vocab_size"}
    return _from_dict(TrainConfig, {**values, "model": model}, "the checkpoint's config")
