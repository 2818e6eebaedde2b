"""Does hearing a clip at several speeds help a held-out speaker? Closed-set digit accuracy.

    python benchmarks/speed_ensemble.py --model asr/models/default.onnx --data data/manifests/dev.jsonl

Each FSDD dev clip is played at every --speeds factor (resampled, so tempo and pitch move
together, like training's speed perturbation). Each of the ten digit words is scored by its CTC
log-likelihood under each speed's log-probs. Prints the accuracy of the best word at each speed
alone, and of the best word by its log-likelihoods summed over all speeds.
"""

import argparse

import numpy as np
import torch
from tqdm import tqdm

from asr.audio import SAMPLE_RATE, load_audio, resample
from asr.data.manifest import read_manifest
from asr.runtime import Recognizer, vocab

DIGITS = "zero one two three four five six seven eight nine".split()


def word_scores(log_probs: np.ndarray, words: list[str]) -> np.ndarray:
    """(frames, vocab) log-probs -> (len(words),) CTC log-likelihood of each word."""
    targets = [torch.tensor(vocab.encode(w)) for w in words]
    lp = torch.from_numpy(log_probs).unsqueeze(1).expand(-1, len(words), -1)  # (frames, words, vocab)
    frames = torch.full((len(words),), log_probs.shape[0])
    lengths = torch.tensor([len(t) for t in targets])
    loss = torch.nn.functional.ctc_loss(
        lp, torch.cat(targets), frames, lengths, blank=vocab.BLANK_INDEX, reduction="none"
    )
    return -loss.numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="asr/models/default.onnx")
    parser.add_argument("--data", default="data/manifests/dev.jsonl")
    parser.add_argument("--source", default="fsdd")
    parser.add_argument("--speeds", type=float, nargs="+", default=[0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15])
    args = parser.parse_args()

    recognizer = Recognizer(args.model)
    utterances = [u for u in read_manifest(args.data) if u.source == args.source and u.text in DIGITS]
    scores, refs = [], []  # scores: (clips, speeds, words)
    for u in tqdm(utterances, desc="clips"):
        audio = load_audio(u.audio)
        played = [resample(audio, round(SAMPLE_RATE * f), SAMPLE_RATE) for f in args.speeds]
        scores.append([word_scores(recognizer.log_probs([a])[0], DIGITS) for a in played])
        refs.append(DIGITS.index(u.text))
    scores, refs = np.array(scores), np.array(refs)
    for i, f in enumerate(args.speeds):
        print(f"speed {f:.2f}: {np.mean(scores[:, i].argmax(1) == refs):.1%}")
    print(f"summed over all speeds: {np.mean(scores.sum(1).argmax(1) == refs):.1%}  ({len(refs)} clips)")


if __name__ == "__main__":
    main()
