"""Settings the runner passes to the walkthroughs it executes (``--quick``, ``--out``), and the
images they save, collected for the HTML report."""

from __future__ import annotations

import json
import math

import sys
from pathlib import Path
from typing import Any, TypedDict


class Settings(TypedDict):
    """quick: reduced experiments (CI, tests); out: folder for images and JSON; progress: bars."""

    quick: bool
    out: Path
    progress: bool


SETTINGS: Settings = {"quick": False, "out": Path("out"), "progress": True}

#: (walkthrough, path) of every image saved during this run, in order.
IMAGES: list[tuple[str, Path]] = []

#: (walkthrough, title, text) of every worked example shown during this run, for the report.
TEXTS: list[tuple[str, str, str]] = []


def show_worked(walkthrough: str, title: str, text: str) -> str:
    """Print a worked example (``mlp_fn.explain``) and keep it for the HTML report."""
    print(f"\n--- {title} ---\n{text}")
    TEXTS.append((walkthrough, title, text))
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


def save_figure(fig: Any, walkthrough: str, name: str, *, layout: bool = True) -> Path:
    """Save a matplotlib figure as PNG under the output folder, close it and remember it
    (``layout=False``: the figure has laid itself out, e.g. around a shared legend)."""
    import matplotlib.pyplot as plt

    path = out_dir(walkthrough) / f"{name}.png"
    if layout:
        fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    IMAGES.append((walkthrough, path))
    return path


def remember_image(walkthrough: str, path: Path) -> None:
    """Keep an image written some other way (an animated GIF) for the HTML report."""
    IMAGES.append((walkthrough, path))


def pyplot() -> Any:
    """matplotlib.pyplot on the headless Agg backend (imported only when a plot is made)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


_TOLD: list[bool] = []  # the missing-tqdm line is printed once per run


def progress(iterable: Any, total: int, desc: str) -> Any:
    """A tqdm progress bar on standard error when available and wanted, else the iterable."""
    if not SETTINGS["progress"]:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        if not _TOLD:
            _TOLD.append(True)
            print("(progress bars need tqdm: pip install -e '.[plots]')", file=sys.stderr)
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, ncols=80)


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
