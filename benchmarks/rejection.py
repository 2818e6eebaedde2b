"""Command accuracy and out-of-grammar rejection on a dev set, and the confidence threshold.

    python benchmarks/rejection.py --model asr/models/default.onnx --data data/manifests/dev.jsonl

Every dev clip is decoded twice: greedy decoding + text parsing, and decoding constrained to the
built-in context. Commands are the clips whose transcript the built-in context accepts (the ten
Speech Commands keywords, digits); the others (the other Speech Commands words, `_silence_`
noise, sentences outside the context) must be rejected. Sentences of the context whose date has
already passed at the benchmark's fixed reference time ("wake me up this morning") are left out:
their right answer is neither an intent nor a rejection, but the parser's reason. Sweeps the
confidence threshold, plots false accepts against false rejects (rejection.png beside this
script), and prints the point where false rejects first reach 5% or less, and the equal-error
point. For the Speech Commands clips it also prints the 12-class accuracy of the whole system at
the default threshold: a keyword command is its keyword; a digit, another command or another
word is _unknown_; a rejected clip is _silence_ when its free transcript is empty, else _unknown_.

With --snr, every clip is first mixed with the --noise recordings (one per clip in turn, from a
seeded random point) at that signal-to-noise ratio:

    python benchmarks/rejection.py --data data/synth_eval/dev.jsonl --snr 6
"""

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from asr.app.hear import CommandRecognizer
from asr.audio import load_audio, mix_at_snr
from asr.commands.intents import active_grammar, understand
from asr.data.corpora import KEYWORDS, SILENCE, UNKNOWN
from asr.data.manifest import read_manifest
from asr.data.metrics import twelve_class
from asr.runtime import Recognizer

KITCHEN = "../shared/data/speech_commands_background_noise"


def _twelve_class(allowed, transcript, threshold: float) -> str:
    """What the system answers for a Speech Commands clip, as one of the 12 classes."""
    accepted = allowed is not None and transcript.command_confidence >= threshold
    if accepted and allowed.name == "command" and allowed.slots["word"] in KEYWORDS:
        return allowed.slots["word"]
    return SILENCE if not accepted and not transcript.text else UNKNOWN


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="asr/models/default.onnx")
    parser.add_argument("--data", default="data/manifests/dev.jsonl")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--beam", type=int, default=1, help="beam width of both searches, if above the runtime's own")
    parser.add_argument(
        "--limit", type=int, default=0, help="score only every k-th clip so that about this many remain"
    )
    parser.add_argument("--plot", default=str(Path(__file__).with_name("rejection.png")))
    parser.add_argument("--snr", type=float, default=None, help="mix noise into every clip at this SNR (dB)")
    parser.add_argument(
        "--noise",
        nargs="+",
        default=[f"{KITCHEN}/doing_the_dishes.wav", f"{KITCHEN}/running_tap.wav"],
        help="noise recordings for --snr (default: kitchen-like Speech Commands noise)",
    )
    args = parser.parse_args()

    now = datetime(2026, 11, 24, 15, tzinfo=UTC)  # one fixed reference for references and hypotheses
    grammar = active_grammar()
    constrained = CommandRecognizer(Recognizer(args.model, threads=args.threads, beam=args.beam), grammar)
    greedy = Recognizer(args.model, threads=args.threads)
    rows = []
    utterances = read_manifest(args.data)
    if args.limit and len(utterances) > args.limit:
        utterances = utterances[:: -(-len(utterances) // args.limit)]
    noises = [load_audio(f) for f in args.noise] if args.snr is not None else []
    rng = np.random.default_rng(0)
    unresolved = 0
    for i, u in enumerate(tqdm(utterances, desc="decode", unit="clip")):
        expected = understand(u.text, grammar, now)
        if expected.name is None and grammar.parse(u.text) is not None:
            unresolved += 1  # a command whose date has passed at `now`: neither to accept nor to reject
            continue
        audio = load_audio(u.audio)
        if noises:
            audio = mix_at_snr(audio, noises[i % len(noises)], args.snr, rng.random()).astype(np.float32)
        t = constrained.transcribe(audio)
        allowed = understand(t.command_text, grammar, now) if t.command_text else None
        parsed = understand(greedy.transcribe(audio).text, grammar, now)
        answer = constrained.intent_of(t, now)  # what `asr transcribe --context` answers: the system end to end
        rows.append(
            {
                "command": expected.name is not None,
                "want": (expected.name, expected.slots),
                "constrained": (allowed.name, allowed.slots) if allowed else (None, {}),
                "greedy": (parsed.name, parsed.slots),
                "answer": (answer.name, answer.slots),
                "confidence": t.command_confidence,
                "source": u.source,
                "twelve": (twelve_class(u.text), _twelve_class(allowed, t, constrained.threshold)),
            }
        )

    commands = [r for r in rows if r["command"]]
    others = [r for r in rows if not r["command"]]
    acc = {k: np.mean([r[k] == r["want"] for r in commands]) for k in ("constrained", "greedy")}
    greedy_fa = np.mean([r["greedy"][0] is not None for r in others])
    answered = np.mean([r["answer"] == r["want"] for r in commands])
    answer_fa = np.mean([r["answer"][0] is not None for r in others])
    noisy = f" with noise at {args.snr:g} dB SNR" if noises else ""
    print(
        f"{len(commands)} command clips, {len(others)} non-command clips ({args.data}{noisy}); "
        f"{unresolved} commands left out, their date already past at {now:%H:%M} UTC"
    )
    print(
        f"command accuracy (intent and slots exact, no rejection): constrained {100 * acc['constrained']:.1f}%  "
        f"greedy + text parsing {100 * acc['greedy']:.1f}%"
    )
    print(f"greedy + text parsing accepts {100 * greedy_fa:.1f}% of non-command clips")
    print(
        f"end to end (intent_of at the model's threshold, grammar then open words): commands exact "
        f"{100 * answered:.1f}%, non-commands accepted {100 * answer_fa:.1f}%"
    )
    conf_cmd = np.array([r["confidence"] for r in commands])
    conf_other = np.array([r["confidence"] for r in others])
    thresholds = np.linspace(0, 1, 201)
    fr = np.array([np.mean(conf_cmd < t) for t in thresholds])  # commands rejected
    fa = np.array([np.mean(conf_other >= t) for t in thresholds])  # non-commands accepted
    correct = np.array(
        [np.mean([(r["confidence"] >= t) and r["constrained"] == r["want"] for r in commands]) for t in thresholds]
    )
    eer = int(np.argmin(np.abs(fr - fa)))
    five = int(np.flatnonzero(fr <= 0.05).max())
    for label, i in (("false rejects <= 5%", five), ("equal error", eer)):
        print(
            f"{label}: threshold {thresholds[i]:.3f}  false accepts {100 * fa[i]:.1f}%  false rejects "
            f"{100 * fr[i]:.1f}%  commands accepted and exact {100 * correct[i]:.1f}%"
        )
    by_source = {
        s: np.mean([r["constrained"] == r["want"] for r in commands if r["source"] == s])
        for s in sorted({r["source"] for r in commands})
    }
    print("constrained command accuracy by source:", json.dumps({k: round(float(v), 3) for k, v in by_source.items()}))
    by_intent = {
        i: (
            np.mean([r["constrained"] == r["want"] for r in commands if r["want"][0] == i]),
            sum(r["want"][0] == i for r in commands),
        )
        for i in sorted({r["want"][0] for r in commands})
    }
    print(
        "constrained command accuracy by intent:",
        json.dumps({k: f"{100 * a:.1f}% of {n}" for k, (a, n) in by_intent.items()}),
    )
    default = constrained.threshold
    at = int(np.searchsorted(thresholds, default))
    print(
        f"at the model's threshold {default}: false accepts {100 * fa[at]:.1f}%  false rejects "
        f"{100 * fr[at]:.1f}%  commands accepted and exact {100 * correct[at]:.1f}%"
    )
    twelve = [r["twelve"] for r in rows if r["source"] == "speech_commands"]
    if twelve:
        print(
            f"Speech Commands 12-class accuracy through the built-in context at the default threshold: "
            f"{100 * np.mean([want == got for want, got in twelve]):.1f}% of {len(twelve)} clips"
        )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(100 * fr, 100 * fa)
    for i, marker in ((five, "o"), (eer, "s")):
        ax.plot(100 * fr[i], 100 * fa[i], marker, label=f"threshold {thresholds[i]:.2f}")
    ax.set(
        xlabel="commands rejected (%)",
        ylabel="non-commands accepted (%)",
        xlim=(0, 100),
        ylim=(0, 100),
        title="Out-of-grammar rejection on the dev set",
    )
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=100)
    print(f"curve in {args.plot}")


if __name__ == "__main__":
    main()
