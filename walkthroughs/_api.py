"""The book's API reference, written from the docstrings: every public function of the course's
core, the training engine, the tools and the row-data model, with its signature, its docstring,
the equations in it set as math, and links to the walkthroughs whose lessons call it.

The docstrings write their equations in the course's plain-text notation, which reads well in
``help()``, and mark each one with a backtick on either side (`Z[l] = W[l] A[l-1] + b[l]`;
``two`` mark a literal). Only what is marked is converted, by mlp_fn's one converter
(``mlp_fn._internal.notation.latex``, the one ``explain`` writes with): a line of marked
equations alone is displayed, the others are set inline, and the rest is prose.
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

__all__ = ["MODULES", "docstring_markdown", "public_home", "to_latex", "write_api"]

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
# The docstrings' marked equations, as math
# ----------------------------------------------------------------------------------------------

#: An equation marked in a docstring: `Z[l] = W[l] A[l-1] + b[l]` (one backtick on each side;
#: ``two`` are a literal, code).
_MARK = re.compile(r"(?<!`)`([^`]+)`(?!`)")
#: A line that is only marked equations (after an optional "words: " lead), separated by commas
#: or semicolons: displayed, one equation beside the other.
_DISPLAY = re.compile(r"^(?P<lead>[^`]*:\s+)?(?P<body>`[^`]+`(?:[,;]?\s+`[^`]+`)*)[.,;]?$")


def to_latex(equation: str) -> str:
    """A marked equation as LaTeX, by mlp_fn's one converter (the one ``explain`` writes with),
    its spacing made one space."""
    return re.sub(r"\s+", " ", latex(equation)).strip()


def _escape(text: str) -> str:
    return re.sub(r"([\\*_<>#\[\]|$`])", r"\\\1", text)


def _prose(text: str) -> str:
    """Docstring prose as Markdown: ``literals`` and quoted keys ("W{l}") stay code, `marked`
    equations become inline math, and what Markdown would read as markup (a leading #, <tags>, emphasis) is escaped."""
    out = []
    for piece in re.split(r'(``[^`]+``|(?<!`)`[^`]+`(?!`)|"d?[A-Za-z]\w*\{[lL][^}]*\}")', text):
        if piece.startswith("``") and piece.endswith("``") and len(piece) > 4:
            out.append("`" + piece[2:-2] + "`")
        elif piece.startswith('"') and piece.endswith('}"'):  # a key of params, "W{l}": a name
            out.append(f"`{piece}`")
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 2:
            out.append(f"${to_latex(piece[1:-1])}$")
        else:
            out.append(_escape(piece))
    return "".join(out)


def _display(line: str) -> tuple[str, str] | None:
    """(lead, LaTeX) when ``line`` is only marked equations, after an optional "words: "."""
    found = _DISPLAY.match(line.strip())
    if found is None:
        return None
    equations = [to_latex(e) for e in _MARK.findall(found.group("body"))]
    return found.group("lead") or "", r",\quad ".join(equations)


_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Example|Examples|Note|Notes)"
                      r":\s*$")


def _section(lines: list[str], i: int, out: list[str]) -> int:
    """The Args (Returns, ...) section whose items start at ``lines[i]``, as a list; returns the
    index after it."""
    items: list[list[str]] = []
    while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
        stripped = lines[i].strip()
        indent = len(lines[i]) - len(lines[i].lstrip())
        if stripped and indent <= 4 and (re.match(r"^[\w*]+( \([^)]*\))?:", stripped) or
                                         not items):
            items.append([stripped])
        elif stripped:
            items[-1].append(stripped)
        i += 1
    for item in items:
        head, sep, rest = item[0].partition(": ")
        if sep and re.fullmatch(r"[\w*]+( \([^)]*\))?", head):
            out.append(f"- **{_prose(head)}**: " + _prose(" ".join([rest] + item[1:])))
        else:
            out.append("- " + _prose(" ".join(item)))
    out.append("")
    return i


def docstring_markdown(doc: str) -> str:
    """A docstring as MyST Markdown: paragraphs with their marked equations as inline math, a
    line of marked equations alone as display math, the Args and Returns sections as lists, an
    indented listing as text (a line of it holding equations as an item), examples as code."""
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        section = _SECTION.match(line.strip())
        if section and not line.startswith(" "):
            out += [f"**{section.group(1)}**", ""]
            i = _section(lines, i + 1, out)
        elif not line.strip():
            out.append("")
            i += 1
        elif line.lstrip().startswith(">>>"):  # an example: code, as a reader types and sees it
            example: list[str] = []
            while i < len(lines) and lines[i].strip():
                example.append(lines[i])
                i += 1
            out += ["```pycon", *textwrap.dedent("\n".join(example)).splitlines(), "```", ""]
        else:  # a paragraph, or an indented block
            indented = line.startswith("    ")
            block: list[str] = []
            while i < len(lines) and lines[i].strip() and \
                    lines[i].startswith("    ") == indented and \
                    not (_SECTION.match(lines[i].strip()) and not lines[i].startswith(" ")):
                block.append(lines[i])
                i += 1
            out += _block(block, indented) + [""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def _block(block: list[str], indented: bool) -> list[str]:
    """One paragraph or indented block, line by line: a line of equations alone as display
    math (consecutive ones gathered), the rest as prose, or in a listing as text."""
    if all(line.startswith("|") for line in block):  # a table, cell by cell
        return [line if set(line) <= set("|-: ") else
                "|" + "|".join(f" {_prose(cell.strip())} " for cell in line.strip("|").split("|"))
                + "|" for line in block]
    joined: list[str] = []
    for line in block:  # a mark left open continues on the next line
        if joined and len(_MARK.sub("", joined[-1].replace("``", ""))) != \
                len(_MARK.sub("", joined[-1].replace("``", "")).replace("`", "")):
            joined[-1] = joined[-1].rstrip() + " " + line.strip()
        else:
            joined.append(line)
    out: list[str] = []
    prose: list[str] = []
    maths: list[str] = []
    text: list[str] = []

    def flush() -> None:
        if out and out[-1] and (prose or maths or text):  # a block after a list stands apart
            out.append("")
        if prose:
            first, *rest = [p.strip() for p in prose]
            bullet = re.match(r"[*-] ", first)
            out.extend([("- " if bullet else "") + _prose(" ".join([first[2:] if bullet
                                                                    else first, *rest])), ""])
        if maths:
            body = r" \\ ".join(maths)
            out.extend(["$$", rf"\begin{{gathered}}{body}\end{{gathered}}" if len(maths) > 1
                        else body, "$$", ""])
        if text:
            out.extend(["```text", *text, "```"])
        for done in (prose, maths, text):
            done.clear()

    # A paragraph shows its equations apart only when it is nothing else: a line of prose that
    # happens to hold only an equation reads on in its sentence.
    alone = indented or all(_display(line) for line in joined)
    for line in joined:
        shown = _display(line) if alone else None
        if not indented and prose and re.match(r"[*-] ", line.strip()):
            flush()  # a list in the prose: each item its own line
        kind = "maths" if shown else "text" if indented and "`" not in \
            line.replace("``", "") else "item" if indented else "prose"
        if shown and shown[0] or (kind, bool(prose), bool(maths), bool(text)) not in {
                ("maths", False, True, False), ("text", False, False, True),
                ("prose", True, False, False)}:
            flush()
        if shown:
            lead, latex_line = shown
            if lead:
                out.extend([_prose(lead.strip()), ""])
            maths.append(latex_line)
        elif kind == "text":
            text.append(line.strip())
        elif kind == "item":
            out.append("- " + _prose(line.strip()))
        else:
            prose.append(line)
    flush()
    return out


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
