#!/usr/bin/env python3
"""PyTorch reference for RnnGen's encoder–decoders with attention (docs/seq2seq.md), and its reference cases.

`Seq2Seq` (this file) is the network of docs/seq2seq.md as a torch.nn.Module, with its parameters under the names,
shapes and order RnnGen's `Seq2SeqShape.Tensors` lists (state_dict() gives them in that order):

    encoder_embedding.weight                    nn.Embedding(source_vocabulary, source_embedding)
    encoder.weight_ih_l0, …  encoder_1.…       the encoder's recurrent modules (nn.RNN / LSTM / GRU, any layers,
                                                bidirectional with a merge), run as export_reference.run_recurrent
                                                runs an [RnnModel]'s: packed sequences, padding 0 between modules
    bridge.weight [L_d·H_d, D_e], bridge.bias   h0 of every decoder layer = tanh(W f + b), f the merged final state
    decoder_embedding.weight                    nn.Embedding(target_vocabulary, target_embedding)
    decoder.weight_ih_l0, …                     nn.LSTM / nn.GRU(E_t (+ D_e for Bahdanau), H_d, num_layers=L_d),
                                                stepped one step at a time; LSTM c0 = 0
    attention.weight [H_d, D_e]                 General
    attention.query.weight [A, H_d]             Concat and Bahdanau: v · tanh(W_q q + W_k h_s + b_k)
    attention.key.weight [A, D_e], attention.key.bias [A], attention.v.weight [1, A]
    combine.weight [H_d, D_e + H_d], .bias      h̃ = tanh(W_c [c; q] + b_c)
    dense.weight [V, H_d], dense.bias           logits = W_o h̃ + b_o

Decoder input y_0 = start_token, y_t = target[t − 1] (teacher forcing, ratio 1). Luong (dot, general, concat): the
cell steps first and its new top h is the query; Bahdanau: the query is the previous top h (the bridge's at t = 0) and
the context is appended to the cell's input. Scores at source positions ≥ the source length are −inf before the
softmax. Loss: mean cross-entropy over every valid (b, t < target_length[b]).

Usage
-----
Needs PyTorch (Debian: `apt install python3-torch`, then run with /usr/bin/python3) and nothing else.

  export_seq2seq.py cases OUTDIR [NAME ...]     regenerate the built-in cases (all, or the named ones)
  export_seq2seq.py list                        the built-in cases and their C# declarations
  export_seq2seq.py check FOLDER                recompute every case in float64 from its own (float32) weights and
                                                print how far the stored float32 values are from it

  from export_seq2seq import Seq2Seq, export_case
  from export_reference import Lstm, Gru, Bidirectional
  net = Seq2Seq(11, 5, [Bidirectional(Lstm(4))], 9, 4, "lstm", 8, score="dot")
  export_case("case.safetensors", net, source, source_lengths, target, target_lengths)

Case layout (one safetensors file; conventions of export_reference.export_case): every parameter under its name,
float32, in state_dict order; `source` [B, S] and `target` [B, T] int32 (0 at padding); `source_lengths`,
`target_lengths` [B] int32; `logits` [B, T, V] (every step is computed; only t < target_length matters); `loss` [1];
`grad.<name>` for every parameter; the sizes as JSON in __metadata__["config"]. Like export_reference.py, the
forward and backward run in float32 (PyTorch's default) and are stored as float32.

Built-in cases: weights U(±INIT) by prefix, a random batch, targets ending with end_token; a case is kept only if its
float32 values are within ROUNDING (2e-6, max |a − b| / max |b| per tensor) of the same computation in float64 from
the same weights, trying seed, seed + 1, … (additive-attention gradients are sums that nearly cancel when the
attention is almost uniform, and then keep few correct digits in float32). Regeneration is byte for byte.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_reference import (CELLS, Bidirectional, Gru, Lstm, SimpleRnn, _Recurrent,  # noqa: E402
                              read_safetensors, run_recurrent, write_safetensors)

__all__ = ["Seq2Seq", "export_case", "CASES", "make_builtin_case", "Lstm", "Gru", "SimpleRnn", "Bidirectional"]

SCORES = ("dot", "general", "concat", "bahdanau")
_CS_SCORE = {"dot": "Dot", "general": "General", "concat": "Concat", "bahdanau": "Bahdanau"}


class AdditiveAttention(nn.Module):
    """Concat / Bahdanau score v · tanh(W_q q + W_k h_s + b_k): tensors query.weight, key.weight, key.bias, v.weight."""

    def __init__(self, query, key, units):
        super().__init__()
        self.query = nn.Linear(query, units, bias=False)
        self.key = nn.Linear(key, units)
        self.v = nn.Linear(units, 1, bias=False)

    def forward(self, q, h):
        """q [B, H_d], h [B, S, D_e] -> scores [B, S]."""
        return self.v(torch.tanh(self.query(q)[:, None, :] + self.key(h))).squeeze(-1)


class Seq2Seq(nn.Module):
    """docs/seq2seq.md as a torch.nn.Module.

    encoder: recurrent layer descriptions from export_reference (Lstm(4), Gru(3, layers=2), SimpleRnn(4),
             Bidirectional(Lstm(4), merge="sum"), …) in order; their tensors are named encoder, encoder_1, …
             (a description's name= overrides).
    decoder_cell: "lstm" or "gru"; decoder_hidden H_d, decoder_layers L_d.
    score: "dot" | "general" | "concat" | "bahdanau"; attention_units A (0: H_d) for the additive scores.
    """

    def __init__(self, source_vocabulary, source_embedding, encoder, target_vocabulary, target_embedding,
                 decoder_cell="lstm", decoder_hidden=8, decoder_layers=1, score="dot", attention_units=0,
                 start_token=1, end_token=2):
        super().__init__()
        if score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, not {score!r}")
        if decoder_cell not in ("lstm", "gru"):
            raise ValueError("the decoder is one LSTM or GRU module")
        if not encoder:
            raise ValueError("the encoder needs at least one recurrent module")
        self.score = score
        self.start_token, self.end_token = start_token, end_token
        self.encoder_embedding = nn.Embedding(source_vocabulary, source_embedding)
        self.encoder_names, self.encoder_plan = [], []
        features = source_embedding
        for k, layer in enumerate(encoder):
            if not isinstance(layer, _Recurrent):
                raise TypeError("encoder layers are Lstm / Gru / SimpleRnn descriptions (optionally Bidirectional(...))")
            kw = dict(num_layers=layer.layers, bidirectional=layer.bidirectional, batch_first=True)
            if layer.cell == "rnn":
                kw["nonlinearity"] = layer.activation
            module = CELLS[layer.cell](features, layer.hidden, **kw)
            module._rnngen_merge = layer.merge
            name = layer.name or ("encoder" if k == 0 else f"encoder_{k}")
            self.add_module(name, module)
            self.encoder_names.append(name)
            features = 2 * layer.hidden if layer.bidirectional and layer.merge == "concat" else layer.hidden
            entry = {"name": name, "cell": layer.cell, "hidden": layer.hidden, "layers": layer.layers,
                     "bidirectional": layer.bidirectional, "merge": layer.merge}
            if layer.cell == "rnn":
                entry["activation"] = layer.activation
            self.encoder_plan.append(entry)
        De, Hd, L = features, decoder_hidden, decoder_layers
        if score == "dot" and De != Hd:
            raise ValueError(f"dot attention needs decoder_hidden ({Hd}) = the encoder's output features ({De})")
        self.encoder_output = De
        self.bridge = nn.Linear(De, L * Hd)
        self.decoder_embedding = nn.Embedding(target_vocabulary, target_embedding)
        decoder_input = target_embedding + (De if score == "bahdanau" else 0)
        self.decoder = CELLS[decoder_cell](decoder_input, Hd, num_layers=L, batch_first=True)
        self.attention_units = 0
        if score == "general":
            self.attention = nn.Linear(De, Hd, bias=False)                  # attention.weight [H_d, D_e]
        elif score in ("concat", "bahdanau"):
            self.attention_units = attention_units or Hd
            self.attention = AdditiveAttention(Hd, De, self.attention_units)
        self.combine = nn.Linear(De + Hd, Hd)
        self.dense = nn.Linear(Hd, target_vocabulary)

    # ── sizes ───────────────────────────────────────────────────────────────────────────────────────────

    def config(self):
        """Every size, as the case files' metadata and the C# Seq2SeqShape constructor take them."""
        return {
            "source_vocabulary": self.encoder_embedding.num_embeddings,
            "source_embedding": self.encoder_embedding.embedding_dim,
            "encoder": [dict(e) for e in self.encoder_plan],
            "encoder_output": self.encoder_output,
            "target_vocabulary": self.decoder_embedding.num_embeddings,
            "target_embedding": self.decoder_embedding.embedding_dim,
            "decoder_cell": "lstm" if isinstance(self.decoder, nn.LSTM) else "gru",
            "decoder_hidden": self.decoder.hidden_size,
            "decoder_layers": self.decoder.num_layers,
            "score": self.score,
            "attention_units": self.attention_units,
            "start_token": self.start_token,
            "end_token": self.end_token,
        }

    def csharp(self, class_name):
        """The RnnGen declaration ([Encoder] … [Decoder] … on a partial class)."""
        c = self.config()
        lines = ["[RnnModel]", "[Encoder]", f"[Embedding({c['source_vocabulary']}, {c['source_embedding']})]"]
        for k, e in enumerate(c["encoder"]):
            if e["bidirectional"]:
                lines.append("[Bidirectional]" if e["merge"] == "concat"
                             else f"[Bidirectional(Merge = Merge.{e['merge'].capitalize()})]")
            extra = f", Layers = {e['layers']}" if e["layers"] != 1 else ""
            if e["cell"] == "rnn" and e.get("activation") == "relu":
                extra += ", Activation = Activation.Relu"
            default = "encoder" if k == 0 else f"encoder_{k}"
            if e["name"] != default:
                extra += f', Name = "{e["name"]}"'
            attr = {"rnn": "SimpleRnn", "lstm": "Lstm", "gru": "Gru"}[e["cell"]]
            lines.append(f"[{attr}({e['hidden']}{extra})]")
        lines.append(f"[Decoder(StartToken = {c['start_token']}, EndToken = {c['end_token']})]")
        lines.append(f"[Embedding({c['target_vocabulary']}, {c['target_embedding']})]")
        extra = f", Layers = {c['decoder_layers']}" if c["decoder_layers"] != 1 else ""
        lines.append(f"[{'Lstm' if c['decoder_cell'] == 'lstm' else 'Gru'}({c['decoder_hidden']}{extra})]")
        units = f", Units = {c['attention_units']}" if c["attention_units"] not in (0, c["decoder_hidden"]) else ""
        lines.append(f"[Attention(AttentionScore.{_CS_SCORE[c['score']]}{units})]")
        lines.append(f"[Dense({c['target_vocabulary']}, Activation.Softmax)]")
        return "\n".join(lines) + f"\npublic partial class {class_name} {{ }}\n"

    # ── the computation ─────────────────────────────────────────────────────────────────────────────────

    def encode(self, source, source_lengths):
        """source [B, S] -> (outputs h [B, S, D_e], 0 at padding; merged final state f [B, D_e])."""
        x = self.encoder_embedding(source.long())
        return run_recurrent([getattr(self, n) for n in self.encoder_names], x, source_lengths)

    def scores(self, q, h):
        """score(q, h_s) for every s: q [B, H_d], h [B, S, D_e] -> [B, S] (before masking)."""
        if self.score == "dot":
            return torch.bmm(h, q[:, :, None]).squeeze(-1)
        if self.score == "general":
            return torch.bmm(self.attention(h), q[:, :, None]).squeeze(-1)
        return self.attention(q, h)

    def attend(self, q, h, valid):
        """α = softmax(scores masked to s < S_b), c = Σ_s α_s h_s. valid [B, S] bool. Returns (c [B, D_e], α [B, S])."""
        s = self.scores(q, h).masked_fill(~valid, float("-inf"))
        alpha = torch.softmax(s, dim=-1)
        return torch.bmm(alpha[:, None, :], h).squeeze(1), alpha

    def forward(self, source, source_lengths, target):
        """Teacher-forced (ratio 1) logits [B, T, V] for source [B, S], source_lengths [B], target [B, T]."""
        source_lengths = torch.as_tensor(source_lengths, dtype=torch.int64)
        target = target.long()
        B, S = source.shape
        T = target.shape[1]
        h, f = self.encode(source, source_lengths)
        valid = torch.arange(S)[None, :] < source_lengths[:, None]
        L, Hd = self.decoder.num_layers, self.decoder.hidden_size
        h0 = torch.tanh(self.bridge(f)).reshape(B, L, Hd).transpose(0, 1).contiguous()    # [L, B, H_d]
        state = (h0, torch.zeros_like(h0)) if isinstance(self.decoder, nn.LSTM) else h0
        logits, self.last_attention = [], []
        for t in range(T):
            y = torch.full((B,), self.start_token, dtype=torch.int64) if t == 0 else target[:, t - 1]
            e = self.decoder_embedding(y)
            if self.score == "bahdanau":
                top = (state[0] if isinstance(state, tuple) else state)[-1]
                c, alpha = self.attend(top, h, valid)
                out, state = self.decoder(torch.cat([e, c], dim=-1)[:, None, :], state)
                q = out[:, 0]
            else:
                out, state = self.decoder(e[:, None, :], state)
                q = out[:, 0]
                c, alpha = self.attend(q, h, valid)
            tilde = torch.tanh(self.combine(torch.cat([c, q], dim=-1)))
            logits.append(self.dense(tilde))
            self.last_attention.append(alpha.detach())
        return torch.stack(logits, dim=1)

    @staticmethod
    def loss(logits, target, target_lengths):
        """Mean cross-entropy over every valid (b, t < target_lengths[b])."""
        B, T, V = logits.shape
        valid = torch.arange(T)[None, :] < torch.as_tensor(target_lengths, dtype=torch.int64)[:, None]
        tt = torch.where(valid, target.long(), torch.full_like(target.long(), -100))
        return nn.functional.cross_entropy(logits.reshape(-1, V), tt.reshape(-1), ignore_index=-100)


# ── reference cases ─────────────────────────────────────────────────────────────────────────────────

def export_case(path, model, source, source_lengths, target, target_lengths, config=None):
    """Runs the teacher-forced forward, the loss and backward on one batch and writes a reference case.

    source [B, S] / target [B, T] token ids (set to 0 in the file after each length: padding is never read, except
    that a padded target token is a later step's input, whose logits do not count); lengths [B]: source 1…S, target
    0…T. Returns the tensors written.
    """
    source = torch.as_tensor(source, dtype=torch.int64).clone()
    target = torch.as_tensor(target, dtype=torch.int64).clone()
    source_lengths = torch.as_tensor(source_lengths, dtype=torch.int64)
    target_lengths = torch.as_tensor(target_lengths, dtype=torch.int64)
    B, S = source.shape
    T = target.shape[1]
    if source_lengths.shape != (B,) or int(source_lengths.min()) < 1 or int(source_lengths.max()) > S:
        raise ValueError(f"source_lengths must be [B] values in 1..{S}")
    if target_lengths.shape != (B,) or int(target_lengths.min()) < 0 or int(target_lengths.max()) > T:
        raise ValueError(f"target_lengths must be [B] values in 0..{T}")
    if int(target_lengths.sum()) == 0:
        raise ValueError("at least one target position must be valid")
    for b in range(B):
        source[b, source_lengths[b]:] = 0
        target[b, target_lengths[b]:] = 0
    model.zero_grad(set_to_none=True)
    logits = model(source, source_lengths, target)
    loss = model.loss(logits, target, target_lengths)
    loss.backward()

    t = {}
    params = dict(model.named_parameters())
    for n, p in params.items():
        t[n] = p
    t["source"] = source.to(torch.int32)
    t["source_lengths"] = source_lengths.to(torch.int32)
    t["target"] = target.to(torch.int32)
    t["target_lengths"] = target_lengths.to(torch.int32)
    t["logits"] = logits
    t["loss"] = loss.reshape(1)
    for n, p in params.items():
        t["grad." + n] = p.grad if p.grad is not None else torch.zeros_like(p)
    cfg = config if config is not None else model.config()
    cfg = dict(cfg, batch=B, source_steps=S, target_steps=T,
               source_lengths=source_lengths.tolist(), target_lengths=target_lengths.tolist())
    write_safetensors(path, t, {"config": json.dumps(cfg)})
    return t


def model_from_config(c):
    """The Seq2Seq a case's config describes."""
    enc = []
    for e in c["encoder"]:
        d = {"lstm": Lstm, "gru": Gru, "rnn": SimpleRnn}[e["cell"]]
        kw = {"activation": e["activation"]} if e["cell"] == "rnn" else {}
        layer = d(e["hidden"], layers=e["layers"], name=e["name"], **kw)
        enc.append(Bidirectional(layer, e["merge"]) if e["bidirectional"] else layer)
    return Seq2Seq(c["source_vocabulary"], c["source_embedding"], enc, c["target_vocabulary"], c["target_embedding"],
                   c["decoder_cell"], c["decoder_hidden"], c["decoder_layers"], c["score"], c["attention_units"],
                   c["start_token"], c["end_token"])


def _case(make, batch=3, source_steps=6, target_steps=5, source_lengths=None, target_lengths=None, note=""):
    return dict(make=make, batch=batch, source_steps=source_steps, target_steps=target_steps,
                source_lengths=source_lengths, target_lengths=target_lengths, note=note)


# name -> case. Sources and targets are padded (different lengths) in every case.
CASES = {
    "dot_bilstm_lstm": _case(
        lambda: Seq2Seq(11, 5, [Bidirectional(Lstm(4))], 9, 4, "lstm", 8, score="dot"),
        source_lengths=[6, 3, 5], target_lengths=[5, 2, 4],
        note="dot; bidirectional LSTM encoder (concat, D_e = 8); LSTM(8) decoder"),
    "dot_bigru_sum_gru": _case(
        lambda: Seq2Seq(8, 4, [Bidirectional(Gru(5), "sum")], 7, 3, "gru", 5, score="dot", start_token=0, end_token=6),
        source_steps=5, target_steps=4, source_lengths=[1, 5, 3], target_lengths=[4, 0, 3],
        note="dot; bidirectional GRU summed; GRU(5) decoder; a source of length 1 and a target of length 0"),
    "general_gru2_gru2": _case(
        lambda: Seq2Seq(10, 5, [Gru(6, layers=2)], 8, 4, "gru", 5, decoder_layers=2, score="general"),
        source_lengths=[4, 6, 2], target_lengths=[3, 5, 5],
        note="general; 2-layer GRU encoder; 2-layer GRU decoder"),
    "general_biavg_lstm": _case(
        lambda: Seq2Seq(9, 4, [Bidirectional(Lstm(3), "average")], 10, 5, "lstm", 6, score="general"),
        source_steps=5, target_steps=6, source_lengths=[5, 2, 4], target_lengths=[6, 3, 1],
        note="general; bidirectional LSTM averaged (D_e = 3 ≠ H_d = 6); LSTM(6) decoder"),
    "concat_stacked_lstm2": _case(
        lambda: Seq2Seq(11, 4, [Lstm(4), Bidirectional(Gru(3))], 9, 4, "lstm", 5, decoder_layers=2,
                        score="concat", attention_units=4),
        source_lengths=[6, 4, 3], target_lengths=[2, 5, 4],
        note="concat (A = 4); stacked encoder LSTM(4) then bidirectional GRU(3) (D_e = 6); 2-layer LSTM(5) decoder"),
    "concat_birnn_mul_gru": _case(
        lambda: Seq2Seq(7, 3, [Bidirectional(SimpleRnn(4), "mul")], 8, 4, "gru", 4, score="concat"),
        source_steps=5, target_steps=5, source_lengths=[3, 5, 2], target_lengths=[5, 1, 3],
        note="concat (A = H_d); bidirectional tanh RNN multiplied; GRU(4) decoder"),
    "bahdanau_bilstm_gru": _case(
        lambda: Seq2Seq(10, 5, [Bidirectional(Lstm(4))], 9, 4, "gru", 6, score="bahdanau", attention_units=5),
        source_lengths=[6, 2, 4], target_lengths=[4, 5, 2],
        note="bahdanau (A = 5); bidirectional LSTM encoder (concat); GRU(6) decoder"),
    "bahdanau_stacked_lstm2": _case(
        lambda: Seq2Seq(9, 4, [Gru(5), Lstm(4, layers=2)], 11, 3, "lstm", 4, decoder_layers=2, score="bahdanau",
                        start_token=0, end_token=10),
        source_lengths=[3, 6, 5], target_lengths=[5, 3, 4],
        note="bahdanau (A = H_d); stacked encoder GRU(5) then 2-layer LSTM(4); 2-layer LSTM(4) decoder"),
}


# Initial ranges by tensor prefix (first match; the rest U(±0.6)): wider than PyTorch's defaults, so that gates
# saturate sometimes and the attention is not nearly uniform (with a uniform attention the additive scores' gradients
# are sums that almost cancel, and their float32 values keep few correct digits).
INIT = (("attention", 2.5), ("encoder", 1.5))
INIT_DEFAULT = 0.6
ROUNDING = 2e-6      # a built-in case's float32 values must be this close to float64 (see float32_rounding)


def float32_rounding(tensors, config):
    """How far a case's stored (float32-computed) logits, loss and gradients are from the same computation in float64
    from the same float32 weights: the largest max |a − b| / max |b| over the tensors (logits at valid steps only).
    Returns (that value, the tensor where it occurs)."""
    model = model_from_config(config).double()
    names = [n for n, _ in model.named_parameters()]
    stored = [n for n in tensors if n not in ("source", "target", "source_lengths", "target_lengths", "logits", "loss")
              and not n.startswith("grad.")]
    if names != stored:
        raise ValueError(f"parameter names differ from the model's:\n  {stored}\n  {names}")
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(tensors[n].double())
    logits = model(tensors["source"], tensors["source_lengths"], tensors["target"])
    loss = model.loss(logits, tensors["target"], tensors["target_lengths"])
    loss.backward()
    valid = (torch.arange(logits.shape[1])[None, :] < tensors["target_lengths"].long()[:, None])[:, :, None]
    rows = {"logits": (logits.detach() * valid, tensors["logits"].detach().double() * valid),
            "loss": (loss.detach().reshape(1), tensors["loss"].detach().double().reshape(1))}
    for n, p in model.named_parameters():
        rows["grad." + n] = (p.grad, tensors["grad." + n].detach().double())
    worst = (0.0, "")
    for n, (a, b) in rows.items():
        rel = float((a - b).abs().max() / max(float(b.abs().max()), 1e-30))
        worst = max(worst, (rel, n))
    return worst


def make_builtin_case(name, outdir, seed, tries=50):
    """Builds CASES[name], initialises it (INIT) from a seed, draws a batch (targets end with end_token) and writes
    OUTDIR/name.safetensors. Seeds seed, seed + 1, … are tried until the case's own float32 rounding is below ROUNDING,
    so that comparing with it at 1e-5 means something; the seed used is in the file's config."""
    c = CASES[name]
    path = os.path.join(outdir, name + ".safetensors")
    for s in range(seed, seed + tries):
        torch.manual_seed(s)
        model = c["make"]()
        with torch.no_grad():
            for n, p in model.named_parameters():
                r = next((v for prefix, v in INIT if n.startswith(prefix)), INIT_DEFAULT)
                p.uniform_(-r, r)
        cfg = model.config()
        B, S, T = c["batch"], c["source_steps"], c["target_steps"]
        source = torch.randint(0, cfg["source_vocabulary"], (B, S))
        target = torch.randint(0, cfg["target_vocabulary"], (B, T))
        for b, n in enumerate(c["target_lengths"]):
            if n > 0:
                target[b, n - 1] = cfg["end_token"]
        config = dict(cfg, case=name, note=c["note"], init=dict(INIT, default=INIT_DEFAULT), seed=s)
        tensors = export_case(path, model, source, c["source_lengths"], target, c["target_lengths"], config=config)
        rounding, _ = float32_rounding(tensors, dict(config, batch=B))
        if rounding <= ROUNDING:
            return s, rounding
    raise RuntimeError(f"{name}: no seed in {seed}…{seed + tries - 1} gives a float32 rounding below {ROUNDING}")


def check_folder(folder):
    """Prints every case's float32 rounding (float32_rounding); returns the largest."""
    import glob
    worst = 0.0
    for path in sorted(glob.glob(os.path.join(folder, "*.safetensors"))):
        t, meta = read_safetensors(path)
        rounding, where = float32_rounding(t, json.loads(meta["config"]))
        worst = max(worst, rounding)
        print(f"{os.path.basename(path)}: float32 vs float64 max |a - b| / max |b| = {rounding:.2e} ({where})")
    print(f"worst {worst:.2e}")
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cases", help="regenerate the built-in seq2seq reference cases")
    p.add_argument("outdir")
    p.add_argument("names", nargs="*", help="only these cases (default: all)")
    sub.add_parser("list", help="list the built-in cases with their C# declarations")
    p = sub.add_parser("check", help="recompute the cases of a folder in float64 and report the float32 rounding")
    p.add_argument("folder")
    args = ap.parse_args(argv)
    if args.command == "cases":
        os.makedirs(args.outdir, exist_ok=True)
        unknown = [n for n in args.names if n not in CASES]
        if unknown:
            ap.error(f"unknown case(s): {', '.join(unknown)}; see `list`")
        for i, name in enumerate(CASES):
            if args.names and name not in args.names:
                continue
            used, rounding = make_builtin_case(name, args.outdir, seed=3000 + 100 * i)   # from its position in CASES
            print(f"wrote {os.path.join(args.outdir, name + '.safetensors')} (seed {used}, float32 rounding {rounding:.1e})")
    elif args.command == "list":
        for name, c in CASES.items():
            print(f"// {name}: {c['note']}")
            print(c["make"]().csharp("".join(w.capitalize() for w in name.split("_"))))
    else:
        check_folder(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
