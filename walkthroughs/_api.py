"""The book's API reference, by autodoc: one page per module in the package's tiers, each
documenting the names of its ``__all__`` that it is the first to export (``autofunction``,
``autoclass``, ``autodata``; another name for a function there says so), and the hooks that
set the docstrings' marked equations as math and link each function to the walkthroughs that
use it.

The docstrings write their equations in the course's plain-text notation, which reads well in
``help()``, and mark each one with a backtick on either side (`Z[l] = W[l] A[l-1] + b[l]`;
``two`` mark a literal). Only what is marked is converted, by mlp_fn's one converter
(``mlp_fn._internal.notation.latex``, the one ``explain`` writes with): a line of marked
equations alone is displayed, the others are set inline, and the rest is prose.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import shutil
from pathlib import Path
from typing import Any

from mlp_fn._internal.notation import latex

__all__ = ["MODULES", "docstring_rest", "public_home", "to_latex", "write_api", "setup"]

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
    """Each name a module assigns at its top level under a ``#:`` comment, with the comment
    (as autodoc reads it)."""
    from sphinx.pycode import ModuleAnalyzer

    docs = ModuleAnalyzer.for_module(module).find_attr_docs()
    return {name: "\n".join(lines).strip() for (scope, name), lines in docs.items() if not scope}


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
                return f"{module}.{name}"
    return None


# ----------------------------------------------------------------------------------------------
# The docstrings' marked equations, as math
# ----------------------------------------------------------------------------------------------

#: An equation marked in a docstring: `Z[l] = W[l] A[l-1] + b[l]` (one backtick on each side;
#: ``two`` are a literal, code), or a quoted key of params ("W{l}"), which is a name.
_PIECE = re.compile(r'(``[^`]+``|(?<!`)`[^`]+`(?!`)|"d?[A-Za-z]\w*\{[lL][^}]*\}")')
_MARK = re.compile(r"(?<!`)`([^`]+)`(?!`)")
#: A line that is only marked equations (after an optional "words: " lead), separated by commas
#: or semicolons: displayed, one equation beside the other.
_DISPLAY = re.compile(r"^(?P<lead>[^`]*:\s+)?(?P<body>`[^`]+`(?:[,;]?\s+`[^`]+`)*)[.,;]?$")
_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note|Notes)"
                      r":\s*$")


def to_latex(equation: str) -> str:
    """A marked equation as LaTeX, by mlp_fn's one converter, its spacing made one space."""
    return re.sub(r"\s+", " ", latex(equation)).strip()


#: What may stand right before and right after inline markup in reST (else an escaped space
#: joins the markup to its neighbour).
_BEFORE, _AFTER = set(" \t-:/'\"<([{"), set(" \t-.,:;!?\\/'\")]}>")


def _inline(text: str) -> str:
    """A line of prose as reST: each mark as ``:math:``, a quoted key as a literal."""
    pieces = _PIECE.split(text)
    out = ""
    for k, piece in enumerate(pieces):
        if k % 2 == 0 or piece.startswith("``"):  # prose, or a literal already
            out += piece
            continue
        if out and out[-1] not in _BEFORE:
            out += "\\ "
        out += f"``{piece}``" if piece.startswith('"') else f":math:`{to_latex(piece[1:-1])}`"
        if pieces[k + 1][:1] and pieces[k + 1][0] not in _AFTER:
            out += "\\ "
    return out


def _display(line: str) -> tuple[str, str] | None:
    """(lead, LaTeX) when ``line`` is only marked equations, after an optional "words: "."""
    found = _DISPLAY.match(line.strip())
    if found is None:
        return None
    equations = [to_latex(e) for e in _MARK.findall(found.group("body"))]
    return found.group("lead") or "", r",\quad ".join(equations)


def _open(line: str) -> bool:
    """Whether ``line`` leaves a mark open (its equation goes on on the next line)."""
    return _MARK.sub("", line.replace("``", "")).count("`") % 2 == 1


def _table(block: list[str]) -> list[str]:
    """A Markdown table of a docstring as a reST list-table (a row whose first cell is empty
    continues the row above)."""
    rows: list[list[str]] = []
    for line in block:
        if set(line.strip()) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if rows and not cells[0]:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        out += [f"   {'*' if k == 0 else ' '} - {_inline(cell)}" for k, cell in enumerate(row)]
    return out + [""]


def _block(block: list[str], indented: bool) -> list[str]:
    """One paragraph or indented block as reST: a line of equations alone as display math, a
    listing's line holding equations as a list item, one without as text; prose as it is."""
    if all(line.startswith("|") for line in block):
        return _table(block)
    joined: list[str] = []
    for line in block:
        if joined and _open(joined[-1]):
            joined[-1] = joined[-1].rstrip() + " " + line.strip()
        else:
            joined.append(line)
    # A paragraph shows its equations apart only when it is nothing else: a line of prose that
    # happens to hold only an equation reads on in its sentence.
    if not indented and not all(_display(line) for line in joined):
        return [_inline(line) for line in joined] + [""]
    out: list[str] = []
    kind = ""
    for line in joined:
        shown = _display(line)
        now = "math" if shown else "item" if _MARK.search(line.replace("``", "")) else "text"
        if now != kind or (shown and shown[0]):
            out.append("")
            if shown and shown[0]:
                out += [_inline(shown[0].strip()), ""]
            out += [".. math::", ""] if now == "math" else \
                [".. code-block:: text", ""] if now == "text" else []
        kind = now
        if shown:
            out += [f"   {shown[1]}", ""]
        elif now == "item":
            out.append("- " + _inline(line.strip()))
        else:
            out.append("   " + line[4:] if line.startswith("    ") else "   " + line.strip())
    return out + [""]


def docstring_rest(lines: list[str]) -> list[str]:
    """A docstring's lines (Google style, as napoleon reads it) with its marked equations set
    as math: inline, or displayed where a paragraph or a line of an indented block is nothing
    but equations; an indented listing with equations a list, one without text. Sections
    (Args, Returns, ...) and examples keep their layout for napoleon and doctest."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _SECTION.match(line.strip()) and not line.startswith(" "):
            out.append(line)
            i += 1
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                out.append(_inline(lines[i]))
                i += 1
        elif not line.strip():
            out.append("")
            i += 1
        elif line.lstrip().startswith(">>>"):
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
        else:
            indented = line.startswith("    ")
            block: list[str] = []
            while i < len(lines) and lines[i].strip() and \
                    lines[i].startswith("    ") == indented and \
                    not (_SECTION.match(lines[i].strip()) and not lines[i].startswith(" ")):
                block.append(lines[i])
                i += 1
            out += _block(block, indented)
    return out


# ----------------------------------------------------------------------------------------------
# The pages, and autodoc's hooks
# ----------------------------------------------------------------------------------------------

def spelled(module: str) -> str:
    """The name a reader imports a module by: ``mlp_fn.plots`` for ``mlp_fn.tools.plots``,
    ``mlp_fn.callbacks`` for ``mlp_fn.training.callbacks`` (the same module objects)."""
    return module.replace("mlp_fn.tools.", "mlp_fn.").replace("mlp_fn.training.callbacks",
                                                              "mlp_fn.callbacks")


def _simple(obj: Any) -> bool:
    """A constant whose value says what it is (a number, a name); a registry's is too long."""
    return isinstance(obj, (int, float, str)) or (
        isinstance(obj, tuple) and len(repr(obj)) < 80)


def _entries(module: str) -> list[str]:
    """The reST of a module's page: the module, then each name it documents first."""
    out = [f".. automodule:: {module}", ""]
    for name, obj in _functions(module):
        home = public_home(obj)
        if home == f"{module}.{name}":
            out += [f".. autofunction:: {module}.{name}", ""]
        elif home is not None and home.rsplit(".", 1)[0] == module:  # another name for it
            out += [f".. py:function:: {module}.{name}", "",
                    f"   The same as :py:func:`{home.rsplit('.', 1)[1]} <{home}>`.", ""]
    for name, obj, _ in _others(module):
        if inspect.isclass(obj):
            out += [f".. autoclass:: {module}.{name}", ""]
        else:
            out += [f".. autodata:: {module}.{name}"] + ([] if _simple(obj) else
                                                          ["   :no-value:"]) + [""]
    return out


def write_api(folder: Path, usage: dict[str, list[str]] | None = None) -> None:
    """Write the API reference's pages into ``folder``: an index, one page per module (its
    names by autodoc) and one for the names of ``mlp_fn`` itself. ``usage`` (documented name ->
    the walkthroughs that use it) is read by the docstring hook from the build's config."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = ["# API reference", "",
             "Every public function, one page per module in the package's tiers, from its "
             "docstring. `import mlp_fn as mf` reaches the course's functions as `mf.forward`, "
             "`mf.train`, ...; the tools through their module (`mf.plots`, `mf.data`, "
             "`mf.explain`, `mf.summary`, `mf.callbacks`, `mf.model`).", ""]
    pages = []
    for module, heading in MODULES:
        index.append(f"- [{heading}: `{spelled(module)}`]({module}.md)")
        pages.append(module)
        (folder / f"{module}.md").write_text("\n".join(
            [f"# {heading}: `{spelled(module)}`", "", "```{eval-rst}", *_entries(module), "```",
             ""]), encoding="utf-8")
    top = ["# The types and names of `mlp_fn` itself", "",
           "The types the signatures name, defined where mlp_fn keeps its machinery, and the "
           "names `import mlp_fn` adds to those of its modules.", "", "```{eval-rst}",
           ".. py:currentmodule:: mlp_fn", ""]
    for name, kind, lines in _package_names():
        top += [f".. py:{kind}:: {name}", "", *(f"   {line}" if line else "" for line in lines),
                ""]
    (folder / "mlp_fn.md").write_text("\n".join([*top, "```", ""]), encoding="utf-8")
    index.append("- [The types and names of `mlp_fn` itself](mlp_fn.md)")
    pages.append("mlp_fn")
    index += ["", "```{toctree}", ":hidden:", "", *pages, "```", ""]
    (folder / "index.md").write_text("\n".join(index), encoding="utf-8")


def _package_names() -> list[tuple[str, str, list[str]]]:
    """The names of ``mlp_fn.__all__`` that no documented module defines under that name:
    (name, its kind for the py domain, its entry's reST lines): the types (their ``#:``
    comments where mlp_fn keeps them), and the other names of documented functions."""
    import mlp_fn

    documented: dict[int, str] = {}  # where each object is documented first
    for module, _ in MODULES:
        for name, obj in _functions(module):
            documented.setdefault(id(obj), f"{module}.{name}")
        for name, obj, _ in _others(module):
            documented.setdefault(id(obj), f"{module}.{name}")
    comments = {**_defined("mlp_fn._internal.types"), **_defined("mlp_fn.training._state"),
                **_defined("mlp_fn")}
    out = []
    for name in mlp_fn.__all__:
        obj = getattr(mlp_fn, name)
        home = documented.get(id(obj))
        if home is not None and home.rsplit(".", 1)[1] == name or inspect.ismodule(obj):
            continue  # on its module's page; a module has its own
        if home is not None:
            out.append((name, "function" if callable(obj) else "data",
                        [f"The same as :py:obj:`{home.rsplit('.', 1)[1]} <{home}>`."]))
        elif inspect.isclass(obj):
            out.append((name, "class", docstring_rest((inspect.getdoc(obj) or "").splitlines())))
        else:
            value = [f"``= {obj!r}``"] if _simple(obj) else []
            out.append((name, "data",
                        docstring_rest(comments.get(name, "").splitlines()) + [""] + value))
    return out


def _docstring(app: Any, what: str, name: str, obj: Any, options: Any,
               lines: list[str]) -> None:
    """autodoc's hook: the marked equations as math, and after a function the walkthroughs
    that use it."""
    lines[:] = docstring_rest(lines)
    users = sorted(app.config.api_usage.get(name, []))
    if users:
        lines += ["", "*Used in the walkthroughs:* " + ", ".join(
            f":doc:`{u} </walkthroughs/{u}>`" for u in users), ""]


def _signature(app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None,
               return_annotation: str | None) -> tuple[str | None, str | None]:
    """autodoc's hook: a default that is a type as the source writes it (np.float64), and a
    type alias by its name inside another type (autodoc writes TypeAliasForwardRef('Array'))."""
    def spelled_type(text: str | None) -> str | None:
        if text is None:
            return None
        text = re.sub(r"TypeAliasForwardRef\('([\w.]+)'\)", r"\1", text)
        return re.sub(r"<class '(numpy\.)?([\w.]+)'>",
                      lambda m: ("np." if m.group(1) else "") + m.group(2), text)

    return spelled_type(signature), spelled_type(return_annotation)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("api_usage", {}, "", dict)  # set by walkthroughs._book at build time
    # (before napoleon, priority 500, reads the sections)
    app.connect("autodoc-process-docstring", _docstring, priority=400)
    app.connect("autodoc-process-signature", _signature)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
