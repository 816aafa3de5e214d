"""The book's API reference, written from the docstrings: every public function of the course's
core, the training engine, the tools and the row-data model, with its signature, its docstring,
the equations in it set as math, and links to the walkthroughs whose lessons call it.

The docstrings write their equations in the course's plain-text notation (``Z[l] = W[l] A[l-1]
+ b[l]``), which reads well in ``help()``; ``to_latex`` turns such a line into LaTeX, and gives
up (None) on anything it does not know, which then stays text.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

from mlp_fn._internal.notation import latex
from mlp_fn.activations import ACTIVATIONS

__all__ = ["MODULES", "docstring_markdown", "inline_equations", "public_home", "to_latex",
           "write_api"]

#: The documented modules, in the order of the package's tiers, with a heading each.
MODULES: list[tuple[str, str]] = [
    ("mlp_fn.activations", "Activations: g and g'"),
    ("mlp_fn.losses", "Losses: J(A, Y)"),
    ("mlp_fn.initialization", "Initialisation"),
    ("mlp_fn.network", "The network's description"),
    ("mlp_fn.layers", "One layer's steps"),
    ("mlp_fn.normalization", "Batch and layer normalisation"),
    ("mlp_fn.propagation", "Forward and backward propagation"),
    ("mlp_fn.optimizers", "Optimizers"),
    ("mlp_fn.schedules", "Learning-rate schedules"),
    ("mlp_fn.training.loop", "Training"),
    ("mlp_fn.training.many", "Many networks at once"),
    ("mlp_fn.training.checkpoint", "Checkpoints"),
    ("mlp_fn.training.callbacks", "Callbacks"),
    ("mlp_fn.tools.gradient_check", "Gradient checking"),
    ("mlp_fn.tools.explain", "Worked examples"),
    ("mlp_fn.tools.summary", "Summaries"),
    ("mlp_fn.tools.plots", "Pictures"),
    ("mlp_fn.tools.data", "Data"),
    ("mlp_fn.model", "001's workflow on rows"),
    ("mlp_fn.io", "Files"),
    ("mlp_fn.playground", "The playground"),
]


@functools.cache
def _functions(module: str) -> list[tuple[str, Any]]:
    mod = importlib.import_module(module)
    out = []
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name, None)
        if inspect.isfunction(obj) or (callable(obj) and hasattr(obj, "__wrapped__")):
            out.append((name, obj))
    return out


@functools.cache
def _defined(module: str) -> dict[str, str]:
    """Each name a module assigns at its top level, with the ``#:`` comment above it."""
    mod = importlib.import_module(module)
    lines = inspect.getsource(mod).splitlines()
    found: dict[str, str] = {}
    for node in ast.parse("\n".join(lines)).body:
        targets = ([t for t in node.targets if isinstance(t, ast.Name)]
                   if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AnnAssign)
                   and isinstance(node.target, ast.Name) else [])
        comment: list[str] = []
        for line in reversed(lines[:node.lineno - 1]):
            if not line.startswith("#:"):
                break
            comment.insert(0, line[2:].strip())
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = " ".join(comment)
    return found


@functools.cache
def _others(module: str) -> list[tuple[str, Any, str]]:
    """The public names of ``module`` that are not functions and that it defines itself:
    (name, object, what it is: the class's docstring or the ``#:`` comment)."""
    mod = importlib.import_module(module)
    assigned = _defined(module)
    out = []
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if inspect.isfunction(obj) or (callable(obj) and hasattr(obj, "__wrapped__")):
            continue
        if inspect.isclass(obj) and obj.__module__ == module:
            out.append((name, obj, inspect.getdoc(obj) or ""))
        elif name in assigned:
            out.append((name, obj, assigned[name]))
    return out


def public_home(obj: Any) -> str | None:
    """``module.name`` of the first documented module that exports ``obj`` (a function, or a
    class or constant it defines), or None."""
    for module, _ in MODULES:
        for name, candidate in _functions(module):
            if candidate is obj:
                return f"{module}.{name}"
        for name, candidate, _ in _others(module):
            if candidate is obj:
                return f"{module}.{name}-{'class' if inspect.isclass(obj) else 'constant'}"
    return None


# ----------------------------------------------------------------------------------------------
# The course's plain-text notation, as LaTeX
# ----------------------------------------------------------------------------------------------

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "sigma",
          "tau", "phi", "rho", "pi", "omega"}
#: Functions of the notation: the activations' symbols come from their registry entries (one
#: record per activation), the rest are the math's own.
_FUNCTIONS = {"exp": r"\exp", "log": r"\log", "ln": r"\ln", "max": r"\max",
              "min": r"\min", "sqrt": r"\sqrt", "sum": r"\sum", "cos": r"\cos", "sin": r"\sin",
              "erf": r"\operatorname{erf}", "ReLU": r"\operatorname{ReLU}",
              "mean": r"\operatorname{mean}", "var": r"\operatorname{var}",
              "sign": r"\operatorname{sign}", "clip": r"\operatorname{clip}",
              "floor": r"\operatorname{floor}", "LeakyReLU": r"\operatorname{LeakyReLU}",
              "randn": r"\operatorname{randn}", "zeros": r"\operatorname{zeros}",
              "argmax": r"\operatorname*{arg\,max}", "GELU": r"\operatorname{GELU}",
              "abs": r"\operatorname{abs}", "round": r"\operatorname{round}",
              "Phi": r"\Phi", "norm": r"\operatorname{norm}",
              **{name: entry["symbol"] for name, entry in ACTIVATIONS.items()}}
#: Short names that are variables of the equations, not English.
_VARIABLES = {"lr", "eps", "hat", "t", "k", "m", "n", "l", "L", "x", "y", "z", "a", "b", "c",
              "g", "v", "s", "w", "u", "p", "q", "e", "i", "j", "W", "A", "Z", "X", "Y", "J",
              "dW", "db", "dZ", "dA", "dX", "theta", "keep_prob", "lambd", "decay", "lr0",
              "epoch", "every", "rate", "alpha0", "T", "r", "D", "E", "M", "N", "P", "S", "V",
              "f", "h", "o", "d", "F", "G", "H", "K", "R", "B", "C", "I", "U", "Q", "O", "drop", "zn", "zt",
              "cost", "scale", "n_x", "n_y", "n_h", "max_norm", "floor", "m_hat", "v_hat",
              "sigma2", "mu", "beta1", "beta2", "rho", "weight_decay", "momentum",
              "total_epochs", "gradapprox", "grad", "difference", "lr_min"}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<norm>\|\|)
  | (?P<number>\d+(?:\.\d+)?(?:e[-+]?\d+)?)
  | (?P<big>(?:sum|prod|argmax|argmin)_(?:\{[^{}]*\}|[a-z])(?:\^\{[^{}]*\})?)
  | (?P<index>\[(?:[lLk0-9]\s*(?:[-+]\s*[0-9])?|[a-z0-9](?:\s*,\s*[a-z0-9])*)\])
  | (?P<sub>_(?:\{[^{}]*\}|[a-z0-9]+))
  | (?P<name>[A-Za-z][A-Za-z0-9_]*'?(?:\{[lLk0-9+-]+\})?)
  | (?P<op>==|<=|>=|!=|->|\+-|[-+*/=<>^(),.~|'{}\[\]])
""", re.VERBOSE)
#: The relations around which an equation inside prose is found.
_RELATIONS = {"=", "<=", ">=", "!=", "<", ">", "~"}
_BIG = {"sum": r"\sum", "prod": r"\prod", "argmax": r"\operatorname*{arg\,max}",
        "argmin": r"\operatorname*{arg\,min}"}
#: Suffixes that the course writes as accents or upright subscripts.
_ACCENTS = {"hat": r"\hat", "tilde": r"\tilde"}


def _name(word: str) -> str | None:
    """A word of an equation as LaTeX, or None if it is English. ``W{l}`` (a key of ``params``)
    reads as W^{[l]}."""
    prime = word.endswith("'") or "'{" in word
    key = re.search(r"\{([^{}]+)\}$", word)
    base = re.sub(r"\{[^{}]+\}$", "", word).rstrip("'")
    if base == "sigma2" and key:  # sigma2{l}: the variance of layer l
        return rf"{{\sigma^{{[{key.group(1)}]}}}}^{{2}}"
    out = _word(base)
    if out is None:
        return None
    return out + ("'" if prime else "") + (f"^{{[{key.group(1)}]}}" if key else "")


def _word(base: str) -> str | None:
    if base in _FUNCTIONS:
        return _FUNCTIONS[base]
    if base == "sigma2":
        return r"\sigma^{2}"
    if base == "lambd":  # the course's Python name for the L2 strength lambda
        return r"\lambda"
    stem = base.rstrip("0123456789")
    if stem in _GREEK:
        digits = base[len(stem):]
        return f"\\{stem}" + (f"_{{{digits}}}" if digits else "")
    if "_" in base:
        head, tail = base.split("_", 1)
        symbol = head in _VARIABLES or head in _GREEK or re.fullmatch(r"d?[A-Za-z]\d*", head)
        inner = _word(head) if symbol else None
        if tail in _ACCENTS and inner is not None:
            return rf"{_ACCENTS[tail]}{{{inner}}}"
        if inner is not None and tail.isalnum():
            sub = tail if len(tail) <= 2 and tail.isalpha() and tail.islower() \
                else rf"\mathrm{{{tail}}}"
            return f"{inner}_{{{sub}}}"
        if base in _VARIABLES:  # a code name such as keep_prob, written whole
            escaped = base.replace("_", "\\_")
            return rf"\mathit{{{escaped}}}"
        return None
    if re.fullmatch(r"d?[A-Za-z]\d*", base):  # a symbol: x, W1, dZ
        return base
    return rf"\mathrm{{{base}}}" if base in _VARIABLES else None  # a word of the formula: lr


def _index(text: str) -> str | None:
    """[l] -> ^{[l]}; [l-1] -> ^{[l-1]}; [j, k] -> _{j,k}; anything else: None."""
    inner = text[1:-1].strip()
    if re.fullmatch(r"[lLk0-9]\s*([-+]\s*[0-9])?", inner):
        return f"^{{[{inner.replace(' ', '')}]}}"
    if re.fullmatch(r"[a-z0-9](\s*,\s*[a-z0-9])*", inner):
        return f"_{{{inner.replace(' ', '')}}}"
    return None


def _big(text: str) -> str:
    """sum_i -> \\sum_{i}; sum_{i=1}^{m} -> \\sum_{i=1}^{m}."""
    m = re.fullmatch(r"(\w+?)_(\{[^{}]*\}|[a-z])(\^\{[^{}]*\})?", text)
    assert m is not None
    sub = m.group(2).strip("{}")
    return f"{_BIG[m.group(1)]}_{{{sub}}}" + (m.group(3) or "") + " "


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token; a character the notation does not know is kind 'other'."""
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            out.append(("other", text[pos]))
            pos += 1
        else:
            out.append((m.lastgroup or "other", m.group()))
            pos = m.end()
    return out


_OPS = {"*": r" \cdot ", "->": r" \to ", "<=": r" \le ", ">=": r" \ge ", "!=": r" \ne ",
        "+-": r" \pm ", "~": r" \sim ", "{": r"\{", "}": r"\}"}
_OPEN, _CLOSE = {"(": ")", "[": "]", "{": "}"}, {")", "]", "}"}


def _group_end(tokens: list[tuple[str, str]], at: int) -> int:
    """Index just past the bracket group opening at ``at`` (len(tokens) + 1 if unclosed)."""
    depth = 0
    for k in range(at, len(tokens)):
        if tokens[k][0] == "op" and tokens[k][1] in _OPEN:
            depth += 1
        elif tokens[k][0] == "op" and tokens[k][1] in _CLOSE:
            depth -= 1
            if depth == 0:
                return k + 1
    return len(tokens) + 1


def _operand_end(tokens: list[tuple[str, str]], at: int) -> int:
    """Index past what a ^ at ``at - 1`` raises: a group, or a word with its arguments."""
    if at >= len(tokens):
        return at
    kind, text = tokens[at]
    if kind == "op" and text == "(":
        return _group_end(tokens, at)
    if kind == "name" and at + 1 < len(tokens) and tokens[at + 1] == ("op", "("):
        return _group_end(tokens, at + 1)
    return at + 1


#: An indexed symbol at the end of the LaTeX so far (x^{[l]}), which a further ^ must brace.
_INDEXED = re.compile(r"((?:\\[A-Za-z]+ ?|d?[A-Za-z])(?:_\{[^{}]*\})?\^\{\[[^\]]*\]\})$")


def _convert(tokens: list[tuple[str, str]]) -> str | None:
    """The tokens of one equation as LaTeX, or None where one is not notation."""
    out: list[str] = []
    bars = {"norm": False, "abs": False}
    k = 0
    while k < len(tokens):
        kind, text = tokens[k]
        following = tokens[k + 1] if k + 1 < len(tokens) else ("", "")
        if kind == "other" or text == "==":
            return None
        if kind == "space":
            out.append(" ")
        elif kind == "number":
            mant, _, exp = text.partition("e")
            out.append(f"{mant} \\times 10^{{{int(exp)}}}" if exp else text)
        elif kind == "norm" or text == "|":
            which = "norm" if kind == "norm" else "abs"
            if bars[which]:
                out.append(r"\rVert " if which == "norm" else r"\rvert ")
            else:
                out.append(r"\lVert " if which == "norm" else r"\lvert ")
            bars[which] = not bars[which]
        elif kind == "big":
            out.append(_big(text))
        elif kind == "sub":
            inner = _convert(_tokens(text[1:].strip("{}")))
            if inner is None:
                return None
            out.append(f"_{{{inner}}}")
        elif kind == "index":
            attached = k > 0 and (tokens[k - 1][0] in ("name", "index", "sub")
                                  or tokens[k - 1][1] in (")", "'"))
            latex = _index(text) if attached else None
            if latex is None:  # brackets around a list, not an index
                inner = _convert(_tokens(text[1:-1]))
                if inner is None:
                    return None
                latex = f"[{inner}]"
            out.append(latex)
        elif kind == "name":
            latex = _name(text)
            if latex is None and following == ("op", "(") and text.isalpha():
                latex = rf"\operatorname{{{text}}}"  # a function the vocabulary lacks
            if latex is None:
                return None
            if latex == r"\sqrt" and following == ("op", "("):
                end = _group_end(tokens, k + 1)
                inner = _convert(tokens[k + 2:end - 1]) if end <= len(tokens) else None
                if inner is None:
                    return None
                out.append(rf"\sqrt{{{inner.strip()}}}")
                k = end
                continue
            out.append(latex + (" " if latex.startswith("\\") else ""))
        elif text == "^":
            end = _operand_end(tokens, k + 1)
            if end > len(tokens) or end == k + 1:
                return None
            body = tokens[k + 2:end - 1] if tokens[k + 1] == ("op", "(") else tokens[k + 1:end]
            inner = r"\top" if body == [("name", "T")] else _convert(body)
            if inner is None:
                return None
            previous = "".join(out).rstrip()
            indexed = _INDEXED.search(previous)  # x^{[l]}^{T} would be a double exponent
            if indexed:
                previous = previous[:indexed.start()] + "{" + indexed.group(1) + "}"
            out = [previous, f"^{{{inner.strip()}}}"]
            k = end
            continue
        elif text == "'":
            previous = "".join(out).rstrip()
            indexed = _INDEXED.search(previous)  # g^{[l]}' would be a double exponent too
            if indexed:
                previous = previous[:indexed.start()] + "{" + indexed.group(1) + "}"
            out = [previous, "'"]
        else:
            out.append(_OPS.get(text, text))
        k += 1
    if any(bars.values()):
        return None
    return "".join(out)


def to_latex(equation: str) -> str | None:
    """One line of the plain-text notation as LaTeX (``mlp_fn``'s converter, the one
    ``explain`` writes with), or None where a word is not notation."""
    tokens = _tokens(equation)
    depth = 0
    for kind, text in tokens:
        depth += (kind == "op" and text in _OPEN) - (kind == "op" and text in _CLOSE)
        if depth < 0:
            return None
    if depth != 0 or _convert(tokens) is None:  # English, or brackets left open
        return None
    return re.sub(r"\s+", " ", latex(equation)).strip()  # mlp_fn's one converter


def _span_ok(tokens: list[tuple[str, str]], k: int) -> bool:
    """Whether token ``k`` can be part of an equation inside prose."""
    kind, text = tokens[k]
    if kind in ("space", "number", "index", "norm", "big", "sub"):
        return True
    if kind == "name":
        return _name(text) is not None or (
            k + 1 < len(tokens) and tokens[k + 1] == ("op", "(") and text.isalpha())
    return kind == "op" and text not in (",", ".", "==")


def _expand(tokens: list[tuple[str, str]], at: int, step: int) -> int:
    """How far an equation reaches from relation ``at`` in direction ``step`` (-1, +1): over
    notation, and over commas inside brackets; an unmatched bracket ends it."""
    opens, closes = (_CLOSE, _OPEN) if step < 0 else (_OPEN, _CLOSE)
    pending: list[int] = []  # brackets opened on the way out, not yet closed
    k = at + step
    while 0 <= k < len(tokens):
        kind, text = tokens[k]
        if not (_span_ok(tokens, k) or (pending and text == ",")):
            break
        if kind == "op" and text in opens:
            pending.append(k)
        elif kind == "op" and text in closes:
            if not pending:
                break
            pending.pop()
        k += step
    if pending:  # stopped inside a bracket: the equation ends before it
        k = pending[0]
    # k is the first token outside; trim spaces and dangling operators at the outer end.
    while k - step != at and (tokens[k - step][0] == "space"
                              or tokens[k - step][1] in "+-*/^"):
        k -= step
    return k


def inline_equations(text: str) -> list[tuple[bool, str]]:
    """Prose cut into (is_math, text) pieces: around each relation (=, <, ~, ...) the longest
    run of notation on both sides, stopped by an English word, a comma or full stop outside
    brackets, or an unmatched bracket; and each symbol of a layer (``n[l]``, ``A[L]``) on its
    own. A piece that ``to_latex`` rejects stays prose."""
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    for r, (kind, tok) in enumerate(tokens):
        if kind != "op" or tok not in _RELATIONS or (spans and r < spans[-1][1]):
            continue
        lo, hi = _expand(tokens, r, -1) + 1, _expand(tokens, r, +1)
        left = "".join(t for _, t in tokens[lo:r]).strip()
        right = "".join(t for _, t in tokens[r + 1:hi]).strip()
        if left and right:
            spans.append((lo, hi))
    # A symbol of layer l standing alone in prose (n[l], A[L], dZ[l], W{l}) is math too; a
    # params key in quotes ("W{l}") is a name, set as code by the prose.
    inside = {k for lo, hi in spans for k in range(lo, hi)}
    for k, (kind, tok) in enumerate(tokens):
        quoted = k and tokens[k - 1][1] == '"'
        if k not in inside and kind == "name" and not quoted and \
                re.fullmatch(r"d?[A-Za-z][A-Za-z0-9]*\{[lL]\}", tok):
            spans.append((k, k + 1))
    for k in range(len(tokens) - 1):
        (kind, tok), (next_kind, next_tok) = tokens[k], tokens[k + 1]
        if k in inside or kind != "name" or next_kind != "index" or \
                not re.fullmatch(r"d?[A-Za-z]", tok) or (k and tokens[k - 1][1] == "."):
            continue
        if (_index(next_tok) or "").startswith("^"):
            spans.append((k, k + 2))
    spans.sort()
    pieces: list[tuple[bool, str]] = []
    at = 0
    for lo, hi in spans:
        latex = to_latex("".join(t for _, t in tokens[lo:hi]))
        if latex is None or lo < at:
            continue
        pieces += [(False, "".join(t for _, t in tokens[at:lo])), (True, latex)]
        at = hi
    pieces.append((False, "".join(t for _, t in tokens[at:])))
    return [p for p in pieces if p[1]]


def _equation_line(line: str) -> tuple[str, str] | None:
    """(prose before, LaTeX) when the line is, after an optional "words: " lead, equations
    only (several, separated by commas and two spaces or more)."""
    lead, body = "", line.strip()
    if ": " in body and "=" in body.split(": ", 1)[1]:
        head, rest = body.split(": ", 1)
        if "=" not in head:
            lead, body = head + ": ", rest
    if "=" not in body or "==" in body or '"' in body or "``" in body:
        return None
    trailing = ""
    if body.endswith((".", ",", ";")):
        body, trailing = body[:-1], body[-1]
    parts = [p for p in re.split(r"\s{2,}|;\s+|,\s{2,}", body.rstrip(",")) if p.strip()]
    latex = []
    for part in parts:
        part = part.strip().rstrip(",")
        converted = to_latex(part)
        if converted is None:
            return None
        latex.append(converted)
    return lead, r",\quad ".join(latex) + trailing


def _escape(text: str) -> str:
    return re.sub(r"([\\*_<>#\[\]|$`])", r"\\\1", text)


def _prose(text: str) -> str:
    """Docstring prose as Markdown: ``literals`` stay code, the equations inside it become
    inline math; what Markdown would read as markup (a leading #, <tags>, emphasis by * or _)
    is escaped."""
    pieces = re.split(r'(``[^`]+``|"d?[A-Za-z][A-Za-z0-9]*\{[lL]\}")', text)
    out = []
    for piece in pieces:
        if piece.startswith("``") and piece.endswith("``") and len(piece) > 4:
            out.append("`" + piece[2:-2] + "`")
        elif piece.startswith('"') and piece.endswith("}\""):  # a params key: a name
            out.append(f"`{piece}`")
        else:
            out += [f"${part}$" if is_math else _escape(part)
                    for is_math, part in inline_equations(piece)]
    return "".join(out)


_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note|Notes)"
                      r":\s*$")


def docstring_markdown(doc: str) -> str:
    """A docstring as MyST Markdown: paragraphs, its equations as display math, its Args and
    Returns sections as lists."""
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        section = _SECTION.match(line.strip())
        if section and not line.startswith(" "):
            out.append(f"**{section.group(1)}**")
            out.append("")
            i += 1
            item: list[str] = []
            items: list[list[str]] = []
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                if not lines[i].strip():
                    i += 1
                    continue
                stripped = lines[i].strip()
                indent = len(lines[i]) - len(lines[i].lstrip())
                if indent <= 4 and (re.match(r"^[\w*]+( \([^)]*\))?:", stripped) or not item):
                    if item:
                        items.append(item)
                    item = [stripped]
                else:
                    item.append(stripped)
                i += 1
            if item:
                items.append(item)
            for it in items:
                head, sep, rest = it[0].partition(": ")
                if sep and re.fullmatch(r"[\w*]+( \([^)]*\))?", head):
                    out.append(f"- **{_prose(head)}**: " + _prose(" ".join([rest] + it[1:])))
                else:
                    out.append("- " + _prose(" ".join(it)))
            out.append("")
            continue
        if not line.strip():
            out.append("")
            i += 1
            continue
        if line.lstrip().startswith(">>>"):  # an example: code, as a reader types and sees it
            example: list[str] = []
            while i < len(lines) and lines[i].strip():
                example.append(lines[i])
                i += 1
            out += ["```pycon", *textwrap.dedent("\n".join(example)).splitlines(), "```", ""]
            continue
        # A paragraph, or an indented block: gather it.
        indented = line.startswith("    ")
        block: list[str] = []
        while i < len(lines) and lines[i].strip() and \
                (lines[i].startswith("    ") == indented or (block and _open(block[-1]))) and \
                not (_SECTION.match(lines[i].strip()) and not lines[i].startswith(" ")):
            block.append(lines[i])
            i += 1
        out += _block(block, indented)
        out.append("")
    return "\n".join(out).strip() + "\n"


def _open(line: str) -> bool:
    """Whether ``line`` leaves a bracket open (its remark continues on the next line)."""
    return sum(line.count(c) for c in "([") > sum(line.count(c) for c in ")]")


def _block(block: list[str], indented: bool) -> list[str]:
    """One paragraph: each equation line as display math, the prose between them as text."""
    out: list[str] = []
    prose: list[str] = []
    maths: list[str] = []

    def flush_prose() -> None:
        if prose:
            out.append(_prose(" ".join(p.strip() for p in prose)))
            out.append("")
            prose.clear()

    def flush_maths() -> None:
        if maths:
            body = r" \\ ".join(maths)
            out.extend(["$$", rf"\begin{{gathered}}{body}\end{{gathered}}" if len(maths) > 1
                        else body, "$$", ""])
            maths.clear()

    joined: list[str] = []
    for line in block:  # a line that closes a bracket left open belongs to the one above
        if joined and _open(joined[-1]):
            joined[-1] = joined[-1].rstrip() + " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        found = _equation_line(line)
        if found is None:
            flush_maths()
            if indented:
                out.extend(["```text", line.strip(), "```"])
            else:
                prose.append(line)
            continue
        lead, latex = found
        if lead:
            flush_maths()
            prose.append(lead)
        flush_prose()
        maths.append(latex)
    flush_maths()
    flush_prose()
    # Consecutive text blocks from an indented listing read as one.
    merged: list[str] = []
    for line in out:
        if line == "```text" and merged[-1:] == ["```"]:
            merged.pop()
            continue
        merged.append(line)
    return merged


def _default(value: Any) -> str:
    if isinstance(value, type):
        return f"{'np.' if value.__module__ == 'numpy' else ''}{value.__name__}"
    return repr(value)


def _signature(name: str, obj: Any) -> str:
    """``name(a: int, *, b: str = 'x') -> T`` as the source writes it (annotations unquoted)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(...)"
    parts: list[str] = []
    star_done = False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        text = prefix + p.name
        if p.annotation is not p.empty:
            ann = p.annotation if isinstance(p.annotation, str) else \
                getattr(p.annotation, "__name__", str(p.annotation))
            text += f": {ann}"
        if p.default is not p.empty:
            text += f" = {_default(p.default)}"
        parts.append(text)
    ret = sig.return_annotation
    arrow = "" if ret is sig.empty else \
        f" -> {ret if isinstance(ret, str) else getattr(ret, '__name__', str(ret))}"
    return f"{name}({', '.join(parts)}){arrow}"


def spelled(module: str) -> str:
    """The name a reader imports a module by: ``mlp_fn.plots`` for ``mlp_fn.tools.plots``,
    ``mlp_fn.callbacks`` for ``mlp_fn.training.callbacks`` (the same module objects)."""
    return module.replace("mlp_fn.tools.", "mlp_fn.").replace("mlp_fn.training.callbacks",
                                                              "mlp_fn.callbacks")


def write_api(folder: Path, usage: dict[str, list[str]]) -> None:
    """Write the API reference into ``folder`` (MyST Markdown): an index, then one page per
    module, each function followed by the walkthroughs that use it (``usage``: documented name
    -> walkthrough names)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = ["# API reference", "",
             "Every public function, one page per module in the package's tiers, from its "
             "docstring. `import mlp_fn as mf` reaches the course's functions as `mf.forward`, "
             "`mf.train`, ...; the tools through their module (`mf.plots`, `mf.data`, "
             "`mf.explain`, `mf.summary`, `mf.callbacks`, `mf.model`).", ""]
    pages = []
    for module, heading in MODULES:
        mod = importlib.import_module(module)
        index.append(f"- [{heading}: `{spelled(module)}`]({module}.md)")
        pages.append(module)
        out = [f"(api-{module})=", f"# {heading}: `{spelled(module)}`", ""]
        if mod.__doc__:
            out += [docstring_markdown(inspect.cleandoc(mod.__doc__)), ""]
        for name, obj in _functions(module):
            home = public_home(obj)
            if home is not None and home != f"{module}.{name}":
                if home.rsplit(".", 1)[0] == module:  # another name for a function here
                    out += [f"(api-{module}.{name})=", f"## `{name}`", "",
                            f"The same as {{ref}}`{home.rsplit('.', 1)[1]} <api-{home}>`.", ""]
                continue  # documented where it is first exported
            out += [f"(api-{module}.{name})=", f"## `{name}`", "",
                    "```python", f"{spelled(module)}.{_signature(name, obj)}", "```", ""]
            doc = inspect.getdoc(obj)
            if doc:
                out += [docstring_markdown(doc), ""]
            users = sorted(usage.get(home or "", []))
            if users:
                out += ["*Used in the walkthroughs:* " + ", ".join(
                    f"{{doc}}`{u} </walkthroughs/{u}>`" for u in users), ""]
        out += _other_entries(module)
        (folder / f"{module}.md").write_text("\n".join(out), encoding="utf-8")
    # The names the package itself exports from its private modules: the types its
    # signatures name, and the alias linear.
    top = ["(api-mlp_fn)=", "# The types and names of `mlp_fn` itself", "",
           "The types the signatures name, defined where mlp_fn keeps its machinery, and the "
           "names `import mlp_fn` adds to those of its modules.", ""]
    for name, entry in _package_names():
        top += [f"(api-mlp_fn.{name})=", f"## `{name}`", "", entry, ""]
    (folder / "mlp_fn.md").write_text("\n".join(top), encoding="utf-8")
    index.append("- [The types and names of `mlp_fn` itself](mlp_fn.md)")
    pages.append("mlp_fn")
    index += ["", "```{toctree}", ":hidden:", "", *pages, "```", ""]
    (folder / "index.md").write_text("\n".join(index), encoding="utf-8")


def _what(obj: Any, about: str) -> str:
    """A name's entry: its docstring or comment, as Markdown, then its value where it is a
    constant (a type alias or a registry says what it holds by its comment alone)."""
    text = docstring_markdown(about) if about else ""
    if isinstance(obj, (int, float, str, tuple)) and not inspect.isclass(obj):
        text += ("\n\n" if text else "") + f"`= {obj!r}`"
    return text


def _other_entries(module: str) -> list[str]:
    out: list[str] = []
    for name, obj, about in _others(module):
        kind = "class" if inspect.isclass(obj) else "constant"
        # (labels ignore case: Network beside network needs its kind in its own)
        out += [f"(api-{module}.{name}-{kind})=", f"## `{name}` ({kind})", "",
                _what(obj, about), ""]
    return out


def _package_names() -> list[tuple[str, str]]:
    """The names of ``mlp_fn.__all__`` that no documented module defines under that name, each
    with its entry (Markdown): the types (their ``#:`` comments where mlp_fn keeps them), and
    the other names of documented functions."""
    import mlp_fn

    documented: dict[int, str] = {}  # where each object is documented first
    for module, _ in MODULES:
        for name, obj in _functions(module):
            documented.setdefault(id(obj), f"{module}.{name}")
        for name, obj, _ in _others(module):
            kind = "class" if inspect.isclass(obj) else "constant"
            documented.setdefault(id(obj), f"{module}.{name}-{kind}")
    comments = {**_defined("mlp_fn._internal.types"), **_defined("mlp_fn.training._state"),
                **_defined("mlp_fn")}
    out = []
    for name in mlp_fn.__all__:
        obj = getattr(mlp_fn, name)
        home = documented.get(id(obj))
        if home is not None and home.rsplit(".", 1)[1].split("-")[0] == name \
                or inspect.ismodule(obj):
            continue  # on its module's page; a module has its own
        if home is not None:
            entry = f"The same as {{ref}}`{home.rsplit('.', 1)[1].split('-')[0]} <api-{home}>`."
        elif inspect.isclass(obj):
            entry = _what(obj, inspect.getdoc(obj) or "")
        else:
            entry = _what(obj, comments.get(name, ""))
        out.append((name, entry))
    return out
