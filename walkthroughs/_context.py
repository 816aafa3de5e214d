"""Settings the runner passes to the walkthroughs' report cells (``--quick``, ``--out``), and the
images and worked examples they leave, collected for the HTML report."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, TypedDict


class Settings(TypedDict):
    """quick: reduced experiments (CI, tests); out: folder for images and JSON."""

    quick: bool
    out: Path


SETTINGS: Settings = {"quick": False, "out": Path("out")}

#: (walkthrough, path) of every image saved during this run, in order.
IMAGES: list[tuple[str, Path]] = []

#: (walkthrough, title, text) of every worked example shown during this run, for the report.
TEXTS: list[tuple[str, str, str]] = []

#: (walkthrough, title, Markdown with LaTeX) of the same worked examples, for the book.
MARKDOWN: list[tuple[str, str, str]] = []


def keep_worked(walkthrough: str, title: str, text: str, markdown: str | None = None) -> str:
    """Keep a worked example the lesson printed (``mlp_fn.explain``) for the HTML report, and
    its Markdown (``markdown=True``) for the book's page of worked examples."""
    TEXTS.append((walkthrough, title, text))
    if markdown is not None:
        MARKDOWN.append((walkthrough, title, markdown))
    return text


def worked_line(text: str, symbol: str) -> str:
    """The line of a worked example that computes ``symbol`` (e.g. 'z[1][1](0)')."""
    return next(line.strip() for line in text.splitlines()
                if line.strip().startswith(f"{symbol} = "))


def out_dir(walkthrough: str) -> Path:
    """The folder for one walkthrough's files (created on demand)."""
    folder = SETTINGS["out"] / walkthrough
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float made None, all the way down."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def strict_json(value: Any, indent: int | None = 1, default: Any = None) -> str:
    """JSON that strict parsers read: a diverged run's NaN or inf is written as null."""
    return json.dumps(_finite(value), indent=indent, default=default, allow_nan=False)
