"""``python -m benchmarks.previous [--rev REV] [--rounds N]``: today's mlp_fn against an earlier
version of itself, ``mlp_fn.train`` alone on every workload (float32 and float64).

The earlier version's package is taken from git (``git archive REV mlp_fn``: by default
d6c8465, the last NumPy-only core) into a temporary folder; each version then trains every
workload in a fresh process, the two alternating round by round, and each figure is the best of
three runs in its process. The ratio is today's time over the earlier one's (above 1: slower).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = "d6c8465"

_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2])
from threadpoolctl import threadpool_limits
import mlp_fn as mf
assert mf.__file__.startswith(sys.argv[1]), mf.__file__
from benchmarks.workloads import WORKLOADS
out = {}
with threadpool_limits(1):
    for name, make in WORKLOADS.items():
        for dt in ("float32", "float64"):
            w = make(dt)
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                         learning_rate=w["learning_rate"], epochs=w["epochs"],
                         batch_size=w["batch_size"], shuffle=False)
                runs.append(time.perf_counter() - t)
            out[name + "/" + dt] = min(runs)
print(json.dumps(out))
"""


def _export(rev: str, into: Path) -> bool:
    """The package ``mlp_fn`` of revision ``rev`` under ``into``; False without git or it."""
    try:
        tar = subprocess.run(["git", "archive", rev, "mlp_fn"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(into, filter="data")
    return True


def _times(package_root: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _TIMER, str(package_root), str(ROOT)],
                          capture_output=True, text=True, check=True)
    times: dict[str, float] = json.loads(done.stdout)
    return times


def compare(rev: str = PREVIOUS, rounds: int = 2) -> dict[str, Any] | None:
    """{workload/dtype: ratio} and the times of each round, or None where git has no ``rev``."""
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp)
        if not _export(rev, old):
            return None
        rows = []
        for _ in range(rounds):
            rows.append((_times(ROOT), _times(old)))
    ratios = {k: sorted(new[k] / prev[k] for new, prev in rows) for k in rows[0][0]}
    return {"revision": rev, "date": time.strftime("%Y-%m-%d"), "ratios": ratios}


def report(result: dict[str, Any] | None, rev: str) -> None:
    if result is None:
        print(f"previous version: git has no revision {rev} here; not compared")
        return
    print(f"today's mlp_fn.train / version {rev} (one ratio per round, lowest first):")
    for k, r in result["ratios"].items():
        print(f"  {k:<15} " + " ".join(f"{x:.2f}" for x in r))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=PREVIOUS)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    report(compare(args.rev, args.rounds), args.rev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
