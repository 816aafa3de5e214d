"""Packaging as a user meets it: the wheel ships py.typed, so ``mypy --strict`` accepts a script
that calls mlp_fn; the version, licence and changelog are where a user looks for them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

import mlp_fn

ROOT = Path(__file__).resolve().parent.parent

USER_SCRIPT = '''\
import numpy as np
import mlp_fn as mf

X, Y = mf.data.xor()
params: mf.Params = mf.init_params([2, 3, 1], seed=0)
params, history = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=5)
costs: list[float] = history["cost"]
labels: np.ndarray = mf.predict(X, params, ["tanh", "sigmoid"], "bce")
print(mf.__version__, len(costs), labels.shape)
'''


def _install_wheel(tmp: Path) -> Path:
    """Build the wheel from a copy of the sources (the build writes beside them) and install it
    into a new environment that borrows this one's NumPy; returns that environment's python."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("mlp_fn", "walkthroughs", "benchmarks"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist),
                    str(src)], check=True, capture_output=True)
    wheel = next(dist.glob("mlp_fn-*.whl"))
    env = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True).stdout
    numpy_home = Path(np.__file__).resolve().parent.parent
    (Path(site.strip()) / "borrowed_numpy.pth").write_text(f"{numpy_home}\n")
    return python


def _mypy(python: Path, script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "--python-executable", str(python), script.name],
                          cwd=script.parent, capture_output=True, text=True)


@pytest.mark.skipif(sysconfig.get_platform().startswith("win"), reason="POSIX paths")
def test_a_user_script_passes_mypy_strict_against_the_installed_wheel(tmp_path: Path) -> None:
    python = _install_wheel(tmp_path)
    user = tmp_path / "user"
    user.mkdir()
    script = user / "my_network.py"
    script.write_text(USER_SCRIPT)

    ran = subprocess.run([str(python), script.name], cwd=user, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split()[0] == mlp_fn.__version__  # the installed copy, not this checkout

    # The wheel installs mlp_fn alone: the checkout's walkthroughs and benchmarks, run from the
    # checkout, would be generic top-level names in a user's site-packages.
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True,
                               check=True).stdout.strip())
    top_level = {p.name for p in site.iterdir() if (p / "__init__.py").exists()}
    assert top_level == {"mlp_fn"}, top_level

    checked = _mypy(python, script)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The control: without the marker the same check fails, so the pass above is py.typed's.
    installed = Path(subprocess.run([str(python), "-c", "import mlp_fn; print(mlp_fn.__file__)"],
                                    cwd=user, capture_output=True, text=True,
                                    check=True).stdout.strip())
    assert installed.is_relative_to(tmp_path)  # never this checkout's own marker
    (installed.parent / "py.typed").unlink()
    refused = _mypy(python, script)
    assert refused.returncode != 0 and "py.typed" in refused.stdout


def test_version_licence_and_changelog() -> None:
    assert mlp_fn.__version__.count(".") == 2 and all(p.isdigit() for p in
                                                      mlp_fn.__version__.split("."))
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert f"## {mlp_fn.__version__}" in (ROOT / "CHANGELOG.md").read_text()


def test_what_is_in_it_names_every_public_function() -> None:
    """docs/package.md's table names, in each public module's row, every function of its
    ``__all__``: by name, or by the row's patterns (`*_derivative`; `<name>_step` and
    `<name>_init` for each optimizer named in the row)."""
    import importlib
    import inspect
    import re

    rows = [line for line in (ROOT / "docs" / "package.md").read_text(encoding="utf-8")
            .splitlines() if line.startswith("| ") and line.count("|") >= 5]
    checked = 0
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        found = re.match(r"`([\w.]+)`", cells[1])
        if found is None or "_" == found.group(1)[0] or "._" in found.group(1):
            continue
        module = importlib.import_module(f"mlp_fn.{found.group(1)}")
        named = set(re.findall(r"`(\w+)", cells[3]))
        for name in module.__all__:
            if not inspect.isfunction(getattr(module, name)):
                continue
            base = re.sub(r"_(step|init)$", "", name)
            covered = (name in named
                       or (name.endswith("_derivative") and "`*_derivative`" in cells[3])
                       or (base != name and base in named and f"<name>_{name[len(base) + 1:]}`"
                           in cells[3]))
            assert covered, f"docs/package.md: {found.group(1)}'s row does not name {name}"
            checked += 1
    assert checked > 100  # every public module's row was read
