"""Running one walkthrough with its output captured: the same in this process or in another,
so the walkthroughs can run side by side on the machine's cores and report as one at a time."""

from __future__ import annotations

import contextlib
import io
import traceback
from typing import Any, TypedDict

from walkthroughs._cells import run_cells, source_path
from walkthroughs._context import IMAGES, SETTINGS, TEXTS, Settings
from walkthroughs._report import Check, Record, Skip

__all__ = ["Outcome", "run_one", "run_captured"]


class Outcome(TypedDict):
    """What one walkthrough printed, recorded and checked, and the images and worked
    examples it kept for the report; ``skip`` or ``error`` when it did not run."""

    stdout: str
    records: list[Record]
    checks: list[Check]
    images: list[Any]
    texts: list[tuple[str, str, str]]
    skip: str | None
    error: str | None


def run_one(name: str) -> tuple[list[Record], list[Check]]:
    """Execute one walkthrough, cell by cell (``--quick``: with its ``[quick]`` cells), its
    figures saved in its output folder, and return its records and checks."""
    namespace, outputs = run_cells(source_path(name), quick=SETTINGS["quick"],
                                   out=SETTINGS["out"] / name)
    IMAGES.extend((name, path) for output in outputs for path in output.images)
    return list(namespace["RECORDS"]), list(namespace["CHECKS"])


def run_captured(name: str, settings: Settings) -> Outcome:
    """Run ``name`` with ``settings``, its standard output captured."""
    SETTINGS.update(settings)
    first_image, first_text = len(IMAGES), len(TEXTS)
    out = io.StringIO()
    outcome: Outcome = {"stdout": "", "records": [], "checks": [], "images": [], "texts": [],
                        "skip": None, "error": None}
    try:
        with contextlib.redirect_stdout(out):
            outcome["records"], outcome["checks"] = run_one(name)
    except Skip as skip:
        outcome["skip"] = str(skip)
    except Exception:  # a walkthrough that fails to run is reported, and the others still run
        outcome["error"] = traceback.format_exc()
    outcome["stdout"] = out.getvalue()
    outcome["images"], outcome["texts"] = IMAGES[first_image:], TEXTS[first_text:]
    return outcome
