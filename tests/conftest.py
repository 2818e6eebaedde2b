"""Shared fixtures. Tests that read the real recordings in ../shared/data are marked `shared`:
outside CI, without that folder, they skip with the reason; in CI (CI=true) the folder must be
there and every test runs."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "audio"  # tiny real clips, kept in the repository
SHARED = Path(os.environ.get("ASR_SHARED_DATA", ROOT.parent / "shared" / "data"))
SC = SHARED / "speech_commands_v0.02_test_subset"
FSDD = SHARED / "free-spoken-digit-dataset" / "recordings"
NOISE = SHARED / "speech_commands_background_noise"
JACKSON = [
    FSDD / f"{d}_jackson_{n}.wav" for n in range(3) for d in range(10)
]  # an FSDD speaker the letter model trained on
HAVE_SHARED = SC.is_dir()


def pytest_configure(config):
    if not HAVE_SHARED and os.environ.get("CI"):
        pytest.exit(f"real recordings not found at {SHARED}; CI runs every test: set ASR_SHARED_DATA", returncode=1)


def pytest_collection_modifyitems(config, items):
    if HAVE_SHARED:
        return
    skip = pytest.mark.skip(reason=f"needs the real recordings at {SHARED} (set ASR_SHARED_DATA)")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def sc_clip() -> Path:
    """A Speech Commands speaker saying "yes"."""
    return FIXTURES / "yes_0cb74144_nohash_0.wav"


@pytest.fixture
def fsdd_clip() -> Path:
    """An FSDD speaker saying "seven", at 8 kHz."""
    return FIXTURES / "7_jackson_0.wav"


# The letter model trained on the real recordings (export/shared_real.pt), exported once per session,
# and the shipped phone model: the runtime, export and decoding tests share them.
CHECKPOINT = ROOT / "export" / "shared_real.pt"


@pytest.fixture(scope="session")
def torch_model():
    return _build_model(CHECKPOINT)


@pytest.fixture(scope="session")
def onnx_path(tmp_path_factory):
    from asr.train.export import export

    return export(CHECKPOINT, tmp_path_factory.mktemp("onnx") / "model.onnx", dev=[]).path


@pytest.fixture(scope="session")
def recognizer(onnx_path):
    from asr.runtime import Recognizer

    return Recognizer(onnx_path, threads=2)


@pytest.fixture(scope="session")
def shipped():
    """The shipped default model, which learnt from clips with about 0.25 s of quiet at each end."""
    from asr.runtime import Recognizer

    return Recognizer(ROOT / "asr" / "models" / "default.onnx", threads=2)


def _build_model(path: Path):
    from asr.train.checkpoint import build_model, load_checkpoint

    return build_model(load_checkpoint(path)).eval()


# Contexts: the built-in one, and with a user's coffee order (Rhino's syntax).
COFFEE = """\
context:
  expressions:
    orderDrink:
      - "[i want, i'd like, give me] (a, an) (@size) $drink:drink (please)"
      - "(can i have) (a, an) $size:size $drink:drink"
  slots:
    drink:
      - americano
      - latte: [caffe latte, cafe latte]
      - cappuccino
    size: [small, medium, large]
  macros:
    size: ["$size:size"]
"""


@pytest.fixture(scope="session")
def grammar():
    """The built-in context, compiled."""
    from asr.commands.intents import active_grammar

    return active_grammar()


@pytest.fixture(scope="session")
def coffee(tmp_path_factory):
    """The built-in context and a coffee-ordering one in Rhino's syntax, compiled."""
    from asr.commands.intents import active_grammar

    path = tmp_path_factory.mktemp("ctx") / "coffee.yaml"
    path.write_text(COFFEE)
    return active_grammar(path)
