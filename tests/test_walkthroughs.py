"""The walkthroughs: they run, their checks pass, and every reproduced figure that differs from a
document equals a value computed here without mlp_fn."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest

from walkthroughs import WALKTHROUGHS
from walkthroughs._lessons import lesson_notebook, lesson_source, notebook, source_path
from walkthroughs._report import record, verdict


@cache
def namespace(name: str) -> dict[str, Any]:
    """Run a lesson once, at its quick sizes, in this process (figures drawn and closed, as
    ``plt.show()`` would), then its report on what it computed: the lesson's namespace, with
    the report's ``RECORDS``, ``CHECKS`` and result files."""
    import matplotlib.pyplot as plt

    ns: dict[str, Any] = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()), \
            mock.patch.object(plt, "show", lambda *a, **k: plt.close("all")):
        exec(compile(lesson_source(name, quick=True), str(source_path(name)), "exec"), ns)
        plt.close("all")
        module = importlib.import_module(f"walkthroughs._verdicts.{name}")
        report = module.report(**ns, quick=True)
    return {**ns, "RECORDS": report.records, "CHECKS": report.checks, "FILES": report.files}


def reproduced(name: str, figure: str) -> str:
    return str(next(r["reproduced"] for r in namespace(name)["RECORDS"]
                    if r["figure"] == figure))


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def np_str(rows: list[list[float]]) -> str:
    """How the listings print a rounded array (NumPy's str), with white space folded."""
    return " ".join(str(np.array(rows).round(4)).split())


@cache
def xor_listing() -> tuple[list[float], Any]:
    return namespace("xor_from_scratch")["run_listing"]()  # type: ignore[no-any-return]


def gd(k: int) -> float:
    """x^2 + 3y^2 after k gradient steps of 0.1 from (4, 3): x = 4*0.8^k, y = 3*0.4^k."""
    return 16 * 0.64**k + 27 * 0.16**k


def adam_first_loss() -> float:
    """Adam's first step is lr * g / |g| = 0.1 in each coordinate: (3.9, 2.9)."""
    return 3.9**2 + 3 * 2.9**2


# Every figure the report marks 'differs', with what the listing's own arithmetic gives,
# computed here by hand, the math module or the listing run without mlp_fn.
INDEPENDENT: dict[tuple[str, str], Any] = {
    ("forward_propagation", "z1"): lambda: "Hidden pre-activation (z1): " + np_str(
        [[0.5 * 0.1 + 0.8 * 0.4 + 0.1, 0.5 * 0.3 + 0.8 * -0.5 - 0.1, 0.5 * -0.2 + 0.8 * 0.6 + 0.2]]),
    ("forward_propagation", "z2"): lambda: "Output pre-activation (z2): " + np_str(
        [[0.7 * 0.47 + 0.5 * 0.58 + 0.1]]),
    ("forward_propagation", "output"): lambda: "Output (sigmoid(z2)): " + np_str(
        [[sig(0.7 * 0.47 + 0.5 * 0.58 + 0.1)]]),
    ("forward_propagation", "step z1[1]"): lambda:
        f"z1[1] = 0.5*0.3 + 0.8*-0.5 + -0.1 = {0.5 * 0.3 + 0.8 * -0.5 - 0.1:.4f}",
    ("forward_propagation", "step a1[1]"): lambda:
        f"a1[1] = ReLU({0.5 * 0.3 + 0.8 * -0.5 - 0.1:.4f}) = 0.0000",
    ("backpropagation", "loss"): lambda: f"Loss (BCE): {-math.log(sig(0.6 * 0.65 - 0.4 * 0.5 + 0.2)):.4f}",
    ("backpropagation", "W1 after"): lambda: "W1 after: " + np_str(
        [[0.3 - 0.1 * 1.0 * 0.6 * (sig(0.39) - 1), 0.7 - 0.1 * 1.0 * -0.4 * (sig(0.39) - 1)],
         [0.5 - 0.1 * 0.5 * 0.6 * (sig(0.39) - 1), -0.2 - 0.1 * 0.5 * -0.4 * (sig(0.39) - 1)]]),
    ("gradient_descent_variants", "SGD final"): lambda:
        f"SGD {gd(20):12.6f} ({4 * 0.8**20:.4f}, {3 * 0.4**20:.4f})",
    ("gradient_descent_variants", "SGD convergence"): lambda:
        f"SGD : {gd(1):.4f} -> {gd(5):.4f} -> {gd(10):.4f} -> {gd(20):.4f}",
    ("gradient_descent_variants", "SGD+Momentum convergence"): lambda:
        f"SGD+Momentum : {gd(1):.4f} ->",  # momentum's first step is plain GD's (v0 = 0)
    ("gradient_descent_variants", "SGD+Momentum final"): None,  # matrix power: in CHECKS
    ("gradient_descent_variants", "Adam convergence"): lambda:
        f"Adam : {adam_first_loss():.4f} ->",
    ("gradient_descent_variants", "Adam final"): None,  # the listing's adam(): in CHECKS
    **{("xor_from_scratch", f"loss at epoch {e}"): (lambda e=e:
        f"Epoch {e:5d}: Loss = {xor_listing()[0][e]:.6f}") for e in range(0, 10000, 2000)},
    **{("xor_from_scratch", f"prediction for {x}"): (lambda i=i, x=x:
        f"Input: {x} -> Predicted: {xor_listing()[1][i, 0]:.4f}")
       for i, x in enumerate(["[0 0]", "[0 1]", "[1 0]", "[1 1]"])},
}


@pytest.mark.parametrize("name", [n for n, _ in WALKTHROUGHS])
def test_walkthrough_runs_and_its_independent_checks_pass(name: str) -> None:
    ns = namespace(name)
    assert ns["RECORDS"], "a walkthrough reports at least one figure"
    failed = [c for c in ns["CHECKS"] if not c["ok"]]
    assert not failed
    for r in ns["RECORDS"]:
        if name in EXPERIMENTS:  # judged by a band or a claim: always explained
            assert r["verdict"] in ("match", "differs") and r["reason"]
        else:
            assert r["verdict"] == verdict(r["documented"], r["reproduced"])
            assert (r["verdict"] == "match") == (r["reason"] == "")


#: The experiments, and how many figures each draws (saved as figure_1.png, figure_2.png, ...).
EXPERIMENTS = {"x_squared_experiment": 2, "six_problem_suite": 3, "planar_classifier": 5,
               "common_mistakes_experiments": 2, "digits": 2, "remedies": 1}

G: dict[str, tuple[Any, Any]] = {  # g and g' written out here, for the independent trainer
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "quadratic": (lambda z: z * z, lambda z: 2 * z),
}


def one_hidden_layer_gd(x: Any, y: Any, p: dict[str, Any], g: str, lr: float,
                        epochs: int) -> float:
    """Full-batch gradient descent on the MSE of a 1-n-1 network with identity output, written
    out in NumPy without mlp_fn; returns the final MSE."""
    W1, b1, W2, b2 = (np.array(p[k]) for k in ("W1", "b1", "W2", "b2"))
    f, df = G[g]
    m = x.shape[1]
    for _ in range(epochs):
        z1 = W1 @ x + b1
        a1 = f(z1)
        out = W2 @ a1 + b2
        d_out = 2 * (out - y) / m                 # dJ/d out for J = mean((out - y)^2)
        dW2, db2 = d_out @ a1.T, d_out.sum(axis=1, keepdims=True)
        dz1 = (W2.T @ d_out) * df(z1)
        dW1, db1 = dz1 @ x.T, dz1.sum(axis=1, keepdims=True)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return float(np.mean((W2 @ f(W1 @ x + b1) + b2 - y) ** 2))


def test_x_squared_grid_against_an_independent_trainer() -> None:
    """Every (activation, rate, width) cell of the quick sweep, on which the claims' verdicts
    rest, is re-trained here without mlp_fn and must reach the same final MSE."""
    ns = namespace("x_squared_experiment")
    x, y = np.linspace(-1, 1, 100).reshape(1, -1), np.linspace(-1, 1, 100).reshape(1, -1) ** 2
    for (g, lr, width), values in ns["runs"].items():
        for seed, got in zip(ns["SEEDS"], values):
            import mlp_fn as mf  # only for the same initial weights

            p0 = mf.init_params([1, width, 1], method="xavier", seed=seed)
            want = one_hidden_layer_gd(x, y, dict(p0), g, lr, ns["EPOCHS"])
            assert got == pytest.approx(want, rel=1e-6, abs=1e-12), (g, lr, width, seed)


@cache
def quick_run() -> Path:
    """``python -m walkthroughs --quick`` over the experiments, into a temporary folder."""
    from walkthroughs.__main__ import main

    out = Path(tempfile.mkdtemp())
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--quick", "--out", str(out), *sorted(EXPERIMENTS)]) == 0
    return out


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_experiment_quick_mode_writes_its_json_and_images(name: str) -> None:
    out = quick_run() / name
    results = json.loads((out / "results.json").read_text())
    assert results
    if name == "six_problem_suite":  # 001's layout: problem -> training/test accuracy
        summary = json.loads((out / "NeuralNet_test_results.json").read_text())
        assert set(summary["xor"]) >= {"training_accuracy", "test_accuracy"}
        assert set(summary["sine"]) >= {"training_mse", "test_mse"}
    assert sorted(p.name for p in out.glob("*.png")) == sorted(
        f"figure_{k}.png" for k in range(1, EXPERIMENTS[name] + 1))
    for image in out.glob("*.png"):
        data = image.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000  # a real picture
    if name == "planar_classifier":
        assert (out / "animation_1.gif").read_bytes()[:6] == b"GIF89a"


def test_the_remedies_verdicts_follow_their_numbers() -> None:
    # Each reason sentence is built from what the run measured (here the quick one: 1 seed, a
    # few epochs): a remedy "trains" only with accuracy >= 80% and a cost below ln 2, and the
    # words say so from those numbers, whatever they are.
    ns = namespace("remedies")
    for record in ns["RECORDS"]:
        figure = str(record["figure"])
        case, remedy = {"clipping cures exploding": ("exploding", "clipping"),
                        "residual cures vanishing": ("vanishing", "residual")}.get(figure,
                                                                                 (None, None))
        if case is None:
            continue
        r = ns["results"][case][remedy]
        trained = ns["trains"](r)
        assert (record["verdict"] == "match") == trained, figure
        assert ("the network trains" in str(record["reason"]).split(";")[0]) == trained, figure
        if not math.isnan(r["accuracy"]):
            assert f"{r['accuracy']:.1%}" in str(record["reason"])  # the measured accuracy
    def refuse(constant: str) -> Any:
        raise AssertionError(f"results.json holds {constant}, which strict JSON parsers refuse")

    strict = json.loads(ns["FILES"]["results.json"], parse_constant=refuse)
    assert "cost" in strict["results"]["exploding"]["clipping"]


def test_every_difference_is_backed_by_an_independent_value() -> None:
    differs = [(n, r["figure"]) for n, _ in WALKTHROUGHS if n not in EXPERIMENTS
               for r in namespace(n)["RECORDS"] if r["verdict"] == "differs"]
    assert differs
    for key in differs:
        assert key in INDEPENDENT, f"{key} differs without an independent value in this test"
    for (name, figure), expected in INDEPENDENT.items():
        if expected is None:
            continue
        got = reproduced(name, figure)
        want = " ".join(expected().split())
        assert got.startswith(want), f"{name} / {figure}: {got!r} does not start with {want!r}"


def test_xor_epoch_zero_loss_from_the_seeded_weights() -> None:
    # The listing's first loss, from RandomState(42) draws and one forward pass written out here.
    rs = np.random.RandomState(42)
    W1, W2 = rs.randn(2, 4) * 0.5, rs.randn(4, 1) * 0.5
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    a2 = 1 / (1 + np.exp(-((1 / (1 + np.exp(-(X @ W1)))) @ W2)))
    mse = float(np.mean((np.array([[0], [1], [1], [0]]) - a2) ** 2))
    assert reproduced("xor_from_scratch", "loss at epoch 0") == f"Epoch 0: Loss = {mse:.6f}"


def test_matching_figures_against_the_math_module() -> None:
    assert reproduced("single_neuron", "Sigmoid(2.3)") == f"Sigmoid(2.3) = {sig(2.3):.4f}"
    assert reproduced("single_neuron", "Tanh(-2.0)") == f"Tanh(-2.0) = {math.tanh(-2.0):.4f}"
    s3 = sig(3.0)
    assert reproduced("activation_functions", "table row z = 3") == \
        f"3.0 | {s3:.4f} | {s3 * (1 - s3):.4f} | 3.0 | 1.0 | 3.0000 | 1.00"
    assert reproduced("model_summary", "parameter total") == \
        f"Total Network Parameters: {(2 * 8 + 8) + (8 * 8 + 8) + (8 * 1 + 1)}"


def test_verdicts() -> None:
    assert verdict("a = 0.65", "a  =  0.65") == "match"
    assert verdict("[0.6590 0.2424]", "[0.659  0.2424]") == "format"
    assert verdict("x: 0.6838", "x: 0.6839") == "differs"
    assert verdict("-0.0", "0.0") == "format"
    assert verdict("1.0", "1.0 2.0") == "differs"
    with pytest.raises(ValueError, match="needs a reason"):
        record("w", "f", "1.0", "2.0")


def test_cli_json_list_and_exit_status(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "walkthroughs", "--json", "--out", str(tmp_path),
                          "single_neuron", "forward_propagation"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert rows and all(set(r) == {"walkthrough", "figure", "documented", "reproduced",
                                   "verdict", "reason"} for r in rows)
    assert {r["walkthrough"] for r in rows} == {"single_neuron", "forward_propagation"}
    assert any(r["verdict"] == "differs" for r in rows)  # a wrong document does not fail the run
    listing = subprocess.run([sys.executable, "-m", "walkthroughs", "--list"],
                             capture_output=True, text=True, check=True)
    assert all(name in listing.stdout for name, _ in WALKTHROUGHS)
    bad = subprocess.run([sys.executable, "-m", "walkthroughs", "no_such"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode != 0 and "unknown walkthrough" in bad.stderr
    # Paths that cannot be written are argument errors, said before any lesson runs.
    (tmp_path / "a_file").write_text("")
    for flags, said in ((["--out", str(tmp_path / "a_file")], "--out: expected a folder"),
                        (["--html", str(tmp_path)], "--html: expected a file to write")):
        wrong = subprocess.run([sys.executable, "-m", "walkthroughs", *flags, "single_neuron"],
                               capture_output=True, text=True, check=False)
        assert wrong.returncode == 2 and said in wrong.stderr, wrong.stderr
        assert "ran in" not in wrong.stderr and "Traceback" not in wrong.stderr


def test_side_by_side_gives_the_same_report_bit_for_bit(tmp_path: Path) -> None:
    # Each walkthrough in its own process (--jobs 2) prints and writes exactly what one at a
    # time does (--jobs 1): the report is read in the same order, the numbers are seeded.
    from walkthroughs.__main__ import main

    names = ["single_neuron", "forward_propagation", "gradient_descent_variants", "remedies"]
    printed = {}
    for jobs in (1, 2):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["--quick", "--jobs", str(jobs), "--out", str(tmp_path / str(jobs)),
                         *names]) == 0
        printed[jobs] = out.getvalue().replace(str(tmp_path / str(jobs)), "OUT")
    assert printed[1] == printed[2] and "HTML report: OUT/report.html" in printed[1]
    report = (tmp_path / "2" / "report.html").read_text(encoding="utf-8")  # a section each
    assert all(f"<h2>{name}: " in report for name in names) and "<li class=\"ok\">passed: " in report
    for path in (tmp_path / "1").rglob("*.json"):
        assert path.read_bytes() == (tmp_path / "2" / path.relative_to(tmp_path / "1")).read_bytes()


def test_a_claims_reason_opens_with_the_verdict_its_numbers_give() -> None:
    from walkthroughs._report import record_claim

    yes = record_claim("w", "f", "a claim", "measured 1.0", True, "the measurement")
    no = record_claim("w", "f", "a claim", "measured 0.0", False, "the measurement")
    assert (yes["verdict"], yes["reason"]) == ("match", "holds: the measurement")
    assert (no["verdict"], no["reason"]) == ("differs", "does not hold: the measurement")
    for name in ("common_mistakes_experiments", "x_squared_experiment", "remedies"):
        for r in namespace(name)["RECORDS"]:  # no fixed "holds" left inside a sentence
            assert not r["reason"].split(": ", 1)[1].startswith("holds"), r["figure"]


# ----------------------------------------------------------------------------------------------
# The walkthroughs as lessons: what a reader sees, and the runner of their cells
# ----------------------------------------------------------------------------------------------

#: What a lesson may import: the library, NumPy, matplotlib and the standard library, and JAX,
#: with which 000's sweep compiles where it is installed.
ALLOWED_IMPORTS = {"mlp_fn", "numpy", "matplotlib", "jax"} | set(sys.stdlib_module_names)


@pytest.mark.parametrize("name", [n for n, _ in WALKTHROUGHS])
def test_a_lesson_shows_only_the_library_numpy_and_matplotlib(name: str) -> None:
    import ast

    cells = lesson_notebook(lesson_source(name)).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")  # a title
    for cell in cells:
        if cell.cell_type != "code":
            continue
        assert "walkthroughs" not in cell.source and "RECORDS" not in cell.source
        for node in ast.walk(ast.parse(cell.source)):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                       [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                assert module.split(".")[0] in ALLOWED_IMPORTS, (name, module)
    # its report is apart, and runs after it in the notebook that is executed, hidden on the page
    assert (source_path(name).parent / "_verdicts" / f"{name}.py").exists()
    last = notebook(name).cells[-1]
    assert last.metadata["tags"] == ["remove-input"] and f"show({name!r}" in last.source


def test_quick_sizes_replace_the_lessons_own(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from walkthroughs import QUICK, _lessons

    lesson = tmp_path / "lesson.py"
    lesson.write_text("# %% [markdown]\n# # A title\n\n# %%\nN = 10  # the full size\nM = (1,\n     2)\n"
                      "K = N\n\n# %%\nprint(N, M, K)\n", encoding="utf-8")
    monkeypatch.setattr(_lessons, "source_path", lambda name: lesson)
    monkeypatch.setitem(QUICK, "lesson", {"N": "2", "M": "(3,)"})
    assert lesson_source("lesson") == lesson.read_text(encoding="utf-8")
    quick = lesson_source("lesson", quick=True)
    assert "N = 2\nM = (3,)\nK = N\n" in quick and "N = 10" not in quick
    cells = notebook("lesson", quick=True).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code", "code"]
    assert cells[-1].source.startswith("from walkthroughs._verdicts import show")


def test_a_raising_lesson_is_reported_and_the_others_are_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from walkthroughs import _lessons

    lessons = {"good": "# %%\nprint('fine')\n",
               "bad": "# %%\nx = 1\n\n# %%\nraise ValueError('the second cell is wrong')\n"}
    for name, text in lessons.items():
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(_lessons, "source_path", lambda name: tmp_path / f"{name}.py")
    lines: list[str] = []
    runs, errors = _lessons.executed(["good", "bad"], False, tmp_path / "cache", 2, lines.append)
    assert list(runs) == ["good"] and list(errors) == ["bad"]
    assert "ValueError: the second cell is wrong" in errors["bad"]
    assert [o["text"] for o in _lessons.outputs(runs["good"][0]) if "text" in o] == ["fine\n"]
    assert [line.split(":")[0] for line in lines] == ["walkthrough good"]
    lines.clear()  # the second time, the good lesson comes from the cache: it does not run
    again, _ = _lessons.executed(["good"], False, tmp_path / "cache", 1, lines.append)
    assert lines == [] and _lessons.outputs(again["good"][0]) == _lessons.outputs(
        runs["good"][0])
