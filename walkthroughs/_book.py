"""The book's walkthrough pages: a Sphinx extension that runs every walkthrough and writes, for
each, a page (its text, code, printed output, figures and animations, and its reproduction
verdicts), the lesson as a ``.py`` script and as an ``.ipynb`` notebook, both without the
report's bookkeeping; and the page of worked examples. The API reference links each function
to the walkthroughs whose lessons call it (``walkthroughs._api``).

Configuration (``docs/conf.py`` or ``-D``): ``walkthroughs_quick`` (the ``--quick`` sizes),
``walkthroughs_jobs`` (processes side by side; default one per core). A walkthrough that raises
fails the build; each one's time is reported.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import importlib
import json
import os
import shutil
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypedDict

from walkthroughs import HEAVY, WALKTHROUGHS
from walkthroughs._cells import (
    Cell,
    code_text,
    lesson_cells,
    markdown_text,
    quick_source,
    read_cells,
    run_cells,
    source_path,
)

from walkthroughs._report import summary, verdict_counts

__all__ = ["BuildFailed", "Page", "lesson_notebook", "lesson_script", "page_markdown",
           "run_all", "run_for_book", "setup", "used_functions"]


class Page(TypedDict):
    """What one walkthrough's run leaves for its page."""

    name: str
    cells: list[dict[str, Any]]
    records: list[dict[str, str]]
    checks: list[dict[str, Any]]
    worked: list[tuple[str, str]]
    seconds: float
    error: str | None
    used: list[str]


class BuildFailed(Exception):
    """A walkthrough raised, or one of its checks failed, while the book was built; the
    message holds each traceback or failed check."""


def run_for_book(name: str, quick: bool, out: str, path: str | None = None) -> Page:
    """Run walkthrough ``name`` (from ``path``, by default its own file) in a process of its
    own, its figures saved under ``out``."""
    from walkthroughs._context import MARKDOWN, SETTINGS

    SETTINGS.update({"quick": quick, "out": Path(out) / "results"})
    source = Path(path) if path else source_path(name)
    start = time.perf_counter()
    page: Page = {"name": name, "cells": [], "records": [], "checks": [], "worked": [],
                  "seconds": 0.0, "error": None, "used": []}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            namespace, outputs = run_cells(source, quick=quick, out=Path(out))
    except Exception:
        page["error"] = traceback.format_exc()
        return page
    page["seconds"] = time.perf_counter() - start
    by_line = {o.cell.line: o for o in outputs}
    for cell in lesson_cells(read_cells(source)):
        output = by_line.get(cell.line)
        page["cells"].append({
            "kind": cell.kind, "title": cell.title, "line": cell.line,
            "text": markdown_text(cell) if cell.kind == "markdown" else code_text(cell),
            "stdout": output.stdout if output else "",
            "images": [str(p) for p in output.images] if output else []})
    page["records"] = [dict(r) for r in namespace.get("RECORDS", [])]
    page["checks"] = [dict(c) for c in namespace.get("CHECKS", [])]
    page["worked"] = [(title, text) for who, title, text in MARKDOWN if who == name]
    return page


def lesson_script(cells: list[Cell]) -> str:
    """The lesson alone as a ``# %%`` script: text and code cells, nothing of the report."""
    parts = []
    for cell in lesson_cells(cells):
        if cell.kind == "markdown":
            parts.append("# %% [markdown]\n" + cell.source)
        else:
            parts.append("# %%\n" + code_text(cell))
    return "\n\n".join(parts) + "\n"


def lesson_notebook(cells: list[Cell], *, quick: bool = False) -> dict[str, Any]:
    """The lesson alone as a Jupyter notebook (nbformat 4, no outputs: it is run by its
    reader); with ``quick``, each ``[quick]`` cell's smaller sizes as a code cell of its own
    where the script has it (for a fast run, as ``--quick`` does)."""
    nb_cells: list[dict[str, Any]] = []
    for cell in cells:
        if cell.kind == "markdown":
            nb_cells.append({"cell_type": "markdown", "metadata": {},
                             "source": markdown_text(cell).splitlines(keepends=True)})
        elif cell.kind == "code" or (quick and cell.kind == "quick"):
            source = code_text(cell) if cell.kind == "code" else quick_source(cell)
            nb_cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                             "outputs": [], "source": source.splitlines(keepends=True)})
    return {"nbformat": 4, "nbformat_minor": 4, "cells": nb_cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "language_info": {"name": "python"}}}


def used_functions(cells: list[Cell]) -> set[str]:
    """The mlp_fn functions the lesson's code calls or names, by their documented names
    (``mlp_fn.forward``, ``mlp_fn.model.fit``, ``mlp_fn.plots.decision_boundary``)."""
    aliases: dict[str, str] = {}
    found: set[str] = set()
    for cell in lesson_cells(cells):
        if cell.kind != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "mlp_fn":
                        aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_fn"):
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in ast.walk(tree):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, *rest = dotted.split(".")
            if head in aliases:
                found.add(".".join([aliases[head], *rest]))
    return {name for name in (_documented(n) for n in found) if name}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _documented(dotted: str) -> str | None:
    """The name under which ``dotted`` (an attribute chain from mlp_fn) is documented: the
    public module that defines it, and its own name; None unless it is a function."""
    parts = dotted.split(".")
    obj: Any = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if not callable(obj) or isinstance(obj, type) or not hasattr(obj, "__module__"):
        return None
    from walkthroughs._api import public_home

    return public_home(obj)


def _verdicts(records: list[dict[str, str]], checks: list[dict[str, Any]]) -> str:
    """The reproduction verdicts as an HTML table: the seed's text quoted beside what was
    reproduced; then the independent checks."""
    rows = []
    for r in records:
        rows.append(
            f'<tr class="{html.escape(r["verdict"])}"><td>{html.escape(r["figure"])}</td>'
            f'<td><blockquote>{html.escape(r["documented"])}</blockquote></td>'
            f'<td><code>{html.escape(r["reproduced"])}</code></td>'
            f'<td class="verdict">{html.escape(r["verdict"])}</td>'
            f'<td>{html.escape(r["reason"])}</td></tr>')
    table = ('<div class="verdicts"><table><thead><tr><th>figure</th><th>the document</th>'
             '<th>reproduced</th><th>verdict</th><th>why</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table></div>")
    items = "".join(f'<li class="{"ok" if c["ok"] else "failed"}">{"passed" if c["ok"] else "FAILED"}:'
                    f' {html.escape(c["name"])}</li>' for c in checks)
    return table + f'<ul class="checks">{items}</ul>'


def page_markdown(page: Page, title: str, quick: bool) -> str:
    """The page of one walkthrough, in MyST Markdown."""
    name = page["name"]
    out: list[str] = [f"({name})=", ""]
    first = True
    for cell in page["cells"]:
        if cell["kind"] == "markdown":
            out += [cell["text"], ""]
            if first:
                out += [
                    f"*{title}.* Download the lesson: {{download}}`{name}.py <{name}.py>` · "
                    f"{{download}}`{name}.ipynb <{name}.ipynb>` (it needs only mlp_fn with "
                    f"its `plots` extra). Ran in {page['seconds']:.1f} s"
                    + (" (quick sizes)" if quick else "") + ".", ""]
                if page["used"]:
                    out += ["*Functions used:* " + ", ".join(
                        f"{{ref}}`{fn.rsplit('.', 1)[1]} <api-{fn}>`"
                        for fn in sorted(page["used"])), ""]
                first = False
            continue
        out += ["```python", cell["text"], "```", ""]
        if cell["stdout"].strip():
            out += ["```{code-block} text", ":class: output", "", cell["stdout"].rstrip("\n"),
                    "```", ""]
        for image in cell["images"]:
            if image.endswith(".gif"):
                out += [f"![An animation of the training]({Path(image).name})", ""]
            else:
                out += [f"![A figure of the {name} walkthrough]({Path(image).name})", ""]
    passed = sum(c["ok"] for c in page["checks"])
    out += ["## Reproduction verdicts", "",
            summary(page["records"], passed, len(page["checks"])) + ".", "",
            "```{raw} html", _verdicts(page["records"], page["checks"]), "```", ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# The Sphinx extension
# ----------------------------------------------------------------------------------------------

def run_all(sources: list[tuple[str, Path]], quick: bool, out: Path, jobs: int,
            log: Any = print) -> dict[str, Page]:
    """Run the walkthroughs ``(name, file)``, ``jobs`` processes side by side, the heavy ones
    first; report each one's time through ``log``. Raises BuildFailed, with every traceback,
    if any walkthrough raised or any of their checks failed."""
    start = time.perf_counter()
    order = sorted(sources, key=lambda item: item[0] not in HEAVY)
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(order))),
                             mp_context=get_context("spawn")) as pool:
        futures = {n: pool.submit(run_for_book, n, quick, str(out / n), str(path))
                   for n, path in order}
        pages = {n: futures[n].result() for n, _ in sources}
    failed = [p for p in pages.values() if p["error"]]
    if failed:
        raise BuildFailed("walkthroughs raised: " + ", ".join(p["name"] for p in failed) + "\n"
                          + "\n".join(f"{p['name']}:\n{p['error']}" for p in failed))
    wrong = [f"{p['name']}: {c['name']}" for p in pages.values() for c in p["checks"]
             if not c["ok"]]
    if wrong:
        raise BuildFailed("checks failed: " + "; ".join(wrong))
    for n, _ in sources:
        log(f"walkthrough {n}: {pages[n]['seconds']:.1f} s")
    log(f"walkthroughs: {time.perf_counter() - start:.1f} s in all ({jobs} side by side)")
    return pages


def _generate(app: Any) -> None:
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    src = Path(app.srcdir)
    target = src / "walkthroughs"
    quick = bool(app.config.walkthroughs_quick)
    jobs = int(app.config.walkthroughs_jobs or os.cpu_count() or 1)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    names = [n for n, _ in WALKTHROUGHS]
    pages = run_all([(n, source_path(n)) for n in names], quick, target / "_run", jobs,
                    log=log.info)

    usage: dict[str, list[str]] = {}
    titles = dict(WALKTHROUGHS)
    rows = []
    for n in names:
        page, cells = pages[n], read_cells(source_path(n))
        page["used"] = sorted(used_functions(cells))
        for cell in page["cells"]:  # figure_1.png -> <name>_figure_1.png, beside the page
            copies = [target / f"{n}_{Path(image).name}" for image in cell["images"]]
            for image, copy in zip(cell["images"], copies):
                shutil.copy(image, copy)
            cell["images"] = [str(c) for c in copies]
        (target / f"{n}.md").write_text(page_markdown(page, titles[n], quick), encoding="utf-8")
        (target / f"{n}.py").write_text(lesson_script(cells), encoding="utf-8")
        (target / f"{n}.ipynb").write_text(json.dumps(lesson_notebook(cells), indent=1) + "\n",
                                           encoding="utf-8")
        for fn in page["used"]:
            usage.setdefault(fn, []).append(n)
        counts = verdict_counts(page["records"])
        rows.append(f"| [{n}]({n}.md) | {titles[n]} | {counts['match']} | {counts['format']} | "
                    f"{counts['differs']} | {page['seconds']:.1f} s |")
    shutil.rmtree(target / "_run")
    intro = (src / "_walkthroughs_intro.md").read_text(encoding="utf-8")
    index = [intro, "", "| walkthrough | the seed | match | format | differ | time |",
             "|---|---|---|---|---|---|", *rows, "", "```{toctree}", ":hidden:", "",
             *names, "```", ""]
    (target / "index.md").write_text("\n".join(index), encoding="utf-8")
    worked = ["# Worked examples", "",
              "Every equation of a training step with its numbers, as `mlp_fn.explain` writes "
              "them (`worked_example(..., markdown=True)`): the walkthroughs' worked solutions, "
              "each value mlp_fn's own. Indices count from 0: $z^{[l]}_j(i)$ is unit $j$ of "
              "layer $l$ for example $i$, $W^{[l]}_{j,k}$ the weight from unit $k$ of layer "
              "$l-1$.", ""]
    for n in names:
        for title, text in pages[n]["worked"]:
            worked += [f"## {title}", "", f"From the [{n}](walkthroughs/{n}.md) walkthrough.",
                       "", text, ""]
    (src / "worked_examples.md").write_text("\n".join(worked), encoding="utf-8")
    from walkthroughs._api import write_api

    write_api(src / "api.md", usage)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("walkthroughs_quick", False, "env", bool)
    app.add_config_value("walkthroughs_jobs", 0, "env", int)
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
