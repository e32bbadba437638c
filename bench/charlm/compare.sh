#!/usr/bin/env bash
# Trains the CharLm sample and the same recipe in PyTorch (bench/charlm/charlm_pytorch.py) with the same arguments,
# one after the other on this machine, and prints both validation losses and their ratio.
#   bench/charlm/compare.sh [--text FILE] [--steps N --hidden H --layers L --embedding E --batch B --seq-len T --lr LR --seed S ...]
# Needs PyTorch for /usr/bin/python3 (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release samples/CharLm -v q -nologo >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
dotnet samples/CharLm/bin/Release/net10.0/CharLm.dll "$@" --checkpoint "$work/rnngen.ckpt" --sample-length 0 | tee "$work/rnngen.txt" | grep -E '^(model|step)'
rnngen_seconds=$(( $(date +%s) - start ))
start=$(date +%s)
OMP_NUM_THREADS=1 /usr/bin/python3 bench/charlm/charlm_pytorch.py "$@" | tee "$work/pytorch.txt"
pytorch_seconds=$(( $(date +%s) - start ))

ours=$(grep -oE '^val_loss=[0-9.]+' "$work/rnngen.txt" | cut -d= -f2)
theirs=$(grep -oE '^val_loss=[0-9.]+' "$work/pytorch.txt" | cut -d= -f2)
echo
echo "| arguments | RnnGen val_loss | PyTorch val_loss | ratio | RnnGen time | PyTorch time (1 thread) |"
echo "| --- | --- | --- | --- | --- | --- |"
printf '| `%s` | %s | %s | %s | %d s | %d s |\n' "${*:-defaults}" "$ours" "$theirs" \
  "$(python3 -c "print(f'{$ours / $theirs:.3f}')")" "$rnngen_seconds" "$pytorch_seconds"
