"""A walkthrough is a script in ``# %%`` cells, and this module runs it one cell at a time.

Four kinds of cell, told by the marker line:

* ``# %% [markdown]``: the lesson's text, Markdown in comments;
* ``# %%`` (an optional title after it): the lesson's code, what a reader sees and what the
  notebook holds; it uses only mlp_fn, NumPy, matplotlib and the standard library;
* ``# %% [report]``: the reproduction report's bookkeeping (records, checks, result files),
  run by ``python -m walkthroughs`` and the book, kept out of the page and the notebook;
* ``# %% [quick]``: assignments, written as comments, that replace the lesson's sizes in a
  ``--quick`` run (and in the tests' runs of the notebooks).

Cells run in one namespace, in order, each with its printed output captured, its figures saved
as PNG files and closed at ``plt.show()`` or at the cell's end (as a notebook shows them), and
the value of a closing expression kept as a notebook would display it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Cell", "CellOutput", "read_cells", "lesson_cells", "quick_source", "run_cells",
           "markdown_text", "code_text", "source_path"]

Kind = Literal["markdown", "code", "report", "quick"]

_MARKER = re.compile(r"^# %%(?: \[(markdown|report|quick)\])?(?:\s+(.*))?$")


@dataclass(frozen=True)
class Cell:
    """One cell: its kind, the title after its marker, its lines and the line it starts on."""

    kind: Kind
    title: str
    source: str
    line: int


@dataclass
class CellOutput:
    """What one code cell printed, the PNG files of its figures, and the HTML of a closing
    expression that has one (an animation)."""

    cell: Cell
    stdout: str = ""
    images: list[Path] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    seconds: float = 0.0


def source_path(name: str) -> Path:
    """The file of walkthrough ``name``."""
    return Path(__file__).with_name(f"{name}.py")


def read_cells(path: Path) -> list[Cell]:
    """The cells of a ``# %%`` script, in order (lines before the first marker are dropped)."""
    cells: list[Cell] = []
    kind: Kind | None = None
    title, start = "", 0
    lines: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _MARKER.match(line)
        if match:
            if kind is not None:
                cells.append(Cell(kind, title, "\n".join(lines).strip("\n"), start))
            kind = match.group(1) or "code"  # type: ignore[assignment]
            title, start, lines = (match.group(2) or "").strip(), number + 1, []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append(Cell(kind, title, "\n".join(lines).strip("\n"), start))
    # A title continued on the following comment lines belongs to the title.
    return [_join_title(c) for c in cells if c.source or c.title]


def _join_title(cell: Cell) -> Cell:
    if cell.kind != "code" or not cell.title:
        return cell
    lines = cell.source.splitlines()
    more = 0
    while more < len(lines) and lines[more].startswith("# "):
        more += 1
    if not more:
        return cell
    title = " ".join([cell.title] + [ln[2:].strip() for ln in lines[:more]])
    return Cell(cell.kind, title, "\n".join(lines[more:]).strip("\n"), cell.line + more)


def lesson_cells(cells: list[Cell]) -> list[Cell]:
    """The cells a reader sees: text and lesson code."""
    return [c for c in cells if c.kind in ("markdown", "code")]


def markdown_text(cell: Cell) -> str:
    """The Markdown of a text cell, its comment marks removed."""
    return "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                     for line in cell.source.splitlines())


def code_text(cell: Cell) -> str:
    """A lesson cell's code as a reader sees it: its title as a comment on top."""
    return (f"# {cell.title}\n" if cell.title else "") + cell.source


def quick_source(cell: Cell) -> str:
    """The assignments of a ``[quick]`` cell, uncommented."""
    return "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                     for line in cell.source.splitlines())


def _compiled(source: str, path: Path, line: int) -> tuple[Any, Any]:
    """The cell compiled with its file's line numbers (for tracebacks), split as a notebook
    does: the statements, and a closing expression whose value is displayed (or None)."""
    tree = ast.parse("\n" * (line - 1) + source, filename=str(path))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        closing = tree.body.pop()
        assert isinstance(closing, ast.Expr)
        last = compile(ast.Expression(closing.value), str(path), "eval")
    return compile(tree, str(path), "exec"), last


class _Figures:
    """Saves every open matplotlib figure as ``figure_<k>.png`` and closes it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder, self.count = folder, 0

    def flush(self) -> list[Path]:
        import matplotlib.pyplot as plt

        saved = []
        for number in plt.get_fignums():
            fig = plt.figure(number)
            if self.folder is not None:
                self.count += 1
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"figure_{self.count}.png"
                fig.savefig(path, dpi=90, bbox_inches="tight")
                saved.append(path)
            plt.close(fig)
        return saved


def run_cells(path: Path, *, quick: bool, out: Path | None,
              namespace: dict[str, Any] | None = None) -> tuple[dict[str, Any],
                                                                list[CellOutput]]:
    """Run every cell of ``path`` but the ``[quick]`` ones unless ``quick``; figures go to
    ``out`` (not kept when None). Returns the namespace and each code cell's output, report
    cells included. An exception in a cell propagates, with the file's own line numbers."""
    import time

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns: dict[str, Any] = {"__name__": "walkthrough", "__file__": str(path)}
    ns.update(namespace or {})
    figures = _Figures(out)
    outputs: list[CellOutput] = []
    shown: list[Path] = []
    real_show = plt.show

    def show(*args: Any, **kwargs: Any) -> None:  # as a notebook does: the figures, then closed
        shown.extend(figures.flush())

    plt.show = show
    try:
        for cell in read_cells(path):
            if cell.kind == "markdown" or (cell.kind == "quick" and not quick):
                continue
            source = quick_source(cell) if cell.kind == "quick" else cell.source
            body, last = _compiled(source, path, cell.line)
            output = CellOutput(cell)
            buffer = io.StringIO()
            start = time.perf_counter()
            try:
                with contextlib.redirect_stdout(buffer):
                    exec(body, ns)
                    value = eval(last, ns) if last is not None else None
            finally:  # what the cell printed reaches the caller's output too, even if it raised
                sys.stdout.write(buffer.getvalue())
            output.seconds = time.perf_counter() - start
            if value is not None:
                html = getattr(value, "_repr_html_", None)
                gif = getattr(value, "gif", None)
                if callable(html):
                    output.html.append(str(html()))
                    if isinstance(gif, bytes) and out is not None:
                        out.mkdir(parents=True, exist_ok=True)
                        done = sum(p.suffix == ".gif" for o in outputs for p in o.images)
                        target = out / f"animation_{done + 1}.gif"
                        target.write_bytes(gif)
                        output.images.append(target)
                else:
                    buffer.write(repr(value) + "\n")
                    sys.stdout.write(repr(value) + "\n")
            output.stdout = buffer.getvalue()
            output.images = shown + figures.flush() + output.images
            shown.clear()
            outputs.append(output)
    finally:
        plt.show = real_show
        figures.folder = None
        figures.flush()  # a cell that raised leaves no figure open behind it
    return ns, outputs
