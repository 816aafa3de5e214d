"""The worked arithmetic of one training step: every scalar equation with its numbers.

``worked_example(X, Y, params, activations, loss)`` writes out, for a small network, what a
textbook's worked example writes: every pre-activation as the sum of its products plus the bias,
every activation with g's formula, the cost as the mean of its terms, every gradient entry as
the chain-rule product that gives it (with the 1/m), and with a learning rate every updated
parameter. Each line reads

    <symbol> = [<the equation in symbols> =] <the expression with numbers> = <value>

so a reader can check any line with a pocket calculator. The values are mlp_fn's own (from
``forward``, ``backward`` and ``update``), rounded to ``decimals``; the numbers inside an
expression are rounded the same way, as a hand calculation would carry them, so re-evaluating a
line can differ from its value in the last digit where rounded operands add up.

Notation: the course layout. W[l][j, k] is the weight from unit k of layer l-1 to unit j of layer
l, b[l][j] its bias; z[l][j](i), a[l][j](i), dZ[l][j](i), dA[l][j](i) belong to unit j of layer l
and example i; a[0] is the input x. Units and examples count from 0, as NumPy does. dZ and dA
are, as in the course, the derivatives of one example's loss (m dJ/dZ): the 1/m of the mean
enters in dW and db.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.types import ActivationSpec, Array
from mlp_fn.activations import _GELU_C, _GELU_K, LEAKY_ALPHA
from mlp_fn.losses import LOSSES, check_targets, loss_for
from mlp_fn.network import describe, keys
from mlp_fn.optimizers import update
from mlp_fn.propagation import backward_pass, forward_pass

__all__ = ["MAX_LINES", "PARTS", "worked_example"]

#: The most equations one call writes; a larger network is refused unless ``parts``,
#: ``layer`` or ``example`` narrow it down.
MAX_LINES = 600

PARTS = ("forward", "cost", "backward", "update")

Line = tuple[str, str, str, float]  # (symbol, equation in symbols or "", expression, value)


def worked_example(
    X: Array,
    Y: Array | None,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    *,
    learning_rate: float | None = None,
    decimals: int = 4,
    parts: Sequence[str] = PARTS,
    layer: int | None = None,
    example: int | None = None,
    markdown: bool = False,
) -> str:
    """The text of one training step of the network (see the module docstring).

    Args:
        X: (n_x, m) inputs; Y: (n_y, m) targets (None when ``parts`` is only 'forward');
            params, activations, loss: the network (plain layers: normalised and residual
            layers and custom activations are not written out).
        learning_rate: alpha; with it, every parameter's update W := W - alpha dW.
        decimals: the digits after the point of every number.
        parts: any of 'forward', 'cost', 'backward', 'update'.
        layer: only the equations of layer l (1..L).
        example: only the equations of example i (0..m-1); dW and db, which sum over all the
            examples, are then left out.
        markdown: Markdown with LaTeX ($z^{[1]}_{0}(0) = ...$), for a teacher's notes.

    Raises:
        ValueError: for more than ``MAX_LINES`` equations, saying how to narrow them down.
    """
    net = describe(params, activations)
    L = net.L
    name = loss_for(loss, net.activations[-1])
    plain = [layer.activation for layer in net.layers if isinstance(layer.activation, str)
             and layer.norm is None and not layer.residual]
    if len(plain) != L:
        raise ValueError("activations: worked_example writes out plain layers only; normalised "
                         "and residual layers and custom activations are not supported")
    X = check.inputs(X, net.n_x, net.dtype)
    chosen = _parts(parts)
    if Y is None and chosen != {"forward"}:
        raise ValueError("Y: the cost, backward pass and update need the targets, got None")
    n_y = net.n_y
    if Y is None:  # placeholder targets (valid for every loss): only the forward pass is shown
        Yf = np.zeros((n_y, X.shape[1]), X.dtype)
        Yf[0] = 1.0
    else:
        Yf = check_targets(Y, n_y, X.shape[1], name, X.dtype)
    d = check.positive_int("decimals", decimals, minimum=0, maximum=12)
    if learning_rate is None and "update" in chosen and parts is not PARTS:
        raise ValueError("learning_rate: the update needs alpha; pass learning_rate=")
    lr = None if learning_rate is None else check.positive_float("learning_rate", learning_rate)
    m = X.shape[1]
    only_l = None if layer is None else check.positive_int("layer", layer, maximum=L)
    only_i = None if example is None else check.positive_int("example", example, minimum=0,
                                                             maximum=m - 1)
    with np.errstate(all="ignore"):
        AL, cache = forward_pass(X, params, net)
        grads = backward_pass(AL, Yf, cache, params, net, name, intermediates=True)
        new = update(params, grads, lr) if lr is not None else None
    step: Step = {"d": d, "p": params, "c": cache, "g": grads, "Y": Yf, "acts": plain,
                  "loss": name, "L": L, "m": m,
                  "layers": [l for l in range(1, L + 1) if only_l in (None, l)],
                  "examples": [i for i in range(m) if only_i in (None, i)],
                  "sums": only_i is None}
    blocks: list[tuple[str, list[Line]]] = []
    if "forward" in chosen:
        blocks += _forward_lines(step)
    if "cost" in chosen and only_l in (None, L):
        blocks.append(("The cost", _cost_lines(step)))
    if "backward" in chosen:
        blocks += _backward_lines(step)
    if "update" in chosen and new is not None and lr is not None:
        blocks += _update_lines(step, lr, new)
    count = sum(len(lines) for _, lines in blocks)
    if count > MAX_LINES:
        raise ValueError(f"params: this step takes {count} equations, more than the "
                         f"{MAX_LINES} worked_example writes; narrow it with parts=, layer= or "
                         f"example=")
    return _render(blocks, d, markdown)


def _parts(parts: Any) -> set[str]:
    if isinstance(parts, str) or not isinstance(parts, Sequence) or not parts:
        raise TypeError(f"parts: expected a list drawn from {list(PARTS)}, got "
                        f"{check.describe(parts)}")
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise ValueError(f"parts: expected some of {list(PARTS)}, got {unknown[0]!r}")
    return set(parts)


class Step(TypedDict):
    """What the lines are written from: the step's numbers and what to show (plain data)."""

    d: int
    p: Mapping[str, Array]
    c: Mapping[str, Array]
    g: Mapping[str, Array]
    Y: Array
    acts: list[str]
    loss: str
    L: int
    m: int
    layers: list[int]
    examples: list[int]
    sums: bool  # dW, db sum over every example: written only when every example is shown


def _n(s: Step, v: float) -> str:
    """A number as it enters an expression: rounded to ``decimals``, negatives in brackets; a
    number so small it would round to 0 keeps ``decimals`` digits in e-notation (log(0.0000)
    could not be evaluated)."""
    v, d = float(v), s['d']
    text = f"{v:.{d}e}" if v != 0.0 and abs(v) < 0.5 * 10.0 ** -d else f"{v:.{d}f}"
    return f"({text})" if text.startswith("-") else text


def _forward_lines(s: Step) -> list[tuple[str, list[Line]]]:
    out = []
    for l in s['layers']:
        W, b, A_prev = s['p'][keys(l).W], s['p'][keys(l).b], s['c'][keys(l).A_prev]
        g = s['acts'][l - 1]
        lines: list[Line] = []
        for i in s['examples']:
            for j in range(W.shape[0]):
                terms = [f"{_n(s, W[j, k])}*{_n(s, A_prev[k, i])}"
                         for k in range(W.shape[1])]
                symbolic = " + ".join(f"W[{l}][{j}, {k}]*a[{l - 1}][{k}]({i})"
                                      for k in range(W.shape[1])) + f" + b[{l}][{j}]"
                lines.append((f"z[{l}][{j}]({i})", symbolic,
                              " + ".join(terms) + f" + {_n(s, b[j, 0])}",
                              float(s['c'][keys(l).Z][j, i])))
            for j in range(W.shape[0]):
                lines.append(_activation(s, l, j, i, g))
        out.append((f"Forward, layer {l} ({g}): z = W a + b, a = {g}(z)", lines))
    return out


def _activation(s: Step, l: int, j: int, i: int, g: str) -> Line:
    Z, A = s['c'][keys(l).Z], s['c'][keys(l).A]
    z = _n(s, Z[j, i])
    bare = z[1:-1] if z.startswith("(") else z  # a function's argument needs no brackets
    forms: dict[str, str] = {
        "sigmoid": f"1/(1 + exp(-{z}))",
        "tanh": f"tanh({bare})",
        "relu": f"max(0, {bare})",
        "leaky_relu": f"max({bare}, {LEAKY_ALPHA}*{z})",
        "identity": z,
        "quadratic": f"{z}*{z}",
        "gelu": f"0.5*{z}*(1 + tanh({_GELU_C:.10f}*({z} + {_GELU_K}*{z}*{z}*{z})))",
    }
    if g == "softmax":
        total = " + ".join(f"exp({_n(s, Z[k, i]).strip('()')})" for k in range(Z.shape[0]))
        expr = f"exp({bare})/({total})"
    else:
        expr = forms[g]
    return (f"a[{l}][{j}]({i})", f"{g}(z[{l}][{j}]({i}))", expr, float(A[j, i]))


def _cost_lines(s: Step) -> list[Line]:
    AL, Y, L = s['c'][keys(s['L']).A], s['Y'], s['L']
    lines: list[Line] = []
    terms = LOSSES[s['loss']]["terms"](np.asarray(AL), np.asarray(Y))
    d, tiny = s['d'], float(np.finfo(AL.dtype).tiny)
    for i in s['examples']:
        parts = []
        for k in range(AL.shape[0]):
            a, y = _n(s, AL[k, i]), float(Y[k, i])
            # log's argument is never printed as 0: a that rounds to 0 is written in
            # e-notation, 1 - a itself when a rounds to 1, and an exact 0 (a softmax or sigmoid
            # that underflowed) with the clamp mlp_fn applies, max(p, tiny) (see mlp_fn.losses).
            if s['loss'] == "bce":
                p = float(AL[k, i]) if y == 1 else 1.0 - float(AL[k, i])
                if p == 0.0:
                    parts.append(f"-log(max(0, {tiny:.{d}e}))")
                elif y == 1:
                    parts.append(f"-log({a})" if float(a) > 0 else f"-log({p:.{d}e})")
                else:
                    parts.append(f"-log(1 - {a})" if float(a) < 1 else f"-log({p:.{d}e})")
            elif s['loss'] == "cce":
                if y == 1:
                    zero = float(AL[k, i]) == 0.0
                    parts.append(f"-log(max(0, {tiny:.{d}e}))" if zero else f"-log({a})")
            else:
                parts.append(f"({a} - {_n(s, y)})*({a} - {_n(s, y)})")
        expr = " + ".join(parts)
        if s['loss'] in ("mse", "half_mse"):
            expr = f"({expr})/{AL.shape[0] * (2 if s['loss'] == 'half_mse' else 1)}"
        lines.append((f"L({i})", f"{s['loss']}(a[{L}]({i}), y({i}))", expr,
                      float(terms[i])))
    if s['sums']:
        expr = "(" + " + ".join(_n(s, terms[i]) for i in range(s['m'])) + f")/{s['m']}"
        lines.append(("J", "(1/m) sum_i L(i)", expr, float(np.mean(terms))))
    return lines


def _backward_lines(s: Step) -> list[tuple[str, list[Line]]]:
    out = []
    for l in range(s['L'], 0, -1):
        if l not in s['layers']:
            continue
        lines: list[Line] = []
        lines += _delta(s, l)
        W, A_prev, dZ = s['p'][keys(l).W], s['c'][keys(l).A_prev], s['g'][keys(l).dZ]
        if s['sums']:
            for j in range(W.shape[0]):
                for k in range(W.shape[1]):
                    prods = " + ".join(f"{_n(s, dZ[j, i])}*{_n(s, A_prev[k, i])}"
                                       for i in range(s['m']))
                    lines.append((f"dW[{l}][{j}, {k}]",
                                  f"(1/m) sum_i dZ[{l}][{j}](i)*a[{l - 1}][{k}](i)",
                                  f"({prods})/{s['m']}", float(s['g'][keys(l).dW][j, k])))
            for j in range(W.shape[0]):
                total = " + ".join(_n(s, dZ[j, i]) for i in range(s['m']))
                lines.append((f"db[{l}][{j}]", f"(1/m) sum_i dZ[{l}][{j}](i)",
                              f"({total})/{s['m']}", float(s['g'][keys(l).db][j, 0])))
        if l > 1:
            for i in s['examples']:
                for k in range(W.shape[1]):
                    prods = " + ".join(f"{_n(s, W[j, k])}*{_n(s, dZ[j, i])}"
                                       for j in range(W.shape[0]))
                    lines.append((f"dA[{l - 1}][{k}]({i})",
                                  f"sum_j W[{l}][j, {k}]*dZ[{l}][j]({i})", prods,
                                  float(s['g'][keys(l).dA_prev][k, i])))
        out.append((f"Backward, layer {l}", lines))
    return out


def _delta(s: Step, l: int) -> list[Line]:
    """dZ[l] of every unit and example: at the output from the loss, inside through g'."""
    g, Z, A, dZ = s['acts'][l - 1], s['c'][keys(l).Z], s['c'][keys(l).A], s['g'][keys(l).dZ]
    lines: list[Line] = []
    fused = l == s['L'] and LOSSES[s['loss']]["fused"] == g
    for i in s['examples']:
        for j in range(Z.shape[0]):
            a, z = _n(s, A[j, i]), _n(s, Z[j, i])
            if fused:
                y = _n(s, s['Y'][j, i])
                lines.append((f"dZ[{l}][{j}]({i})", f"a[{l}][{j}]({i}) - y[{j}]({i})",
                              f"{a} - {y}", float(dZ[j, i])))
                continue
            if l == s['L']:  # dA[L] from the loss, then through g'
                dA_sym, dA = _loss_derivative(s, j, i)
            else:
                dA_sym, dA = f"dA[{l}][{j}]({i})", _n(s, s['g'][keys(l).dA][j, i])
            derivative = _derivative(s, g, a, z, l, i)
            lines.append((f"dZ[{l}][{j}]({i})", f"{dA_sym} * {g}'(z[{l}][{j}]({i}))",
                          f"{dA}*{derivative}", float(dZ[j, i])))
    return lines


def _loss_derivative(s: Step, j: int, i: int) -> tuple[str, str]:
    a, y = _n(s, s['c'][keys(s['L']).A][j, i]), _n(s, s['Y'][j, i])
    n_y = s['c'][keys(s['L']).A].shape[0]
    forms = {"mse": f"(2/{n_y})*({a} - {y})", "half_mse": f"(1/{n_y})*({a} - {y})",
             "bce": f"(-({y}/{a}) + (1 - {y})/(1 - {a}))", "cce": f"(-({y}/{a}))"}
    return f"dL/da[{s['L']}][{j}]({i})", forms[s['loss']]


def _derivative(s: Step, g: str, a: str, z: str, l: int, i: int) -> str:
    if g == "softmax":  # only with a squared error: its Jacobian, written as a sum
        raise ValueError("activations: worked_example does not write out softmax with a "
                         "squared-error loss (its Jacobian couples the units)")
    forms = {
        "sigmoid": f"{a}*(1 - {a})", "tanh": f"(1 - {a}*{a})",
        "relu": "1" if float(z.strip("()")) > 0 else "0",
        "leaky_relu": "1" if float(z.strip("()")) > 0 else f"{LEAKY_ALPHA}",
        "identity": "1", "quadratic": f"2*{z}",
        "gelu": (f"(0.5*(1 + tanh({_GELU_C:.10f}*({z} + {_GELU_K}*{z}*{z}*{z}))) + 0.5*{z}*"
                 f"(1 - tanh({_GELU_C:.10f}*({z} + {_GELU_K}*{z}*{z}*{z}))*"
                 f"tanh({_GELU_C:.10f}*({z} + {_GELU_K}*{z}*{z}*{z})))*{_GELU_C:.10f}*"
                 f"(1 + {3 * _GELU_K}*{z}*{z}))"),
    }
    return forms[g]


def _update_lines(s: Step, lr: float, new: Mapping[str, Array]) -> list[tuple[str, list[Line]]]:
    out = []
    for l in s['layers']:
        lines: list[Line] = []
        W = s['p'][keys(l).W]
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                lines.append((f"W[{l}][{j}, {k}]", f"W[{l}][{j}, {k}] - alpha*dW[{l}][{j}, {k}]",
                              f"{_n(s, W[j, k])} - {lr}*{_n(s, s['g'][keys(l).dW][j, k])}",
                              float(new[keys(l).W][j, k])))
        for j in range(W.shape[0]):
            lines.append((f"b[{l}][{j}]", f"b[{l}][{j}] - alpha*db[{l}][{j}]",
                          f"{_n(s, s['p'][keys(l).b][j, 0])} - {lr}*"
                          f"{_n(s, s['g'][keys(l).db][j, 0])}", float(new[keys(l).b][j, 0])))
        out.append((f"Update, layer {l} (alpha = {lr})", lines))
    return out


# ----------------------------------------------------------------------------------------------
# Text and Markdown
# ----------------------------------------------------------------------------------------------


def _render(blocks: list[tuple[str, list[Line]]], d: int, markdown: bool) -> str:
    out: list[str] = []
    for title, lines in blocks:
        if not lines:
            continue
        out.append(f"### {title}" if markdown else f"{title}:")
        for symbol, symbolic, expr, value in lines:
            text_value = f"{value:.{d}f}"
            if markdown:
                parts = [_latex_symbol(symbol)] + ([_latex_expr(symbolic)] if symbolic else []) \
                    + [_latex_expr(expr), text_value]
                out.append("$" + " = ".join(parts) + "$  ")
            else:
                parts = [symbol] + ([symbolic] if symbolic else []) + [expr, text_value]
                out.append("  " + " = ".join(parts))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _latex_symbol(symbol: str) -> str:
    """z[1][0](2) -> z^{[1]}_{0}(2); W[1][0, 1] -> W^{[1]}_{0,1}; L(0), J unchanged."""
    match = re.fullmatch(r"(d?[A-Za-z]+)\[(\d+)\]\[([\d, ]+)\](\(\d+\))?", symbol)
    if match is None:
        return symbol
    name, l, idx, example = match.groups()
    return f"{name}^{{[{l}]}}_{{{idx.replace(' ', '')}}}{example or ''}"


def _latex_expr(expr: str) -> str:
    out = re.sub(r"(d?[A-Za-z]+)\[(\d+)\]\[([\d, ]+|j)\](\(\w+\))?",
                 lambda m: _latex_symbol(m.group(0)) if m.group(3) != "j"
                 else f"{m.group(1)}^{{[{m.group(2)}]}}_{{j}}{m.group(4) or ''}", expr)
    for word in ("exp", "log", "tanh", "max"):
        out = re.sub(rf"\b{word}\(", rf"\\{word}(", out)
    return out.replace("*", r" \cdot ").replace("sum_i", r"\sum_i").replace("sum_j", r"\sum_j")

