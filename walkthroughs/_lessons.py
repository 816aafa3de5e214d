"""A lesson as a notebook, executed once and kept.

A walkthrough is a ``# %%`` script, which jupytext reads as a notebook. Before it runs, the
quick sizes (``QUICK``) replace its own where asked, and one cell is added after it, hidden on
the page, that shows its reproduction verdicts (``walkthroughs._verdicts.show``). Executed
notebooks are kept in a jupyter-cache, found by their code: the added cell names a digest of
mlp_fn's sources and of the reports, so ``python -m walkthroughs`` and the book read each
other's executions, and a lesson runs again only when it, a report or mlp_fn changes.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walkthroughs import HEAVY, QUICK

if TYPE_CHECKING:  # the notebook tools are imported where used: without them,
    from nbformat import NotebookNode  # python -m walkthroughs says what to install

__all__ = ["ROOT", "LessonFailed", "source_path", "lesson_source", "lesson_notebook",
           "notebook", "executed", "outputs"]

ROOT = Path(__file__).resolve().parent.parent
_KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


class LessonFailed(Exception):
    """A lesson raised while it ran; the message holds each lesson's error."""


def source_path(name: str) -> Path:
    """The file of walkthrough ``name``."""
    return ROOT / "walkthroughs" / f"{name}.py"


def lesson_source(name: str, quick: bool = False) -> str:
    """The lesson's text; with ``quick``, each top-level assignment named in ``QUICK[name]``
    replaced by the quick size."""
    text = source_path(name).read_text(encoding="utf-8")
    sizes = QUICK.get(name, {}) if quick else {}
    lines = text.splitlines(keepends=True)
    for stmt in reversed(ast.parse(text).body):
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id in sizes:
            lines[stmt.lineno - 1:stmt.end_lineno] = [f"{target.id} = {sizes[target.id]}\n"]
    return "".join(lines)


def lesson_notebook(source: str) -> NotebookNode:
    """A ``# %%`` script as a notebook (no outputs: it is run by its reader)."""
    import jupytext
    import nbformat

    nb: NotebookNode = jupytext.reads(source, fmt="py:percent")
    nb.metadata = nbformat.from_dict({"kernelspec": _KERNEL,
                                      "language_info": {"name": "python"}})
    for cell in nb.cells:
        cell.metadata.pop("lines_to_next_cell", None)
    return nb


def _digest() -> str:
    """What every lesson's outputs depend on besides its own code."""
    h = hashlib.sha256()
    for path in sorted([*(ROOT / "mlp_fn").rglob("*.py"), ROOT / "walkthroughs" / "_report.py",
                        *(ROOT / "walkthroughs" / "_verdicts").glob("*.py")]):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def notebook(name: str, quick: bool = False, digest: str | None = None) -> NotebookNode:
    """The notebook that is executed: the lesson, then its verdicts' heading and the hidden
    cell that shows them."""
    import nbformat

    nb = lesson_notebook(lesson_source(name, quick))
    if (ROOT / "walkthroughs" / "_verdicts" / f"{name}.py").exists():
        nb.cells.append(nbformat.v4.new_markdown_cell("## Reproduction verdicts"))
    nb.cells.append(nbformat.v4.new_code_cell(
        f"from walkthroughs._verdicts import show\n\n"
        f"show({name!r}, globals(), quick={quick})  # inputs {digest or _digest()}",
        metadata={"tags": ["remove-input"]}))
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 4  # no cell ids: the same lesson is the same file, byte for byte
    return nb


def _execute(name: str, nb: NotebookNode, timeout: int) -> tuple[NotebookNode | None, str, float]:
    """Run the notebook in a kernel of its own, in a temporary folder, as a reader's Jupyter
    would (with this checkout importable, for the verdicts' cell): the executed notebook, or
    None and the error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as a notebook shows them
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": folder}},
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        try:
            client.execute()
        except CellExecutionError as err:  # its traceback, without the terminal's colours
            return None, re.sub(r"\x1b\[[0-9;]*m", "", str(err)), 0.0
    return nb, "", time.perf_counter() - start


def executed(names: list[str], quick: bool, cache: Path, jobs: int = 1,
             log: Callable[[str], None] = print
             ) -> tuple[dict[str, tuple[NotebookNode, float]], dict[str, str]]:
    """Each lesson's executed notebook and the seconds it took, from the cache where it is
    there, else run (``jobs`` side by side, the heaviest first) and cached; and the error of
    each lesson that raised."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    store = get_cache(cache)
    digest = _digest()
    wanted = {n: notebook(n, quick, digest) for n in names}
    found: dict[str, tuple[NotebookNode, float]] = {}
    for n, nb in wanted.items():
        try:
            record = store.match_cache_notebook(nb)
        except KeyError:
            continue
        found[n] = (store.merge_match_into_notebook(nb)[1], float(record.data.get("seconds", 0)))
    todo = sorted((n for n in names if n not in found), key=lambda n: n not in HEAVY)
    errors: dict[str, str] = {}
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))),
                                 mp_context=get_context("spawn")) as pool:
            runs = dict(zip(todo, pool.map(_execute, todo, [wanted[n] for n in todo],
                                           [1800] * len(todo))))
        for n in todo:
            ran, error, seconds = runs[n]
            if ran is None:
                errors[n] = error
                continue
            store.cache_notebook_bundle(CacheBundleIn(ran, f"{n}.ipynb", data={"seconds": seconds}),
                                        check_validity=False, overwrite=True)
            found[n] = (ran, seconds)
            log(f"walkthrough {n}: ran in {seconds:.1f} s")
    return {n: found[n] for n in names if n in found}, errors


def outputs(nb: NotebookNode) -> list[dict[str, Any]]:
    """Every output of the notebook's code cells, in order."""
    return [dict(o) for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
