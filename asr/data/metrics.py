"""Recognition metrics on (reference, hypothesis) text pairs: CER, WER, per-word and per-source
accuracy, and the Speech Commands 12-class accuracy."""

from __future__ import annotations

from collections import Counter, defaultdict

import jiwer

from asr.data.corpora import KEYWORDS, SILENCE, UNKNOWN

TWELVE_CLASSES = (*KEYWORDS, UNKNOWN, SILENCE)
OTHER = "<other>"  # a word-level hypothesis that is none of the reference words


def twelve_class(text: str) -> str:
    """A transcript's 12-class label: a keyword, _silence_ when empty, else _unknown_."""
    return text if text in KEYWORDS else SILENCE if not text else UNKNOWN


def error_rates(refs: list[str], hyps: list[str]) -> dict[str, float]:
    return {"cer": jiwer.cer(refs, hyps), "wer": jiwer.wer(refs, hyps)}


def report(refs: list[str], hyps: list[str], sources: list[str | None]) -> dict:
    """Everything `asr eval` prints: overall CER/WER, exact-match accuracy per source, per-word
    accuracy for single-word references, and the 12-class accuracy and confusion counts over the
    Speech Commands clips."""
    out: dict = {"utterances": len(refs), **error_rates(refs, hyps)}
    out["accuracy"] = sum(r == h for r, h in zip(refs, hyps)) / len(refs)
    by_source = defaultdict(list)
    for r, h, s in zip(refs, hyps, sources):
        by_source[s or "unknown"].append(r == h)
    out["accuracy_by_source"] = {s: sum(v) / len(v) for s, v in sorted(by_source.items())}
    words = defaultdict(list)
    for r, h in zip(refs, hyps):
        if len(r.split()) <= 1:
            words[r or SILENCE].append(r == h)
    if words:
        out["accuracy_by_word"] = {w: sum(v) / len(v) for w, v in sorted(words.items())}
    if len(words) == len({r or SILENCE for r in refs}):  # a word-level set: every reference is one word
        labels = sorted(words) + [OTHER]
        pairs = Counter(
            (r or SILENCE, (h or SILENCE) if (h or SILENCE) in words else OTHER) for r, h in zip(refs, hyps)
        )
        out["word_confusion"] = {"labels": labels, "counts": [[pairs[(r, h)] for h in labels] for r in labels]}
    sc = [(twelve_class(r), twelve_class(h)) for r, h, s in zip(refs, hyps, sources) if s == "speech_commands"]
    if sc:
        out["twelve_class_accuracy"] = sum(r == h for r, h in sc) / len(sc)
        confusion = Counter(sc)
        out["twelve_class_confusion"] = {
            "labels": list(TWELVE_CLASSES),
            "counts": [[confusion[(r, h)] for h in TWELVE_CLASSES] for r in TWELVE_CLASSES],  # rows: reference
        }
    return out


def plot_confusion(confusion: dict, path, title: str) -> None:
    """Row-normalized confusion matrix (rows: reference, columns: hypothesis) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels, counts = confusion["labels"], np.asarray(confusion["counts"], dtype=float)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = 2 + 0.45 * len(labels)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90)
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    int(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if rates[i, j] > 0.5 else "black",
                )
    ax.set(xlabel="recognized", ylabel="spoken", title=title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
