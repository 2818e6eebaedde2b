import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ASR_SHARED_DATA", ROOT.parent / "shared" / "data"))
SC = SHARED / "speech_commands_v0.02_test_subset"
FSDD = SHARED / "free-spoken-digit-dataset" / "recordings"
NOISE = SHARED / "speech_commands_background_noise"

if not SC.is_dir():  # the suite runs on real recordings: fail loudly rather than skip
    sys.exit(f"real recordings not found at {SHARED}; set ASR_SHARED_DATA to the shared data folder")


@pytest.fixture
def sc_clip() -> Path:
    return sorted((SC / "yes").glob("*.wav"))[0]


@pytest.fixture
def fsdd_clip() -> Path:
    return FSDD / "7_jackson_0.wav"
