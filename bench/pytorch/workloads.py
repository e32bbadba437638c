#!/usr/bin/env python3
"""Issue 5's workloads in PyTorch, timed the way bench/Rnn.Benchmarks' quick mode times them.

Run with the system Python that has PyTorch 1.13 (not the pyenv python3 first on PATH):

    /usr/bin/python3 bench/pytorch/workloads.py [--seconds S] [--filter TEXT] [--tsv PATH]

Rows and names match the C# quick mode, so bench/compare.sh can join them:
  stream/*  one nn.LSTM / nn.GRU call per sample carrying (h, c), then the nn.Linear head, under torch.no_grad()
  block/*   one forward over a block (no_grad); the char-LM's includes the softmax, as RnnGen's Forward does
  train/*   zero_grad + forward + loss + backward (+ clip_grad_norm_ 5 for the char-LM) + optimizer step
  scale/*   the char-LM training step at LSTM hidden 32 … 512 (embedding stays 128), 1 and 2 threads
torch.set_num_threads(1) everywhere except the scale/* t2 rows (the train/* 2t rows are RnnGen on 2 threads, PyTorch on 1); OpenBLAS' own pool is set to the same count.
GFLOP/s uses the same nominal count as the C# side: 2 per multiply-add of the matrix products, training = 3 × forward.
"""
import argparse
import ctypes
import math
import os
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 65
ROUNDS = 7


def _openblas():
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    return None


OPENBLAS = _openblas()


def set_threads(n):
    torch.set_num_threads(n)
    if OPENBLAS is not None and hasattr(OPENBLAS, "openblas_set_num_threads"):
        OPENBLAS.openblas_set_num_threads(n)


def openblas_core():
    if OPENBLAS is None or not hasattr(OPENBLAS, "openblas_get_corename"):
        return "n/a"
    OPENBLAS.openblas_get_corename.restype = ctypes.c_char_p
    return OPENBLAS.openblas_get_corename().decode()


# ── FLOP counts (same as Flops in bench/Rnn.Benchmarks/Workloads.cs) ─────────────────────────
def lstm_flops(i, h):
    return 2.0 * 4 * h * (i + h)


def gru_flops(i, h):
    return 2.0 * 3 * h * (i + h)


def dense_flops(i, o):
    return 2.0 * i * o


def charlm_forward_per_token(h):
    return lstm_flops(128, h) + dense_flops(h, VOCAB)


# ── Data ─────────────────────────────────────────────────────────────────────────────────────
def signal(n, seed):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n, dtype=torch.float64) / 48000.0
    x = 0.5 * torch.sin(2 * math.pi * 110 * t) + 0.3 * torch.sin(2 * math.pi * 220.5 * t)
    x = x + 0.1 * (torch.rand(n, generator=g, dtype=torch.float64) * 2 - 1)
    return x.float()


def tokens(n, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, (n,), generator=g)


# ── Workloads: each has name, unit, items per call, FLOPs per item, threads and run() ────────
class Workload:
    def __init__(self, name, unit, items, flops, threads=1):
        self.name, self.unit, self.items, self.flops, self.threads = name, unit, items, flops, threads


class Streaming(Workload):
    """One recurrent-module call per sample, (h, c) carried; then the dense head."""

    def __init__(self, name, rnn, head, inputs, flops, samples=2048):
        super().__init__(name, "sample", samples, flops)
        self.rnn, self.head = rnn.eval(), head.eval()
        x = signal(samples * inputs, 11).view(samples, 1, 1, inputs)
        self.xs = [x[t] for t in range(samples)]  # each [batch 1, step 1, inputs]
        layers, hidden = rnn.num_layers, rnn.hidden_size
        h = torch.zeros(layers, 1, hidden)
        self.state = (h, torch.zeros_like(h)) if isinstance(rnn, nn.LSTM) else h

    def run(self):
        rnn, head, state = self.rnn, self.head, self.state
        with torch.no_grad():
            for x in self.xs:
                out, state = rnn(x, state)
                y = head(out)
        self.state = state
        return y


class Block(Workload):
    def __init__(self, name, fn, flops, threads=1):
        super().__init__(name, "block", 1, flops, threads)
        self.fn = fn

    def run(self):
        with torch.no_grad():
            return self.fn()


class CharLm(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 128)
        self.recurrent = nn.LSTM(128, hidden, batch_first=True)
        self.dense = nn.Linear(hidden, VOCAB)

    def forward(self, t):
        out, _ = self.recurrent(self.embedding(t))
        return self.dense(out)


class CharLmTraining(Workload):
    def __init__(self, name, hidden, batch=32, steps=64, threads=1):
        super().__init__(name, "step", 1, 3 * batch * steps * charlm_forward_per_token(hidden), threads)
        torch.manual_seed(1)
        self.model = CharLm(hidden)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        text = tokens(batch * (steps + 1), VOCAB, 14).view(batch, steps + 1)
        self.inputs, self.targets = text[:, :-1].contiguous(), text[:, 1:].contiguous()

    def run(self):
        m, opt = self.model, self.opt
        opt.zero_grad()
        logits = m(self.inputs)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), self.targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 5.0)
        opt.step()
        return loss


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.recurrent = nn.GRU(32, 64, batch_first=True, bidirectional=True)
        self.dense = nn.Linear(128, 2)

    def forward(self, x):
        _, h_n = self.recurrent(x)  # [2, batch, 64]: forward after the last step, reverse after step 0
        return self.dense(torch.cat((h_n[0], h_n[1]), dim=1))


class ClassifierTraining(Workload):
    def __init__(self, name="train/W3", batch=32, steps=100):
        flops = 3 * (batch * steps * 2 * gru_flops(32, 64) + batch * dense_flops(128, 2))
        super().__init__(name, "step", 1, flops)
        torch.manual_seed(1)
        self.model = Classifier()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01)
        self.x = signal(batch * steps * 32, 15).view(batch, steps, 32)
        self.targets = tokens(batch, 2, 16)

    def run(self):
        self.opt.zero_grad()
        loss = F.cross_entropy(self.model(self.x), self.targets)
        loss.backward()
        self.opt.step()
        return loss


def all_workloads():
    torch.manual_seed(1)
    yield lambda: Streaming("stream/W1 LSTM32", nn.LSTM(1, 32, batch_first=True), nn.Linear(32, 1), 1,
                            lstm_flops(1, 32) + dense_flops(32, 1))
    yield lambda: Streaming("stream/GRU32", nn.GRU(1, 32, batch_first=True), nn.Linear(32, 1), 1,
                            gru_flops(1, 32) + dense_flops(32, 1))
    yield lambda: Streaming("stream/LSTM128", nn.LSTM(1, 128, batch_first=True), nn.Linear(128, 1), 1,
                            lstm_flops(1, 128) + dense_flops(128, 1))
    yield lambda: Streaming("stream/LSTM64x2", nn.LSTM(8, 64, num_layers=2, batch_first=True), nn.Linear(64, 8), 8,
                            lstm_flops(8, 64) + lstm_flops(64, 64) + dense_flops(64, 8))

    def w1_block():
        lstm, head = nn.LSTM(1, 32, batch_first=True).eval(), nn.Linear(32, 1).eval()
        x = signal(2048, 12).view(1, 2048, 1)
        return Block("block/W1 1x2048", lambda: head(lstm(x)[0]), 2048 * (lstm_flops(1, 32) + dense_flops(32, 1)))

    yield w1_block

    def w2_forward():
        m = CharLm(128).eval()
        t = tokens(32 * 64, VOCAB, 13).view(32, 64)
        return Block("block/W2 fwd 32x64", lambda: torch.softmax(m(t), dim=-1), 32 * 64 * charlm_forward_per_token(128))

    yield w2_forward
    yield lambda: CharLmTraining("train/W2", 128)
    yield ClassifierTraining
    # RnnGen's default (2 kernel threads) against PyTorch's faster setting on this machine (1 thread): same work, one thread here.
    yield lambda: CharLmTraining("train/W2 2t", 128)
    yield lambda: ClassifierTraining("train/W3 2t")
    for threads in (1, 2):
        for hidden in (32, 64, 128, 256, 512):
            yield (lambda h, t: lambda: CharLmTraining(f"scale/W2 h{h} t{t}", h, threads=t))(hidden, threads)


def measure(w, seconds):
    start = time.perf_counter()
    warm = 0
    while warm < 3 or time.perf_counter() - start < seconds * 0.2:
        w.run()
        warm += 1
    per_call = (time.perf_counter() - start) / warm
    calls = max(1, int(seconds * 0.8 / ROUNDS / per_call))
    rounds = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(calls):
            w.run()
        rounds.append((time.perf_counter() - t0) / calls / w.items)
    rounds.sort()
    median = rounds[ROUNDS // 2]
    return median, rounds[0], w.flops / median / 1e9


def fmt(s, unit):
    if s < 1e-6:
        t = f"{s * 1e9:.1f} ns"
    elif s < 1e-3:
        t = f"{s * 1e6:.2f} µs"
    else:
        t = f"{s * 1e3:.2f} ms"
    return f"{t}/{unit}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=3.0, help="time per workload (default 3)")
    ap.add_argument("--filter", help="only workloads whose name contains this text")
    ap.add_argument("--tsv", help="also write the results as TSV here")
    args = ap.parse_args()

    set_threads(1)
    print(f"PyTorch {torch.__version__} quick benchmarks: Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"OpenBLAS core {openblas_core()}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"{args.seconds:g} s per workload")
    print()
    print(f"{'workload':<20} {'median':>17} {'best':>17} {'GFLOP/s':>10} {'bytes/call':>11}")
    print("-" * 78)
    rows = []
    for make in all_workloads():
        w = make()
        if args.filter and args.filter.lower() not in w.name.lower():
            continue
        set_threads(w.threads)
        median, best, gflops = measure(w, args.seconds)
        set_threads(1)
        rows.append((w.name, w.unit, median, best, gflops))
        print(f"{w.name:<20} {fmt(median, w.unit):>17} {fmt(best, w.unit):>17} {gflops:>10.2f} {'-':>11}", flush=True)
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("workload\tunit\tmedian_s\tbest_s\tgflops\tbytes_per_call\n")
            for name, unit, median, best, gflops in rows:
                f.write(f"{name}\t{unit}\t{median:.6g}\t{best:.6g}\t{gflops:.6g}\tnan\n")
    print()
    print("median/best: per sample for stream/*, per call otherwise; GFLOP/s: nominal matrix-product FLOPs / median time.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
