#!/usr/bin/env bash
# Fresh venv -> pip install of the wheel -> the first transcript, outside the checkout: the time of
# each step and the venv's size. Packages come from PyPI (or pip's cache); the decoding graphs are
# compiled on the first transcript into an empty cache folder.
#   bash benchmarks/wheel_install.sh
set -euo pipefail
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python -m build --wheel --outdir "$work/dist" > /dev/null
start=$(date +%s.%N)
python -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/*.whl
installed=$(date +%s.%N)
cd "$work"
ASR_CACHE="$work/cache" "$work/venv/bin/asr" transcribe "$here/data/examples/yes.wav"
first=$(date +%s.%N)
ASR_CACHE="$work/cache" "$work/venv/bin/asr" transcribe "$here/data/examples/yes.wav" > /dev/null
second=$(date +%s.%N)
echo "wheel $(du -sh "$work"/dist/*.whl | cut -f1); venv + pip install $(echo "$installed - $start" | bc) s, $(du -sm "$work/venv" | cut -f1) MB"
echo "first transcript (graphs compiled) $(echo "$first - $installed" | bc) s; the next $(echo "$second - $first" | bc) s"
