"""The worked arithmetic: every printed line evaluates (here, without mlp_fn) to its printed value,
and every printed value is mlp_fn's own forward, backward and update result."""

from __future__ import annotations

import ast
import decimal
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn.tools.explain import MAX_LINES, worked_example

#: 60 significant digits, and exponents to 10^(+-999,999,999): a softmax line of a
#: network with quadratic layers, exp(4813.697) / (exp(-3884.337) + exp(4813.697) +
#: exp(8250.748)), has its true value (e^-3437) where IEEE doubles give inf / inf.
_DECIMAL = decimal.Context(prec=60, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _log(x: Decimal) -> Decimal:
    if x <= 0:
        raise ValueError(f"log of {x}")
    return x.ln()


def _tanh(x: Decimal) -> Decimal:
    e = (-2 * abs(x)).exp()  # in (0, 1]: no overflow
    t = (1 - e) / (1 + e)
    return t if x >= 0 else -t


FUNCTIONS: dict[str, Callable[..., Decimal]] = {"exp": Decimal.exp, "log": _log, "tanh": _tanh,
                                                "max": max, "sqrt": Decimal.sqrt}


def evaluate(expr: str) -> float:
    """The value of a line's numeric expression, by a tiny evaluator of + - * / and exp, log,
    tanh, max, sqrt over numbers: nothing of mlp_fn, nothing but arithmetic (no eval), in decimal
    arithmetic that neither overflows nor underflows (``_DECIMAL``)."""
    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Decimal(repr(node.value))  # the literal as written: 0.1 is 1/10
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div):
                return a / b  # decimal.DivisionByZero is a ZeroDivisionError
            ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
            return ops[type(node.op)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [ev(a) for a in node.args]
            return FUNCTIONS[node.func.id](*args)
        raise ValueError(f"not arithmetic: {ast.dump(node)}")
    with decimal.localcontext(_DECIMAL):
        return float(ev(ast.parse(expr, mode="eval")))


def test_evaluate_holds_exponents_a_double_cannot() -> None:
    # exp(a) / (exp(b) + exp(a) + exp(c)) = 1 / (exp(b - a) + 1 + exp(c - a)): with c - a =
    # 3437.051 that is e^-3437.051 to within a factor 1 + e^-3437, i.e. 10^-1492.7 (log10(e) =
    # 0.4343), which a double rounds to 0.0; the naive double sum is inf / inf.
    assert evaluate("exp(4813.697)/(exp(-3884.337) + exp(4813.697) + exp(8250.748))") == 0.0
    # log(e^-800 / (e^-800 + e^-801)) = -log(1 + e^-1) = -0.31326168751822286 (math.log1p),
    # where both exponentials underflow a double to 0 and the double quotient is 0 / 0.
    assert evaluate("log(exp(-800)/(exp(-800) + exp(-801)))") == pytest.approx(
        -math.log1p(math.exp(-1)), rel=1e-15)
    assert evaluate("tanh(-800.5)") == -1.0 and evaluate("tanh(0.5)") == pytest.approx(
        math.tanh(0.5), rel=1e-15)
    with pytest.raises(ValueError):
        evaluate("log(0.0)")


NUMBER = re.compile(r"(\d+)\.(\d+)(e[-+]\d+)?")


def rounding_bound(expr: str, decimals: int) -> float:
    """How far rounding every d-decimal number of ``expr`` by half a unit in its last place can
    move its value: the sum over the numbers of the larger effect of nudging each up or down
    (both, since a curved function like log moves more one way)."""
    half = 0.5 * 10.0 ** -decimals
    base = evaluate(expr)
    total = 0.0
    for match in NUMBER.finditer(expr):
        if len(match.group(2)) != decimals:
            continue  # a constant written in full (0.01, 0.044715, ...)
        scale = 10.0 ** int(match.group(3)[1:]) if match.group(3) else 1.0  # e-notation
        effects = []
        for sign in ("+", "-"):
            bumped = expr[:match.start()] + f"({match.group()} {sign} {half * scale})" + \
                expr[match.end():]
            try:
                effects.append(abs(evaluate(bumped) - base))
            except (ValueError, ZeroDivisionError, decimal.InvalidOperation):  # e.g. log of a
                # number nudged to 0, or the square root of a variance nudged below 0
                effects.append(0.0)
        total += max(effects)
    return total


def equations(text: str) -> list[tuple[str, str, str]]:
    """(symbol, numeric expression, printed value) of every equation (the indented lines; the
    others are headings)."""
    out = []
    for line in text.splitlines():
        parts = line.strip().split(" = ")
        if line.startswith("  ") and len(parts) >= 3:
            out.append((parts[0], parts[-2], parts[-1]))
    return out


def check_every_line(text: str, decimals: int) -> int:
    lines = equations(text)
    for symbol, expr, value in lines:
        got = evaluate(expr)
        allowed = 0.5 * 10.0 ** -decimals + 1.01 * rounding_bound(expr, decimals) + 1e-12
        assert abs(got - float(value)) <= allowed, (symbol, expr, value, got)
    return len(lines)


def mlp_fn_values(X: Any, Y: Any, params: Any, acts: list[str], loss: str,
                  lr: float | None) -> dict[str, float]:
    """Every symbol the text may print, with mlp_fn's own value for it (a training step: batch
    normalisation with the batch's statistics)."""
    AL, cache = mf.forward(X, params, acts, training=True)
    grads = mf.backward(AL, Y, cache, params, acts, loss, intermediates=True)
    out: dict[str, float] = {}
    L = len(acts)
    for l in range(1, L + 1):
        for (j, i), v in np.ndenumerate(cache[f"Z{l}"]):
            out[f"z[{l}][{j}]({i})"] = float(v)
            out[f"a[{l}][{j}]({i})"] = float(cache[f"A{l}"][j, i])
            out[f"dZ[{l}][{j}]({i})"] = float(grads[f"dZ{l}"][j, i])
            if f"Znorm{l}" in cache:
                out[f"zn[{l}][{j}]({i})"] = float(cache[f"Znorm{l}"][j, i])
                out[f"zt[{l}][{j}]({i})"] = float(cache[f"Ztilde{l}"][j, i])
                out[f"dZt[{l}][{j}]({i})"] = float(grads[f"dZtilde{l}"][j, i])
        for source in ("batch", "example"):  # per unit (batch norm), per example (layer norm)
            if f"mu_{source}{l}" in cache:
                for (j, i), v in np.ndenumerate(cache[f"mu_{source}{l}"]):
                    at = f"[{j}]" if source == "batch" else f"({i})"
                    out[f"mu[{l}]{at}"] = float(v)
                    out[f"sigma2[{l}]{at}"] = float(cache[f"sigma2_{source}{l}"][j, i])
        for (j, k), v in np.ndenumerate(grads[f"dW{l}"]):
            out[f"dW[{l}][{j}, {k}]"] = float(v)
        for name in ("db", "dgamma", "dbeta"):
            for (j, _), v in np.ndenumerate(grads.get(f"{name}{l}", np.zeros((0, 1)))):
                out[f"{name}[{l}][{j}]"] = float(v)
        if l > 1:
            for (k, i), v in np.ndenumerate(grads[f"dA{l - 1}"]):
                out[f"dA[{l - 1}][{k}]({i})"] = float(v)
    if lr is not None:
        new = mf.update(params, grads, lr)
        for l in range(1, L + 1):
            for (j, k), v in np.ndenumerate(new[f"W{l}"]):
                out[f"W[{l}][{j}, {k}]"] = float(v)
            for name in ("b", "gamma", "beta"):
                for (j, _), v in np.ndenumerate(new.get(f"{name}{l}", np.zeros((0, 1)))):
                    out[f"{name}[{l}][{j}]"] = float(v)
    out["J"] = mf.compute_cost(AL, Y, loss)
    return out


@st.composite
def small_steps(draw: Any) -> dict[str, Any]:
    L = draw(st.integers(1, 3))
    out, loss, n_y = draw(st.sampled_from([("sigmoid", "bce", 1), ("softmax", "cce", 3),
                                           ("identity", "mse", 2), ("tanh", "half_mse", 1),
                                           ("sigmoid", "mse", 1)]))
    hidden = [draw(st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "gelu",
                                    "identity", "quadratic"])) for _ in range(L - 1)]
    dims = [draw(st.integers(1, 3)) for _ in range(L)] + [n_y]
    norm = draw(st.sampled_from([None, "batch", "layer"]))
    # A hidden layer of equal widths may be residual: A[l] = g(Z[l]) + A[l-1].
    hidden = [g + "+residual" if dims[l] == dims[l - 1] and draw(st.booleans()) else g
              for l, g in enumerate(hidden, start=1)]
    m = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"] = np.round(rng.standard_normal((dims[l], dims[l - 1])), 2)
        if norm is None or l == L:
            params[f"b{l}"] = np.round(0.3 * rng.standard_normal((dims[l], 1)), 2)
        else:  # a normalised hidden layer: gamma and beta in place of b
            params[f"gamma{l}"] = np.round(1 + 0.3 * rng.standard_normal((dims[l], 1)), 2)
            params[f"beta{l}"] = np.round(0.3 * rng.standard_normal((dims[l], 1)), 2)
            if norm == "batch":
                params[f"mu{l}"], params[f"sigma2{l}"] = np.zeros((dims[l], 1)), np.ones(
                    (dims[l], 1))
    X = np.round(rng.standard_normal((dims[0], m)), 2)
    if loss == "bce":
        Y = rng.integers(0, 2, (1, m)).astype(float)
    elif loss == "cce":
        Y = mf.one_hot(rng.integers(0, 3, m), 3)
    else:
        Y = np.round(rng.standard_normal((n_y, m)), 2)
    return {"X": X, "Y": Y, "params": params, "acts": [*hidden, out], "loss": loss,
            "decimals": draw(st.integers(3, 6)), "lr": draw(st.sampled_from([None, 0.1, 0.5]))}


#: A softmax output that underflows to exactly 0 for the true class of example 0 (z = -1600 beside
#: 645): the cost line must show mlp_fn's clamp, not -log(0.000). Found by the thorough profile.
UNDERFLOW: dict[str, Any] = {
    "X": np.array([[1.55, 0.55], [-0.51, -0.18]]), "Y": np.array([[0., 0.], [1., 1.], [0., 0.]]),
    "params": {"W1": np.array([[2.04, -2.56], [0.42, -0.57]]), "b1": np.array([[-0.14], [-0.06]]),
               "W2": np.array([[-2.02, -0.23], [-0.87, 3.32]]), "b2": np.array([[0.07], [-0.11]]),
               "W3": np.array([[-0.28, -0.67], [-1.06, -0.39], [0.48, -0.24]]),
               "b3": np.array([[0.29], [-0.06], [0.01]])},
    "acts": ["quadratic", "quadratic", "softmax"], "loss": "cce", "decimals": 3, "lr": None}


def test_an_underflowed_softmax_output_shows_the_clamp() -> None:
    s = UNDERFLOW
    text = worked_example(s["X"], s["Y"], s["params"], s["acts"], s["loss"], decimals=3)
    line = next(t for t in text.splitlines() if t.strip().startswith("L(0) ="))
    # -ln(2^-1022), the smallest normal double: 1022 ln 2 = 1022 * 0.6931471805599453 = 708.396
    assert line.endswith("= -log(max(0, 2.225e-308)) = 708.396"), line
    assert 1022 * math.log(2) == pytest.approx(708.396, abs=5e-4)


@given(s=small_steps())
@example(s=UNDERFLOW)
@example(s={  # J = 0.692825 sits on a rounding tie: the text's sum lands a last bit below it
    "X": np.array([[-0.61, -0.12]]), "Y": np.array([[-1.23, -0.21], [-0.77, -0.38]]),
    "params": {"W1": np.array([[-0.4], [1.4], [-0.91]]), "b1": np.array([[-0.11], [0.39], [0.12]]),
               "W2": np.array([[0.67, -0.68, -1.52], [1.54, -0.52, -0.38]]),
               "b2": np.array([[-0.26], [-0.09]]), "W3": np.array([[0.05, -0.28], [1.88, 0.31]]),
               "b3": np.array([[0.15], [-0.0]])},
    "acts": ["relu", "relu", "identity"], "loss": "mse", "decimals": 5, "lr": None})
def test_every_line_checks_and_is_mlp_fns_value(s: dict[str, Any]) -> None:
    text = worked_example(s["X"], s["Y"], s["params"], s["acts"], s["loss"],
                          learning_rate=s["lr"], decimals=s["decimals"])
    assert check_every_line(text, s["decimals"]) > 0
    ours = mlp_fn_values(s["X"], s["Y"], s["params"], s["acts"], s["loss"], s["lr"])
    printed = {symbol: value for symbol, _, value in equations(text)}
    seen = 0
    for symbol, value in printed.items():
        if symbol in ours:
            d, v = s["decimals"], ours[symbol]
            want = f"{v:.{d}f}"
            if float(want) == 0.0:  # a zero is written without a sign (-0.0 of a ReLU too)
                want = want.lstrip("-")
            if value != want:
                # Only a value on a rounding tie (the digit after the last printed one a 5 and
                # nothing after it) may round the other way: the text sums in its own order,
                # which can differ from mlp_fn's in the last bit.
                assert abs(abs(v) * 10**d % 1 - 0.5) < 1e-6, (symbol, value, v)
                assert abs(float(value) - v) <= 0.5 * 10**-d * (1 + 1e-9), (symbol, value, v)
            seen += 1
    assert "J" in printed and seen >= len(printed) - s["X"].shape[1]  # all but the L(i) lines


def test_a_wrong_line_would_be_caught() -> None:
    # The checker can fail: 003's printed z1[1] = -0.25 leaves out the bias -0.1.
    with pytest.raises(AssertionError):
        check_every_line("  z[1][1](0) = 0.3000*0.5000 + (-0.5000)*0.8000 + (-0.1000) = -0.2500",
                         4)


LISTING_003: dict[str, Any] = {  # 003's forward listing in the course layout: W[l] = the listing's W.T
    "X": np.array([[0.5], [0.8]]),
    "params": {"W1": np.array([[0.1, 0.4], [0.3, -0.5], [-0.2, 0.6]]),
               "b1": np.array([[0.1], [-0.1], [0.2]]), "W2": np.array([[0.7, -0.3, 0.5]]),
               "b2": np.array([[0.1]])},
}


def test_a_readers_own_activation_is_written_as_its_name() -> None:
    # A custom activation raised an internal TypeError. Its formula is not known, so it is
    # written as its name on the number, cube(-0.0934) and cube'(-0.0934); with the closed
    # forms cube(x) = x^3 and cube'(x) = 3 x^2 put in by hand, every line checks as the
    # registered ones do, and every value is mlp_fn's own.
    cube = mf.custom_activation("cube", lambda z: z**3, lambda z, a: 3 * z**2)
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    text = worked_example(X, Y, params, [cube, "sigmoid"], "bce", learning_rate=0.5)
    assert "Forward, layer 1 (cube, custom): z = W a + b, a = cube(z):" in text
    assert "  a[1][0](1) = cube(z[1][0](1)) = cube(-0.0934) = " in text
    assert re.search(r"dZ\[1\]\[0\]\(1\) = dA\[1\]\[0\]\(1\) \* cube'\(z\[1\]\[0\]\(1\)\) = "
                     r"\S+\*cube'\(-0\.0934\) = ", text)
    by_hand = re.sub(r"cube'\(([^()]*)\)", r"3*(\1)*(\1)", text)
    by_hand = re.sub(r"cube\(([^()]*)\)", r"(\1)*(\1)*(\1)", by_hand)
    assert "cube" not in "".join(expr for _, expr, _ in equations(by_hand))
    assert check_every_line(by_hand, 4) > 0
    ours = mlp_fn_values(X, Y, params, [cube, "sigmoid"], "bce", 0.5)  # type: ignore[list-item]
    printed = {symbol: value for symbol, _, value in equations(text)}
    shown = [symbol for symbol in printed if symbol in ours]
    assert len(shown) > 40
    assert all(float(printed[k]) == pytest.approx(ours[k], abs=0.51e-4) for k in shown)


def test_003s_listing_worked_out() -> None:
    text = worked_example(LISTING_003["X"], np.array([[1.0]]), LISTING_003["params"],
                          ["relu", "sigmoid"], "bce", learning_rate=0.1)
    # The chapter's own line, z1[0] = 0.5*0.1 + 0.8*0.4 + 0.1 = 0.4700, in the course's order:
    assert "z[1][0](0) = W[1][0, 0]*a[0][0](0) + W[1][0, 1]*a[0][1](0) + b[1][0] = " \
           "0.1000*0.5000 + 0.4000*0.8000 + 0.1000 = 0.4700" in text
    assert "= 0.3000*0.5000 + (-0.5000)*0.8000 + (-0.1000) = -0.3500" in text  # not -0.25
    assert "= 1/(1 + exp(-0.7190)) = 0.6724" in text                          # not 0.6498
    check_every_line(text, 4)


def test_size_limit_and_narrowing() -> None:
    X = np.zeros((10, 20))
    params = mf.init_params([10, 10, 1], seed=0)
    with pytest.raises(ValueError, match=rf"more than the {MAX_LINES} worked_example writes; "
                                         r"narrow it"):
        worked_example(X, np.zeros((1, 20)), params, ["tanh", "sigmoid"], "bce")
    text = worked_example(X, np.zeros((1, 20)), params, ["tanh", "sigmoid"], "bce",
                          parts=["forward"], layer=2, example=3)
    assert [s for s, _, _ in equations(text)] == ["z[2][0](3)", "a[2][0](3)"]


def test_parts_say_what_they_take() -> None:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)

    def call(parts: Any) -> str:
        return worked_example(X, Y, params, ["tanh", "sigmoid"], "bce", parts=parts)

    with pytest.raises(ValueError, match=r"^parts: expected at least one of \['forward', "
                                         r"'cost', 'backward', 'update'\], got none$"):
        call([])  # nothing asked for: a value, not a type, is wrong (it was a TypeError)
    with pytest.raises(TypeError, match=r"^parts: expected a list .*; for that part alone pass "
                                        r"parts=\['cost'\]$"):
        call("cost")
    with pytest.raises(ValueError, match=r"^parts: expected some of .*, got 'costs'$"):
        call(["costs"])
    assert call(["cost"]).startswith("The cost:")


def test_markdown_with_latex() -> None:
    text = worked_example(LISTING_003["X"], np.array([[1.0]]), LISTING_003["params"],
                          ["relu", "sigmoid"], "bce", learning_rate=0.1, markdown=True)
    X, Y = mf.data.xor()  # and a batch-normalised residual layer: sqrt, e-notation, Greek
    normalised = worked_example(X[:, :2], Y[:, :2], mf.init_params([2, 2, 2, 1], seed=0,
                                                                   norm="batch"),
                                ["tanh", "tanh+residual", "sigmoid"], "bce", learning_rate=0.1,
                                markdown=True, layer=1)
    assert r"\sqrt{" in normalised and r"\times 10^{-5}" in normalised
    maths = [line for line in (text + normalised).splitlines() if line.startswith("$")]
    assert maths and all(line.rstrip().endswith("$") for line in maths)
    for line in maths:  # each step its own piece of math: "$z = W a + b$ $= 0.1 ...$ $= 0.47$"
        assert " $= " in line
        body = line.strip().strip("$").replace("$ $", " ")
        depth = 0
        for ch in body:  # braces balance, never close before they open
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0
        assert not re.search(r"\\(?!cdot|exp|log|tanh|max|sum|frac|sqrt|times|operatorname|"
                             r"alpha|mu|sigma|gamma|beta|epsilon|hat|tilde)[a-z]", body)
        # The numbers survive: the LaTeX turned back into arithmetic evaluates to the value.
        parts = body.split(" = ")
        expr = re.sub(r" \\times 10\^\{(-?\d+)\}", r"e\1", parts[-2])
        expr = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", expr)
        expr = expr.replace(r" \cdot ", "*").replace("\\", "")
        assert abs(evaluate(expr) - float(parts[-1])) <= 0.5e-4 + 1.01 * rounding_bound(expr, 4)
    assert "$z^{[1]}_{0}(0) = " in text and text.count("### ") >= 4
    # One notation: every indexed symbol as z^{[l]}_j(i), no text-style z[1][0] left; function
    # names upright.
    assert not re.search(r"[A-Za-z]\[\d+\]", text.replace("### ", ""))
    assert r"\operatorname{relu}(z^{[1]}_{0}(0))" in text and " relu(" not in text
