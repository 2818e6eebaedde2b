"""Checkpoints: weights, optimizer, scheduler and RNG state, plus the model config, the vocabulary
and the training config, so a checkpoint alone rebuilds the model and resumes the run.

Writes go to a temporary file that is renamed into place: a crash never corrupts the last good
checkpoint. Reads use `weights_only=True`: a checkpoint can't run code.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import torch

from asr.errors import ASRError
from asr.runtime import vocab
from asr.train.config import TrainConfig, config_from_dict, config_to_dict
from asr.train.model import AcousticModel, ModelConfig

FORMAT_VERSION = 1


def save_checkpoint(path: str | os.PathLike, model: AcousticModel, config: TrainConfig, **state) -> None:
    path = Path(path)
    payload = {
        "format_version": FORMAT_VERSION,
        "model_config": dataclasses.asdict(model.config),
        "train_config": config_to_dict(config),
        "vocab": list(vocab.unit_names(model.config.units)),
        "model": model.state_dict(),
        **state,
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str | os.PathLike) -> dict:
    path = Path(path)
    if not path.is_file():
        found = sorted(str(p) for p in Path("runs").glob("*/*.pt")) if Path("runs").is_dir() else []
        hint = f"available: {', '.join(found[:5])}" if found else "train one with 'asr train'"
        raise ASRError(f"checkpoint '{path}' not found; {hint}")
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises RuntimeError, UnpicklingError, EOFError... for a bad file
        raise ASRError(f"'{path}' is not a readable checkpoint ({type(e).__name__}); it may be truncated") from None
    if not isinstance(ckpt, dict) or ckpt.get("format_version") != FORMAT_VERSION:
        raise ASRError(f"'{path}' is not an asr checkpoint of format {FORMAT_VERSION}")
    if tuple(ckpt["vocab"]) != vocab.unit_names(ckpt["model_config"].get("units", "letters")):
        raise ASRError(f"'{path}' was trained with another vocabulary; retrain it with this version of asr")
    return ckpt


def checkpoint_config(ckpt: dict) -> TrainConfig:
    return config_from_dict(ckpt["train_config"])


def build_model(ckpt: dict, expected: ModelConfig | None = None) -> AcousticModel:
    """The checkpoint's model with its weights; `expected` guards a resume or a fine-tuning run
    against a changed shape."""
    config = ModelConfig.from_dict(ckpt["model_config"])
    if expected is not None and expected != config:
        changed = {
            k: (v, getattr(expected, k)) for k, v in dataclasses.asdict(config).items() if getattr(expected, k) != v
        }
        raise ASRError(
            f"the checkpoint's model differs from the config (checkpoint, config): {changed}; "
            "give the config the checkpoint's [model] settings, or start a new run name"
        )
    model = AcousticModel(config)
    model.load_state_dict(ckpt["model"])
    return model


# The letter that most often spells each phone: a phone model started from a letter model's
# weights starts its output layer there, so it reads phones from the first step instead of
# relearning the output layer from blanks (6 epochs left it at 93% phone errors; see MODEL_CARD).
LETTER_OF_PHONE = {
    "AA": "o",
    "AE": "a",
    "AH": "u",
    "AO": "o",
    "AW": "o",
    "AY": "i",
    "B": "b",
    "CH": "c",
    "D": "d",
    "DH": "t",
    "EH": "e",
    "ER": "r",
    "EY": "a",
    "F": "f",
    "G": "g",
    "HH": "h",
    "IH": "i",
    "IY": "e",
    "JH": "j",
    "K": "k",
    "L": "l",
    "M": "m",
    "N": "n",
    "NG": "n",
    "OW": "o",
    "OY": "o",
    "P": "p",
    "R": "r",
    "S": "s",
    "SH": "s",
    "T": "t",
    "TH": "t",
    "UH": "u",
    "UW": "u",
    "V": "v",
    "W": "w",
    "Y": "y",
    "Z": "z",
    "ZH": "s",
}


def init_model(ckpt: dict, config: ModelConfig) -> AcousticModel:
    """A new run's model started from a checkpoint's weights (fine-tuning). Its [model] must match
    the config's, except the units: a phone model may start from a letter model, every encoder
    weight kept, each phone's output row copied from the letter that most often spells it."""
    saved = ModelConfig.from_dict(ckpt["model_config"])
    if saved.units == config.units:
        return build_model(ckpt, expected=config)
    build_model(ckpt, expected=dataclasses.replace(config, units=saved.units))  # every other setting must match
    if (saved.units, config.units) != ("letters", "phones"):
        raise ASRError(f"a {config.units} model cannot start from a {saved.units} model; start it from a letter model")
    model = AcousticModel(config)
    letters = vocab.unit_names("letters")
    rows = [letters.index(vocab.BLANK)] + [letters.index(LETTER_OF_PHONE[p]) for p in vocab.unit_names("phones")[1:]]
    state = {k: v for k, v in ckpt["model"].items() if not k.startswith("output.")}
    state["output.weight"] = ckpt["model"]["output.weight"][rows].clone()  # (40, hidden * directions)
    state["output.bias"] = ckpt["model"]["output.bias"][rows].clone()  # (40,)
    model.load_state_dict(state)
    return model
