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

Notation: the course layout. `W[l][j, k]` is the weight from unit k of layer `l-1` to unit j of
layer l, `b[l][j]` its bias; `z[l][j](i)`, `a[l][j](i)`, `dZ[l][j](i)`, `dA[l][j](i)` belong to unit
j of layer l and example i; `a[0]` is the input x. Units and examples count from 0, as NumPy does.
dZ and dA are, as in the course, the derivatives of one example's loss (`m dJ/dZ`): the 1/m of the
mean enters in dW and db.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np

from mlp_fn._internal.arrays import on_host
from mlp_fn._internal import checks as check
from mlp_fn._internal.notation import latex
from mlp_fn._internal.types import ActivationSpec, Array
from mlp_fn.activations import _label
from mlp_fn.losses import LOSSES, _check_targets, _loss_for
from mlp_fn.network import Layer, Architecture, architecture, keys
from mlp_fn.normalization import EPS
from mlp_fn.optimizers import update
from mlp_fn.propagation import backward, forward

__all__ = ["worked_example", "MAX_LINES", "PARTS"]

#: The most equations one call writes; a larger network is refused unless ``parts``,
#: ``layer`` or ``example`` narrow it down.
MAX_LINES = 600

#: The parts of a training step ``worked_example`` can write out, in their order.
PARTS = ("forward", "cost", "backward", "update")

_Line = tuple[str, str, str, float]  # (symbol, equation in symbols or "", expression, value)


@on_host
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
            params, activations, loss: the network. Every layer kind is written out
            (normalised, residual); a reader's own activation, whose formula is not known, as
            its name on the number: ``cube(-0.0934)``, and ``cube'(-0.0934)`` backward.
        learning_rate: alpha; with it, every parameter's update W := W - alpha dW.
        decimals: the digits after the point of every number.
        parts: any of 'forward', 'cost', 'backward', 'update'.
        layer: only the equations of layer l (1..L).
        example: only the equations of example i (0..m-1); dW and db, which sum over all the
            examples, are then left out.
        markdown: Markdown with LaTeX, each step of a line its own piece of math so that a
            long line wraps and keeps its value in view (``$z^{[1]}_{0}(0) = ...$ $= 0.47$``),
            for a teacher's notes.

    Raises:
        ValueError: for more than ``MAX_LINES`` equations, saying how to narrow them down.

    >>> X, Y = mf.data.xor()
    >>> text = worked_example(X, Y, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce",
    ...                       learning_rate=0.5)
    >>> print(text.splitlines()[0])
    Forward, layer 1 (tanh): z = W a + b, a = tanh(z):
    >>> print(text.splitlines()[4])  # example 1 is x = (0, 1): z = W[1][0, 1]
      z[1][0](1) = W[1][0, 0]*a[0][0](1) + W[1][0, 1]*a[0][1](1) + b[1][0]
      = 0.0889*0.0000 + (-0.0934)*1.0000 + 0.0000 = -0.0934
    """
    net = architecture(params, activations)
    L = net.L
    name = _loss_for(loss, net.activations[-1])
    X = check.inputs(X, net.n_x, net.dtype)
    chosen = _parts(parts)
    if Y is None and chosen != {"forward"}:
        raise ValueError("Y: the cost, backward pass and update need the targets, got None")
    n_y = net.n_y
    if Y is None:  # placeholder targets (valid for every loss): only the forward pass is shown
        Yf = np.zeros((n_y, X.shape[1]), X.dtype)
        Yf[0] = 1.0
    else:
        Yf = _check_targets(Y, n_y, X.shape[1], name, X.dtype)
    d = check.positive_int("decimals", decimals, minimum=0, maximum=12)
    if learning_rate is None and "update" in chosen and parts is not PARTS:
        raise ValueError("learning_rate: the update needs alpha; pass learning_rate=")
    lr = None if learning_rate is None else check.step_rate("learning_rate", learning_rate)
    m = X.shape[1]
    only_l = None if layer is None else check.positive_int("layer", layer, maximum=L)
    only_i = None if example is None else check.positive_int("example", example, minimum=0,
                                                             maximum=m - 1)
    with np.errstate(all="ignore"):
        AL, cache = forward.unchecked(X, params, net.activations, training=True, net=net,
                                      xp=net.backend.xp)  # a training step's statistics
        grads = backward.unchecked(AL, Yf, cache, params, net.activations, name,
                                   intermediates=True, net=net, xp=net.backend.xp)
        new = update(params, grads, lr) if lr is not None else None
    step: _Step = {"d": d, "p": params, "c": cache, "g": grads, "Y": Yf, "net": net,
                   "loss": name, "L": L, "m": m,
                   "layers": [l for l in range(1, L + 1) if only_l in (None, l)],
                   "examples": [i for i in range(m) if only_i in (None, i)],
                   "sums": only_i is None}
    blocks: list[tuple[str, list[_Line]]] = []
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
    if isinstance(parts, str) or not isinstance(parts, Sequence):
        one = f"; for that part alone pass parts=[{parts!r}]" if parts in PARTS else ""
        raise TypeError(f"parts: expected a list drawn from {list(PARTS)}, got "
                        f"{check.what(parts)}{one}")
    if not parts:
        raise ValueError(f"parts: expected at least one of {list(PARTS)}, got none")
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise ValueError(f"parts: expected some of {list(PARTS)}, got {unknown[0]!r}")
    return set(parts)


class _Step(TypedDict):
    """What the lines are written from: the step's numbers and what to show (plain data)."""

    d: int
    p: Mapping[str, Array]
    c: Mapping[str, Array]
    g: Mapping[str, Array]
    Y: Array
    net: Architecture
    loss: str
    L: int
    m: int
    layers: list[int]
    examples: list[int]
    sums: bool  # dW, db sum over every example: written only when every example is shown


def _n(s: _Step, v: float) -> str:
    """A number as it enters an expression: rounded to ``decimals``, negatives in brackets; a
    number so small it would round to 0 keeps ``decimals`` digits in e-notation (log(0.0000)
    could not be evaluated)."""
    v, d = float(v), s['d']
    text = f"{v:.{d}e}" if v != 0.0 and abs(v) < 0.5 * 10.0 ** -d else _fixed(v, d)
    return f"({text})" if text.startswith("-") else text


def _fixed(v: float, d: int) -> str:
    """``v`` with ``d`` decimals; a zero has no sign (a ReLU's max(0, z) of a negative z is
    -0.0 in IEEE arithmetic, and "-0.0000" would read as a negative number)."""
    text = f"{v:.{d}f}"
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _fill(s: _Step, formula: str, **values: float) -> str:
    """A registry formula with numbers for its symbols (z, a, y, n). A symbol that is a
    function's whole argument, as in tanh(z) or max(0, z), is written without brackets."""
    text = formula
    for symbol, value in values.items():
        number = _n(s, value) if symbol != "n" else str(int(value))
        bare = number[1:-1] if number.startswith("(") else number
        text = re.sub(rf"(?<=\()({symbol})(?=[,)])|(?<=, )({symbol})(?=[,)])", bare, text)
        text = re.sub(rf"\b{symbol}\b", number, text)
    return text


def _branch(formula: str, z: float) -> str:
    """The branch of a formula written "<for z > 0> if z > 0 else <otherwise>" that holds."""
    positive, sep, otherwise = formula.partition(" if z > 0 else ")
    return formula if not sep else (positive if z > 0 else otherwise)


def _own(layer: Layer) -> str | None:
    """The name of a reader's own activation (its functions have no printable formula: it is
    written as its name applied to the number, ``sq(0.0889)``, and ``sq'(0.0889)``); None
    for a registered one."""
    return None if isinstance(layer.activation, str) else layer.activation["name"]


def _name(layer: Layer) -> str:
    """g as the equations write it: 'tanh', or a reader's own by its name."""
    return _own(layer) or _label(layer.activation)


def _z_symbol(layer: Layer) -> str:
    """What g is applied to: z, or z~ (here 'zt') for a normalised layer."""
    return "zt" if layer.norm is not None else "z"


def _forward_lines(s: _Step) -> list[tuple[str, list[_Line]]]:
    out = []
    for layer in s['net'].layers:
        if layer.l not in s['layers']:
            continue
        l, k = layer.l, layer.keys
        W, A_prev, b = s['p'][k.W], s['c'][k.A_prev], s['p'].get(k.b)
        lines: list[_Line] = []
        for i in s['examples']:
            for j in range(layer.n_out):
                terms = [f"{_n(s, W[j, u])}*{_n(s, A_prev[u, i])}" for u in range(layer.n_in)]
                symbolic = " + ".join(f"W[{l}][{j}, {u}]*a[{l - 1}][{u}]({i})"
                                      for u in range(layer.n_in))
                expr = " + ".join(terms)
                if b is not None:
                    symbolic, expr = symbolic + f" + b[{l}][{j}]", expr + f" + {_n(s, b[j, 0])}"
                lines.append((f"z[{l}][{j}]({i})", symbolic, expr, float(s['c'][k.Z][j, i])))
        if layer.norm is not None:
            lines += _normalize_lines(s, layer)
        for i in s['examples']:
            for j in range(layer.n_out):
                lines.append(_activation(s, layer, j, i))
        out.append((f"Forward, layer {l} ({_describe(layer)}): {_equations(layer)}", lines))
    return out


def _describe(layer: Layer) -> str:
    parts = [_name(layer)] + (["custom"] if _own(layer) is not None else [])
    if layer.norm is not None:
        parts.append(f"{layer.norm} norm")
    if layer.residual:
        parts.append("residual")
    return ", ".join(parts)


def _equations(layer: Layer) -> str:
    g = _name(layer)
    if layer.norm is None:
        text = f"z = W a + b, a = {g}(z)"
    else:
        text = f"z = W a, zt = gamma (z - mu)/sqrt(sigma2 + eps) + beta, a = {g}(zt)"
    return text + (" + a[l-1]" if layer.residual else "")


def _statistics(s: _Step, layer: Layer) -> tuple[Array, Array]:
    """mu and sigma^2 as the forward pass used them, broadcastable over (n[l], m)."""
    src = "example" if layer.norm == "layer" else "batch"
    mu_key, sigma2_key = layer.keys.statistics[src]
    return s['c'][mu_key], s['c'][sigma2_key]


def _stat_symbol(layer: Layer, name: str, j: int, i: int) -> str:
    """mu[l][j] for batch norm (one per unit), mu[l](i) for layer norm (one per example)."""
    return f"{name}[{layer.l}][{j}]" if layer.norm == "batch" else f"{name}[{layer.l}]({i})"


def _statistic_lines(s: _Step, mu_sym: str, sigma2_sym: str, z_sym: str, over: str,
                     zs: list[float], mu: float, sigma2: float) -> list[_Line]:
    """mu = (1/n) sum z and sigma^2 = (1/n) sum (z - mu)^2 over the n values ``zs``."""
    n = len(zs)
    squares = " + ".join(f"({_n(s, z)} - {_n(s, mu)})*({_n(s, z)} - {_n(s, mu)})" for z in zs)
    return [(mu_sym, f"(1/{n}) sum_{over} {z_sym}",
             "(" + " + ".join(_n(s, z) for z in zs) + f")/{n}", mu),
            (sigma2_sym, f"(1/{n}) sum_{over} ({z_sym} - {mu_sym})^2", f"({squares})/{n}",
             sigma2)]


def _normalize_lines(s: _Step, layer: Layer) -> list[_Line]:
    l, k = layer.l, layer.keys
    Z, Zn, Zt = s['c'][k.Z], s['c'][k.Znorm], s['c'][k.Ztilde]
    mu, sigma2 = _statistics(s, layer)
    gamma, beta = s['p'][k.gamma], s['p'][k.beta]
    lines: list[_Line] = []
    if layer.norm == "batch":  # per unit j, over the m examples
        for j in range(layer.n_out):
            lines += _statistic_lines(s, f"mu[{l}][{j}]", f"sigma2[{l}][{j}]", f"z[{l}][{j}](i)",
                                      "i", [float(z) for z in Z[j]], float(mu[j, 0]),
                                      float(sigma2[j, 0]))
    else:  # per example i, over the n[l] units
        for i in s['examples']:
            lines += _statistic_lines(s, f"mu[{l}]({i})", f"sigma2[{l}]({i})", f"z[{l}][j]({i})",
                                      "j", [float(z) for z in Z[:, i]], float(mu[0, i]),
                                      float(sigma2[0, i]))
    for i in s['examples']:
        for j in range(layer.n_out):
            at = (j, 0) if layer.norm == "batch" else (0, i)
            m_sym, s_sym = _stat_symbol(layer, "mu", j, i), _stat_symbol(layer, "sigma2", j, i)
            lines.append((f"zn[{l}][{j}]({i})",
                          f"(z[{l}][{j}]({i}) - {m_sym})/sqrt({s_sym} + {EPS})",
                          f"({_n(s, Z[j, i])} - {_n(s, mu[at])})/sqrt({_n(s, sigma2[at])} + "
                          f"{EPS})", float(Zn[j, i])))
            lines.append((f"zt[{l}][{j}]({i})", f"gamma[{l}][{j}]*zn[{l}][{j}]({i}) + "
                          f"beta[{l}][{j}]", f"{_n(s, gamma[j, 0])}*{_n(s, Zn[j, i])} + "
                          f"{_n(s, beta[j, 0])}", float(Zt[j, i])))
    return lines


def _g_input(s: _Step, layer: Layer) -> Array:
    """What g was applied to: Z, or Z~ for a normalised layer."""
    return s['c'][layer.keys.Ztilde] if layer.norm is not None else s['c'][layer.keys.Z]


def _g_output(s: _Step, layer: Layer) -> Array:
    """g's own output: A, or for a residual layer g(Z) before the skip (the cache's G)."""
    return s['c'][layer.keys.G] if layer.residual else s['c'][layer.keys.A]


def _activation(s: _Step, layer: Layer, j: int, i: int) -> _Line:
    l, zs = layer.l, _z_symbol(layer)
    Z, A = _g_input(s, layer), s['c'][layer.keys.A]
    g, own = _name(layer), _own(layer)
    if own is not None:
        expr = f"{own}({_n(s, Z[j, i]).strip('()')})"
    elif layer.activation == "softmax":
        total = " + ".join(f"exp({_n(s, Z[u, i]).strip('()')})" for u in range(Z.shape[0]))
        expr = f"exp({_n(s, Z[j, i]).strip('()')})/({total})"
    else:
        expr = _fill(s, layer.g["formula"] or "", z=float(Z[j, i]))
    symbolic = f"{g}({zs}[{l}][{j}]({i}))"
    if layer.residual:
        symbolic += f" + a[{l - 1}][{j}]({i})"
        expr = f"{expr} + {_n(s, s['c'][layer.keys.A_prev][j, i])}"
    return (f"a[{l}][{j}]({i})", symbolic, expr, float(A[j, i]))


def _cost_lines(s: _Step) -> list[_Line]:
    AL, Y, L = s['c'][keys(s['L']).A], s['Y'], s['L']
    entry = LOSSES[s['loss']]
    lines: list[_Line] = []
    terms = entry["cost"].unchecked(np.asarray(AL), np.asarray(Y), reduction="none", xp=np)
    d, tiny = s['d'], float(np.finfo(AL.dtype).tiny)
    n_y = AL.shape[0]
    for i in s['examples']:
        parts = []
        for k in range(n_y):
            a, y = float(AL[k, i]), float(Y[k, i])
            if s['loss'] in ("bce", "cce"):
                if s['loss'] == "cce" and y != 1:
                    continue  # only the true class's term is not 0
                yes, _, no = entry["formula"].partition(" if y = 1 else ")
                term = yes if y == 1 or not no else no
                # log's argument is never printed as 0: a that rounds to 0 is written in
                # e-notation, 1 - a itself when a rounds to 1, and an exact 0 (a softmax or
                # sigmoid that underflowed) with the clamp mlp_fn applies, max(p, tiny) (see
                # mlp_fn.losses).
                p = a if y == 1 else 1.0 - a
                shown = float(_n(s, a).strip("()"))
                if p == 0.0:
                    parts.append(f"-log(max(0, {tiny:.{d}e}))")
                elif (y == 1 and shown <= 0) or (y != 1 and shown >= 1):
                    parts.append(f"-log({p:.{d}e})")
                else:
                    parts.append(_fill(s, term, a=a))
            else:
                parts.append(_fill(s, entry["formula"], a=a, y=y, n=n_y))
        lines.append((f"L({i})", f"{s['loss']}(a[{L}]({i}), y({i}))", " + ".join(parts),
                      float(terms[i])))
    if s['sums']:
        expr = "(" + " + ".join(_n(s, terms[i]) for i in range(s['m'])) + f")/{s['m']}"
        lines.append(("J", "(1/m) sum_i L(i)", expr, float(np.mean(terms))))
    return lines


def _backward_lines(s: _Step) -> list[tuple[str, list[_Line]]]:
    out = []
    for layer in reversed(s['net'].layers):
        if layer.l not in s['layers']:
            continue
        l, k = layer.l, layer.keys
        lines: list[_Line] = _delta(s, layer)
        if layer.norm is not None:
            lines += _normalize_backward_lines(s, layer)
        W, A_prev, dZ = s['p'][k.W], s['c'][k.A_prev], s['g'][k.dZ]
        if s['sums']:
            for j in range(layer.n_out):
                for u in range(layer.n_in):
                    prods = " + ".join(f"{_n(s, dZ[j, i])}*{_n(s, A_prev[u, i])}"
                                       for i in range(s['m']))
                    lines.append((f"dW[{l}][{j}, {u}]",
                                  f"(1/m) sum_i dZ[{l}][{j}](i)*a[{l - 1}][{u}](i)",
                                  f"({prods})/{s['m']}", float(s['g'][k.dW][j, u])))
            if layer.norm is None:
                for j in range(layer.n_out):
                    total = " + ".join(_n(s, dZ[j, i]) for i in range(s['m']))
                    lines.append((f"db[{l}][{j}]", f"(1/m) sum_i dZ[{l}][{j}](i)",
                                  f"({total})/{s['m']}", float(s['g'][k.db][j, 0])))
        if l > 1:
            below = s['net'].layers[l - 2]
            for i in s['examples']:
                for u in range(layer.n_in):
                    prods = " + ".join(f"{_n(s, W[j, u])}*{_n(s, dZ[j, i])}"
                                       for j in range(layer.n_out))
                    symbolic = f"sum_j W[{l}][j, {u}]*dZ[{l}][j]({i})"
                    if layer.residual:  # A[l] = g(Z[l]) + A[l-1]: dA[l] reaches A[l-1] as well
                        symbolic += f" + dA[{l}][{u}]({i})"
                        prods += f" + {_n(s, s['g'][k.dA][u, i])}"
                    lines.append((f"dA[{l - 1}][{u}]({i})", symbolic, prods,
                                  float(s['g'][below.keys.dA][u, i])))
        out.append((f"Backward, layer {l}", lines))
    return out


def _delta(s: _Step, layer: Layer) -> list[_Line]:
    """dZ[l] (dZt for a normalised layer) of every unit and example: at the output from the
    loss, inside through g'."""
    l, k, zs = layer.l, layer.keys, _z_symbol(layer)
    g, own = _name(layer), _own(layer)
    Z, G = _g_input(s, layer), _g_output(s, layer)
    dZ = s['g'][k.dZtilde] if layer.norm is not None else s['g'][k.dZ]
    d_sym = "dZt" if layer.norm is not None else "dZ"
    lines: list[_Line] = []
    fused = l == s['L'] and LOSSES[s['loss']]["fused"] == layer.activation
    for i in s['examples']:
        for j in range(layer.n_out):
            if fused:
                a, y = _n(s, G[j, i]), _n(s, s['Y'][j, i])
                lines.append((f"dZ[{l}][{j}]({i})", f"a[{l}][{j}]({i}) - y[{j}]({i})",
                              f"{a} - {y}", float(dZ[j, i])))
                continue
            if l == s['L']:  # dA[L] from the loss, then through g'
                dA_sym = f"dL/da[{l}][{j}]({i})"
                dA = _fill(s, LOSSES[s['loss']]["derivative_formula"], a=float(G[j, i]),
                           y=float(s['Y'][j, i]), n=layer.n_out)
            else:
                dA_sym, dA = f"dA[{l}][{j}]({i})", _n(s, s['g'][k.dA][j, i])
            if layer.activation == "softmax":  # only with a squared error
                raise ValueError("activations: worked_example does not write out softmax with "
                                 "a squared-error loss (its Jacobian couples the units)")
            if own is not None:
                derivative = f"{own}'({_n(s, Z[j, i]).strip('()')})"
            else:
                formula = _branch(layer.g["derivative_formula"] or "", float(Z[j, i]))
                derivative = _fill(s, formula, z=float(Z[j, i]), a=float(G[j, i]))
            lines.append((f"{d_sym}[{l}][{j}]({i})", f"{dA_sym} * {g}'({zs}[{l}][{j}]({i}))",
                          f"{dA}*{derivative}", float(dZ[j, i])))
    return lines


def _normalize_backward_lines(s: _Step, layer: Layer) -> list[_Line]:
    """dgamma, dbeta, and dZ through the statistics (mlp_fn.normalization's formula)."""
    l, k = layer.l, layer.keys
    dZt, Zn, dZ = s['g'][k.dZtilde], s['c'][k.Znorm], s['g'][k.dZ]
    gamma = s['p'][k.gamma]
    _, sigma2 = _statistics(s, layer)
    m = s['m']
    lines: list[_Line] = []
    if s['sums']:
        for j in range(layer.n_out):
            prods = " + ".join(f"{_n(s, dZt[j, i])}*{_n(s, Zn[j, i])}" for i in range(m))
            lines.append((f"dgamma[{l}][{j}]", f"(1/m) sum_i dZt[{l}][{j}](i)*zn[{l}][{j}](i)",
                          f"({prods})/{m}", float(s['g'][k.dgamma][j, 0])))
            total = " + ".join(_n(s, dZt[j, i]) for i in range(m))
            lines.append((f"dbeta[{l}][{j}]", f"(1/m) sum_i dZt[{l}][{j}](i)", f"({total})/{m}",
                          float(s['g'][k.dbeta][j, 0])))
    for i in s['examples']:
        for j in range(layer.n_out):
            if layer.norm == "batch":  # the means run over the batch, for unit j
                cells, count, at = [(j, e) for e in range(m)], m, (j, 0)
                over, mean_of = "e", "(e)"
            else:  # over the units, for example i
                cells, count, at = [(u, i) for u in range(layer.n_out)], layer.n_out, (0, i)
                over, mean_of = "u", f"({i})"
            G = " + ".join(f"{_n(s, gamma[c[0], 0])}*{_n(s, dZt[c])}" for c in cells)
            GZ = " + ".join(f"{_n(s, gamma[c[0], 0])}*{_n(s, dZt[c])}*{_n(s, Zn[c])}"
                            for c in cells)
            unit = "u" if layer.norm == "layer" else str(j)
            symbolic = (f"(gamma dZt[{l}][{j}]({i}) - mean_{over} gamma dZt[{l}][{unit}]"
                        f"{mean_of} - zn[{l}][{j}]({i}) mean_{over} gamma dZt zn)"
                        f"/sqrt(sigma2 + {EPS})")
            expr = (f"({_n(s, gamma[j, 0])}*{_n(s, dZt[j, i])} - ({G})/{count} - "
                    f"{_n(s, Zn[j, i])}*({GZ})/{count})/sqrt({_n(s, sigma2[at])} + {EPS})")
            lines.append((f"dZ[{l}][{j}]({i})", symbolic, expr, float(dZ[j, i])))
    return lines


def _update_lines(s: _Step, lr: float, new: Mapping[str, Array]) -> list[tuple[str, list[_Line]]]:
    out = []
    for layer in s['net'].layers:
        if layer.l not in s['layers']:
            continue
        l = layer.l
        lines: list[_Line] = []
        names = ("W", "b") if layer.norm is None else ("W", "gamma", "beta")
        for kind, key in zip(names, layer.trained):  # the book's name of each trained array
            theta, grad = s['p'][key], s['g']["d" + key]
            for (j, u), value in np.ndenumerate(theta):
                index = f"{j}, {u}" if kind == "W" else f"{j}"
                lines.append((f"{kind}[{l}][{index}]",
                              f"{kind}[{l}][{index}] - alpha*d{kind}[{l}][{index}]",
                              f"{_n(s, float(value))} - {lr}*{_n(s, float(grad[j, u]))}",
                              float(new[key][j, u])))
        out.append((f"Update, layer {l} (alpha = {lr})", lines))
    return out


# ----------------------------------------------------------------------------------------------
# Text and Markdown
# ----------------------------------------------------------------------------------------------


def _render(blocks: list[tuple[str, list[_Line]]], d: int, markdown: bool) -> str:
    out: list[str] = []
    for title, lines in blocks:
        if not lines:
            continue
        out.append(f"### {_latex_title(title)}" if markdown else f"{title}:")
        for symbol, symbolic, expr, value in lines:
            text_value = _fixed(value, d)
            if markdown:  # one piece of math per step: a long line wraps between steps, so
                # its value stays in view
                parts = [latex(symbol)] + ([latex(symbolic)] if symbolic else []) \
                    + [latex(expr), text_value]
                out.append(" ".join([f"${parts[0]} = {parts[1]}$"]
                                    + [f"$= {part}$" for part in parts[2:]]) + "  ")
            else:
                parts = [symbol] + ([symbolic] if symbolic else []) + [expr, text_value]
                out.append("  " + " = ".join(parts))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _latex_title(title: str) -> str:
    """A block's title: its words as they are, its equations (after the colon) as math."""
    head, sep, tail = title.partition(": ")
    if not sep:
        return title
    return head + ": " + ", ".join(f"${latex(part.strip())}$" for part in tail.split(", "))
