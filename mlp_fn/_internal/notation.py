"""The course's plain-text notation as LaTeX: one converter, for ``explain``'s worked
arithmetic (``markdown=True``) and for the book's equations.

A symbol of layer l is written ``Z[l]`` (or, as a params key, ``W{l}``), a unit and an example
after it: ``z[1][0](2)`` is z^{[1]}_{0}(2), ``W[2][j, 0]`` is W^{[2]}_{j,0}; ``(1/m)`` is a
fraction, ``sqrt(x)`` a root, ``1e-05`` a power of ten, ``A[l-1]^T`` a transpose and
``g[l]'(Z[l])`` a derivative. Names come from the notation table (Greek letters; ``zn`` and
``zt``, the normalised and the scaled and shifted z, as in Ioffe and Szegedy, 2015) and from
the activations' registry (each activation's own LaTeX, ``ACTIVATIONS[name]["symbol"]``); any
other word of more than one letter is set upright as an operator's name.
"""

from __future__ import annotations

import re

__all__ = ["latex"]

#: The notation table's names and how they are set.
NAMES = {"alpha": r"\alpha", "beta": r"\beta", "gamma": r"\gamma", "delta": r"\delta",
         "epsilon": r"\epsilon", "eps": r"\epsilon", "eta": r"\eta", "theta": r"\theta",
         "lambda": r"\lambda", "lambd": r"\lambda", "mu": r"\mu", "sigma": r"\sigma", "sigma2": r"\sigma^{2}",
         "tau": r"\tau", "phi": r"\phi", "rho": r"\rho", "omega": r"\omega", "pi": r"\pi",
         "zn": r"\hat{z}", "zt": r"\tilde{z}", "Zn": r"\hat{Z}", "Zt": r"\tilde{Z}"}

#: Functions LaTeX knows by name; every other function name is set upright by \operatorname.
KNOWN = ("exp", "log", "ln", "tanh", "max", "min", "cos", "sin", "sum", "prod")


_SYMBOL = re.compile(r"\b(d?)([A-Za-z][A-Za-z0-9_]*~?)(?:\[([lLk]?[-+]?\w*)\]|\{([\w+-]+)\})"
                     r"(?:\[([\w, ]+)\])?(\(\w+\))?")
_ENTRY = re.compile(r"\b([A-Za-z])\[(\w+(?:, *\w+)+)\]")  # Y[k, i]: an entry of a matrix
_NUMBER_E = re.compile(r"\b(\d+(?:\.\d+)?)e([-+]?)0*(\d+)\b")


def _activation_symbols() -> dict[str, str]:
    from mlp_fn.activations import ACTIVATIONS  # the registry: each activation's own LaTeX

    return {name: entry["symbol"] for name, entry in ACTIVATIONS.items()}


def _name(prefix: str, name: str) -> str:
    if name.endswith("~"):  # Z~: the scaled and shifted Z
        name = name[:-1] + "t"
    base = NAMES.get(name) or (_word(name) if "_" in name else name)
    return f"d{base}" if prefix else base


def _word(w: str, symbols: dict[str, str] | None = None) -> str:
    """A bare word of an equation: a name of the notation table, an activation's symbol, a
    symbol with a subscript, a function LaTeX knows, or an operator's name set upright."""
    if w.startswith("d") and w[1:] in NAMES:
        return "d" + NAMES[w[1:]]
    if re.fullmatch(r"[a-z]{3,}_[a-z]", w) and w[:-2] not in NAMES:
        return r"\operatorname{" + w[:-2] + "}_" + w[-1]  # mean_e: the mean over examples e
    if re.fullmatch(r"d?[A-Za-z]_(hat|tilde)", w):  # m_hat: Adam's corrected m; dZ_tilde
        head, accent = w.split("_")
        return f"{head[:-1]}\\{accent}{{{head[-1]}}}"
    if re.fullmatch(r"d?[A-Za-z]_[A-Za-z0-9]", w):  # n_y, a_k, da_k: a symbol, its subscript
        return f"{w[:-2]}_{{{w[-1]}}}"
    if re.fullmatch(r"d?[A-Za-z]_[a-z]{2,}", w):  # Z_norm: Z normalised; dZ_norm
        head, tail = w.split("_", 1)
        return f"{head}_{{\\mathrm{{{tail}}}}}"
    named = re.fullmatch(r"([a-z]+\d?)_([a-z]+)", w)
    if named and named.group(1) in NAMES:  # mu_run, sigma2_run: the running mean and variance
        return f"{NAMES[named.group(1)]}_{{\\mathrm{{{named.group(2)}}}}}"
    if symbols and w in symbols:
        return symbols[w]
    if w in KNOWN:
        return "\\" + w
    if w in NAMES:
        return NAMES[w]
    greek = re.fullmatch(r"([a-z]+)(\d+)", w)
    if greek and greek.group(1) in NAMES:  # beta1: Adam's first decay rate
        return f"{NAMES[greek.group(1)]}_{{{greek.group(2)}}}"
    if re.fullmatch(r"d?[A-Za-z]\d*", w):  # x, dZ, W2: symbols as written
        return w
    if "_" in w:  # a code name (keep_prob): upright, its underscore tight, as \operatorname
        return r"\mathrm{" + w.replace("_", r"\_") + "}"  # would space it out
    return r"\operatorname{" + w + "}"


def _symbol(m: re.Match[str]) -> str:
    """z[1][0](2) -> z^{[1]}_{0}(2); W[2][j, 0] -> W^{[2]}_{j,0}; A[l-1] -> A^{[l-1]};
    W{l} -> W^{[l]}; sigma2[l] -> sigma^{2[l]}; the targets y[0](2) -> y_{0}(2) (a row of Y,
    not a layer)."""
    prefix, name, bracket, brace, idx, example = m.groups()
    first = bracket if bracket is not None else brace
    example = example or ""
    if name in ("y", "Y") and not prefix and idx is None and brace is None:
        return f"{name}_{{{first}}}{example}"
    base = _name(prefix, name)
    if "^{2}" in base:  # sigma^2 of layer l: sigma^{2[l]} (and sigma^{2[l]}_{run})
        base, layer = base.replace("^{2}", f"^{{2[{first}]}}", 1), ""
    else:
        layer = f"^{{[{first}]}}"
    sub = f"_{{{idx.replace(' ', '')}}}" if idx is not None else ""
    return f"{base}{layer}{sub}{example}"


def _sqrt(text: str) -> str:
    """sqrt(x) -> \\sqrt{x}, its parentheses matched."""
    while (start := text.find("sqrt(")) >= 0:
        depth, end = 0, start + 4
        for end in range(start + 4, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[:start] + r"\sqrt{" + text[start + 5:end] + "}" + text[end + 1:]
    return text


def latex(expr: str) -> str:
    """One equation of the plain-text notation as LaTeX.

    >>> latex("Z[l] = W[l] A[l-1] + b[l]")
    'Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}'
    >>> latex("z[1][0](2) = W[1][0, 1]*a[0][1](2) + 1e-05")
    'z^{[1]}_{0}(2) = W^{[1]}_{0,1} \\\\cdot a^{[0]}_{1}(2) + 1 \\\\times 10^{-5}'
    """
    symbols = _activation_symbols()
    out = _ENTRY.sub(lambda m: f"{m.group(1)}_{{{m.group(2).replace(' ', '')}}}", expr)
    out = _SYMBOL.sub(_symbol, out)
    out = _NUMBER_E.sub(lambda m: rf"{m.group(1)} \times 10^{{{m.group(2) if m.group(2) == '-' else ''}"
                                  rf"{m.group(3)}}}", out)
    out = _sqrt(out)
    out = re.sub(r"\((\w+)/(\w+)\)", r"\\frac{\1}{\2}", out)
    for plain, symbol in ((">=", r"\ge"), ("<=", r"\le"), ("!=", r"\ne"), ("->", r"\to"),
                          (" ~ ", r"\sim")):
        out = re.sub(rf"\s*{re.escape(plain.strip())}\s*" if plain != " ~ " else r"\s+~\s+",
                     f" {symbol} ".replace("\\", "\\\\"), out)
    out = re.sub(r"\^\(([^()]*)\)", r"^{\1}", out)  # e^(-z) -> e^{-z}
    out = re.sub(r"\bsum_(\{[^{}]*\}|\w)", r"\\sum_\1", out)
    # a transpose or a prime of an indexed symbol is braced first: no double exponent
    out = re.sub(r"((?:\\?[A-Za-z]+)\^\{[^{}]*\}(?:_\{[^{}]*\})?)\^T\b", r"{\1}^{\\top}", out)
    out = re.sub(r"\b([A-Za-z])\^T\b", r"\1^{\\top}", out)
    out = re.sub(r"((?:\\?[A-Za-z]+)\^\{\[[^{}]*\]\})'", r"{\1}'", out)

    def word(m: re.Match[str]) -> str:
        return _word(m.group(1), symbols)

    # Bare words outside what was translated: a function name, a Greek letter or a symbol.
    pieces = re.split(r"(\\[A-Za-z]+|\^\{[^}]*\}|_\{[^}]*\})", out)
    out = "".join(p if k % 2 else  # (odd pieces are what was translated)
                  re.sub(r"(?<![\\\w])([A-Za-z][A-Za-z_]*[A-Za-z0-9]*(?:_[A-Za-z]+)?)(?![\w{])",
                         word, p)
                  for k, p in enumerate(pieces))
    return re.sub(r"\s*\*\s*", r" \\cdot ", out)
