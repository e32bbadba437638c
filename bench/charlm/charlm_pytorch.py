#!/usr/bin/env python3
"""The CharLm sample's training run in PyTorch, step for step the same recipe, for the learning-quality comparison.

Same as samples/CharLm (see its README): the text read as Unicode code points; the last 10% held out; vocabulary = the
training part's characters in code-point order, id 0 the unknown token; char-rnn batching (B contiguous streams read in
chunks of T, the state carried from chunk to chunk and reset when the streams wrap); Embedding (or one-hot) -> LSTM/GRU/RNN
(dropout between layers and on the embedding) -> Linear -> cross-entropy; Adam with clip_grad_norm_; the cosine schedule
with warm-up (min(100, steps/10) steps, down to lr/10) or a constant rate; validation over the held-out text with
min(B, N_val // (T + 1)) streams from zero state, dropout off. Only the random streams differ (initialisation, dropout).

    /usr/bin/python3 bench/charlm/charlm_pytorch.py --text FILE --steps 2000 --hidden 256 ...
Prints one line per validation and, last, val_loss=<mean nats per character on the validation split>.
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def load(path):
    if path is None:
        import os
        path = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "CharLm", "Corpus", "rnngen.txt")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        return [ord(c) for c in f.read()]


class Batcher:
    """TokenStreamBatcher: B streams of S = N // B tokens, chunk k = tokens [k*T, (k+1)*T) of each, targets shifted by one."""

    def __init__(self, tokens, batch, steps):
        self.tokens, self.batch, self.steps = tokens, batch, steps
        self.stream = tokens.numel() // batch
        self.chunks = (self.stream - 1) // steps
        self.position = 0

    def next(self):
        k = self.position
        rows = [self.tokens[b * self.stream + k * self.steps: b * self.stream + k * self.steps + self.steps + 1] for b in range(self.batch)]
        block = torch.stack(rows)
        self.position = 0 if k + 1 == self.chunks else k + 1
        return block[:, :-1], block[:, 1:], k == 0


class CharModel(nn.Module):
    def __init__(self, cell, vocab, embedding, hidden, layers, dropout):
        super().__init__()
        self.vocab, self.embedding_dim = vocab, embedding
        self.embedding = nn.Embedding(vocab, embedding) if embedding > 0 else None
        self.drop = nn.Dropout(dropout)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.recurrent = rnn(embedding if embedding > 0 else vocab, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.dense = nn.Linear(hidden, vocab)

    def forward(self, x, state):
        x = self.drop(self.embedding(x)) if self.embedding is not None else F.one_hot(x, self.vocab).float()
        y, state = self.recurrent(x, state)
        return self.dense(y), state


def detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def cosine(step, peak, warmup, total, minimum):
    if step >= total:
        return minimum
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / (total - warmup)
    return minimum + (peak - minimum) * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def validate(model, tokens, batch, steps, vocab):
    model.eval()
    batcher = Batcher(tokens, min(batch, tokens.numel() // (steps + 1)), steps)
    state, total = None, 0.0
    for _ in range(batcher.chunks):
        x, y, _ = batcher.next()
        logits, state = model(x, state)
        total += F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1)).item()
    model.train()
    return total / batcher.chunks


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text")
    p.add_argument("--steps", type=int, default=1200)
    p.add_argument("--cell", default="lstm")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--schedule", default="cosine")
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--validate-every", type=int, default=200)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)

    cps = load(a.text)
    held = len(cps) // 10
    train_cps, val_cps = cps[:len(cps) - held], cps[len(cps) - held:]
    chars = sorted(set(train_cps))
    ids = {c: i + 1 for i, c in enumerate(chars)}
    vocab = len(chars) + 1
    train = torch.tensor([ids.get(c, 0) for c in train_cps], dtype=torch.long)
    val = torch.tensor([ids.get(c, 0) for c in val_cps], dtype=torch.long)

    model = CharModel(a.cell, vocab, a.embedding, a.hidden, a.layers, a.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    batcher = Batcher(train, a.batch, a.seq_len)
    warmup = min(100, a.steps // 10)
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} thread(s): {len(cps)} characters, vocabulary {vocab}, "
          f"{sum(t.numel() for t in model.parameters())} parameters", flush=True)
    state, val_loss, start = None, float("nan"), time.perf_counter()
    for step in range(a.steps):
        lr = cosine(step, a.lr, warmup, a.steps, a.lr / 10) if a.schedule == "cosine" else a.lr
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y, wrapped = batcher.next()
        if wrapped:
            state = None
        logits, state = model(x, detach(state))
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        if a.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        optimizer.step()
        done = step + 1
        if done == a.steps or (a.validate_every > 0 and done % a.validate_every == 0):
            val_loss = validate(model, val, a.batch, a.seq_len, vocab)
            elapsed = time.perf_counter() - start
            print(f"step {done}/{a.steps}  loss {loss.item():.3f}  val {val_loss:.3f}  {done * a.batch * a.seq_len / elapsed:,.0f} tok/s", flush=True)
    print(f"val_loss={val_loss:.4f}")


if __name__ == "__main__":
    main()
