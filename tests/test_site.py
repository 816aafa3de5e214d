"""The book as a reader meets it: the built site opened page by page in headless Chromium.

Every page must load with no script error, no failed request and no request leaving the site,
every image decoded, MathJax's typesetting without an error marker and without a delimiter left
in the text, and a body with something to read. Screenshots of the index, one walkthrough and the
API reference are written for a person to look at (``MLP_FN_SCREENSHOTS``, else the test's
temporary folder).

The site is the one in ``MLP_FN_SITE`` when set (``.ci/run`` builds it in full first); otherwise
the test builds it with the walkthroughs at their quick sizes. Without Sphinx, Playwright or a
Chromium the test is skipped, unless ``MLP_FN_REQUIRE_SITE=1``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = os.environ.get("MLP_FN_REQUIRE_SITE") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-default-apps", "--no-first-run"]


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"MLP_FN_REQUIRE_SITE=1, but {reason}")
    pytest.skip(reason)


def chromium() -> str | None:
    """A headless Chromium: ``MLP_FN_CHROMIUM``, or Debian's chromium-headless-shell."""
    for candidate in (os.environ.get("MLP_FN_CHROMIUM"), shutil.which("chromium-headless-shell"),
                      "/usr/lib/chromium/chromium-headless-shell", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("MLP_FN_SITE"):
        built = Path(os.environ["MLP_FN_SITE"]).resolve()
        if not (built / "index.html").exists():
            pytest.fail(f"MLP_FN_SITE={built}: no index.html there")
        return built
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        if importlib.util.find_spec(module) is None:
            _missing(f"{module} is not installed: pip install -e '.[docs]'")
    # The build writes its generated pages beside the sources: a copy of them, not the checkout.
    work = tmp_path_factory.mktemp("book")
    shutil.copytree(ROOT / "docs", work / "docs",
                    ignore=shutil.ignore_patterns("walkthroughs", "worked_examples.md"))
    out = work / "site"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs",
                          str(out), "-D", "walkthroughs_quick=1"], cwd=work,
                         env={**os.environ, "MLP_FN_CHECKOUT": str(ROOT),
                              "MLP_FN_CACHE": str(work / "cache")},
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def browser() -> Any:
    if importlib.util.find_spec("playwright") is None:
        _missing("playwright is not installed: pip install -e '.[docs]'")
    executable = chromium()
    if executable is None:
        _missing("no headless Chromium: apt-get install chromium-headless-shell")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_nothing_is_fetched_from_elsewhere(site: Path) -> None:
    # Links to elsewhere are fine; what a page loads (script, style, font, image) is not.
    loads = re.compile(r"""<(?:script|img|source|iframe)\b[^>]*\bsrc=["']?(?:https?:)?//"""
                       r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|url\(["']?(?:https?:)?//""",
                       re.IGNORECASE)
    offenders = [str(p.relative_to(site)) for p in site.rglob("*")
                 if p.suffix in (".html", ".css", ".js") and
                 loads.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_the_site_has_every_page(site: Path) -> None:
    from walkthroughs import WALKTHROUGHS

    names = {str(p.relative_to(site)) for p in pages(site)}
    story = {"index", "first_network", "notation", "course", "workflow", "remedies",
             "reliability", "performance", "api/index", "worked_examples"}
    assert {f"{n}.html" for n in story} <= names
    sources = Path(__file__).resolve().parent.parent / "docs" / "api"
    assert {f"api/{page.stem}.html" for page in sources.glob("*.md")} <= names  # every module's
    for api_page in (site / "api").glob("*.html"):  # a constant's sentence whole: napoleon
        # reads a data docstring's first line as "type: description" unless told otherwise
        text = api_page.read_text(encoding="utf-8")
        assert '>Type<span class="colon">' not in text, api_page.name
        # a constant shows its value where the value says what it is (0.9, '+residual'); a
        # registry's would fill the page (its #: comment ends ":meta hide-value:")
        for name, head in re.findall(r'<dl class="py data">\s*<dt class="sig sig-object py" '
                                     r'id="([\w.]+)">(.*?)</dt>', text, re.S):
            value = re.sub(r"<[^>]+>", "", head).partition("=")[2]
            assert len(value) < 80, f"{name} = {value[:80]}..."
    for name, _ in WALKTHROUGHS:
        assert f"walkthroughs/{name}.html" in names
        page = (site / "walkthroughs" / f"{name}.html").read_text(encoding="utf-8")
        for kind in ("py", "ipynb"):  # the downloads the page offers exist, as downloads
            links = re.findall(rf'<a [^>]*download=""[^>]*href="([^"]*{name}\.{kind})"', page)
            assert links, f"{name}: no .{kind} to download"
            assert (site / "walkthroughs" / links[0]).resolve().exists()
        assert "Reproduction verdicts" in page


#: Run in each page once MathJax is done: what a reader would see wrong.
INSPECT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('pre, code, mjx-container, script, style, .highlight')
                     ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const leftovers = [], plain = [];
  while (walker.nextNode()) {
    const t = walker.currentNode.textContent;
    if (/\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\]|\\$/.test(t)) leftovers.push(t.trim().slice(0, 80));
    // a symbol of layer l left in the course's plain notation (Z[l], W{l}; not X.shape[1],
    // which is code): not set as math
    const m = t.match(/(?<![.\\w])(?:d?[A-Za-z]{1,6}\\d?)(?:\\[(?:l|L|l-1|l\\+1|\\d)\\]|\\{l\\})/);
    if (m) plain.push(m[0] + ': ' + t.trim().slice(0, 60));
  }
  const images = [...document.images];
  // Whatever runs past the text column must sit in a box that scrolls (or is clipped) itself.
  const body = document.querySelector('article.bd-article') || document.body;
  const column = body.getBoundingClientRect();
  const contained = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const overflowing = [...body.querySelectorAll('mjx-container, pre, table, img')]
    .filter(el => el.getBoundingClientRect().right > column.right + 2 && !contained(el))
    .map(el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 60));
  // A table must show every column: none may sit past the edge of a box that scrolls.
  const hiding = [...body.querySelectorAll('table')].filter(el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX) &&
          up.scrollWidth > up.clientWidth + 2) return true;
    }
    return false;
  }).map(el => 'table: ' + el.textContent.trim().slice(0, 60));
  // A line of worked arithmetic ends with its value: the math that ends a line (before a
  // line break, or last in its paragraph) must be in view, not past the column's edge.
  const endsLine = el => {
    const host = el.parentElement.matches('span.math') ? el.parentElement : el;
    let next = host.nextSibling;
    while (next && next.nodeType === 3 && !next.textContent.trim()) next = next.nextSibling;
    return !next || next.nodeName === 'BR';
  };
  const cut = [...body.querySelectorAll('p mjx-container')]
    .filter(el => endsLine(el) && el.getBoundingClientRect().right > column.right + 2)
    .map(el => 'line ending: ' + el.textContent.trim().slice(0, 60));
  // A line of code (up to the project's 100 characters) shows whole, its "# -> result" too;
  // a lesson's printed output may scroll.
  const wide = [...body.querySelectorAll('div.highlight pre')]
    .filter(el => !el.closest('.cell_output, .output') && el.scrollWidth > el.clientWidth + 2)
    .map(el => 'code line: ' + el.innerText.split('\\n').reduce(
      (a, line) => line.length > a.length ? line : a, '').slice(0, 80));
  return {
    overflowing: overflowing,
    hiding: hiding,
    cut: cut,
    wide: wide,
    errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')
                                                             || e.textContent),
    leftovers: leftovers,
    plain: plain,
    math: document.querySelectorAll('mjx-container').length,
    broken: images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    images: images.length,
    text: body.innerText.trim().length,
  };
}"""


def visit(browser: Any, page: Path, screenshot: Path | None = None) -> dict[str, Any]:
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    tab.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    tab.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
           else problems.append(f"request leaving the site: {r.url}"))
    tab.goto(page.as_uri(), wait_until="load")
    tab.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
    tab.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
    seen: dict[str, Any] = tab.evaluate(INSPECT)
    if screenshot is not None:
        tab.screenshot(path=str(screenshot))
    tab.close()
    seen["problems"] = problems
    return seen


def test_every_page_reads_as_it_should(site: Path, browser: Any) -> None:
    shots = Path(os.environ.get("MLP_FN_SCREENSHOTS") or site / "_screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    wanted = {"index.html": "index.png", "walkthroughs/planar_classifier.html":
              "walkthrough.png", "api/mlp_fn.layers.html": "api.png"}
    report: list[str] = []
    seen_pages: dict[str, dict[str, Any]] = {}
    for page in pages(site):
        name = str(page.relative_to(site))
        if name.startswith("_"):
            continue
        seen = visit(browser, page, shots / wanted[name] if name in wanted else None)
        seen_pages[name] = seen
        for kind in ("problems", "errors", "leftovers", "broken", "overflowing", "hiding",
                     "cut", "wide"):
            report += [f"{name}: {kind}: {item}" for item in seen[kind]]
        if name.startswith("api/"):  # every equation of the API reference is set as math
            report += [f"{name}: a plain formula: {item}" for item in seen["plain"]]
        if name not in ("search.html", "genindex.html") and seen["text"] < 200:
            report.append(f"{name}: an empty page ({seen['text']} characters)")
    assert report == []
    # What the pages must hold: the equations set, the walkthroughs' figures shown.
    assert sum(seen["math"] for name, seen in seen_pages.items() if name.startswith("api/")) > 200
    assert seen_pages["worked_examples.html"]["math"] > 50
    assert seen_pages["walkthroughs/planar_classifier.html"]["images"] >= 5
    for png in wanted.values():
        assert (shots / png).stat().st_size > 20_000, f"{png}: a blank screenshot?"


def test_the_checks_can_fail(tmp_path: Path, browser: Any) -> None:
    # A page with a math error, a missing image and a failing script must be caught.
    mathjax = Path(os.environ.get("MLP_FN_SITE") or "").resolve() / "_static" / "mathjax"
    if not (mathjax / "tex-chtml.js").exists():  # the copy sphinx-mathjax-offline serves
        spec = importlib.util.find_spec("sphinx-mathjax-offline")
        assert spec is not None and spec.submodule_search_locations
        mathjax = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><head><script>window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']]}};"
        f"</script><script src='{(mathjax / 'tex-chtml.js').as_uri()}'></script></head>"
        "<body><article class='bd-article'><p>\\(x^{[l]}^{T}\\) and a stray $ sign; Z[l] as text</p>"
        "<p style='overflow-x: auto; width: 300px'>\\(z = " + "1 + " * 60 + "1 = 61\\)<br>"
        "\\(a = 1\\)</p>"
        "<div style='overflow-x: auto; width: 200px'><table><tr>"
        + "<td>a_column_too_wide_to_fit</td>" * 10 + "</tr></table></div>"
        "<div class='highlight'><pre style='overflow-x: auto; width: 200px'>print(1 + 1)"
        "                                  # -> 2</pre></div>"
        "<img src='missing.png'><script>undefinedFunction()</script></article></body></html>",
        encoding="utf-8")
    seen = visit(browser, bad)
    assert seen["hiding"], "a table wider than its scrolling box hides columns"
    assert seen["cut"], "a line of arithmetic wider than its box hides its value"
    assert seen["wide"], "a line of code wider than its box hides its end"
    assert any(p.startswith("Z[l]") for p in seen["plain"]), "Z[l] left as text"
    assert seen["errors"], "a double exponent is a math error"
    assert any("$" in t for t in seen["leftovers"])
    assert seen["broken"] and any("missing.png" in p for p in seen["problems"])
    assert any(p.startswith("script error") for p in seen["problems"])


def test_search_shows_a_line_of_context(site: Path, browser: Any) -> None:
    # Served over HTTP (from disk a browser refuses the page's fetch of each result's text, so
    # results are titles only), a search lists pages with a line of their text.
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html?q=dropout")
        tab.wait_for_function("() => document.querySelectorAll('#search-results li p').length > 2",
                              timeout=20_000)
        results = tab.evaluate("() => [...document.querySelectorAll('#search-results li')]"
                               ".map(li => li.innerText)")
        tab.close()
    finally:
        server.shutdown()
        server.server_close()
    with_context = [r for r in results if len(r.split("\n", 1)[-1].strip()) > 40]
    assert len(with_context) >= 3, results[:5]


def test_the_html_report_fits_the_window(tmp_path: Path, browser: Any) -> None:
    # The reproduction report (python -m walkthroughs) with long figures and a wide picture:
    # it wraps in a 1,280 px window, nothing scrolls sideways.
    from walkthroughs._html import write_html
    from walkthroughs._report import Record

    long = "z = [[" + " ".join(f"{k}.123456" for k in range(120)) + "]]"
    records: list[Record] = [{"walkthrough": "a_rather_long_walkthrough_name", "figure": "z1",
                              "documented": long, "reproduced": long.replace("1.", "2."),
                              "verdict": "differs", "reason": "because " * 60}]
    # a 3,000 x 1 grey PNG, written here byte by byte: an image wider than the window
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = tmp_path / "wide.png"
    header = struct.pack(">IIBBBBB", 3000, 1, 8, 0, 0, 0, 0)  # width, height, 8-bit grey
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                    + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x80" * 3000)) + chunk(b"IEND", b""))
    checks = [{"name": "a check named at length " * 20, "ok": False, "detail": ""}]
    write_html(tmp_path / "report.html",
               [("a_rather_long_walkthrough_name", "its title " * 30,
                 {"records": records, "checks": checks,
                  "worked": [("worked", "x = " + "1 + " * 300 + "1", "")]}, [png])])
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto((tmp_path / "report.html").as_uri(), wait_until="load")
    widths = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    tab.close()
    assert widths[0] <= widths[1], widths
