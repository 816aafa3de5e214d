"""The book's machinery: the plain-text notation set as LaTeX, the lessons as scripts and
notebooks (each notebook run to its end outside the checkout), and the functions each uses.

The LaTeX expected below is written by hand from the course's notation (``Z[l]`` is
Z^{[l]}, ``(1/m)`` is a fraction, a function name is upright); MathJax's own verdict on every
equation of the built site is checked in ``test_site.py``.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from walkthroughs import WALKTHROUGHS
from walkthroughs._api import docstring_rest
from walkthroughs._book import used_functions
from walkthroughs._lessons import ROOT, lesson_notebook, lesson_source, source_path

NAMES = [name for name, _ in WALKTHROUGHS]


def rest(doc: str) -> str:
    """The reST of a docstring, blank lines between blocks counted once (reST's reading)."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(docstring_rest(doc.splitlines())))


def test_the_book_and_explain_write_with_one_converter() -> None:
    # (the converter's own cases are in tests/test_notation.py)
    from mlp_fn._internal.notation import latex
    from mlp_fn.tools import explain
    from walkthroughs import _api

    assert vars(_api)["latex"] is latex and vars(explain)["latex"] is latex
    assert rest("the variance `sigma2[l]` of layer l") == \
        "the variance :math:`\\sigma^{2[l]}` of layer l\n"


def test_only_marked_equations_are_set_as_math() -> None:
    # Prose stays prose however much it looks like notation, a quoted key of params too;
    # `one backtick` marks an equation, ``two`` a literal. Markup that touches a word is joined
    # to it by an escaped space, as reST asks.
    assert rest('The step `Z[l] = W[l] A[l-1] + b[l]`, so Z[l] = W A + b is text; ``X.shape[1]`` '
                'is code, ``"W{l}"`` a key, "W{l}" a quote and the `n[l]`s units.') == (
        "The step :math:`Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}`, so Z[l] = W A + b is text; "
        "``X.shape[1]`` is code, ``\"W{l}\"`` a key, \"W{l}\" a quote and the "
        ":math:`n^{[l]}`\\ s units.\n")


def test_a_line_of_equations_alone_is_displayed() -> None:
    doc = ("Forward propagation.\n\n    `Z[l] = W[l] A[l-1] + b[l]`,  `A[l] = g(Z[l])`\n\n"
           "Args:\n    X: the inputs, `(n[0], m)`.\n    acts: one name per layer.")
    assert rest(doc) == ("Forward propagation.\n\n.. math::\n\n"
                         "   Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]},\\quad A^{[l]} = g(Z^{[l]})\n\n"
                         "Args:\n    X: the inputs, :math:`(n^{[0]}, m)`.\n"
                         "    acts: one name per layer.")
    # A line of a paragraph that happens to hold only an equation reads on in its sentence.
    assert rest("The gradient through the mask, with\n`G = dA * D`,\nas before.") == \
        "The gradient through the mask, with\n:math:`G = dA \\cdot D`,\nas before.\n"


def test_a_listing_with_equations_is_a_list_and_one_without_is_text() -> None:
    doc = ("Steps:\n\n    `Z[l] = W[l] A[l-1]`      ``linear_forward``\n"
           "    `A[l] = g(Z[l])`\n\nLoop:\n\n    for each batch:\n        step(X)")
    assert rest(doc) == (
        "Steps:\n\n- :math:`Z^{[l]} = W^{[l]} A^{[l-1]}`      ``linear_forward``\n\n"
        ".. math::\n\n   A^{[l]} = g(Z^{[l]})\n\n"
        "Loop:\n\n.. code-block:: text\n\n   for each batch:\n       step(X)\n")


def test_a_table_is_a_list_table() -> None:
    doc = "| method | W |\n|---|---|\n| he | `randn * sqrt(2 / n[l-1])` |\n|  | (ReLU) |"
    assert rest(doc) == (
        ".. list-table::\n   :header-rows: 1\n\n   * - method\n     - W\n   * - he\n"
        "     - :math:`\\operatorname{randn} \\cdot \\sqrt{2 / n^{[l-1]}}` (ReLU)\n")


@pytest.mark.parametrize("name", NAMES)
def test_the_lesson_offered_for_download_is_the_lesson_alone(name: str) -> None:
    notebook = lesson_notebook(lesson_source(name))
    code = "".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "walkthroughs" not in code and "RECORDS" not in code and "Record(" not in code
    compile(source_path(name).read_text(encoding="utf-8"), f"{name}.py", "exec")  # Python as is
    assert not any(c.outputs for c in notebook.cells if c.cell_type == "code")  # to run oneself


def test_the_functions_a_lesson_uses() -> None:
    # xor_from_scratch calls mf.train, mf.forward and plots.animate_training (read from its
    # code above); the API reference names them by the module that documents them.
    used = used_functions(source_path("xor_from_scratch").read_text(encoding="utf-8"))
    assert {"mlp_fn.training.loop.train", "mlp_fn.propagation.forward",
            "mlp_fn.tools.plots.animate_training"} <= used


# ----------------------------------------------------------------------------------------------
# The notebooks, run as their reader would
# ----------------------------------------------------------------------------------------------

#: Run in a process of its own, in the notebook's folder: nbclient as a reader's Jupyter does.
EXECUTE = ("import sys, nbclient, nbformat\n"
           "nb = nbformat.read(sys.argv[1], as_version=4)\n"
           "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3',\n"
           "                        resources={'metadata': {'path': '.'}}).execute()\n"
           "nbformat.write(nb, sys.argv[1])\n")


def _execute(name: str, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    folder.mkdir()
    path = folder / f"{name}.ipynb"
    notebook = lesson_notebook(lesson_source(name, quick=True))
    path.write_text(json.dumps(notebook), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", EXECUTE, str(path)], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{name}: the notebook stopped:\n{run.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def test_every_notebook_runs_outside_the_checkout(tmp_path: Path) -> None:
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # No path back to the checkout, and the notebook's own inline backend, not a headless one.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    root = str(Path(__file__).resolve().parent.parent)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        runs = dict(zip(NAMES, pool.map(lambda n: _execute(n, tmp_path / n, env), NAMES)))
    for name, nb in runs.items():
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert not [o for o in outputs if o["output_type"] == "error"], name
        assert root not in json.dumps(outputs), f"{name}: the notebook reached into the checkout"
        pictures = sum("image/png" in o.get("data", {}) or "image/gif;base64" in
                       "".join(o.get("data", {}).get("text/html", "")) for o in outputs)
        source = source_path(name).read_text(encoding="utf-8")
        if "plt.show()" in source or "animate_training" in source:
            assert pictures > 0, f"{name}: no figure in the notebook's outputs"


def test_the_api_reference_documents_exactly_the_public_names() -> None:
    # The pages of docs/api are read back: an automodule documents its module's __all__ but
    # the names it excludes, the other directives one name each. Every public module has its
    # page; every name of its __all__ and of mlp_fn's is documented once, under that name (a
    # name mlp_fn re-exports: where its object is documented under the same name); nothing
    # else is; and each "The same as" points at a documented function that is that object.
    import importlib
    import pkgutil

    import mlp_fn

    entries: list[str] = []  # module.name, once per directive that documents it
    same_as: dict[str, str] = {}
    for page in sorted((ROOT / "docs" / "api").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        module = ""  # the current module, where a directive names no module
        for directive, name, body in re.findall(r"^\.\. (automodule|py:currentmodule|auto\w+|"
                                                r"py:\w+):: ([\w.]+)\n((?:   .*\n|\n)*)",
                                                text, re.M):
            if directive == "automodule":
                assert "   :members:" in body, page.name
                excluded = re.findall(r"\w+", body.partition(":exclude-members:")[2]
                                      .split("\n")[0])
                entries += [f"{name}.{n}" for n in importlib.import_module(name).__all__
                            if n not in excluded]
            if directive in ("automodule", "py:currentmodule"):
                module = name
                continue
            full = name if "." in name else f"{module}.{name}"
            entries.append(full)
            target = re.search(r"The same as :py:func:`\w+ <([\w.]+)>`", body)
            if target:
                same_as[full] = target.group(1)
    assert len(entries) == len(set(entries)) > 150, "a name is documented twice"

    def get(dotted: str) -> Any:
        module, name = dotted.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    # (mlp_fn.plots is mlp_fn.tools.plots, by the name it was imported as)
    public_modules = {importlib.import_module(m.name).__name__ for m in pkgutil.walk_packages(
        mlp_fn.__path__, "mlp_fn.") if "._" not in m.name and getattr(
            importlib.import_module(m.name), "__all__", None)}
    assert public_modules == {e.rsplit(".", 1)[0] for e in entries} - {
        "mlp_fn", "mlp_fn._internal.types", "mlp_fn.training._state"}
    public = {f"{m}.{n}" for m in public_modules for n in importlib.import_module(m).__all__}
    for name in mlp_fn.__all__:
        obj = getattr(mlp_fn, name)
        if inspect.ismodule(obj):
            continue
        homes = [e for e in entries if e.rsplit(".", 1)[1] == name and get(e) is obj]
        assert homes, f"mlp_fn.{name} is not documented"
        public |= set(homes) if f"mlp_fn.{name}" not in entries else {f"mlp_fn.{name}"}
    assert set(entries) == public
    for alias, home in same_as.items():
        assert home in entries and get(home) is get(alias), alias


def test_every_marked_equation_opens_and_closes_on_its_line() -> None:
    # The API's converter reads an Args or Returns entry line by line (napoleon's layout): a
    # mark cut by a line break there would be left as text. Prose paragraphs join their lines,
    # but one rule for every docstring is the simpler to keep.
    import ast
    import inspect

    import mlp_fn

    root = Path(inspect.getfile(mlp_fn)).parent
    cut = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            doc = ast.get_docstring(node, clean=False) if isinstance(
                node, (ast.Module, ast.ClassDef, ast.FunctionDef)) else None
            for line in (doc or "").splitlines():
                rest = re.sub(r"(?<!`)`[^`]+`(?!`)", "", line.replace("``", ""))
                if rest.count("`") % 2:
                    cut.append(f"{path.name}: {line.strip()}")
    assert cut == []
