"""The book's walkthrough pages: a Sphinx extension that hands each lesson to myst-nb.

Before Sphinx reads the sources, every lesson is executed (``walkthroughs._lessons``: from the
jupyter-cache that ``python -m walkthroughs`` fills too, or run now) and written beside the
pages as the notebook myst-nb renders from that cache, with the lesson as ``.py`` and as a
clean ``.ipynb`` to download; then the index of walkthroughs with their verdicts and the page
of worked examples, and, for the API reference, the lessons that use each function. A lesson
that raises, or a failed check, fails the build.

Configuration (``docs/conf.py`` or ``-D``): ``walkthroughs_quick`` (the quick sizes),
``walkthroughs_jobs`` (lessons run side by side; default one per core); the cache is
``nb_execution_cache_path``.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
from pathlib import Path
from typing import Any

import nbformat

from walkthroughs import WALKTHROUGHS
from walkthroughs._lessons import (LessonFailed, executed, lesson_notebook, lesson_source,
                                   notebook, outputs, source_path)
from walkthroughs._report import verdict_counts
from walkthroughs._verdicts import MIME

__all__ = ["used_functions", "setup"]


def used_functions(source: str) -> set[str]:
    """The mlp_fn functions the lesson's code calls or names, by their documented names
    (``mlp_fn.forward``, ``mlp_fn.model.fit``, ``mlp_fn.plots.decision_boundary``)."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names
                            if a.name.split(".")[0] == "mlp_fn"})
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_fn"):
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    found = set()
    for node in ast.walk(tree):
        dotted = _dotted(node)
        if dotted is not None and dotted.split(".")[0] in aliases:
            head, *rest = dotted.split(".")
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
    module that defines it (each public module's page documents its ``__all__``) and its own
    name; None unless it is a function of a public module."""
    parts = dotted.split(".")
    obj: Any = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    module = getattr(obj, "__module__", None) or ""
    if not callable(obj) or isinstance(obj, type) or "._" in module:
        return None
    return f"{module}.{obj.__name__}"


def _verdicts(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """What the lesson's verdicts cell showed (empty for a lesson without a report)."""
    return next((o["data"][MIME] for o in outputs(nb) if MIME in o.get("data", {})), {})


def _generate(app: Any) -> None:
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    src, quick = Path(app.srcdir), bool(app.config.walkthroughs_quick)
    names, titles = [n for n, _ in WALKTHROUGHS], dict(WALKTHROUGHS)
    runs, errors = executed(names, quick, Path(app.config.nb_execution_cache_path),
                            int(app.config.walkthroughs_jobs or os.cpu_count() or 1), log.info)
    verdicts = {n: _verdicts(runs[n][0]) for n in runs}
    failed = [f"{n}: check failed: {c['name']} {c['detail']}" for n, v in verdicts.items()
              for c in v.get("checks", []) if not c["ok"]]
    if errors or failed:
        raise LessonFailed("\n\n".join([*(f"{n}:\n{e}" for n, e in errors.items()), *failed]))

    target = src / "walkthroughs"
    shutil.rmtree(target, ignore_errors=True)
    (target / "downloads").mkdir(parents=True)
    usage: dict[str, list[str]] = {}
    rows = []
    for n in names:
        used = sorted(used_functions(source_path(n).read_text(encoding="utf-8")))
        for fn in used:
            usage.setdefault(fn, []).append(n)
        page = notebook(n, quick)
        about = (f"*{titles[n]}.* Download the lesson: "
                 f"{{download}}`{n}.py <downloads/{n}.py>` · "
                 f"{{download}}`{n}.ipynb <downloads/{n}.ipynb>` (it needs only mlp_fn with its "
                 f"`plots` extra). Ran in {runs[n][1]:.1f} s"
                 + (" (quick sizes)." if quick else ".")
                 + ("\n\n*Functions used:* " + ", ".join(
                     f"{{py:obj}}`{fn.rsplit('.', 1)[1]} <{fn}>`" for fn in used) if used else ""))
        page.cells.insert(1, nbformat.v4.new_markdown_cell(about))
        nbformat.write(page, target / f"{n}.ipynb")
        shutil.copy(source_path(n), target / "downloads" / f"{n}.py")
        nbformat.write(lesson_notebook(lesson_source(n)), target / "downloads" / f"{n}.ipynb")
        counts = verdict_counts(verdicts[n].get("records", []))
        rows.append(f"| [{n}]({n}.ipynb) | {titles[n]} | {counts['match']} | {counts['format']}"
                    f" | {counts['differs']} | {runs[n][1]:.1f} s |")
    intro = (src / "_walkthroughs_intro.md").read_text(encoding="utf-8")
    (target / "index.md").write_text("\n".join([
        intro, "", "| walkthrough | the seed | match | format | differ | time |",
        "|---|---|---|---|---|---|", *rows, "", "```{toctree}", ":hidden:", "", *names, "```",
        ""]), encoding="utf-8")
    worked = ["# Worked examples", "",
              "Every equation of a training step with its numbers, as `mlp_fn.explain` writes "
              "them (`worked_example(..., markdown=True)`): the walkthroughs' worked solutions, "
              "each value mlp_fn's own. Indices count from 0: $z^{[l]}_j(i)$ is unit $j$ of "
              "layer $l$ for example $i$, $W^{[l]}_{j,k}$ the weight from unit $k$ of layer "
              "$l-1$.", ""]
    for n in names:
        for title, _, markdown in verdicts[n].get("worked", []):
            worked += [f"## {title}", "", f"From the [{n}](walkthroughs/{n}.ipynb) walkthrough.",
                       "", markdown, ""]
    (src / "worked_examples.md").write_text("\n".join(worked), encoding="utf-8")
    app.config.api_usage = usage  # (read by the API's docstring hook)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("walkthroughs_quick", False, "env", bool)
    app.add_config_value("walkthroughs_jobs", 0, "env", int)
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
