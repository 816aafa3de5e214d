"""``python -m walkthroughs [NAME ...] [--list] [--json] [--quick] [--out DIR] [--html FILE]``:
run the walkthroughs and experiments, and report.

Exit status 1 only when a walkthrough fails to run or mlp_fn disagrees with an independent
computation (a failed check), never because a document is wrong.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

from walkthroughs import WALKTHROUGHS
from walkthroughs._html import write_html
from walkthroughs._lessons import executed, outputs
from walkthroughs._report import Record, summary
from walkthroughs._verdicts import MIME

COLUMNS = ("walkthrough", "figure", "documented", "reproduced", "verdict", "reason")

def print_table(records: list[Record], width: int = 100) -> None:
    """Each figure as a block of at most ``width`` columns: the walkthrough, the figure and the
    verdict, then what the document says, what was reproduced and, for a difference, why, each
    wrapped onto as many lines as it needs: nothing is cut, so both sides of a "differs" show
    in full."""
    for r in records:
        verdict = f"[{r['verdict']}]"
        head = textwrap.wrap(f"{r['walkthrough']}: {r['figure']}", width - len(verdict) - 1)
        print(head[0].ljust(width - len(verdict)) + verdict)
        for line in head[1:]:
            print(line)
        for label, value in (("documented", r["documented"]), ("reproduced", r["reproduced"]),
                             ("why", r["reason"])):
            text = " ".join(str(value).split())  # one line: arrays print with newlines
            if not text:
                continue
            lines = textwrap.wrap(text, width - 14, break_long_words=True,
                                  break_on_hyphens=False)
            for i, line in enumerate(lines):
                print(f"  {label if i == 0 else '':<11} {line}")
        print()


def missing_extra() -> str | None:
    """One line naming what to install when matplotlib, or what runs the lessons as notebooks,
    is missing; else None."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        return ("python -m walkthroughs draws its figures with matplotlib, which is not "
                "installed: pip install -e '.[plots]' (or: pip install matplotlib)")
    tools = ("jupytext", "nbclient", "ipykernel", "jupyter_cache")
    missing = [t for t in tools if importlib.util.find_spec(t) is None]
    if missing:
        return (f"python -m walkthroughs runs each lesson as a notebook, and {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not installed: pip install -e '.[dev]' "
                f"(or: pip install {' '.join(t.replace('_', '-') for t in tools)})")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m walkthroughs", description=__doc__)
    parser.add_argument("names", nargs="*", help="walkthroughs to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the walkthroughs and exit")
    parser.add_argument("--json", action="store_true",
                        help="print only the records, as a JSON list, on standard output")
    parser.add_argument("--quick", action="store_true",
                        help="reduced experiments (fewer seeds, epochs and cells), for CI")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="folder for images and JSON results, and the executed lessons "
                             "that the book reuses, in its .jupyter_cache (default: out/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="walkthroughs run side by side (default: one per core); the "
                             "report is the same, bit for bit, as with --jobs 1")
    parser.add_argument("--html", type=Path, metavar="FILE",
                        help="the self-contained HTML report, the table and every plot "
                             "(default: report.html in the --out folder)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs: expected at least 1, got {args.jobs}")
    if args.out.exists() and not args.out.is_dir():  # said now, not after every lesson has run
        parser.error(f"--out: expected a folder, got the file {args.out}")
    html = args.html if args.html is not None else args.out / "report.html"
    if html.is_dir():
        parser.error(f"--html: expected a file to write, got the folder {html}")
    known = dict(WALKTHROUGHS)
    if args.list:
        for name, title in WALKTHROUGHS:
            print(f"{name:<28} {title}")
        return 0
    missing = missing_extra()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown walkthrough(s) {unknown}; expected some of: {', '.join(known)}")
    names = args.names or [n for n, _ in WALKTHROUGHS]
    runs, errors = executed(names, args.quick, args.out / ".jupyter_cache", args.jobs,
                            log=lambda line: print(line, file=sys.stderr))
    records: list[Record] = []
    failures = [f"{name}: failed to run\n{error}" for name, error in errors.items()]
    sections: list[tuple[str, str, dict[str, Any], list[Path]]] = []
    checks_run = 0
    for name in names:
        if name not in runs:
            continue
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        printed, verdicts, shown, images = [], None, {"png": 0, "gif": 0}, []
        for output in outputs(runs[name][0]):
            data = output.get("data", {})
            if output["output_type"] == "stream" and output["name"] == "stdout":
                printed.append(output["text"])
            elif MIME in data:
                verdicts = data[MIME]
            for kind, picture in _pictures(data):
                shown[kind] += 1
                path = folder / f"{'figure' if kind == 'png' else 'animation'}_{shown[kind]}.{kind}"
                path.write_bytes(picture)
                images.append(path)
        sections.append((name, known[name], verdicts or {}, images))
        if not args.json:
            print(f"\n=== {name}: {known[name]} ===\n")
            print("".join(printed) + (verdicts or {}).get("stdout", ""), end="")
        if verdicts is None:
            continue
        if "skip" in verdicts:
            print(f"{name}: skipped: {verdicts['skip']}",
                  file=sys.stderr if args.json else sys.stdout)
            continue
        for file, text in verdicts["files"].items():
            (folder / file).write_text(text, encoding="utf-8")
        records += verdicts["records"]
        checks_run += len(verdicts["checks"])
        failures += [f"{name}: check failed: {c['name']} {c['detail']}"
                     for c in verdicts["checks"] if not c["ok"]]
    if args.json:
        json.dump([{c: r[c] for c in COLUMNS} for r in records],  # type: ignore[literal-required]
                  sys.stdout, indent=1)
        print()
    else:
        print("\n=== Reproduction report ===\n")
        print_table(records)
        passed = checks_run - sum("check failed" in f for f in failures)
        print(textwrap.fill(summary(records, passed, checks_run), 100))
    write_html(html, sections, quick=args.quick)
    if not args.json:
        print(f"HTML report: {html}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def _pictures(data: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The figures of one output: a PNG, or the GIFs an animation embeds in its HTML."""
    found = [("png", base64.b64decode(data["image/png"]))] if "image/png" in data else []
    html = "".join(data.get("text/html", ""))
    return found + [("gif", base64.b64decode(b)) for b in _GIF.findall(html)]


_GIF = re.compile(r"data:image/gif;base64,([A-Za-z0-9+/=]+)")


if __name__ == "__main__":
    sys.exit(main())
