#!/usr/bin/env bash
# Times issue 5's workloads in RnnGen (bench/Rnn.Benchmarks quick mode) and in PyTorch (bench/pytorch/workloads.py)
# in one go, workload by workload (RnnGen, then PyTorch, then the next workload), so that both sides of a ratio are
# measured minutes apart at most under the same background load, and prints PyTorch time / RnnGen time per workload.
#
#   bench/compare.sh [--seconds S] [--filter TEXT] [--out DIR]
#
#   --seconds S    time per workload per side (default 3)
#   --filter TEXT  only workloads whose name contains TEXT
#   --out DIR      keep the raw tables and TSVs there (default: a temporary directory)
#   RNN_SRC=/path/to/src  time another checkout's runtime and generator (default: this repository's src/)
#   PYTHON=...     the Python with PyTorch (default /usr/bin/python3; the pyenv python3 first on PATH has no torch)
#
# The machine is shared and noisy: read the ratios, not the absolute times, and compare ratios only within one run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=3
filter=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: bench/compare.sh [--seconds S] [--filter TEXT] [--out DIR]" >&2; exit 2 ;;
  esac
done
python="${PYTHON:-/usr/bin/python3}"
if [ -z "$out" ]; then out="$(mktemp -d)"; fi
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

build_args=(-c Release bench/Rnn.Benchmarks -nologo -v quiet)
if [ -n "${RNN_SRC:-}" ]; then build_args+=("-p:RnnSrc=$RNN_SRC"); fi
echo "building bench/Rnn.Benchmarks (Release)${RNN_SRC:+ against $RNN_SRC} ..."
dotnet build "${build_args[@]}" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
# The compiler servers the build leaves running would share the two cores with the timing: stop them.
dotnet build-server shutdown >/dev/null 2>&1 || true
dll=bench/Rnn.Benchmarks/bin/Release/net10.0/Rnn.Benchmarks.dll

# The workload names, in table order (the C# program is the list's owner; the PyTorch script has the same rows).
mapfile -t names < <(dotnet "$dll" quick --seconds 0 --filter "${filter:-/}" --list)
[ ${#names[@]} -gt 0 ] || { echo "no workload matches '$filter'" >&2; exit 1; }

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on some of these machines for older OpenBLAS builds; they slow a
# current one down. As the env notes say: unset both together, for the PyTorch command only.
pytorch() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench/pytorch/workloads.py "$@"; }

: >"$out/rnngen.txt"
: >"$out/pytorch.txt"
rm -f "$out/rnngen.tsv" "$out/pytorch.tsv"
for name in "${names[@]}"; do
  echo "timing $name ..."
  dotnet "$dll" quick --seconds "$seconds" --filter "$name" --tsv "$out/one.tsv" >>"$out/rnngen.txt"
  [ -f "$out/rnngen.tsv" ] || head -1 "$out/one.tsv" >"$out/rnngen.tsv"
  tail -n +2 "$out/one.tsv" >>"$out/rnngen.tsv"
  pytorch --seconds "$seconds" --filter "$name" --tsv "$out/one.tsv" >>"$out/pytorch.txt"
  [ -f "$out/pytorch.tsv" ] || head -1 "$out/one.tsv" >"$out/pytorch.tsv"
  tail -n +2 "$out/one.tsv" >>"$out/pytorch.tsv"
done
rm -f "$out/one.tsv"

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
grep -m1 '^RnnGen quick' "$out/rnngen.txt" || true
grep -m1 '^PyTorch' "$out/pytorch.txt" || true
echo
peak=$(sed -n "s/^one core's FP32 FMA peak, measured: \([0-9.]*\).*/\1/p" "$out/rnngen.txt" | sort -g | tail -n 1)
"$python" - "$out/rnngen.tsv" "$out/pytorch.tsv" "${peak:-0}" <<'EOF'
import csv, math, sys

def load(path):
    with open(path) as f:
        return {r["workload"]: r for r in csv.DictReader(f, delimiter="\t")}

def fmt(s, unit):
    s = float(s)
    t = f"{s*1e9:.1f} ns" if s < 1e-6 else f"{s*1e6:.2f} µs" if s < 1e-3 else f"{s*1e3:.2f} ms"
    return f"{t}/{unit}"

ours, theirs = load(sys.argv[1]), load(sys.argv[2])
print(f"| workload | RnnGen median | PyTorch median | PyTorch / RnnGen (median) | (best) | RnnGen GFLOP/s | PyTorch GFLOP/s | RnnGen bytes/call |")
print(f"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, r in ours.items():
    p = theirs.get(name)
    if p is None:
        print(f"| {name} | {fmt(r['median_s'], r['unit'])} | – | – | – | {float(r['gflops']):.2f} | – | {float(r['bytes_per_call']):.0f} |")
        continue
    ratio = float(p["median_s"]) / float(r["median_s"])
    best = float(p["best_s"]) / float(r["best_s"])
    print(f"| {name} | {fmt(r['median_s'], r['unit'])} | {fmt(p['median_s'], p['unit'])} | {ratio:.2f}× | {best:.2f}× "
          f"| {float(r['gflops']):.2f} | {float(p['gflops']):.2f} | {float(r['bytes_per_call']):.0f} |")

# Issue 5's targets that this run can judge (RTNeural is timed apart: see bench/README.md), on medians.
def ratio(name):
    return float(theirs[name]["median_s"]) / float(ours[name]["median_s"]) if name in ours and name in theirs else None
checks = [
    ("streaming W1 at least 300x PyTorch", ratio("stream/W1 LSTM32"), 300, "{:.0f}x"),
    ("training W2 at least 2x PyTorch (1 thread each)", ratio("train/W2"), 2, "{:.2f}x"),
    ("training W3 at least 2x PyTorch (1 thread each)", ratio("train/W3"), 2, "{:.2f}x"),
    ("training W2 at least 2x PyTorch (RnnGen's default 2 threads)", ratio("train/W2 2t"), 2, "{:.2f}x"),
    ("training W3 at least 2x PyTorch (RnnGen's default 2 threads)", ratio("train/W3 2t"), 2, "{:.2f}x"),
]
peak = float(sys.argv[3])
if peak > 0 and "scale/W2 h512 t1" in ours:
    checks.append(("hidden 512: at least 50% of one core's FP32 FMA peak", float(ours["scale/W2 h512 t1"]["gflops"]) / peak * 100, 50, "{:.0f}%"))
if "train/W2" in ours and "train/W2 2t" in ours:
    checks.append(("two threads at least 1.7x one on W2", float(ours["train/W2"]["median_s"]) / float(ours["train/W2 2t"]["median_s"]), 1.7, "{:.2f}x"))
allocated = [n for n, r in ours.items() if float(r["bytes_per_call"]) > 0]
print()
print("| target | this run | |")
print("| --- | ---: | --- |")
for what, value, goal, form in checks:
    if value is not None:
        print(f"| {what} | {form.format(value)} | {'met' if value >= goal else 'NOT met'} |")
print(f"| 0 bytes allocated per call | {len(allocated)} rows allocate | {'met' if not allocated else 'NOT met: ' + ', '.join(allocated)} |")
EOF
echo
echo "raw tables and TSVs: $out"
