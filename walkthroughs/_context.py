"""Settings the runner passes to the walkthroughs it executes (``--quick``, ``--out``), and the
images they save, collected for the HTML report."""

from __future__ import annotations

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


def out_dir(walkthrough: str) -> Path:
    """The folder for one walkthrough's files (created on demand)."""
    folder = SETTINGS["out"] / walkthrough
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig: Any, walkthrough: str, name: str) -> Path:
    """Save a matplotlib figure as PNG under the output folder, close it and remember it."""
    import matplotlib.pyplot as plt

    path = out_dir(walkthrough) / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    IMAGES.append((walkthrough, path))
    return path


def pyplot() -> Any:
    """matplotlib.pyplot on the headless Agg backend (imported only when a plot is made)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def progress(iterable: Any, total: int, desc: str) -> Any:
    """A tqdm progress bar on standard error when available and wanted, else the iterable."""
    if not SETTINGS["progress"]:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, ncols=80)
