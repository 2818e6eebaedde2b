"""docs/api.md is generated from the public API's docstrings and kept up to date."""

import subprocess
import sys

from tests.conftest import ROOT


def test_the_api_reference_matches_the_docstrings():
    done = subprocess.run([sys.executable, "docs/make_api.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
