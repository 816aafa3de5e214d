"""One self-contained HTML page: the reproduction table and every plot, embedded as data URIs."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from walkthroughs._report import Record, verdict_counts

_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 1400px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top;
         overflow-wrap: anywhere; }
th:nth-child(1) { width: 14em; } th:nth-child(2) { width: 10em; } th:nth-child(5) { width: 5em; }
img { max-width: 100%; height: auto; }
th { background: #eee; }
td.match { background: #e6f4e6; } td.format { background: #f4f4e0; }
td.differs { background: #f8e4e4; }
figure { display: inline-block; margin: 0.5em; }
figcaption { font-size: 12px; color: #555; }
pre { font-size: 12px; background: #f7f7f7; padding: 0.5em; white-space: pre-wrap;
      overflow-wrap: anywhere; }
"""


def write_html(path: Path, records: list[Record], images: list[tuple[str, Path]],
               quick: bool = False, texts: list[tuple[str, str, str]] | None = None) -> None:
    """Write the report table, every worked example and every saved image (PNG embedded in
    base64) to ``path``."""
    rows = []
    for r in records:
        cells = "".join(f"<td>{html.escape(text)}</td>" for text in
                        (r["walkthrough"], r["figure"], r["documented"], r["reproduced"]))
        rows.append(f"<tr>{cells}<td class='{r['verdict']}'>{r['verdict']}</td>"
                    f"<td>{html.escape(r['reason'])}</td></tr>")
    figures = []
    for walkthrough, image in images:
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        kind = "gif" if image.suffix == ".gif" else "png"
        figures.append(f"<figure><img src='data:image/{kind};base64,{data}' "
                       f"alt='{html.escape(image.stem)}'>"
                       f"<figcaption>{html.escape(walkthrough)}: {html.escape(image.stem)}"
                       f"</figcaption></figure>")
    worked = "".join(f"<h3>{html.escape(w)}: {html.escape(title)}</h3><pre>{html.escape(text)}</pre>"
                     for w, title, text in texts or [])
    counts = verdict_counts(records)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mlp_fn reproduction report</title>
<style>{_STYLE}</style></head><body>
<h1>mlp_fn reproduction report{' (quick run)' if quick else ''}</h1>
<p>{len(records)} figures: {counts['match']} match, {counts['format']} format,
{counts['differs']} differ.</p>
<table><tr><th>walkthrough</th><th>figure</th><th>documented</th><th>reproduced</th>
<th>verdict</th><th>reason</th></tr>
{''.join(rows)}
</table>
<h2>Worked examples</h2>
{worked}
<h2>Plots</h2>
{''.join(figures)}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
