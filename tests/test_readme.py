"""The README's code, and that of the book's pages, runs and prints what its comments say.

Every ```python block of README.md is executed, in order, in one namespace (a later block may use
the names of an earlier one); so is every block of each page of ``docs/`` that is written by
hand, each page in a namespace of its own. A statement whose last line ends in ``# -> TEXT`` must print exactly
TEXT (runs of spaces count as one), and so must a statement followed by a line holding only
such a comment (for outputs too long to share a line); the other statements must simply run.
The files a block writes go to a temporary working directory.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: The book's pages written by hand (the API reference and the walkthrough pages are generated).
PAGES = sorted(p for p in (ROOT / "docs").glob("*.md")
               if p.name != "worked_examples.md" and not p.name.startswith("_"))
EXPECT = re.compile(r"#\s*->\s*(.*?)\s*$")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, source) of every ```python block."""
    blocks, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start = i + 1
            j = start
            while lines[j].strip() != "```":
                j += 1
            blocks.append((start + 1, "\n".join(lines[start:j])))
            i = j
        i += 1
    return blocks


def squash(s: str) -> str:
    return re.sub(r"[ \t]+", " ", s.strip())


def run_block(source: str, first_line: int, namespace: dict[str, object],
              name: str = "README.md") -> int:
    """Execute ``source`` statement by statement; returns how many printed claims were checked."""
    lines = source.splitlines()
    checked = 0
    for stmt in ast.parse(source).body:
        end = stmt.end_lineno or stmt.lineno
        code = compile(ast.Module(body=[stmt], type_ignores=[]), f"{name}:{first_line}", "exec")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - the README is this project's own text
        match = EXPECT.search(lines[end - 1])
        if match is None and end < len(lines) and lines[end].strip().startswith("#"):
            match = EXPECT.search(lines[end])  # the claim on the line below
        if match:
            where = f"{name} line {first_line + end - 1}"
            assert squash(out.getvalue()) == squash(match.group(1)), (
                f"{where}: printed {out.getvalue()!r}, the comment says {match.group(1)!r}")
            checked += 1
    return checked


def test_every_readme_block_runs_and_prints_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 3, "the README lost its examples"
    namespace: dict[str, object] = {"__name__": "readme"}
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.chdir(tmp)
        for first_line, source in blocks:
            checked += run_block(source, first_line, namespace)
        assert os.getcwd() == os.path.realpath(tmp)
    assert checked >= 6, f"only {checked} printed claims are checked; the README makes more"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_block_of_the_book_runs_and_prints_what_it_says(
        page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": page.stem}
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.chdir(tmp)
        for first_line, source in blocks:
            run_block(source, first_line, namespace, f"docs/{page.name}")


def test_the_book_has_its_pages_and_their_examples() -> None:
    names = {p.stem for p in PAGES}
    assert {"index", "first_network", "notation", "course", "workflow", "remedies",
            "reliability", "performance", "explain", "pictures"} <= names
    claims = sum(EXPECT.search(line) is not None for p in PAGES
                 for _, source in python_blocks(p.read_text(encoding="utf-8"))
                 for line in source.splitlines())
    assert claims >= 20, f"only {claims} printed claims on the book's pages"


def test_a_wrong_claim_fails() -> None:
    # The checker itself must be able to fail: a comment that disagrees with the output.
    with pytest.raises(AssertionError, match="the comment says"):
        run_block("print(1 + 1)  # -> 3", 1, {})
    assert run_block("print(1 + 1)  # -> 2", 1, {}) == 1
    with pytest.raises(AssertionError, match="the comment says"):
        run_block("print(1 + 1)\n# -> 3", 1, {})  # a claim on the line below is checked too
