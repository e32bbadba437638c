#!/usr/bin/env python3
"""Training-parity references: 30 steps of PyTorch training that RnnGen's optimizers must reproduce.

For each (model, optimizer) pair, from fixed initial weights (U(-0.3, 0.3)), this trains for 30 steps, one stored
batch per step, each step doing

    optimizer.zero_grad(); loss = mean masked loss (as RnnGen's Backward); loss.backward()
    norm = clip_grad_norm_(parameters, max_norm=0.5); optimizer.step()

and writes one safetensors file per pair with
    <layer>.<param>             the initial weights (what RnnGen's LoadSafetensors reads)
    final.<layer>.<param>       the weights after the 30 steps
    losses [30]                 the loss of each step (before its update)
    norms [30]                  the gradient norm of each step, before clipping
    batch.tokens [30, B, T] int32  or  batch.input [30, B, T, I] float32
    batch.lengths [30, B] int32
    batch.target [30, B, T] int32 class ids (0 at padding) or [30, B, O] float32
and the run's description (model, optimizer, hyperparameters, C# class) as JSON in __metadata__["config"].

Models (the C# declarations are in tests/Rnn.Models.Tests/TrainingParityTests.cs):
    char_lstm      [Embedding(12, 4)] [Lstm(6)] [Dense(12, Softmax)], sequence, lengths  (a character model)
    bigru_sigmoid  Input 3, [Bidirectional] [Gru(5)] [Dense(2, Sigmoid)], Returns.Last, lengths
Optimizers: adam (Adam lr=1e-2), adamw (AdamW lr=1e-2, weight_decay=0.1), sgd (SGD lr=0.1, momentum=0.9).

Usage: make_training_reference.py OUTDIR      (needs PyTorch; Debian: /usr/bin/python3 with python3-torch)
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_reference import RnnStack, Embedding, Lstm, Gru, Bidirectional, Dense, write_safetensors, masked_loss  # noqa: E402

STEPS = 30
MAX_NORM = 0.5
INIT = 0.3

MODELS = {
    "char_lstm": dict(layers=lambda: [Embedding(12, 4), Lstm(6), Dense(12, "softmax")], input=0, returns="sequence",
                      batch=4, steps=7, cs="TrainCharLstm", seed=31),
    "bigru_sigmoid": dict(layers=lambda: [Bidirectional(Gru(5)), Dense(2, "sigmoid")], input=3, returns="last",
                          batch=4, steps=6, cs="TrainBiGruSigmoid", seed=32),
}

OPTIMIZERS = {
    "adam": (lambda ps: torch.optim.Adam(ps, lr=1e-2, foreach=False), dict(kind="Adam", lr=1e-2)),
    "adamw": (lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.1, foreach=False),
              dict(kind="AdamW", lr=1e-2, weight_decay=0.1)),
    "sgd": (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, foreach=False), dict(kind="SGD", lr=0.1, momentum=0.9)),
}


def make_batches(name, model, spec, seed):
    """STEPS batches with a learnable target, so that the loss moves; lengths vary from batch to batch."""
    g = torch.Generator().manual_seed(seed)
    B, T = spec["batch"], spec["steps"]
    lengths = torch.randint(1, T + 1, (STEPS, B), generator=g)
    lengths[:, 0] = T                                   # one full sequence per batch, the others shorter or equal
    valid = torch.arange(T)[None, None, :] < lengths[:, :, None]          # [S, B, T]
    if name == "char_lstm":
        # A skewed "text": after a character comes a space (id 0) with probability 0.5, the rule (5c + 3) mod V with
        # 0.3, else any character. The skew makes the first gradients large (clipped); the rule makes the loss fall.
        V = model.token_input[2]
        n = STEPS * B * (T + 1)
        u = torch.rand(n, generator=g)
        noise = torch.randint(0, V, (n,), generator=g)
        text = torch.zeros(n, dtype=torch.int64)
        for i in range(1, n):
            text[i] = 0 if u[i] < 0.5 else (text[i - 1] * 5 + 3) % V if u[i] < 0.8 else noise[i]
        windows = text.reshape(STEPS, B, T + 1)
        tokens, target = windows[:, :, :-1], windows[:, :, 1:]
        tokens = torch.where(valid, tokens, torch.zeros_like(tokens))
        target = torch.where(valid, target, torch.zeros_like(target))
        return {"batch.tokens": tokens, "batch.lengths": lengths, "batch.target": target}
    x = 3 * torch.randn(STEPS, B, T, spec["input"], generator=g)
    x = x * valid[..., None]                             # padding is 0 in the file (it is ignored anyway)
    m = valid[..., None].to(torch.float32)
    first = ((x[..., 0:1] * m).sum(dim=2) > -6).to(torch.float32)                 # mostly 1: large first gradients
    second = ((x[..., 1:2] * m).amax(dim=2) > 4.5).to(torch.float32)              # mostly 0: a large value of feature 1
    return {"batch.input": x, "batch.lengths": lengths, "batch.target": torch.cat([first, second], dim=-1)}


def train(name, optimizer_name, outdir):
    spec = MODELS[name]
    torch.manual_seed(spec["seed"])
    model = RnnStack(spec["layers"](), input=spec["input"], returns=spec["returns"])
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-INIT, INIT)
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}
    batches = make_batches(name, model, spec, seed=spec["seed"] + 1000)
    make_optimizer, hyper = OPTIMIZERS[optimizer_name]
    optimizer = make_optimizer(list(model.parameters()))
    losses, norms = [], []
    tokens = "batch.tokens" in batches
    for step in range(STEPS):
        x = batches["batch.tokens" if tokens else "batch.input"][step]
        lengths = batches["batch.lengths"][step]
        target = batches["batch.target"][step]
        optimizer.zero_grad()
        loss = masked_loss(model(x, lengths), target, lengths, model.head_activation, model.returns)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=MAX_NORM)))
        optimizer.step()
        losses.append(float(loss))
    t = dict(initial)
    for n, p in model.named_parameters():
        t["final." + n] = p
    t["losses"] = torch.tensor(losses, dtype=torch.float32)
    t["norms"] = torch.tensor(norms, dtype=torch.float32)
    t.update(batches)
    config = dict(model=name, csharp=spec["cs"], optimizer=optimizer_name, hyper=hyper, steps=STEPS, max_norm=MAX_NORM,
                  init=INIT, seed=spec["seed"], net=model.config())
    path = os.path.join(outdir, f"{name}_{optimizer_name}.safetensors")
    write_safetensors(path, t, {"config": json.dumps(config)})
    print(f"wrote {path}: loss {losses[0]:.4f} -> {losses[-1]:.4f}, clipped {sum(n > MAX_NORM for n in norms)}/{STEPS}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    args = ap.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    for name in MODELS:
        for optimizer_name in OPTIMIZERS:
            train(name, optimizer_name, args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
