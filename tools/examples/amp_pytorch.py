#!/usr/bin/env python3
"""From PyTorch to RnnGen, step 1 and 2 of docs/from-pytorch.md: train a module of your own in PyTorch, then export it.

    /usr/bin/python3 tools/examples/amp_pytorch.py OUTDIR

trains `AmpNet` (an nn.LSTM and an nn.Linear, with PyTorch's own names and forward) to imitate the guitar-amp effect of
samples/StreamingAot (a one-pole low-pass into tanh(3·s)), saves its state_dict and an example batch the way any
PyTorch project would, and hands them to tools/export_module.py, which writes

    OUTDIR/amp.safetensors        the weights under RnnGen's names, for [Weights("amp.safetensors")] or LoadSafetensors
    OUTDIR/amp_case.safetensors   a reference case (batch, target, logits, loss, every gradient) for CheckReference

and prints the C# declaration of the same model. Deterministic (fixed seeds, one thread).
"""
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from export_module import export_module  # noqa: E402


class AmpNet(nn.Module):
    """A plain PyTorch model: nothing in it knows about RnnGen."""

    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):                 # x: [batch, steps, 1]
        out, _ = self.lstm(x)
        return self.fc(out)               # [batch, steps, 1], one output per sample


def amp(x):
    """The effect: s_t = 0.7·s_{t−1} + 0.3·x_t, y_t = tanh(3·s_t) (as samples/StreamingAot/AmpSignal.cs)."""
    s = torch.zeros(x.shape[0], 1)
    y = torch.empty_like(x)
    for t in range(x.shape[1]):
        s = 0.7 * s + 0.3 * x[:, t]
        y[:, t] = torch.tanh(3 * s)
    return y


def chords(generator, batch, steps):
    """Random three-partial chords with a random level and decay, [batch, steps, 1]."""
    t = torch.arange(steps, dtype=torch.float32)[None, :, None]
    f = 0.02 + 0.2 * torch.rand(batch, 1, 3, generator=generator)
    phase = 2 * math.pi * torch.rand(batch, 1, 3, generator=generator)
    gain = 0.3 + 0.7 * torch.rand(batch, 1, 1, generator=generator)
    decay = torch.exp(-t / (steps * (0.5 + 2 * torch.rand(batch, 1, 1, generator=generator))))
    return (gain * decay * torch.sin(f * t + phase).mean(-1, keepdim=True)).float()


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(1)
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(2)
    net = AmpNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    for step in range(400):                       # DistributedDataParallel would wrap net here; see docs/from-pytorch.md
        x = chords(generator, 32, 64)
        loss = nn.functional.mse_loss(net(x), amp(x))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if step % 100 == 0 or step == 399:
            print(f"step {step:4d}  mse {loss.item():.2e}")

    # What a PyTorch project keeps: the state_dict, and an example batch.
    torch.save(net.state_dict(), os.path.join(outdir, "amp_net.pt"))
    example = chords(generator, 4, 32)
    torch.save(example, os.path.join(outdir, "example_batch.pt"))

    # The export (the command line does the same: tools/export_module.py tools/examples/amp_pytorch.py:AmpNet()
    # OUTDIR/amp_net.pt OUTDIR/example_batch.pt --class AmpModel --weights ... --case ...).
    fresh = AmpNet()
    fresh.load_state_dict(torch.load(os.path.join(outdir, "amp_net.pt")))
    export_module(fresh, example, weights=os.path.join(outdir, "amp.safetensors"),
                  case=os.path.join(outdir, "amp_case.safetensors"), class_name="AmpModel", target=amp(example))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
