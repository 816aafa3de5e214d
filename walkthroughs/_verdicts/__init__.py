"""The reproduction reports: ``walkthroughs._verdicts.<name>.report(quick=..., **lesson)`` for
each walkthrough that has one, a function of the names the lesson computed (its namespace once
run); and ``show``, the cell run after a lesson, which displays them: a table for the page, and
the same as JSON (``MIME``) for ``python -m walkthroughs`` and the book's index."""

from __future__ import annotations

import contextlib
import html
import importlib
import io
from typing import Any

from walkthroughs._report import Check, Record, Skip, summary

__all__ = ["MIME", "show", "verdicts_html"]

MIME = "application/vnd.mlp-fn.verdicts+json"


def verdicts_html(records: list[Record], checks: list[Check]) -> str:
    """The verdicts as HTML: the closing sentence, the seed's text quoted beside what was
    reproduced, then the independent checks."""
    rows = "".join(
        f'<tr class="{html.escape(r["verdict"])}"><td>{html.escape(r["figure"])}</td>'
        f'<td><blockquote>{html.escape(r["documented"])}</blockquote></td>'
        f'<td><code>{html.escape(r["reproduced"])}</code></td>'
        f'<td class="verdict">{html.escape(r["verdict"])}</td>'
        f'<td>{html.escape(r["reason"])}</td></tr>' for r in records)
    items = "".join(f'<li class="{"ok" if c["ok"] else "failed"}">'
                    f'{"passed" if c["ok"] else "FAILED"}: {html.escape(c["name"])}</li>'
                    for c in checks)
    passed = sum(c["ok"] for c in checks)
    return (f"<p>{html.escape(summary(records, passed, len(checks)))}.</p>"
            '<div class="verdicts"><table><thead><tr><th>figure</th><th>the document</th>'
            '<th>reproduced</th><th>verdict</th><th>why</th></tr></thead><tbody>'
            f'{rows}</tbody></table></div><ul class="checks">{items}</ul>')


def show(name: str, lesson: dict[str, Any], quick: bool) -> None:
    """Display lesson ``name``'s verdicts (nothing for a lesson without a report)."""
    from IPython.display import display

    try:
        module = importlib.import_module(f"walkthroughs._verdicts.{name}")
    except ModuleNotFoundError:
        return
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            report = module.report(**lesson, quick=quick)
    except Skip as skip:
        display({MIME: {"skip": str(skip)}, "text/plain": f"skipped: {skip}"}, raw=True)
        return
    data = {"records": report.records, "checks": report.checks, "stdout": printed.getvalue(),
            "worked": report.worked, "files": report.files}
    page = verdicts_html(report.records, report.checks)
    if data["stdout"]:
        page = f'<pre class="report-output">{html.escape(data["stdout"])}</pre>' + page
    display({MIME: data, "text/html": page, "text/plain": summary(
        report.records, sum(c["ok"] for c in report.checks), len(report.checks))}, raw=True)
