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
