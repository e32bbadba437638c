#!/usr/bin/env python3
"""Export PyTorch recurrent models for RnnGen: weights, and self-checking reference cases.

RnnGen builds a C# model from attributes written on a partial class, in order:

    [RnnModel(Returns = Returns.Last)]            RnnStack([Embedding(20, 8),
    [Embedding(vocab: 20, dim: 8)]                          Bidirectional(Lstm(6), merge="sum"),
    [Bidirectional(Merge = Merge.Sum)]                      Gru(4, layers=2),
    [Lstm(6)]                                               Dense(5, "tanh"),
    [Gru(4, Layers = 2)]                                    Dense(3, "softmax")],
    [Dense(5, Activation.Tanh)]                          returns="last")
    [Dense(3, Activation.Softmax)]
    public partial class Tagger { }

`RnnStack` (this file) is the same network as a torch.nn.Module, computing exactly what RnnGen computes,
with its parameters under the names RnnGen's `LoadSafetensors` expects (`embedding.weight`,
`recurrent.weight_ih_l0`, `recurrent_1.bias_hh_l1_reverse`, `dense.weight`, `dense_1.bias`, ...).

Usage
-----
Needs PyTorch (Debian: `apt install python3-torch`, then run with /usr/bin/python3) and nothing else.

  # 1. Train in PyTorch with an RnnStack, then save the weights for `model.LoadSafetensors(path)`:
  from export_reference import *
  net = RnnStack([Embedding(20, 8), Lstm(32), Dense(20, "softmax")], input=0, returns="sequence")
  ... train ...
  save_weights("weights.safetensors", net)
  print(net.csharp("CharModel"))          # the attributes to paste on `public partial class CharModel { }`

  # 2. Write a reference case and check the C# model against it: `new CharModel().CheckReference(path)`
  export_case("case.safetensors", net, tokens, lengths)          # target: random when not given

  # From the shell:
  export_reference.py cases OUTDIR [NAME ...]     regenerate the built-in extra cases (all, or the named ones)
  export_reference.py list                        the built-in cases and their C# declarations
  export_reference.py weights STATE_DICT.pt OUT [--rename lstm=recurrent ...]
                                                  a torch.save()d state_dict (or module) -> safetensors

A module you already have can be adopted too: pass nn.Embedding / nn.RNN / nn.LSTM / nn.GRU (batch_first=True) /
nn.Linear modules, each nn.Linear optionally followed by nn.Tanh / nn.ReLU / nn.Sigmoid / nn.Softmax, in order:
`RnnStack([emb, lstm, nn.Linear(32, 20), nn.Softmax(-1)])` shares (not copies) their parameters.

Semantics mirrored (RnnGen's, see DESIGN.md):
- recurrent modules run one after the other; each reads the previous one's padded output [B, T, features]
  through pack_padded_sequence / pad_packed_sequence (enforce_sorted=False), so padded positions are 0;
- Bidirectional(merge=...) combines the top layer's two directions of its module (Keras' merge_mode):
  concat -> [fwd | rev] (PyTorch's layout), sum -> fwd + rev, mul -> fwd * rev, average -> (fwd + rev) / 2,
  for the per-step output and, for returns="last", for the final states (h_n: forward after the last valid
  step, reverse after step 0);
- dense layers apply per step (returns="sequence") or to the merged final state (returns="last");
- the head (last Dense) picks the loss: softmax -> cross-entropy over valid (b, t); sigmoid -> BCE with logits,
  linear -> MSE, tanh / relu -> MSE on the activated output, each a mean over valid elements.

Reference case layout (as make_reference.py writes it): the weights under their names; `input` [B, T, I] float32
or `tokens` [B, T] int32 (0 at padding); `lengths` [B] int32; `target` (int32 class ids, 0 at padding, or float32);
`output` (the head's pre-activation values); `loss` [1]; `grad.<param>` for every parameter; `grad.input` for float
inputs; the case's description as JSON in `__metadata__["config"]`.
"""
import argparse
import json
import os
import struct
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["Embedding", "OneHot", "SimpleRnn", "Lstm", "Gru", "Bidirectional", "Dense", "RnnStack",
           "export_case", "save_weights", "write_safetensors", "read_safetensors", "run_recurrent", "CASES",
           "make_builtin_case"]

ACTIVATIONS = ("linear", "sigmoid", "softmax", "tanh", "relu")
MERGES = ("concat", "sum", "mul", "average")
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# ── safetensors ─────────────────────────────────────────────────────────────────────────────────────

_DT = {torch.float32: "F32", torch.int32: "I32", torch.float64: "F64", torch.int64: "I64"}
_TD = {"F32": torch.float32, "I32": torch.int32, "F64": torch.float64, "I64": torch.int64}


def write_safetensors(path, tensors, metadata=None, keep_float64=False):
    """Writes {name: tensor} as safetensors. int64 -> int32 and (unless keep_float64) float64 -> float32."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.int64:
            t = t.to(torch.int32)
        if t.dtype == torch.float64 and not keep_float64:
            t = t.to(torch.float32)
        if t.dtype not in _DT:
            raise ValueError(f"{name}: dtype {t.dtype} cannot be written")
        b = t.numpy().tobytes()
        header[name] = {"dtype": _DT[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """Returns ({name: tensor}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        raw = bytearray(data[8 + n + a:8 + n + b])
        tensors[name] = torch.frombuffer(raw, dtype=_TD[info["dtype"]]).reshape(info["shape"]) if b > a \
            else torch.zeros(info["shape"], dtype=_TD[info["dtype"]])
    return tensors, metadata


# ── layer descriptions, one per RnnGen attribute ───────────────────────────────────────────────────

class Embedding:
    """[Embedding(vocab, dim)]: nn.Embedding, tensor `{name}.weight`."""
    def __init__(self, vocab, dim, name=None):
        self.vocab, self.dim, self.name = vocab, dim, name


class OneHot:
    """[OneHot(vocab)]: one-hot vectors, no tensors."""
    def __init__(self, vocab, name=None):
        self.vocab, self.name = vocab, name


class _Recurrent:
    cell = None

    def __init__(self, hidden, layers=1, name=None, activation="tanh"):
        self.hidden, self.layers, self.name, self.activation = hidden, layers, name, activation
        self.bidirectional, self.merge = False, "concat"


class SimpleRnn(_Recurrent):
    """[SimpleRnn(hidden, Layers = n, Activation = Tanh|Relu)]: nn.RNN."""
    cell = "rnn"


class Lstm(_Recurrent):
    """[Lstm(hidden, Layers = n)]: nn.LSTM."""
    cell = "lstm"


class Gru(_Recurrent):
    """[Gru(hidden, Layers = n)]: nn.GRU."""
    cell = "gru"


def Bidirectional(layer, merge="concat"):
    """[Bidirectional(Merge = ...)] on the recurrent layer that follows: a description (Lstm(4)) or an nn.RNN/LSTM/GRU."""
    if merge not in MERGES:
        raise ValueError(f"merge must be one of {MERGES}, not {merge!r}")
    if isinstance(layer, _Recurrent):
        layer.bidirectional, layer.merge = True, merge
        return layer
    if isinstance(layer, (nn.RNN, nn.LSTM, nn.GRU)):
        if not layer.bidirectional:
            raise ValueError("Bidirectional(module): the module must be built with bidirectional=True")
        return _Adopted(layer, merge)
    raise TypeError(f"Bidirectional takes a recurrent layer, not {type(layer).__name__}")


class Dense:
    """[Dense(units, activation)]: nn.Linear followed by the activation; the last one is the head."""
    def __init__(self, units, activation="linear", name=None):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, not {activation!r}")
        self.units, self.activation, self.name = units, activation, name


class _Adopted:
    def __init__(self, module, merge):
        self.module, self.merge = module, merge


_ACT_MODULES = {nn.Tanh: "tanh", nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Softmax: "softmax", nn.Identity: "linear"}
_CS_ACT = {"linear": "Linear", "sigmoid": "Sigmoid", "softmax": "Softmax", "tanh": "Tanh", "relu": "Relu"}


def _act(name, y):
    if name == "tanh":
        return torch.tanh(y)
    if name == "relu":
        return torch.relu(y)
    if name == "sigmoid":
        return torch.sigmoid(y)
    if name == "softmax":
        return torch.softmax(y, dim=-1)
    return y


def _merge(merge, fwd, rev, concat):
    if merge == "concat":
        return concat
    if merge == "sum":
        return fwd + rev
    if merge == "mul":
        return fwd * rev
    return (fwd + rev) / 2


def run_recurrent(modules, x, lengths=None):
    """RnnGen's recurrent stack: the modules (nn.RNN/LSTM/GRU, batch_first, each with `_rnngen_merge` when
    bidirectional) run one after the other on x [B, T, F] through pack_padded_sequence(enforce_sorted=False).
    Returns (outputs [B, T, F'] with 0 at padding, merged final state [B, F'] of the last module: forward direction
    after each sequence's last valid step, reverse direction after step 0). Seq2Seq encoders (export_seq2seq.py) use it too."""
    B, T = x.shape[0], x.shape[1]
    if lengths is None:
        lengths = torch.full((B,), T, dtype=torch.int64)
    lengths = torch.as_tensor(lengths, dtype=torch.int64).cpu()
    mask = (torch.arange(T)[None, :] < lengths[:, None]).to(x.dtype)[:, :, None]   # [B, T, 1]
    final = None
    for module in modules:
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = module(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
        hn = h[0] if isinstance(module, nn.LSTM) else h          # [layers * D, B, H]
        H = module.hidden_size
        if module.bidirectional:
            merge = getattr(module, "_rnngen_merge", "concat")
            fwd, rev = out[..., :H], out[..., H:]
            out = _merge(merge, fwd, rev, torch.cat([fwd, rev], dim=-1))
            final = _merge(merge, hn[-2], hn[-1], torch.cat([hn[-2], hn[-1]], dim=1))
        else:
            final = hn[-1]
        x = out * mask                                            # padding is 0 before the next module
    return x, final


class RnnStack(nn.Module):
    """An RnnGen model as a torch.nn.Module: forward(x, lengths) returns the head's pre-activation values.

    layers:  descriptions (Embedding, OneHot, SimpleRnn, Lstm, Gru, Bidirectional(...), Dense) or nn modules, in
             RnnGen's attribute order: an optional token input first, then one or more recurrent layers, then one or
             more Dense layers (the last is the head).
    input:   features per step for float inputs ([RnnModel(Input = n)]); 0 with a token input.
    returns: "sequence" ([batch, steps, out]) or "last" ([batch, out] from the final state).
    """

    def __init__(self, layers, input=0, returns="sequence"):
        super().__init__()
        if returns not in ("sequence", "last"):
            raise ValueError("returns must be 'sequence' or 'last'")
        self.returns, self.input_size = returns, input
        self.token_input = None          # None, ("embedding", name, vocab) or ("onehot", name, vocab)
        self.recurrent_names, self.dense_names = [], []
        self.plan = []                   # descriptions, for config/csharp
        features = input
        layers = list(layers)
        i = 0
        while i < len(layers):
            layer = layers[i]
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            if isinstance(layer, (Embedding, nn.Embedding)):
                self._no_input_yet(features)
                module = layer if isinstance(layer, nn.Embedding) else nn.Embedding(layer.vocab, layer.dim)
                name = getattr(layer, "name", None) or "embedding"
                self.add_module(name, module)
                self.token_input = ("embedding", name, module.num_embeddings)
                features = module.embedding_dim
                self.plan.append({"kind": "embedding", "name": name, "vocab": module.num_embeddings, "dim": features})
            elif isinstance(layer, OneHot):
                self._no_input_yet(features)
                self.token_input = ("onehot", layer.name or "onehot", layer.vocab)
                features = layer.vocab
                self.plan.append({"kind": "onehot", "name": layer.name or "onehot", "vocab": layer.vocab})
            elif isinstance(layer, (_Recurrent, _Adopted, nn.RNN, nn.LSTM, nn.GRU)):
                if self.dense_names:
                    raise ValueError("a recurrent layer comes after a Dense layer")
                if features <= 0:
                    raise ValueError("no input: give input=features, or start with Embedding / OneHot")
                k = len(self.recurrent_names)
                default = "recurrent" if k == 0 else f"recurrent_{k}"
                if isinstance(layer, _Recurrent):
                    kw = dict(num_layers=layer.layers, bidirectional=layer.bidirectional, batch_first=True)
                    if layer.cell == "rnn":
                        kw["nonlinearity"] = layer.activation
                    module = CELLS[layer.cell](features, layer.hidden, **kw)
                    name, merge = layer.name or default, layer.merge
                else:
                    module, merge = (layer.module, layer.merge) if isinstance(layer, _Adopted) else (layer, "concat")
                    name = default
                    if not module.batch_first:
                        raise ValueError(f"{name}: build the recurrent module with batch_first=True")
                    if module.input_size != features:
                        raise ValueError(f"{name}: input_size is {module.input_size}, the layer before gives {features}")
                    if getattr(module, "proj_size", 0):
                        raise ValueError(f"{name}: LSTM proj_size is not supported")
                    if not module.bias:
                        raise ValueError(f"{name}: recurrent modules need bias=True")
                self.add_module(name, module)
                module._rnngen_merge = merge
                self.recurrent_names.append(name)
                cell = {nn.RNN: "rnn", nn.LSTM: "lstm", nn.GRU: "gru"}[type(module)]
                d = 2 if module.bidirectional else 1
                h = module.hidden_size
                features = 2 * h if d == 2 and merge == "concat" else h
                entry = {"kind": cell, "name": name, "hidden": h, "layers": module.num_layers,
                         "bidirectional": module.bidirectional, "merge": merge}
                if cell == "rnn":
                    entry["activation"] = module.nonlinearity
                self.plan.append(entry)
            elif isinstance(layer, (Dense, nn.Linear)):
                if not self.recurrent_names:
                    raise ValueError("a Dense layer comes before any recurrent layer")
                k = len(self.dense_names)
                default = "dense" if k == 0 else f"dense_{k}"
                if isinstance(layer, Dense):
                    module, activation, name = nn.Linear(features, layer.units), layer.activation, layer.name or default
                else:
                    module, activation, name = layer, "linear", default
                    if module.in_features != features:
                        raise ValueError(f"{name}: in_features is {module.in_features}, the layer before gives {features}")
                    if type(nxt) in _ACT_MODULES:
                        activation = _ACT_MODULES[type(nxt)]
                        i += 1
                self.add_module(name, module)
                module._rnngen_activation = activation
                self.dense_names.append(name)
                features = module.out_features
                self.plan.append({"kind": "dense", "name": name, "units": features, "activation": activation})
            else:
                raise TypeError(f"layer {i}: {type(layer).__name__} is not something RnnGen has")
            i += 1
        if not self.recurrent_names:
            raise ValueError("the model needs at least one recurrent layer")
        if not self.dense_names:
            raise ValueError("the model needs a Dense head")
        for name in self.dense_names[:-1]:
            if getattr(self, name)._rnngen_activation == "softmax":
                raise ValueError(f"{name}: softmax belongs to the head (the last Dense)")
        self.output_size = features

    @staticmethod
    def _no_input_yet(features):
        if features:
            raise ValueError("a token input (Embedding / OneHot) comes first, and input= must then be 0")

    @property
    def head_activation(self):
        return getattr(self, self.dense_names[-1])._rnngen_activation

    @property
    def loss_kind(self):
        return {"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy"}.get(self.head_activation, "mse")

    def embed(self, x):
        """Tokens [B, T] -> features [B, T, F]; float inputs pass through."""
        if self.token_input is None:
            return x
        kind, name, vocab = self.token_input
        if kind == "embedding":
            return getattr(self, name)(x.long())
        return nn.functional.one_hot(x.long(), vocab).to(torch.float32)

    def forward(self, x, lengths=None):
        """x: [B, T, I] floats or [B, T] token ids; lengths [B] (default: all T). Returns the head's logits."""
        x = self.embed(x)
        x, final = run_recurrent([getattr(self, name) for name in self.recurrent_names], x, lengths)
        y = x if self.returns == "sequence" else final
        for k, name in enumerate(self.dense_names):
            dense = getattr(self, name)
            y = dense(y)
            if k < len(self.dense_names) - 1:
                y = _act(dense._rnngen_activation, y)
        return y

    @staticmethod
    def _merge(merge, fwd, rev, concat):
        return _merge(merge, fwd, rev, concat)

    def predict(self, x, lengths=None):
        """What RnnGen's Forward returns: the head's activation applied to the logits."""
        return _act(self.head_activation, self.forward(x, lengths))

    def loss(self, logits, target, lengths=None):
        """The mean loss RnnGen's Backward returns (masked to valid positions for returns="sequence")."""
        return masked_loss(logits, target, lengths, self.head_activation, self.returns)

    def config(self):
        return {"input": self.input_size, "returns": self.returns, "layers": self.plan,
                "loss": self.loss_kind, "head": self.head_activation}

    def csharp(self, class_name, namespace=None):
        """The RnnGen declaration of this model: attributes on a partial class."""
        args = []
        if self.token_input is None:
            args.append(f"Input = {self.input_size}")
        if self.returns == "last":
            args.append("Returns = Returns.Last")
        lines = [f"[RnnModel({', '.join(args)})]" if args else "[RnnModel]"]
        for p in self.plan:
            nm = lambda default: "" if p["name"] == default else f', Name = "{p["name"]}"'
            if p["kind"] == "embedding":
                lines.append(f"[Embedding(vocab: {p['vocab']}, dim: {p['dim']}{nm('embedding')})]")
            elif p["kind"] == "onehot":
                lines.append(f"[OneHot({p['vocab']}{nm('onehot')})]")
            elif p["kind"] == "dense":
                k = self.dense_names.index(p["name"])
                act = "" if p["activation"] == "linear" else f", Activation.{_CS_ACT[p['activation']]}"
                lines.append(f"[Dense({p['units']}{act}{nm('dense' if k == 0 else f'dense_{k}')})]")
            else:
                if p["bidirectional"]:
                    lines.append("[Bidirectional]" if p["merge"] == "concat"
                                 else f"[Bidirectional(Merge = Merge.{p['merge'].capitalize()})]")
                k = self.recurrent_names.index(p["name"])
                extra = ""
                if p["layers"] != 1:
                    extra += f", Layers = {p['layers']}"
                if p["kind"] == "rnn" and p["activation"] == "relu":
                    extra += ", Activation = Activation.Relu"
                extra += nm("recurrent" if k == 0 else f"recurrent_{k}")
                attr = {"rnn": "SimpleRnn", "lstm": "Lstm", "gru": "Gru"}[p["kind"]]
                lines.append(f"[{attr}({p['hidden']}{extra})]")
        text = "\n".join(lines) + f"\npublic partial class {class_name} {{ }}\n"
        return f"namespace {namespace}\n{{\n{text}}}\n" if namespace else text


# ── loss, reference cases and weights ───────────────────────────────────────────────────────────────

def _valid_mask(B, T, lengths):
    if lengths is None:
        return torch.ones(B, T, dtype=torch.bool)
    lengths = torch.as_tensor(lengths, dtype=torch.int64)
    return torch.arange(T)[None, :] < lengths[:, None]


def masked_loss(y, target, lengths, head_activation, returns):
    """RnnGen's mean loss of the logits y: CE over valid (b, t) (softmax), BCE with logits (sigmoid) or MSE on the
    activated output (linear, tanh, relu) over valid elements. For returns="last" every row is valid."""
    loss_kind = {"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy"}.get(head_activation, "mse")
    sequence = returns == "sequence"
    if loss_kind == "cross_entropy":
        O = y.shape[-1]
        target = target.long()
        if sequence:
            mask = _valid_mask(y.shape[0], y.shape[1], lengths)
            target = torch.where(mask, target, torch.full_like(target, -100))
            return nn.functional.cross_entropy(y.reshape(-1, O), target.reshape(-1), ignore_index=-100)
        return nn.functional.cross_entropy(y, target)
    if loss_kind == "binary_cross_entropy":
        per = nn.functional.binary_cross_entropy_with_logits(y, target, reduction="none")
    else:
        per = (_act(head_activation, y) - target) ** 2
    if not sequence:
        return per.mean()
    m3 = _valid_mask(y.shape[0], y.shape[1], lengths)[:, :, None].expand_as(y).to(y.dtype)
    return (per * m3).sum() / m3.sum()


def random_target(model, logits, lengths, generator=None):
    """A target that fits the model's head: class ids (0 at padding), 0/1 floats, or normal floats."""
    kind, shape = model.loss_kind, logits.shape
    if kind == "cross_entropy":
        t = torch.randint(0, shape[-1], shape[:-1], generator=generator)
        if model.returns == "sequence":
            t = torch.where(_valid_mask(shape[0], shape[1], lengths), t, torch.zeros_like(t))
        return t
    if kind == "binary_cross_entropy":
        return torch.randint(0, 2, shape, generator=generator).to(torch.float32)
    return torch.randn(shape, generator=generator)


def export_case(path, model, batch, lengths=None, target=None, loss_kind=None, returns=None, config=None):
    """Runs forward, the mean loss and backward on one batch and writes a reference case RnnGen's CheckReference reads.

    path:      the .safetensors file to write.
    model:     an RnnStack (or an nn.Module with the same forward(x, lengths) -> logits contract and attributes
               head_activation, returns).
    batch:     float inputs [B, T, I] or token ids [B, T] (token ids at padding are set to 0 in the file).
    lengths:   [B] valid steps per sequence, each in 1..T (default: all T).
    target:    class ids ([B, T] or [B]) for a softmax head, floats shaped like the logits otherwise;
               None draws a random one from torch's global generator.
    loss_kind: "cross_entropy" | "binary_cross_entropy" | "mse", checked against the head (None: from the head).
    returns:   "sequence" | "last", checked against the model (None: the model's).
    config:    a dict stored as JSON in the file's metadata (None: the model's description).
    Returns the tensors written.
    """
    returns = returns or model.returns
    if returns != model.returns:
        raise ValueError(f"returns={returns!r}, but the model returns {model.returns!r}")
    head = model.head_activation
    expected_kind = {"softmax": "cross_entropy", "sigmoid": "binary_cross_entropy"}.get(head, "mse")
    if loss_kind is not None and loss_kind != expected_kind:
        raise ValueError(f"loss_kind={loss_kind!r}, but a {head} head trains with {expected_kind!r} in RnnGen")
    batch = torch.as_tensor(batch)
    tokens = not torch.is_floating_point(batch)
    B, T = batch.shape[0], batch.shape[1]
    lengths = torch.full((B,), T, dtype=torch.int64) if lengths is None else torch.as_tensor(lengths, dtype=torch.int64)
    if lengths.shape != (B,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
        raise ValueError(f"lengths must be [B] values in 1..{T}, got {lengths.tolist()}")
    if tokens:
        x = batch.clone().to(torch.int64)
        for b in range(B):
            x[b, lengths[b]:] = 0
    else:
        x = batch.detach().clone().to(torch.float32).requires_grad_(True)
    was_training = model.training
    model.eval()                     # RnnGen has no dropout: a case is computed without it
    model.zero_grad(set_to_none=True)
    y = model(x, lengths)
    if target is None:
        target = random_target(model, y.detach(), lengths)
    loss = masked_loss(y, target, lengths, head, returns)
    loss.backward()
    model.train(was_training)

    t = {}
    params = dict(model.named_parameters())
    for n, p in params.items():
        t[n] = p
    if tokens:
        t["tokens"] = x.to(torch.int32)
    else:
        t["input"] = x
    t["lengths"] = lengths.to(torch.int32)
    if expected_kind == "cross_entropy":
        tt = target.long()
        if returns == "sequence":
            tt = torch.where(_valid_mask(B, T, lengths), tt, torch.zeros_like(tt))
        t["target"] = tt.to(torch.int32)
    else:
        t["target"] = target.to(torch.float32)
    t["output"] = y
    t["loss"] = loss.reshape(1)
    for n, p in params.items():
        t["grad." + n] = p.grad if p.grad is not None else torch.zeros_like(p)
    if not tokens:
        t["grad.input"] = x.grad
    cfg = config if config is not None else model.config()
    cfg = dict(cfg, batch=B, steps=T, lengths=lengths.tolist())
    write_safetensors(path, t, {"config": json.dumps(cfg)})
    return t


def save_weights(path, model, rename=None):
    """Writes a model's parameters (float32) under their state_dict names, for RnnGen's LoadSafetensors.

    model: an nn.Module (an RnnStack has RnnGen's names already) or a state_dict.
    rename: {old prefix: new prefix}, e.g. {"lstm": "recurrent", "fc": "dense"} for a module of your own whose layers
            are named otherwise (or give the C# layers the same names: [Lstm(32, Name = "lstm")]).
    """
    state = model.state_dict() if isinstance(model, nn.Module) else model
    out = {}
    for k, v in state.items():
        if not torch.is_floating_point(v):
            continue
        head, dot, rest = k.partition(".")
        if rename and head in rename:
            k = rename[head] + dot + rest
        out[k] = v.to(torch.float32)
    write_safetensors(path, out)


# ── the built-in extra cases ────────────────────────────────────────────────────────────────────────

def _case(layers, input=0, returns="sequence", batch=3, steps=5, lengths=None, cs=None, note=""):
    return dict(layers=layers, input=input, returns=returns, batch=batch, steps=steps, lengths=lengths, cs=cs, note=note)


# name -> (layer factory, settings). `cs` is the C# class in tests/Rnn.Models.Tests/ExtraReferenceModels.cs.
CASES = {
    "gru_lengths_mse": _case(lambda: [Gru(4), Dense(2)], input=3, lengths=[5, 3, 1],
                             cs="XGruLengthsMse", note="GRU with lengths, sequence, MSE"),
    "gru_lengths_ce_last": _case(lambda: [Gru(5), Dense(3, "softmax")], input=3, returns="last", batch=4, steps=6,
                                 lengths=[6, 2, 4, 1], cs="XGruLengthsCeLast", note="GRU with lengths, last state, CE"),
    "lstm_lengths_mse": _case(lambda: [Lstm(5), Dense(3)], input=2, batch=4, steps=6, lengths=[6, 4, 2, 5],
                              cs="XLstmLengthsMse", note="LSTM with lengths, sequence, MSE"),
    "lstm_lengths_bce_last": _case(lambda: [Lstm(4), Dense(2, "sigmoid")], input=3, returns="last",
                                   lengths=[4, 2, 3], cs="XLstmLengthsBceLast",
                                   note="LSTM with lengths (none full), last state, BCE"),
    "gru_sigmoid_lengths": _case(lambda: [Gru(4), Dense(3, "sigmoid")], input=3, lengths=[5, 2, 4],
                                 cs="XGruSigmoidLengths", note="sigmoid head on a sequence with lengths (masked BCE)"),
    "lstm_tanh_head": _case(lambda: [Lstm(4), Dense(2, "tanh")], input=3, batch=2, lengths=[5, 3],
                            cs="XLstmTanhHead", note="tanh head, MSE on tanh(logits), with lengths"),
    "gru_relu_head": _case(lambda: [Gru(5), Dense(3, "relu")], input=2, lengths=[5, 4, 2],
                           cs="XGruReluHead", note="relu head, MSE on relu(logits), with lengths"),
    "lstm_hidden_tanh": _case(lambda: [Lstm(4), Dense(5, "tanh"), Dense(2)], input=3, lengths=[5, 2, 4],
                              cs="XLstmHiddenTanh", note="hidden Dense(5, Tanh) before a linear head, sequence"),
    "gru_hidden_relu_ce_last": _case(lambda: [Gru(4), Dense(5, "relu"), Dense(3, "softmax")], input=3,
                                     returns="last", batch=4, lengths=[5, 3, 1, 4], cs="XGruHiddenReluCeLast",
                                     note="hidden Dense(5, Relu) before a softmax head, last state"),
    "lstm_hidden_relu_tanh_mse": _case(lambda: [Lstm(4), Dense(5, "relu"), Dense(4, "tanh"), Dense(2)], input=2,
                                       lengths=[5, 4, 2], cs="XLstmHiddenReluTanh",
                                       note="two hidden Dense layers (Relu, Tanh), sequence"),
    "gru_3layer_mse": _case(lambda: [Gru(4, layers=3), Dense(2)], input=3, lengths=[5, 3, 4],
                            cs="XGru3LayerMse", note="3-layer GRU, sequence, lengths"),
    "gru_3layer_ce_last": _case(lambda: [Gru(3, layers=3), Dense(3, "softmax")], input=2, returns="last",
                                cs="XGru3LayerCeLast", note="3-layer GRU, last state of the top layer"),
    "bilstm_sum_mse": _case(lambda: [Bidirectional(Lstm(4), "sum"), Dense(2)], input=3, lengths=[5, 2, 4],
                            cs="XBiLstmSumMse", note="bidirectional Merge.Sum, sequence, lengths"),
    "bigru_sum_ce_last": _case(lambda: [Bidirectional(Gru(4, layers=2), "sum"), Dense(3, "softmax")], input=3,
                               returns="last", lengths=[5, 3, 2], cs="XBiGruSumCeLast",
                               note="2-layer bidirectional Merge.Sum, last states summed"),
    "bigru_mul_mse": _case(lambda: [Bidirectional(Gru(5), "mul"), Dense(2)], input=3, lengths=[5, 4, 1],
                           cs="XBiGruMulMse", note="bidirectional Merge.Mul, sequence, lengths"),
    "bilstm_mul_bce_last": _case(lambda: [Bidirectional(Lstm(4), "mul"), Dense(2, "sigmoid")], input=3,
                                 returns="last", lengths=[4, 5, 2], cs="XBiLstmMulBceLast",
                                 note="bidirectional Merge.Mul, last states multiplied"),
    "birnn_avg_mse": _case(lambda: [Bidirectional(SimpleRnn(4), "average"), Dense(2)], input=3, lengths=[5, 3, 2],
                           cs="XBiRnnAvgMse", note="bidirectional Merge.Average, sequence"),
    "bilstm_avg_ce_last": _case(lambda: [Bidirectional(Lstm(4, layers=2), "average"), Dense(3, "softmax")],
                                input=3, returns="last", batch=4, steps=6, lengths=[6, 3, 1, 5],
                                cs="XBiLstmAvgCeLast", note="2-layer bidirectional Merge.Average, last state"),
    "lstm_bigru_mse": _case(lambda: [Lstm(5), Bidirectional(Gru(4)), Dense(3)], input=3, batch=3, steps=6,
                            lengths=[6, 2, 4], cs="XLstmBiGruMse",
                            note="two recurrent modules: [Lstm(5)] [Bidirectional] [Gru(4)], sequence"),
    "rnn_lstm2_gru_ce_last": _case(lambda: [SimpleRnn(4), Lstm(3, layers=2), Gru(5), Dense(3, "softmax")], input=3,
                                   returns="last", batch=4, steps=6, lengths=[6, 4, 1, 3], cs="XRnnLstm2GruCeLast",
                                   note="three modules: [SimpleRnn(4)] [Lstm(3, Layers = 2)] [Gru(5)], last"),
    "bilstm_sum_gru_embed_ce": _case(lambda: [Embedding(7, 3), Bidirectional(Lstm(4), "sum"), Gru(3),
                                              Dense(7, "softmax")], batch=3, steps=6, lengths=[6, 3, 5],
                                     cs="XEmbedBiLstmSumGruCe",
                                     note="embedding, summed bidirectional module feeding a GRU, sequence CE"),
    "gru_bilstm_mul_mse_last": _case(lambda: [Gru(4), Bidirectional(Lstm(3), "mul"), Dense(2)], input=2,
                                     returns="last", lengths=[5, 2, 3], cs="XGruBiLstmMulLast",
                                     note="GRU then multiplied bidirectional LSTM, last state, MSE"),
    "onehot_bilstm_ce_last": _case(lambda: [OneHot(5), Bidirectional(Lstm(4)), Dense(3, "softmax")],
                                   returns="last", lengths=[5, 2, 4], cs="XOneHotBiLstmCeLast",
                                   note="one-hot input, bidirectional LSTM, last state, CE"),
    "embed_relu_rnn_ce": _case(lambda: [Embedding(8, 3), SimpleRnn(5, activation="relu"), Dense(8, "softmax")],
                               batch=3, steps=6, lengths=[6, 1, 4], cs="XEmbedReluRnnCe",
                               note="embedding + relu RNN with a length of 1, sequence CE"),
    "lstm_input1_mse": _case(lambda: [Lstm(6), Dense(1)], input=1, batch=2, steps=7, cs="XLstmInput1Mse",
                             note="one input feature (streaming-like), LSTM(6), full lengths"),
}


def build_builtin(name):
    c = CASES[name]
    return RnnStack(c["layers"](), input=c["input"], returns=c["returns"])


def make_builtin_case(name, outdir, seed):
    """Builds CASES[name], initialises it U(-0.6, 0.6) from `seed`, draws a batch and a target, writes OUTDIR/name.safetensors."""
    c = CASES[name]
    torch.manual_seed(seed)
    model = build_builtin(name)
    with torch.no_grad():   # wider than PyTorch's default init, so that gates saturate sometimes
        for p in model.parameters():
            p.uniform_(-0.6, 0.6)
    B, T = c["batch"], c["steps"]
    if model.token_input is not None:
        x = torch.randint(0, model.token_input[2], (B, T))
    else:
        x = torch.randn(B, T, c["input"])
    config = dict(model.config(), case=name, csharp=c["cs"], note=c["note"], init=0.6, seed=seed)
    export_case(os.path.join(outdir, name + ".safetensors"), model, x, c["lengths"], config=config)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cases", help="regenerate the built-in extra reference cases")
    p.add_argument("outdir")
    p.add_argument("names", nargs="*", help="only these cases (default: all)")
    sub.add_parser("list", help="list the built-in cases with their C# declarations")
    p = sub.add_parser("weights", help="convert a torch.save()d state_dict (or module) to safetensors")
    p.add_argument("source")
    p.add_argument("destination")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                   help="rename a layer prefix, e.g. --rename lstm=recurrent --rename fc=dense")
    args = ap.parse_args(argv)

    if args.command == "cases":
        os.makedirs(args.outdir, exist_ok=True)
        unknown = [n for n in args.names if n not in CASES]
        if unknown:
            ap.error(f"unknown case(s): {', '.join(unknown)}; see `list`")
        for i, name in enumerate(CASES):
            if args.names and name not in args.names:
                continue
            make_builtin_case(name, args.outdir, seed=2000 + i)   # the seed depends on the position in CASES only
            print("wrote", os.path.join(args.outdir, name + ".safetensors"))
    elif args.command == "list":
        for name, c in CASES.items():
            print(f"// {name}: {c['note']}")
            print(build_builtin(name).csharp(c["cs"]))
    else:
        rename = dict(r.split("=", 1) for r in args.rename)
        obj = torch.load(args.source, map_location="cpu")
        save_weights(args.destination, obj, rename)
        print("wrote", args.destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
