"""`python -m asr`: the same command line as `asr`."""

from cli import app

app(prog_name="asr")
