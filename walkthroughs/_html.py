"""One self-contained HTML page: each walkthrough's verdicts, in the table its page in the book
shows, its worked examples and its plots, embedded as data URIs."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from walkthroughs._report import summary
from walkthroughs._verdicts import verdicts_html

_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 1400px; }
div.verdicts table { border-collapse: collapse; font-size: 13px; width: 100%;
                     table-layout: fixed; }
div.verdicts th, div.verdicts td { border: 1px solid #ccc; padding: 3px 6px;
                                   vertical-align: top; overflow-wrap: anywhere; }
div.verdicts th { background: #eee; }
div.verdicts th:nth-child(1) { width: 10em; } div.verdicts th:nth-child(4) { width: 5em; }
div.verdicts blockquote { margin: 0; font-style: italic; }
tr.match td.verdict { background: #e6f4e6; } tr.format td.verdict { background: #f4f4e0; }
tr.differs td.verdict { background: #f8e4e4; }
ul.checks li.failed { color: #a00; font-weight: bold; }
img { max-width: 100%; height: auto; }
figure { display: inline-block; margin: 0.5em; }
figcaption { font-size: 12px; color: #555; }
pre { font-size: 12px; background: #f7f7f7; padding: 0.5em; white-space: pre-wrap;
      overflow-wrap: anywhere; }
"""


def write_html(path: Path, sections: list[tuple[str, str, dict[str, Any], list[Path]]],
               quick: bool = False) -> None:
    """Write to ``path`` a section per walkthrough, (name, title, what its verdicts cell
    showed, its saved images): its verdicts and independent checks, the worked examples it
    printed and every image (PNG or GIF, embedded in base64); the whole run's tally first."""
    body, records, checks = [], [], []
    for name, title, verdicts, images in sections:
        records += verdicts.get("records", [])
        checks += verdicts.get("checks", [])
        body.append(f"<h2>{html.escape(name)}: {html.escape(title)}</h2>")
        if "skip" in verdicts:
            body.append(f"<p>skipped: {html.escape(verdicts['skip'])}</p>")
        if verdicts.get("records") or verdicts.get("checks"):
            body.append(verdicts_html(verdicts["records"], verdicts["checks"]))
        body += [f"<h3>{html.escape(heading)}</h3><pre>{html.escape(text)}</pre>"
                 for heading, text, _ in verdicts.get("worked", [])]
        for image in images:
            data = base64.b64encode(image.read_bytes()).decode("ascii")
            body.append(f"<figure><img src='data:image/{image.suffix[1:]};base64,{data}' "
                        f"alt='{html.escape(image.stem)}'><figcaption>{html.escape(name)}: "
                        f"{html.escape(image.stem)}</figcaption></figure>")
    tally = summary(records, sum(c["ok"] for c in checks), len(checks))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mlp_fn reproduction report</title>
<style>{_STYLE}</style></head><body>
<h1>mlp_fn reproduction report{' (quick run)' if quick else ''}</h1>
<p>{html.escape(tally)}.</p>
{''.join(body)}
</body></html>
""", encoding="utf-8")
