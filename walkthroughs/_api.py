"""The hooks of the book's API reference: autodoc documents each module's ``__all__``
(``docs/api``, one page per module), and these set the docstrings' marked equations as math
and link each function to the walkthroughs that use it.

The docstrings write their equations in the course's plain-text notation, which reads well in
``help()``, and mark each one with a backtick on either side (`Z[l] = W[l] A[l-1] + b[l]`;
``two`` mark a literal). Only what is marked is converted, by mlp_fn's one converter
(``mlp_fn._internal.notation.latex``, the one ``explain`` writes with): a line of marked
equations alone is displayed, the others are set inline, and the rest is prose. A mark opens
and closes on one line (tested), so each line is read alone.
"""

from __future__ import annotations

import re
from typing import Any

from mlp_fn._internal.notation import latex

__all__ = ["docstring_rest", "to_latex", "setup"]


# ----------------------------------------------------------------------------------------------
# The docstrings' marked equations, as math
# ----------------------------------------------------------------------------------------------

#: An equation marked in a docstring, `Z[l] = W[l] A[l-1] + b[l]` (one backtick on each side),
#: or a literal, ``"W{l}"`` (two: code, as in reST).
_PIECE = re.compile(r"(``[^`]+``|(?<!`)`[^`]+`(?!`))")
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
    """A line of prose as reST: each mark as ``:math:``."""
    pieces = _PIECE.split(text)
    out = ""
    for k, piece in enumerate(pieces):
        if k % 2 == 0 or piece.startswith("``"):  # prose, or a literal already
            out += piece
            continue
        if out and out[-1] not in _BEFORE:
            out += "\\ "
        out += f":math:`{to_latex(piece[1:-1])}`"
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
    # A paragraph shows its equations apart only when it is nothing else: a line of prose that
    # happens to hold only an equation reads on in its sentence.
    if not indented and not all(_display(line) for line in block):
        return [_inline(line) for line in block] + [""]
    out: list[str] = []
    kind = ""
    for line in block:
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
# autodoc's hooks
# ----------------------------------------------------------------------------------------------

def _docstring(app: Any, what: str, name: str, obj: Any, options: Any,
               lines: list[str]) -> None:
    """autodoc's hook: the marked equations as math, and after a function the walkthroughs
    that use it."""
    lines[:] = docstring_rest(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if what == "data" and first is not None:
        # napoleon reads a data docstring's first line as "type: description" (a sentence with
        # a colon would lose its start): an empty type keeps it whole
        lines[first] = ": " + lines[first]
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
    # A class is its docstring, which says what its fields are: none documented apart.
    app.connect("autodoc-skip-member", lambda app, what, *_: True if what == "class" else None)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
