"""Open transcription with a phone model, through the torch-free runtime: phone error rate of the
best path, word error rate of the words the bigram graph gives, and what each graph search costs.

    python benchmarks/open_transcription.py --model asr/models/default.onnx --data data/manifests/librispeech_dev.jsonl

For each clip: the model's log-probs once, then (1) the best path's phones against the
transcript's phones (CMUdict's first pronunciation of each word), (2) the open graph's words
against the transcript, (3) with --context-timing, the built-in context's graph search too. The
search times are one thread's, per clip, with the model's forward pass left out (p50 and p95).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from tqdm import tqdm

from asr.audio import load_audio
from asr.commands.intents import active_grammar
from asr.data.manifest import read_manifest
from asr.data.metrics import error_rates
from asr.runtime import Recognizer, ctc, graph, vocab


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="asr/models/default.onnx")
    parser.add_argument("--data", default="data/manifests/librispeech_dev.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="every k-th clip so that about this many remain")
    parser.add_argument("--context-timing", action="store_true", help="time the built-in context's search too")
    parser.add_argument("--lm", default=None, help="an ARPA file to decode with instead of the shipped one")
    args = parser.parse_args()

    recognizer = Recognizer(args.model, threads=1)
    commands = recognizer.commands(active_grammar()) if args.context_timing else None
    if recognizer.info.units != "phones":
        raise SystemExit(f"{args.model} is a {recognizer.info.units} model; this benchmark is for phone models")
    if args.lm:
        recognizer.open_graph = graph.compile_lm(args.lm, recognizer.lexicon)
    utterances = read_manifest(args.data)
    if args.limit and len(utterances) > args.limit:
        utterances = utterances[:: -(-len(utterances) // args.limit)]
    refs_phones, hyps_phones, refs, hyps, open_ms, context_ms, seconds = [], [], [], [], [], [], []
    for u in tqdm(utterances, desc="decode", unit="clip"):
        audio = load_audio(u.audio)
        seconds.append(len(audio) / recognizer.info.sample_rate)
        log_probs = recognizer.log_probs([audio])[0]  # (frames, 40)
        refs_phones.append(vocab.reference(u.text, "phones"))
        hyps_phones.append(vocab.readable(ctc.best_path(log_probs), "phones"))
        started = time.perf_counter()
        found = graph.decode(recognizer.open_graph, log_probs, require_final=False)
        open_ms.append(1000 * (time.perf_counter() - started))
        refs.append(u.text)
        hyps.append(" ".join(found.words) if found else "")
        if commands is not None:
            started = time.perf_counter()
            graph.decode(commands.graph, log_probs)
            context_ms.append(1000 * (time.perf_counter() - started))
    per = error_rates(refs_phones, hyps_phones)["wer"]
    wer = error_rates(refs, hyps)["wer"]
    print(f"{len(utterances)} clips ({args.data}, {np.mean(seconds):.1f} s on average), {args.model}")
    print(f"phone error rate (best path) {100 * per:.1f}%   word error rate (open graph) {100 * wer:.1f}%")
    for name, ms in (("open graph", open_ms), ("built-in context graph", context_ms)):
        if ms:
            per_3s = np.array(ms) / np.array(seconds) * 3
            print(
                f"{name} search: p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms per clip; "
                f"scaled to a 3 s clip p95 {np.percentile(per_3s, 95):.1f} ms"
            )
    for ref, hyp in list(zip(refs, hyps))[:5]:
        print(f"  ref: {ref}\n  hyp: {hyp}")


if __name__ == "__main__":
    main()
