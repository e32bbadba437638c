#!/usr/bin/env python3
"""Export YOUR PyTorch module (built from nn.LSTM / nn.GRU / nn.RNN, nn.Linear, ...) and an example batch for RnnGen.

export_reference.py mirrors RnnGen models as `RnnStack`s; this script starts from the module you already trained, with
its own layer names and its own forward():

    class AmpNet(nn.Module):                       # your module, trained in PyTorch (one machine or DDP)
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(1, 16, batch_first=True)
            self.fc = nn.Linear(16, 1)
        def forward(self, x):
            out, _ = self.lstm(x)
            return self.fc(out)

    from export_module import export_module
    export_module(net, example_batch, weights="amp.safetensors", case="amp_case.safetensors", class_name="AmpModel")

It
  1. collects the module's layers in the order they were registered (nn.Embedding, nn.RNN / LSTM / GRU with
     batch_first=True, nn.Linear, and activation modules nn.Tanh / ReLU / Sigmoid / Softmax; nn.Dropout is skipped,
     as in eval()), recursing into containers such as nn.Sequential;
  2. rebuilds them as an RnnGen `RnnStack` that shares their parameters, and finds what the forward() does that the
     modules alone do not say: many-to-many or many-to-one (Returns.Last), functional activations between Linear
     layers (torch.relu(self.fc1(h))), an activation applied to the output; it runs your forward() and every candidate
     on the example batch and keeps the one that agrees (largest difference below --atol), or stops and says why;
  3. writes the weights under RnnGen's tensor names (for `[Weights("amp.safetensors")]` or LoadSafetensors), a
     reference case (weights, the batch, a target, logits, loss, every gradient) for the generated
     `CheckReference(path)`, and prints the C# declaration to paste.

The loss decides the head (as in RnnGen): --loss mse (linear head, default), bce (sigmoid head, BCE with logits) or
ce (softmax head, cross-entropy over class ids); an output passed through sigmoid / softmax / tanh / relu in your
forward() picks that head itself.

What RnnGen's many-to-one means for a bidirectional module: the forward direction's state after the last step and the
reverse direction's state after step 0 (PyTorch's h_n), i.e. torch.cat([out[:, -1, :H], out[:, 0, H:]], -1), not
out[:, -1]. A forward() that RnnGen cannot express (out[:, -1] of a bidirectional module, attention, residuals,
layer norm, ...) matches no candidate, and the script says so instead of writing a file that would not check.

Command line (Debian: apt install python3-torch, then /usr/bin/python3):

    export_module.py 'FILE.py:EXPRESSION' STATE_DICT BATCH --class AmpModel --weights amp.safetensors --case amp_case.safetensors
        MODULE       FILE.py:EXPRESSION builds the module, e.g. 'models.py:AmpNet()' or 'models.py:make_net(hidden=16)'
                     (quoted: the shell reads the parentheses)
        STATE_DICT   torch.save(net.state_dict(), ...) (from DDP: net.module.state_dict(), or keys with "module." are
                     stripped); "-" keeps the parameters the expression built
        BATCH        torch.save(x, ...): float [B, T, features] or int token ids [B, T]
        --lengths    torch.save(lengths, ...) [B] (forward is then called as module(x, lengths))
        --target     torch.save(target, ...) (default: random, fixed seed)
        --loss mse|bce|ce, --atol 1e-5

tools/examples/amp_pytorch.py walks the whole path (train in PyTorch, export with this script); docs/from-pytorch.md
continues it in C# (declare, CheckReference, [Weights], NativeAOT).
"""
import argparse
import importlib.util
import itertools
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_reference import RnnStack, OneHot, Bidirectional, export_case, save_weights, _act  # noqa: E402

__all__ = ["export_module", "adopt", "layers_of"]

_ACTIVATIONS = {nn.Tanh: "tanh", nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Softmax: "softmax", nn.Identity: "linear"}
_SKIPPED = (nn.Dropout,)
_HEADS = {"mse": "linear", "bce": "sigmoid", "ce": "softmax"}


def layers_of(module):
    """The module's RnnGen-relevant leaves in registration order: nn modules, activation names for activation modules."""
    found = []
    for name, child in module.named_modules():
        if child is module and list(child.children()):
            continue
        if list(child.children()) or isinstance(child, (nn.Sequential, nn.ModuleList, nn.ModuleDict)):
            continue                                   # a container: its leaves follow (an empty one has none)
        if isinstance(child, (nn.Embedding, nn.RNN, nn.LSTM, nn.GRU, nn.Linear)):
            found.append((name, child))
        elif type(child) in _ACTIVATIONS:
            found.append((name, _ACTIVATIONS[type(child)]))
        elif isinstance(child, _SKIPPED):
            continue
        elif child is module:
            raise TypeError(f"{type(module).__name__} holds no layers RnnGen knows")
        else:
            raise TypeError(f"layer '{name}' is a {type(child).__name__}, which RnnGen has no attribute for "
                            "(it has Embedding, RNN, LSTM, GRU, Linear and their activations)")
    return found


def _call(module, x, lengths):
    y = module(x, lengths) if lengths is not None else module(x)
    if isinstance(y, (tuple, list)):
        y = y[0]
    return y


def _candidates(leaves, batch, hidden_choices=("linear", "tanh", "relu", "sigmoid")):
    """Every RnnStack layout the leaves allow: an explicit activation module after a Linear is taken as written; a
    Linear followed by none may have a functional one in forward() (tried), except the last, whose activation is the head's."""
    tokens = not torch.is_floating_point(batch)
    linears = [i for i, (_, m) in enumerate(leaves) if isinstance(m, nn.Linear)]
    recurrent = [m for _, m in leaves if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU))]
    if not recurrent:
        raise ValueError("the module has no nn.RNN / nn.LSTM / nn.GRU")
    if not linears:
        raise ValueError("the module has no nn.Linear head after its recurrent layers")
    explicit = {}
    for i in linears:
        if i + 1 < len(leaves) and isinstance(leaves[i + 1][1], str):
            explicit[i] = leaves[i + 1][1]
    open_hidden = [i for i in linears[:-1] if i not in explicit]
    for choice in itertools.product(hidden_choices, repeat=len(open_hidden)):
        activation = dict(explicit)
        activation.update(zip(open_hidden, choice))
        yield tokens, recurrent, activation, linears


def _build(leaves, tokens, activation, linears, returns, features):
    layers = []
    has_embedding = any(isinstance(m, nn.Embedding) for _, m in leaves)
    if tokens and not has_embedding:
        layers.append(OneHot(features))                 # token ids straight into the first recurrent module
    for i, (_, m) in enumerate(leaves):
        if isinstance(m, str):
            continue
        if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU)) and m.bidirectional:
            layers.append(Bidirectional(m))
        elif isinstance(m, nn.Linear):
            layers.append(m)
            act = activation.get(i, "linear")
            if i != linears[-1] and act != "linear":
                layers.append({"tanh": nn.Tanh(), "relu": nn.ReLU(), "sigmoid": nn.Sigmoid()}[act])
        else:
            layers.append(m)
    return RnnStack(layers, input=0 if tokens else features, returns=returns)


def adopt(module, batch, lengths=None, loss="mse", atol=1e-5, verbose=True):
    """Rebuilds `module` as an RnnStack sharing its parameters, checked against module(batch) on the example batch.
    Returns the stack; raises ValueError with what differs when no RnnGen layout reproduces the module's forward()."""
    if loss not in _HEADS:
        raise ValueError(f"loss must be one of {sorted(_HEADS)}, not {loss!r}")
    module.eval()
    leaves = layers_of(module)
    batch = torch.as_tensor(batch)
    first = next(m for _, m in leaves if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU)))
    features = first.input_size
    if torch.is_floating_point(batch) and (batch.dim() != 3 or batch.shape[2] != features):
        raise ValueError(f"the batch must be [B, T, {features}] floats for this module, not {list(batch.shape)}")
    with torch.no_grad():
        reference = _call(module, batch, lengths).float()
    best = None
    for tokens, recurrent, activation, linears in _candidates(leaves, batch):
        for returns in ("sequence", "last"):
            try:
                stack = _build(leaves, tokens, activation, linears, returns, features)
            except (ValueError, TypeError) as e:
                if best is None:
                    best = (float("inf"), str(e), None)
                continue
            with torch.no_grad():
                logits = stack(batch.clone(), lengths)
            if logits.shape != reference.shape:
                continue
            for applied in ("linear", "sigmoid", "softmax", "tanh", "relu"):
                diff = float((_act(applied, logits) - reference).abs().max())
                if best is None or diff < best[0]:
                    best = (diff, f"returns={returns}, output activation {applied}", (stack, applied, activation, linears))
                if diff <= atol * max(1.0, float(reference.abs().max())):
                    head = _HEADS[loss] if applied == "linear" else applied
                    last = getattr(stack, stack.dense_names[-1])
                    last._rnngen_activation = head
                    for entry in stack.plan:
                        if entry["kind"] == "dense" and entry["name"] == stack.dense_names[-1]:
                            entry["activation"] = head
                    if verbose:
                        print(f"matched {type(module).__name__}.forward: returns={returns}, head {head} "
                              f"(largest difference {diff:.2e} on the example batch)")
                    return stack
    diff, what, _ = best if best else (float("inf"), "nothing", None)
    raise ValueError(
        f"no RnnGen model reproduces {type(module).__name__}.forward on the example batch (closest: {what}, "
        f"largest difference {diff:.3g}). RnnGen runs the layers in the order they are registered; many-to-one is the "
        "final state (for a bidirectional module: torch.cat([out[:, -1, :H], out[:, 0, H:]], -1), not out[:, -1]); "
        "between Linear layers only tanh, relu or sigmoid")


def export_module(module, batch, weights=None, case=None, class_name="Model", lengths=None, target=None, loss="mse",
                  atol=1e-5, namespace=None):
    """Adopts `module` (see adopt), then writes the weights (RnnGen's names) and a reference case, and returns the C#
    declaration (also printed)."""
    stack = adopt(module, batch, lengths, loss, atol)
    if weights:
        save_weights(weights, stack)
        print("wrote", weights, "(weights under RnnGen's names: [Weights(\"" + os.path.basename(weights) + "\")] or LoadSafetensors)")
    if case:
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(0)                 # a random target, when none is given, is the same every run
        try:
            export_case(case, stack, batch, lengths, target)
        finally:
            torch.random.set_rng_state(generator_state)
        print("wrote", case, "(the reference case: new " + class_name + "().CheckReference(\"" + os.path.basename(case) + "\"))")
    declaration = stack.csharp(class_name, namespace)
    print(declaration)
    return declaration


def _load_module(spec):
    path, sep, expression = spec.partition(":")
    if not sep or not expression:
        raise SystemExit(f"MODULE must be FILE.py:EXPRESSION (e.g. models.py:AmpNet()), not {spec!r}")
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    loader = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    code = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(code)
    return eval(expression, vars(code))   # noqa: S307 - the user's own expression, run on the user's machine


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("module", help="FILE.py:EXPRESSION that builds the module")
    ap.add_argument("state_dict", help="torch.save()d state_dict, or - to keep the built module's parameters")
    ap.add_argument("batch", help="torch.save()d example batch [B, T, features] or token ids [B, T]")
    ap.add_argument("--class", dest="class_name", default="Model", help="the C# class name (default Model)")
    ap.add_argument("--namespace", default=None)
    ap.add_argument("--weights", help="write the weights here (.safetensors)")
    ap.add_argument("--case", help="write the reference case here (.safetensors)")
    ap.add_argument("--lengths", help="torch.save()d lengths [B]")
    ap.add_argument("--target", help="torch.save()d target")
    ap.add_argument("--loss", choices=sorted(_HEADS), default="mse")
    ap.add_argument("--atol", type=float, default=1e-5)
    args = ap.parse_args(argv)

    module = _load_module(args.module)
    if args.state_dict != "-":
        state = torch.load(args.state_dict, map_location="cpu")
        if isinstance(state, nn.Module):
            state = state.state_dict()
        if all(k.startswith("module.") for k in state):          # saved from a DistributedDataParallel wrapper
            state = {k[len("module."):]: v for k, v in state.items()}
        module.load_state_dict(state)
    batch = torch.load(args.batch, map_location="cpu")
    lengths = torch.load(args.lengths, map_location="cpu") if args.lengths else None
    target = torch.load(args.target, map_location="cpu") if args.target else None
    try:
        export_module(module, batch, args.weights, args.case, args.class_name, lengths, target, args.loss, args.atol,
                      args.namespace)
    except (ValueError, TypeError) as e:
        print("export_module.py:", e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
