#!/usr/bin/env bash
# The GPU check (issue 28): on a lent GPU machine, from the repository root,
#   bash benchmarks/gpu_check.sh                 # DEVICE=cpu bash benchmarks/gpu_check.sh tries it here
# 1. training throughput with bf16 autocast (random audio, full steps);
# 2. a few hundred real training steps on the example recordings, alone and under torchrun (DDP, 1 GPU);
# 3. export to ONNX and transcription with onnxruntime's CUDA execution provider, with its latency.
# The machine reaches no package registry: the project's dependencies it lacks travel as wheels in
# .whl/ (see /work/.library/device/README.md), installed here with --no-deps. Outputs go to $OUT
# (or runs/gpu_check when it is unset). Figures go to BENCHMARKS.md.
set -euo pipefail
DEVICE=${DEVICE:-cuda}
OUT=${OUT:-runs/gpu_check}
mkdir -p "$OUT"
if [ -d .whl ]; then
    python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:$PWD
fi
export PYTHONPATH=${PYTHONPATH:-$PWD}
[ "$DEVICE" = cuda ] && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv

echo "== 1. training throughput ($DEVICE, bf16 autocast on CUDA) =="
for seconds in 1 3; do
    python3 benchmarks/train_throughput.py --device "$DEVICE" --batch-size 64 --seconds $seconds --steps 20
done

echo "== 2. real steps on the example recordings =="
python3 - "$OUT" <<'EOF'
import sys
from pathlib import Path

from asr.data.manifest import Utterance, write_manifest

texts = {"yes.wav": "yes", "stop.wav": "stop", "timer.wav": "set a timer for ten minutes",
         "reminder.wav": "set a reminder to call mom tomorrow at nine"}
examples = Path("data/examples").resolve()
rows = [Utterance(str(examples / f), t, f, "examples") for f, t in texts.items()]
write_manifest(Path(sys.argv[1]) / "examples.jsonl", rows * 200)  # 800 utterances: 25 steps an epoch
EOF
TRAIN=(--set "train_manifests=['$OUT/examples.jsonl']" --set "dev_manifests=['$OUT/examples.jsonl']"
       --set "out_dir='$OUT'" --set noise_dir="''" --set epochs=8 --set batch_size=32 --set num_workers=4)
time python3 -m asr.train "${TRAIN[@]}" --set name=single
time torchrun --nproc_per_node 1 -m asr.train "${TRAIN[@]}" --set name=ddp

echo "== 3. export and CUDA inference =="
python3 -m asr export "$OUT/single/best.pt" --out "$OUT/gpu.onnx" --dev "$OUT/examples.jsonl"
python3 -m asr transcribe data/examples/ --model "$OUT/gpu.onnx" --provider "$DEVICE" --json
python3 benchmarks/inference_latency.py --checkpoint "$OUT/single/best.pt" --threads 1 --provider "$DEVICE" \
    --seconds 1 3 10 --repeats 20
