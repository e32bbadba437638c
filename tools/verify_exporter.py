#!/usr/bin/env python3
"""Cross-checks reference cases written by export_reference.py against an independent implementation.

The exporter runs PyTorch's nn.RNN/LSTM/GRU through pack_padded_sequence. This script recomputes every case in a
folder from the file alone (its weights, batch, lengths, target and the layer list in its config) with explicit
per-sequence loops in float64 — cell equations written out, reverse direction started at each sequence's own last
valid step, merges done by hand — and compares the logits, the loss and, through autograd of this second
implementation, every gradient. A mistake in the exporter's semantics (merge, final states, padding between modules,
masking) shows up here as a large difference; float32 rounding stays below ~1e-5.

Usage: verify_exporter.py FOLDER [--tolerance 1e-5]      exit status 1 when a case differs
"""
import argparse
import glob
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_reference import read_safetensors, masked_loss  # noqa: E402


def _cell(kind, activation, w_ih, w_hh, b_ih, b_hh, x, h, c):
    H = h.shape[0]
    gi, gh = w_ih @ x + b_ih, w_hh @ h + b_hh
    if kind == "lstm":
        i, f, g, o = (gi[k * H:(k + 1) * H] + gh[k * H:(k + 1) * H] for k in range(4))
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
    if kind == "gru":
        r = torch.sigmoid(gi[:H] + gh[:H])
        z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
        return (1 - z) * n + z * h, c
    s = gi + gh
    return (torch.tanh(s) if activation == "tanh" else torch.relu(s)), c


def _merge(merge, f, r):
    if merge == "concat":
        return torch.cat([f, r], -1)
    return f + r if merge == "sum" else f * r if merge == "mul" else (f + r) / 2


def unrolled(params, config, x, lengths):
    """The logits of the case, computed step by step. params: {name: float64 tensor}."""
    layers = config["layers"]
    B, T = x.shape[0], x.shape[1]
    L = [int(v) for v in lengths]
    first = layers[0]
    if first["kind"] == "embedding":
        feats = params[first["name"] + ".weight"][x.long()]
    elif first["kind"] == "onehot":
        feats = torch.nn.functional.one_hot(x.long(), first["vocab"]).double()
    else:
        feats = x
    seq = [[feats[b, t] for t in range(T)] for b in range(B)]
    final = None
    for lay in layers:
        if lay["kind"] not in ("rnn", "lstm", "gru"):
            continue
        name, H, D = lay["name"], lay["hidden"], 2 if lay["bidirectional"] else 1
        inputs = seq
        for layer in range(lay["layers"]):
            outs = [[[None] * D for _ in range(T)] for _ in range(B)]
            finals = []
            for d in range(D):
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                w = [params[f"{name}.{p}{suffix}"] for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                per_sequence = []
                for b in range(B):
                    h = torch.zeros(H, dtype=torch.float64)
                    c = torch.zeros(H, dtype=torch.float64)
                    for t in (range(L[b]) if d == 0 else range(L[b] - 1, -1, -1)):
                        h, c = _cell(lay["kind"], lay.get("activation"), *w, inputs[b][t], h, c)
                        outs[b][t][d] = h
                    per_sequence.append(h)
                finals.append(torch.stack(per_sequence))
            inputs = [[torch.cat(outs[b][t]) if t < L[b] else torch.zeros(D * H, dtype=torch.float64)
                       for t in range(T)] for b in range(B)]
        if D == 2:
            seq = [[_merge(lay["merge"], inputs[b][t][:H], inputs[b][t][H:]) for t in range(T)] for b in range(B)]
            final = _merge(lay["merge"], finals[0], finals[1])
        else:
            seq, final = inputs, finals[0]
    y = torch.stack([torch.stack(row) for row in seq]) if config["returns"] == "sequence" else final
    dense = [lay for lay in layers if lay["kind"] == "dense"]
    for k, lay in enumerate(dense):
        y = y @ params[lay["name"] + ".weight"].T + params[lay["name"] + ".bias"]
        if k < len(dense) - 1:
            y = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}.get(lay["activation"], lambda v: v)(y)
    return y


def verify(path, tolerance):
    t, meta = read_safetensors(path)
    config = json.loads(meta["config"])
    names = [n[len("grad."):] for n in t if n.startswith("grad.") and n != "grad.input"]
    params = {n: t[n].double().clone().requires_grad_(True) for n in names}
    tokens = "tokens" in t
    x = t["tokens"] if tokens else t["input"].double().clone().requires_grad_(True)
    lengths = t["lengths"].long()
    y = unrolled(params, config, x, lengths)
    target = t["target"].long() if config["loss"] == "cross_entropy" else t["target"].double()
    loss = masked_loss(y, target, lengths, config["head"], config["returns"])
    loss.backward()
    rows = {}
    out, ref = y.detach().clone(), t["output"].double().clone()
    if config["returns"] == "sequence":
        for b, n in enumerate(lengths.tolist()):
            out[b, n:] = 0
            ref[b, n:] = 0
    rows["output"] = (out, ref)
    rows["loss"] = (loss.detach().reshape(1), t["loss"].double())
    for n in names:
        rows["grad." + n] = (params[n].grad, t["grad." + n].double())
    if not tokens:
        rows["grad.input"] = (x.grad, t["grad.input"].double())
    worst, worst_name = 0.0, ""
    for n, (a, b) in rows.items():
        e = ((a - b).abs() / b.abs().clamp(min=1)).max().item()
        if e > worst:
            worst, worst_name = e, n
    return worst, worst_name, len(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--tolerance", type=float, default=1e-5)
    args = ap.parse_args(argv)
    failed = 0
    files = sorted(glob.glob(os.path.join(args.folder, "*.safetensors")))
    for path in files:
        worst, name, count = verify(path, args.tolerance)
        ok = worst <= args.tolerance
        failed += not ok
        print(f"{'ok  ' if ok else 'DIFF'} {os.path.basename(path):40s} {count:3d} tensors, max rel {worst:.2e} ({name})")
    print(f"{len(files) - failed}/{len(files)} cases agree")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
