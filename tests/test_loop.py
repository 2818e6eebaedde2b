"""Training end to end on real recordings: overfitting, checkpoints, exact resume, Ctrl+C, DDP, eval."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from typer.testing import CliRunner

from asr.data import metrics
from asr.data.corpora import KEYWORDS
from asr.data.manifest import read_manifest, write_manifest
from asr.errors import ASRError
from asr.runtime import vocab
from asr.train import checkpoint, loop
from asr.train.config import TrainConfig, load_config
from asr.train.evaluate import greedy_transcripts
from cli import app
from tests.conftest import ROOT, SC

pytestmark = [pytest.mark.slow, pytest.mark.shared]


@pytest.fixture(scope="module")
def twenty(tmp_path_factory):
    """20 real Speech Commands clips: two of each keyword, from different speakers."""
    from asr.data.corpora import speech_commands_12class

    clips = [u for u in speech_commands_12class(SC) if u.text in KEYWORDS]
    chosen = [u for w in KEYWORDS for u in [u for u in clips if u.text == w][:2]]
    path = tmp_path_factory.mktemp("data") / "twenty.jsonl"
    write_manifest(path, chosen)
    return path


OVERFIT = ("epochs=40", "batch_size=10", "lr=3e-3", "warmup_steps=50")


def tiny_config(manifest, out_dir, *overrides):
    """No augmentation, a small model: what a test can train in seconds."""
    return load_config(
        None,
        [
            f"train_manifests=['{manifest}']",
            f"dev_manifests=['{manifest}']",
            f"out_dir='{out_dir}'",
            "noise_dir=''",
            "num_workers=0",
            "speed_factors=[1.0]",
            "noise_prob=0.0",
            "gain_db=[0.0, 0.0]",
            "freq_masks=0",
            "time_masks=0",
            "batch_size=10",
            "model.hidden=96",
            "model.layers=2",
            "model.conv_channels=128",
            "model.dropout=0.0",
            *overrides,
        ],
    )


@pytest.fixture(scope="module")
def overfit(twenty, tmp_path_factory):
    """Trains on the 20 clips repeated 10 times per epoch (fewer epochs: less per-epoch overhead)."""
    repeated = twenty.with_name("twenty_x10.jsonl")
    write_manifest(repeated, read_manifest(twenty) * 10)
    out = tmp_path_factory.mktemp("runs")
    return loop.train(tiny_config(twenty, out, f"train_manifests=['{repeated}']", "name='overfit'", *OVERFIT))


def test_small_model_overfits_twenty_real_utterances(overfit, twenty):
    model = checkpoint.build_model(checkpoint.load_checkpoint(overfit / "best.pt"))
    utterances = read_manifest(twenty)
    hyps = greedy_transcripts(model, utterances)
    cer = metrics.error_rates([u.text for u in utterances], hyps)["cer"]
    assert cer < 0.05, list(zip([u.text for u in utterances], hyps))
    rows = (overfit / "metrics.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,step,train_loss,dev_cer") and len(rows) == 41
    assert (overfit / "metrics.png").stat().st_size > 10_000


def test_checkpoint_round_trip_is_exact_and_self_describing(overfit):
    ckpt = checkpoint.load_checkpoint(overfit / "last.pt")
    assert ckpt["model_config"]["hidden"] == 96 and ckpt["train_config"]["epochs"] == 40
    assert ckpt["vocab"][0] == "<blank>" and ckpt["progress"]["epoch"] == 40
    model = checkpoint.build_model(ckpt).eval()
    again = checkpoint.build_model(checkpoint.load_checkpoint(overfit / "last.pt")).eval()
    audio, lengths = 0.1 * torch.randn(2, 12000), torch.tensor([12000, 7000])
    assert torch.equal(model(audio, lengths)[0], again(audio, lengths)[0])


def test_eval_command_reports_and_plots(overfit, twenty, tmp_path):
    result = CliRunner().invoke(
        app, ["eval", "--checkpoint", str(overfit / "best.pt"), "--data", str(twenty), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["utterances"] == 20 and report["twelve_class_accuracy"] >= 0.95
    assert set(report["accuracy_by_word"]) == set(KEYWORDS)
    assert (tmp_path / "twelve_class_confusion.png").stat().st_size > 10_000
    assert "12-class accuracy" in result.output and "per word: down" in result.output


def _weights(run_dir, name="last.pt"):
    return checkpoint.load_checkpoint(run_dir / name)["model"]


def test_resume_after_a_mid_epoch_stop_continues_exactly(twenty, tmp_path, monkeypatch):
    common = (
        "epochs=3",
        "batch_size=6",
        "freq_masks=2",
        "time_masks=2",
        "model.dropout=0.2",
        "speed_factors=[0.9, 1.0, 1.1]",
        "gain_db=[-6.0, 6.0]",
    )  # randomness that must replay
    straight = loop.train(tiny_config(twenty, tmp_path, "name='straight'", *common))

    calls = {"n": 0}

    def stop_at_step_five(self, distributed, device):
        calls["n"] += 1
        return calls["n"] == 5  # in epoch 2 (4 steps per epoch)

    with monkeypatch.context() as m:
        m.setattr(loop.StopFlag, "agreed", stop_at_step_five)
        stopped = loop.train(tiny_config(twenty, tmp_path, "name='resumed'", *common))
    assert checkpoint.load_checkpoint(stopped / "last.pt")["progress"]["batch"] == 1
    loop.train(tiny_config(twenty, tmp_path, "name='resumed'", *common), resume=True)
    a, b = _weights(straight), _weights(stopped)
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_resume_with_another_model_shape_is_refused(overfit, twenty):
    config = tiny_config(twenty, overfit.parent, "name='overfit'", "epochs=41", "model.hidden=64")
    with pytest.raises(ASRError, match="differs from the config.*hidden"):
        loop.train(config, resume=True)


def test_fine_tuning_starts_from_the_checkpoint_weights(overfit, twenty, tmp_path):
    """One epoch at a tiny learning rate keeps what the start checkpoint knows; a new model knows nothing."""
    run = loop.train(
        tiny_config(twenty, tmp_path, "name='tuned'", "epochs=1", "lr=1e-6", f"init_from='{overfit / 'best.pt'}'")
    )
    utterances = read_manifest(twenty)
    hyps = greedy_transcripts(checkpoint.build_model(checkpoint.load_checkpoint(run / "last.pt")), utterances)
    assert metrics.error_rates([u.text for u in utterances], hyps)["cer"] < 0.05, hyps
    with pytest.raises(ASRError, match="differs from the config.*hidden"):
        loop.train(
            tiny_config(twenty, tmp_path, "name='other'", "model.hidden=64", f"init_from='{overfit / 'best.pt'}'")
        )


def test_a_phone_model_starts_from_a_letter_models_encoder(overfit, twenty, tmp_path):
    """Fine-tuning across units keeps every encoder weight; each phone's output row is its letter's."""
    letters = checkpoint.load_checkpoint(overfit / "best.pt")
    config = tiny_config(twenty, tmp_path, "model.units='phones'", f"init_from='{overfit / 'best.pt'}'")
    model = checkpoint.init_model(letters, config.model)
    assert model.config.units == "phones" and model.output.out_features == 40
    state = model.state_dict()
    assert all(torch.equal(state[k], v) for k, v in letters["model"].items() if not k.startswith("output."))
    k, a = vocab.unit_names("letters").index("k"), vocab.unit_names("phones").index("K")
    assert torch.equal(state["output.weight"][a], letters["model"]["output.weight"][k])
    assert torch.equal(state["output.bias"][0], letters["model"]["output.bias"][0])  # the blank's


def test_new_run_over_existing_checkpoints_is_refused(overfit, twenty):
    with pytest.raises(ASRError, match="--resume"):
        loop.train(tiny_config(twenty, overfit.parent, "name='overfit'"))


def test_truncated_checkpoint_is_reported(overfit, tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes((overfit / "last.pt").read_bytes()[:5000])
    with pytest.raises(ASRError, match="not a readable checkpoint"):
        checkpoint.load_checkpoint(bad)
    result = CliRunner().invoke(app, ["eval", "--checkpoint", str(bad), "--data", str(bad)])
    assert result.exit_code == 1 and result.output.count("\n") == 1


def _cli_args(twenty, out_dir, *overrides):
    sets = [
        f"train_manifests=['{twenty}']",
        f"dev_manifests=['{twenty}']",
        f"out_dir='{out_dir}'",
        "noise_dir=''",
        "num_workers=0",
        "batch_size=4",
        "model.hidden=32",
        "model.layers=1",
        *overrides,
    ]
    return [a for s in sets for a in ("--set", s)]


@pytest.mark.parametrize("workers", [0, 2])
def test_ctrl_c_leaves_a_resumable_checkpoint(twenty, tmp_path, workers):
    """A terminal's Ctrl+C reaches the whole process group, DataLoader workers included."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "asr.train",
        *_cli_args(twenty, tmp_path, "name='sig'", "epochs=500", f"num_workers={workers}"),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    last = tmp_path / "sig" / "last.pt"
    deadline = time.time() + 120
    while not last.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert last.exists(), "no checkpoint after two minutes"
    time.sleep(0.5)  # into the next epoch, with its workers running
    os.killpg(proc.pid, signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "resume with" in output
    progress = checkpoint.load_checkpoint(last)["progress"]
    resumed = subprocess.run(
        cmd[:-2] + ["--set", f"epochs={progress['epoch'] + 1}", "--resume"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert checkpoint.load_checkpoint(last)["progress"]["epoch"] == progress["epoch"] + 1


def test_same_loop_runs_under_torchrun_with_two_processes(twenty, tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "asr.train",
        *_cli_args(twenty, tmp_path, "name='ddp'", "epochs=2"),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 process(es) on cpu" in result.stdout
    assert result.stdout.count("epoch 2:") == 1  # rank 0 alone logs
    rows = (tmp_path / "ddp" / "metrics.csv").read_text().splitlines()
    assert len(rows) == 3 and checkpoint.load_checkpoint(tmp_path / "ddp" / "last.pt")["progress"]["epoch"] == 2


def test_a_batch_with_non_finite_gradients_is_skipped(twenty, tmp_path, monkeypatch):
    real, calls = loop.compute_loss, {"n": 0}

    def nan_on_third_batch(*args):
        calls["n"] += 1
        loss = real(*args)
        return loss * float("nan") if calls["n"] == 3 else loss

    monkeypatch.setattr(loop, "compute_loss", nan_on_third_batch)
    run = loop.train(tiny_config(twenty, tmp_path, "name='nan'", "epochs=2", "batch_size=5"))
    weights = _weights(run)
    assert all(torch.isfinite(w).all() for w in weights.values() if w.is_floating_point())
    progress = checkpoint.load_checkpoint(run / "last.pt")["progress"]
    assert (progress["epoch"], progress["step"]) == (2, 8)  # 4 batches an epoch, the skipped one counted
    assert "nan" not in (run / "metrics.csv").read_text()


def test_non_finite_weights_never_overwrite_a_checkpoint(overfit, tmp_path):
    ckpt = checkpoint.load_checkpoint(overfit / "last.pt")
    model = checkpoint.build_model(ckpt)
    before = (overfit / "best.pt").read_bytes()
    with torch.no_grad():
        next(model.parameters())[0] = float("nan")
    config = load_config(None, ["name='overfit'"])
    with pytest.raises(ASRError, match="non-finite weights.*left as it was"):
        loop.save(overfit, "best.pt", model, config, None, None, loop.Progress(**ckpt["progress"]))
    assert (overfit / "best.pt").read_bytes() == before


def test_schedule_resumed_with_more_data_still_ends_at_its_floor():
    """43 epochs of 796 batches, then resumed to 80 epochs after the data grew to 962 batches an
    epoch: the cosine must reach lr_min_ratio at the last step, not stop short of it (an
    epochs x batches length ended this run at 7.5% of the peak instead of 2%)."""
    config = TrainConfig(epochs=80, warmup_steps=500, lr_min_ratio=0.02)
    resumed = loop.Progress(epoch=43, step=43 * 796)
    total = loop.schedule_steps(config, resumed, batches_per_epoch=962)
    assert total == 43 * 796 + 37 * 962
    assert loop.lr_lambda(config, total)(total) == pytest.approx(0.02)
    # Unchanged data: mid-epoch or not, the same length as a run never stopped.
    stopped = loop.Progress(epoch=5, batch=30, step=5 * 100 + 30)
    assert loop.schedule_steps(config, stopped, 100) == loop.schedule_steps(config, loop.Progress(), 100) == 8000


def test_a_phone_model_learns_the_keywords_phones(twenty, tmp_path):
    """model.units = "phones": targets through the lexicon, 40 outputs, greedy phone transcripts."""
    repeated = twenty.with_name("twenty_x10_phones.jsonl")
    write_manifest(repeated, read_manifest(twenty) * 10)
    run = loop.train(
        tiny_config(
            twenty, tmp_path, f"train_manifests=['{repeated}']", "name='phones'", "model.units='phones'", *OVERFIT
        )
    )
    ckpt = checkpoint.load_checkpoint(run / "best.pt")
    assert ckpt["vocab"][:3] == ["<blank>", "AA", "AE"] and len(ckpt["vocab"]) == 40
    model = checkpoint.build_model(ckpt)
    assert model.config.units == "phones" and model.output.out_features == 40
    utterances = read_manifest(twenty)
    hyps = greedy_transcripts(model, utterances)
    refs = [
        (
            {
                "yes": "Y EH S",
                "no": "N OW",
                "up": "AH P",
                "down": "D AW N",
                "left": "L EH F T",
                "right": "R AY T",
                "on": "AA N",
                "off": "AO F",
                "stop": "S T AA P",
                "go": "G OW",
            }[u.text]
        )
        for u in utterances
    ]  # CMUdict's first pronunciations
    assert metrics.error_rates(refs, hyps)["wer"] < 0.1, list(zip(refs, hyps))  # WER over phones: PER


def test_a_checkpoint_from_before_units_loads_as_letters():
    ckpt = checkpoint.load_checkpoint(ROOT / "export" / "letters.pt")  # saved with vocab_size, no units
    assert "vocab_size" in ckpt["model_config"] and checkpoint.build_model(ckpt).config.units == "letters"
