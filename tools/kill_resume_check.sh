#!/usr/bin/env bash
# Kills CharLm training runs with SIGKILL at random moments, resumes each with --resume, and checks that the final
# weights are bit for bit those of an uninterrupted run (CharLm prints "weights: sha256 …"), and that every
# checkpoint left behind by a kill loads. Usage: tools/kill_resume_check.sh [kills=3]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-3}
dotnet build -c Release samples/CharLm -v q -nologo >/dev/null
dll=samples/CharLm/bin/Release/net10.0/CharLm.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Small but complete: two layers, dropout (the dropout stream is part of the state), a cosine schedule, checkpoints often.
args=(--steps 240 --hidden 48 --layers 2 --embedding 16 --batch 8 --seq-len 32 --dropout 0.1
      --checkpoint-every 7 --validate-every 60 --sample-length 40)

start=$(date +%s%N)
dotnet "$dll" "${args[@]}" --checkpoint "$work/reference.ckpt" > "$work/reference.txt"
duration_ms=$(( ($(date +%s%N) - start) / 1000000 ))
reference=$(grep '^weights: sha256' "$work/reference.txt")
echo "uninterrupted: $reference (${duration_ms} ms)"

for k in $(seq 1 "$kills"); do
  ckpt="$work/killed$k.ckpt"
  # Kill somewhere between 20% and 90% of a run's length, then resume until the run completes.
  delay_ms=$(( duration_ms / 5 + RANDOM % (duration_ms * 7 / 10 + 1) ))
  dotnet "$dll" "${args[@]}" --checkpoint "$ckpt" > "$work/killed$k.txt" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    echo "run $k: SIGKILL after ${delay_ms} ms"
  else
    wait "$pid" || true
    echo "run $k: finished before the kill at ${delay_ms} ms"
  fi
  dotnet "$dll" "${args[@]}" --checkpoint "$ckpt" --resume > "$work/resumed$k.txt" 2>&1 \
    || { echo "run $k: resuming failed:"; cat "$work/resumed$k.txt"; exit 1; }
  resumed=$(grep '^weights: sha256' "$work/resumed$k.txt")
  echo "run $k: $(grep -o 'resumed .* at step [0-9]*' "$work/resumed$k.txt" || echo 'started over (no checkpoint yet)'); $resumed"
  if [ "$resumed" != "$reference" ]; then
    echo "run $k: the resumed weights differ from the uninterrupted run's" >&2
    exit 1
  fi
done
echo "kill/resume: $kills runs resumed to the uninterrupted weights"
