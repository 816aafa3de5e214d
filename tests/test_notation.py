"""The one converter of the course's plain notation to LaTeX, which ``explain`` and the book
share. Each expected LaTeX is written here by hand from the notation table (a symbol of layer
l is X^{[l]}, a unit and an example follow as a subscript and in parentheses, a name of the
table is its Greek letter, an activation is its registry symbol)."""

from __future__ import annotations

import pytest

from mlp_fn._internal.notation import latex


@pytest.mark.parametrize("plain, expected", [
    # explain's worked arithmetic
    ("z[1][0](2) = W[1][0, 1]*a[0][1](2) + b[1][0]",
     r"z^{[1]}_{0}(2) = W^{[1]}_{0,1} \cdot a^{[0]}_{1}(2) + b^{[1]}_{0}"),
    ("(z[1][0](0) - mu[1][0])/sqrt(sigma2[1][0] + 1e-05)",
     r"(z^{[1]}_{0}(0) - \mu^{[1]}_{0})/\sqrt{\sigma^{2[1]}_{0} + 1 \times 10^{-5}}"),
    ("zt[1][0](0) = gamma[1][0]*zn[1][0](0) + beta[1][0]",
     r"\tilde{z}^{[1]}_{0}(0) = \gamma^{[1]}_{0} \cdot \hat{z}^{[1]}_{0}(0) + \beta^{[1]}_{0}"),
    ("a[1][0](0) = relu(z[1][0](0))", r"a^{[1]}_{0}(0) = \operatorname{relu}(z^{[1]}_{0}(0))"),
    ("L(0) = -(y[0](0) log a[2][0](0))", r"L(0) = -(y_{0}(0) \log a^{[2]}_{0}(0))"),
    # the docstrings' forms
    ("dW[l] = (1/m) dZ[l] A[l-1]^T", r"dW^{[l]} = \frac{1}{m} dZ^{[l]} {A^{[l-1]}}^{\top}"),
    ("dZ[l] = dA[l] * g[l]'(Z[l])", r"dZ^{[l]} = dA^{[l]} \cdot {g^{[l]}}'(Z^{[l]})"),
    ("sigmoid(z) = 1 / (1 + e^(-z))", r"\sigma(z) = 1 / (1 + e^{-z})"),
    ("W{l} = randn(n[l], n[l-1])", r"W^{[l]} = \operatorname{randn}(n^{[l]}, n^{[l-1]})"),
    ("sigma2{l} = 1", r"\sigma^{2[l]} = 1"),
    ("dL/da_k = -y_k / a_k", r"dL/da_{k} = -y_{k} / a_{k}"),
    ("mu_run = 0.9 mu_run + 0.1 mu", r"\mu_{\mathrm{run}} = 0.9 \mu_{\mathrm{run}} + 0.1 \mu"),
    # a name of the table with a digit (sigma2 is sigma^2) takes a subscript as mu does, and
    # the layer joins its exponent (no double superscript)
    ("sigma2_run{l} = 0.9 sigma2_run{l} + 0.1 sigma2",
     r"\sigma^{2[l]}_{\mathrm{run}} = 0.9 \sigma^{2[l]}_{\mathrm{run}} + 0.1 \sigma^{2}"),
    ("Y[k, i] = 1", r"Y_{k,i} = 1"),
    ("Z~[l] = gamma[l] Z_norm[l] + beta[l]",
     r"\tilde{Z}^{[l]} = \gamma^{[l]} Z_{\mathrm{norm}}^{[l]} + \beta^{[l]}"),
    ("m_hat = m / (1 - beta1^t)", r"\hat{m} = m / (1 - \beta_{1}^t)"),
    ("gelu(z) = z/2 * (1 + tanh(sqrt(2/pi) * z))",
     r"\operatorname{GELU}(z) = z/2 \cdot (1 + \tanh(\sqrt{2/\pi} \cdot z))"),
    ("J = -(1/m) sum_{i=1}^{m} y(i) log a(i)", r"J = -\frac{1}{m} \sum_{i=1}^{m} y(i) \log a(i)"),
    ("Var(z) ~ Var(a)", r"\operatorname{Var}(z) \sim \operatorname{Var}(a)"),
    ("K >= 2, a <= b", r"K \ge 2, a \le b"),
    ("mu{l} = 0", r"\mu^{[l]} = 0"),
    ("ReLU(z) = max(0, z)", r"\operatorname{ReLU}(z) = \max(0, z)"),
    ("Z_norm = (Z - mu) / sqrt(sigma^2 + eps)",
     r"Z_{\mathrm{norm}} = (Z - \mu) / \sqrt{\sigma^2 + \epsilon}"),
    # a gradient keeps its d before an accent or a named subscript, also right after a sum's
    # index (which once left the rest of the equation as written)
    ("G = dZ_norm = gamma * dZ_tilde", r"G = dZ_{\mathrm{norm}} = \gamma \cdot d\tilde{Z}"),
    ("dbeta = (1/m) sum_i dZ_tilde(i)", r"d\beta = \frac{1}{m} \sum_i d\tilde{Z}(i)"),
    ("sum_{l=1}^{L} (n[l] n[l-1] + n[l])", r"\sum_{l=1}^{L} (n^{[l]} n^{[l-1]} + n^{[l]})"),
    # a code name with an underscore is upright with a tight underscore (\operatorname would
    # space it out), a function's name is an operator
    ("D = (U < keep_prob) / keep_prob", r"D = (U < \mathrm{keep\_prob}) / \mathrm{keep\_prob}"),
    ("randn(n, 1)", r"\operatorname{randn}(n, 1)"),
])
def test_the_notation_as_latex(plain: str, expected: str) -> None:
    assert latex(plain) == expected


def test_an_activation_is_set_by_its_registry_symbol() -> None:
    import mlp_fn as mf

    for name, entry in mf.ACTIVATIONS.items():
        assert latex(f"{name}(z)") == f"{entry['symbol']}(z)"
