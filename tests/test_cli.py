"""User mistakes at the command line: one line naming the problem and the fix, exit code 1."""

import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--config", "configs/nope.toml"], "not found"),
        (["train", "--set", "epoch=3"], "unknown config key(s) ['epoch']"),
        (["train", "--set", "train_manifests=['/nonexistent/train.jsonl']"], "prepare-shared"),
        (
            ["eval", "--checkpoint", "runs/none/best.pt", "--data", "x.jsonl"],
            "checkpoint 'runs/none/best.pt' not found",
        ),
        (["data", "download", "timit"], "unknown dataset 'timit'; available: speech-commands, librispeech, kokoro"),
        (["data", "download", "speech-commands", "--version", "v9"], "unknown Speech Commands version"),
        (["transcribe", "data/examples/yes.wav", "--context", "nope.yaml"], "context file 'nope.yaml' not found"),
        (
            ["transcribe", "data/examples/yes.wav", "--context", "data/examples/yes.wav"],
            "is not UTF-8 text; a context is",
        ),
        (["intent", "wake me up at seven", "--tz", "Mars/Base"], "unknown time zone 'Mars/Base'"),
        (["intent", "wake me up at seven", "--now", "yesterday"], "is not an ISO date-time"),
        (["transcribe", "data/examples/yes.wav", "--model", "nope.onnx"], "model 'nope.onnx' not found"),
    ],
)
def test_user_mistakes_get_one_line(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert message in result.output and result.output.strip().count("\n") == 0
    assert "Traceback" not in result.output


def test_manifest_error_names_file_and_line(tmp_path):
    bad = tmp_path / "train.jsonl"
    bad.write_text('{"audio": "a.wav", "text": "hello"}\n{"audio": "b.wav", "text": "50%"}\n')
    result = CliRunner().invoke(app, ["train", "--set", f"train_manifests=['{bad}']", "--set", "dev_manifests=[]"])
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.output and "outside the vocabulary" in result.output


def test_help_lists_the_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("train", "eval", "data", "export", "transcribe", "intent", "reminders"):
        assert command in result.output


def test_cuda_without_cuda_is_one_warning_line():
    """In a process of its own: pytest captures warnings in this one."""
    asr = str(Path(sys.executable).with_name("asr"))
    result = subprocess.run(
        [asr, "transcribe", "data/examples/yes.wav", "--provider", "cuda"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stdout.startswith("data/examples/yes.wav: yes")
    assert result.stderr == "warning: CUDA provider not available (pip install 'asr[gpu]'); running on the CPU\n"


def test_context_show_lists_intents_slots_and_sentences_it_accepts(tmp_path):
    from datetime import datetime

    from asr.commands.intents import active_grammar, understand

    path = tmp_path / "coffee.yaml"
    path.write_text(
        'context:\n  expressions:\n    orderDrink:\n      - "[i want, give me] (a) $size:size $drink:drink"\n'
        "  slots:\n    drink: [latte, americano]\n    size: [small, large]\n"
    )
    result = CliRunner().invoke(app, ["context", "show", str(path), "--examples", "4"])
    assert result.exit_code == 0
    head, *sentences = result.stdout.splitlines()
    assert head == "orderDrink  slots: size (size), drink (drink)" and len(sentences) == 4
    grammar = active_grammar(path)
    now = datetime(2026, 11, 24, 15, tzinfo=UTC)
    assert all(understand(s.strip(), grammar, now).name == "orderDrink" for s in sentences)
    builtin = CliRunner().invoke(app, ["context", "show"]).stdout
    assert "set_reminder  slots: datetime (asr.DateTime), task (asr.Text)" in builtin and "list_alarms" in builtin
