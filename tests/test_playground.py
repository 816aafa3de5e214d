"""The playground: its session functions against mlp_fn's own, its server against hostile
requests, and its page in headless Chromium as a person would use it.

The golden values are mlp_fn's public functions called directly (``train``,
``explain.worked_example``, ``load_params``), an independent path from the page and the server
that show them. The browser test measures the frame rate and writes it, and the screenshots, to
``MLP_FN_SCREENSHOTS`` (else its temporary folder); it asserts no speed.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import socket
import struct
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn.playground import _session as play
from mlp_fn.playground._server import MAX_BODY, make_server

XOR = {"dataset": "xor", "hidden": [8, 8], "learning_rate": 0.03, "features": ["x1", "x2"]}


# --- the session --------------------------------------------------------------------------------

@pytest.mark.parametrize("config, message", [
    ({"hidden": [4] * 1000}, "at most 10 hidden layers"),
    ({"hidden": [99]}, "1 to 16 units"),
    ({"learning_rate": float("nan")}, "learning_rate: expected a number"),
    ({"learning_rate": 1e9}, "learning_rate: expected a number from"),
    ({"learning_rate": "fast"}, "learning_rate: expected a number"),
    ({"dataset": "../../etc/passwd"}, "dataset: expected one of"),
    ({"features": []}, "features: expected"),
    ({"features": ["x1", "x1"]}, "features: expected"),
    ({"colour": "red"}, "unknown setting 'colour'"),
    ({"residual": "yes"}, "residual: expected true or false"),
    ({"dataset": "csv"}, "needs a file"),
])
def test_a_bad_configuration_is_refused_with_the_setting_named(config: dict[str, Any],
                                                              message: str) -> None:
    with pytest.raises(ValueError, match=message):
        play.new_session(config)


def test_steps_are_train_and_the_code_reproduces_them() -> None:
    """Ten one-epoch steps equal one train of ten epochs (train continues from its optimizer
    state); the page's Python, run here, ends at the same params bit for bit."""
    s = play.new_session({**XOR, "optimizer": "adam", "regularization": "L2",
                          "regularization_rate": 0.01})
    start = dict(s.params)
    for _ in range(10):
        s = play.step(s, 1)
    want, _ = mf.train(s.X, s.Y, start, s.activations, s.loss, epochs=10, learning_rate=0.03,
                       optimizer="adam", batch_size=10, seed=0, lambd=0.01)
    assert all(np.array_equal(s.params[k], want[k]) for k in want)
    namespace: dict[str, Any] = {}
    exec(play.code(s), namespace)
    assert all(np.array_equal(namespace["params"][k], s.params[k]) for k in want)


def test_xor_is_learned_and_the_view_has_every_picture() -> None:
    s = play.new_session(XOR)
    for _ in range(60):
        s = play.step(s, 1)
    v = play.view(s, points=True)
    assert v["loss_test"] < 0.1 and v["epoch"] == 60
    import base64

    assert len(base64.b64decode(v["output"]["data"])) == v["grid"] ** 2
    assert [len(layer) for layer in v["units"]] == [8, 8]
    assert all(len(base64.b64decode(u["data"])) == v["unit_grid"] ** 2 for u in v["units"][0])
    assert v["layers"] == [2, 8, 8, 1] and len(v["train"]["x"][0]) == 250
    json.dumps(v, allow_nan=False)  # what the server sends


def test_the_arithmetic_is_worked_examples_lines_for_the_unit() -> None:
    s = play.step(play.new_session(XOR), 3)
    got = play.arithmetic(s, 7, 2, 3)["lines"]
    text = mf.explain.worked_example(s.X[:, 7:8], s.Y[:, 7:8], s.params, s.activations,
                                     s.loss, learning_rate=0.03, layer=2, decimals=4)
    want = [line.strip() for line in text.splitlines()
            if line.startswith("  ") and ("[2][3]" in line.split(" = ")[0]
                                          or "[2][3, " in line.split(" = ")[0])]
    assert got == want and len(got) >= 2 + 8 + 1 + 8 + 1  # z, a, dZ, dW x 8, db, updates
    assert got[0].startswith("z[2][3](0) = ")


def test_residual_and_layer_normalised_units_are_worked_out_batch_norm_and_dropout_not() -> None:
    # One example's step is exact for a residual layer and for layer normalisation (its
    # statistics are the example's own): the page showed neither. Batch normalisation's
    # statistics and dropout's masks are not one example's: those say why they are not shown.
    for extra, mark in (({"residual": True}, "a[2][3](0) = tanh(z[2][3](0)) + a[1][3](0) = "),
                        ({"norm": "layer"}, "zn[2][3](0) = (z[2][3](0) - mu[2](0))/sqrt(")):
        s = play.step(play.new_session({**XOR, **extra}), 3)
        got = play.arithmetic(s, 5, 2, 3)  # example 5, alone: written as example 0
        text = mf.explain.worked_example(s.X[:, 5:6], s.Y[:, 5:6], s.params, s.activations,
                                         s.loss, learning_rate=0.03, layer=2, decimals=4)
        want = [line.strip() for line in text.splitlines()
                if line.startswith("  ") and ("[2][3]" in line.split(" = ")[0]
                                              or "[2][3, " in line.split(" = ")[0])]
        assert got["note"] is None and got["lines"] == want
        assert any(line.startswith(mark) for line in got["lines"]), (extra, got["lines"][:3])
    refused: list[dict[str, Any]] = [{"norm": "batch"}, {"keep_prob": 0.8}]
    for extra in refused:
        got = play.arithmetic(play.step(play.new_session({**XOR, **extra}), 1), 5, 2, 3)
        assert got["lines"] == [] and "batch normalisation's statistics" in got["note"]


def test_the_arithmetic_names_the_range_of_an_example_layer_or_unit_out_of_it() -> None:
    s = play.new_session(XOR)  # 2-8-8-1: 250 training points of 500, half for testing
    m = s.X.shape[1]
    for args, want in [((m, 1, 0), f"example: expected a whole number from 0 to {m - 1} "
                                   f"(the training points), got {m}"),
                       ((-1, 1, 0), f"example: expected a whole number from 0 to {m - 1}"),
                       ((0, 4, 0), "l: expected a whole number from 1 to 3 (the layers), got 4"),
                       ((0, 3, 1), "j: expected a whole number from 0 to 0 (layer l's units)"),
                       ((0, 2, 8), "j: expected a whole number from 0 to 7 (layer l's units)")]:
        with pytest.raises(ValueError, match=re.escape(want)):
            play.arithmetic(s, *args)
    assert play.arithmetic(s, m - 1, 2, 7)["lines"]  # the last of each is in range


def test_a_weight_set_by_hand_and_the_params_file() -> None:
    s = play.set_weight(play.new_session(XOR), 2, 1, 3, 0.5)
    assert s.params["W2"][1, 3] == 0.5
    for bad in ({"l": 9, "j": 0, "k": 0, "value": 1.0}, {"l": 1, "j": 0, "k": 5, "value": 1.0},
                {"l": 1, "j": 0, "k": 0, "value": float("inf")}):
        with pytest.raises(ValueError):
            play.set_weight(s, **bad)
    assert play.params_file(s)[:2] == b"PK"  # an .npz archive (its contents: the server test)


def test_csv_files_good_and_bad() -> None:
    good = "x1,x2,label\n" + "\n".join(f"{i % 7},{i % 5},{i % 2}" for i in range(40))
    P, Y = play.parse_csv(good)
    assert P.shape == (2, 40) and Y.shape == (1, 40) and np.abs(P).max() == pytest.approx(5.0)
    s = play.step(play.new_session({"dataset": "csv"}, (P, Y)), 2)
    assert s.epoch == 2
    for text, message in [("1,2\n3,4\n5,6\n7,8", "row 1 is not three numbers"),
                          ("1,2,0\n3,4,0\n5,6,0\n7,8,0", "at least two classes"),
                          ("1,2,0.5\n3,4,1\n5,6,0\n7,8,1", "whole numbers"),
                          ("1,2,0\n", "4 to 2000 rows"), ("1,nan,0\n2,3,1\n4,5,0\n6,7,1", "finite"),
                          ("x" * (play.LIMITS["csv_bytes"] + 1), "larger than")]:
        with pytest.raises(ValueError, match=message):
            play.parse_csv(text)
    # the row at fault, and a bad label not blamed on x1 and x2
    with pytest.raises(ValueError, match=r"^csv: row 3: labels must be whole numbers from 0 to "
                                         r"9, got '5,6,nan'$"):
        play.parse_csv("1,2,0\n3,4,1\n5,6,nan\n7,8,1")
    # labels 1 and 2 are a binary problem, not three classes with class 0 empty; the classes
    # are the distinct labels in order
    P, Y = play.parse_csv("1,2,1\n3,4,2\n5,6,1\n7,8,2")
    assert Y.tolist() == [[0.0, 1.0, 0.0, 1.0]]
    assert play.new_session({"dataset": "csv"}, (P, Y)).loss == "bce"
    assert play.parse_csv("1,2,7\n3,4,0\n5,6,3\n7,8,7")[1].tolist() == [[2.0, 0.0, 1.0, 2.0]]


def test_a_diverging_network_is_shown_as_such_with_finite_params() -> None:
    s = play.new_session({"dataset": "plane", "hidden": [8, 8], "activation": "relu",
                          "learning_rate": 10.0, "features": ["x1", "x2", "x1^2", "x2^2"]})
    for _ in range(20):
        s = play.step(s, 5)
    assert s.diverged and "learning" in s.diverged
    assert all(np.isfinite(a).all() for a in s.params.values())
    json.dumps(play.view(s), allow_nan=False)


# --- the server -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    import threading

    srv = make_server(0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    host, port = srv.server_address[:2]
    yield str(host), int(port)
    srv.shutdown()
    srv.server_close()


def request(server: tuple[str, int], method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*server, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def post(server: tuple[str, int], path: str, value: Any) -> tuple[int, Any]:
    status, body = request(server, "POST", path, json.dumps(value).encode(),
                           {"Content-Type": "application/json"})
    return status, json.loads(body)


def test_the_server_listens_on_loopback_only(server: tuple[str, int]) -> None:
    assert server[0] == "127.0.0.1"


def test_hostile_requests_are_answered_and_the_server_stays_up(
        server: tuple[str, int], capfd: pytest.CaptureFixture[str]) -> None:
    cases: list[tuple[str, str, bytes | None, dict[str, str], int]] = [
        ("POST", "/api/new", b"{not json", {}, 400),
        ("POST", "/api/new", b"[1, 2]", {}, 400),
        ("POST", "/api/new", b"\xff\xfe", {}, 400),
        ("POST", "/api/step", b'{"session": "nope"}', {}, 400),
        ("POST", "/api/nowhere", b"{}", {}, 400),
        ("POST", "/api/new", b'{"config": {"learning_rate": NaN}}', {}, 400),
        ("POST", "/api/new", b'{"config": {"hidden": [' + b"4," * 999 + b'4]}}', {}, 400),
        ("GET", "/static/../session.py", None, {}, 404),
        ("GET", "/static/%2e%2e/session.py", None, {}, 404),
        ("GET", "/../../etc/passwd", None, {}, 404),
        ("GET", "/api/params?session=../../x", None, {}, 400),
    ]
    for method, path, body, headers, status in cases:
        got, text = request(server, method, path, body, headers)
        assert got == status, (path, got, text[:200])
        if got == 400:
            assert json.loads(text)["error"]
    # a body declared huge is refused unread
    conn = http.client.HTTPConnection(*server, timeout=30)
    conn.putrequest("POST", "/api/new")
    conn.putheader("Content-Length", str(MAX_BODY + 1))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    conn.close()
    # a client that resets its connection: the server prints no traceback for it
    reset = socket.create_connection(server)
    reset.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    reset.close()
    time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err
    # and the server still works
    status, data = post(server, "/api/new", {"config": XOR})
    assert status == 200 and data["epoch"] == 0


def test_two_pages_do_not_disturb_each_other(server: tuple[str, int]) -> None:
    _, a = post(server, "/api/new", {"config": XOR})
    _, b = post(server, "/api/new", {"config": XOR})
    for _ in range(3):
        post(server, "/api/step", {"session": a["session"], "epochs": 1})
    _, b_view = post(server, "/api/step", {"session": b["session"], "epochs": 1})
    _, a_view = post(server, "/api/step", {"session": a["session"], "epochs": 1})
    assert (a_view["epoch"], b_view["epoch"]) == (4, 1)
    status, raw = request(server, "GET", f"/api/params?session={a['session']}")
    assert status == 200
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.npz"
        path.write_bytes(raw)
        params, acts, loss = mf.load_params(path)
    assert acts == ["tanh", "tanh", "sigmoid"] and loss == "bce"
    W = np.array(a_view["weights"][0])
    np.testing.assert_allclose(params["W1"], W, atol=1e-6)  # the view rounds to 6 places


# --- the page in a browser ------------------------------------------------------------------------

def _browser() -> tuple[Any, str]:
    if importlib.util.find_spec("playwright") is None:
        if os.environ.get("MLP_FN_REQUIRE_SITE") == "1":
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed: pip install -e '.[docs]'")
    from tests.test_site import chromium

    executable = chromium()
    if executable is None:
        if os.environ.get("MLP_FN_REQUIRE_SITE") == "1":
            pytest.fail("no headless Chromium")
        pytest.skip("no headless Chromium: apt-get install chromium-headless-shell")
    from playwright.sync_api import sync_playwright

    return sync_playwright, executable


def test_the_page_as_a_person_uses_it(server: tuple[str, int], tmp_path: Path) -> None:
    sync_playwright, executable = _browser()
    from tests.test_site import CHROMIUM_ARGS

    shots = Path(os.environ.get("MLP_FN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{server[1]}/"
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # every request is recorded (a route handler would hold each one until this thread
        # next calls into Playwright, and slow the page down to that pace)
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(base) and not r.url.startswith("about:") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "#dataset=%22xor%22&hidden=%5B8%2C8%5D&learning_rate=0.03")
        page.wait_for_selector('[data-testid="unit-2-7"]')

        def tid(name: str) -> str:
            return f'[data-testid="{name}"]'

        # play until the test loss falls below 0.1, counting frames
        page.click(tid("play"))
        start = time.perf_counter()
        deadline = start + 90
        while float(page.inner_text(tid("loss-test"))) >= 0.1 and time.perf_counter() < deadline:
            time.sleep(0.25)
        took = time.perf_counter() - start
        time.sleep(3.0)  # the frame rate settles over whole seconds
        fps = float(page.inner_text(tid("fps")))
        epochs = int(page.inner_text(tid("epoch")))
        page.click(tid("play"))  # pause
        assert float(page.inner_text(tid("loss-test"))) < 0.1, "XOR was not learned in 90 s"
        (shots / "playground_fps.txt").write_text(
            f"2-8-8-1 tanh on 500 XOR points: {fps:.1f} frames a second (one epoch each), "
            f"test loss below 0.1 after {took:.1f} s, {epochs} epochs\n")
        print(f"playground: {fps:.1f} frames/s, XOR learned in {took:.1f} s")
        page.screenshot(path=str(shots / "playground_xor.png"), full_page=True)
        # hover a unit: its arithmetic is worked_example's, for the params the page shows
        page.hover(tid("unit-1-2"))
        page.wait_for_function("(document.querySelector('[data-testid=arithmetic] .line') || "
                               "{dataset: {}}).dataset.line?.startsWith('z[1][2](0)')")
        shown = page.eval_on_selector_all(tid("arithmetic") + " .line",
                                          "rows => rows.map(r => r.dataset.line)")
        html = page.inner_html(tid("arithmetic"))
        assert "<sup>[1]</sup><sub>2</sub>" in html  # set as math: z^[1]_2(0)
        session_id = page.evaluate("session")
        status, raw = request(server, "GET", f"/api/params?session={session_id}")
        path = tmp_path / "page.npz"
        path.write_bytes(raw)
        params, acts, loss = mf.load_params(path)
        s = play.new_session({"dataset": "xor", "hidden": [8, 8], "learning_rate": 0.03})
        text = mf.explain.worked_example(s.X[:, :1], s.Y[:, :1], params, acts, loss,
                                         learning_rate=0.03, layer=1, decimals=4)
        want = [line.strip() for line in text.splitlines() if line.startswith("  ") and
                ("[1][2]" in line.split(" = ")[0] or "[1][2, " in line.split(" = ")[0])]
        assert shown == want
        page.screenshot(path=str(shots / "playground_arithmetic.png"), full_page=True)
        # click a weight: set it by hand
        page.once("dialog", lambda dialog: dialog.accept("0.5"))
        page.dispatch_event(tid("weight-2-1-3"), "click")  # on it, whatever line is above
        page.wait_for_function("document.querySelector('[data-testid=\"weight-2-1-3\"] title')"
                               ".textContent.endsWith('= 0.5')")
        # hover a weight: its value, gradient and update
        page.dispatch_event(tid("weight-2-1-3"), "mouseenter")
        page.wait_for_function("document.querySelector('[data-testid=arithmetic] .line')"
                               "?.dataset.line === 'W[2][1, 3] = 0.5'")
        rows = page.eval_on_selector_all(tid("arithmetic") + " .line",
                                         "rows => rows.map(r => r.dataset.line)")
        assert any(r.startswith("dW[2][1, 3] = ") for r in rows)
        assert any(r.startswith("W[2][1, 3] = W[2][1, 3] - alpha*dW[2][1, 3]") for r in rows)
        # the output is a picture, not an empty canvas
        colours = page.evaluate("""() => {
            const d = document.getElementById('output').getContext('2d')
                .getImageData(0, 0, 300, 300).data;
            const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size; }""")
        assert colours > 20, colours
        # your own CSV, then a malformed one (refused on the page, the last run kept)
        good = tmp_path / "mine.csv"
        good.write_text("x1,x2,label\n" + "\n".join(
            f"{(i % 9) - 4},{(i % 7) - 3},{int((i % 9) > 4)}" for i in range(60)))
        page.set_input_files(tid("csv"), str(good))
        page.wait_for_function("document.querySelector('[data-testid=dataset]').value"
                               " === '\"csv\"' && document.querySelector('[data-testid=epoch]')"
                               ".textContent === '0'")
        assert page.inner_text(tid("message")) == ""
        bad = tmp_path / "bad.csv"
        bad.write_text("1,2\n3,4\n5,6\n7,8\n")
        page.set_input_files(tid("csv"), str(bad))
        page.wait_for_function("document.querySelector('[data-testid=message]').textContent"
                               ".includes('csv: row 1')")
        page.select_option(tid("dataset"), '"xor"')
        page.wait_for_selector(tid("unit-2-7"))
        errors.clear()  # the bad file's answer (status 400) is logged by the browser
        # every control once
        for name, value in [("learning-rate", "0.1"), ("activation", '"relu"'),
                            ("optimizer", '"adam"'), ("regularization", "L1"),
                            ("regularization-rate", "0.001"), ("keep-prob", "0.9"),
                            ("norm", "layer"), ("dataset", '"spiral"')]:
            page.select_option(tid(name), value)
            page.wait_for_function("document.querySelector('[data-testid=epoch]').textContent"
                                   " === '0'")
        for name, value in [("noise", "20"), ("train-ratio", "70"), ("batch-size", "5")]:
            page.fill(tid(name), value)
            page.dispatch_event(tid(name), "change")
        page.select_option(tid("activation-1"), "relu")  # one layer's own activation
        page.wait_for_function("config.activations && config.activations[0] === 'relu'")
        page.click(tid("feature-x1^2"))
        page.click(tid("add-layer"))
        page.click(tid("units-plus-1"))
        page.click(tid("remove-layer"))
        page.click(tid("residual"))
        page.click(tid("regenerate"))
        page.click(tid("show-test"))
        page.click(tid("discretize"))
        page.click(tid("step"))
        page.wait_for_function("document.querySelector('[data-testid=epoch]').textContent"
                               " === '1'")
        page.click(tid("reset"))
        page.wait_for_function("document.querySelector('[data-testid=epoch]').textContent"
                               " === '0'")
        page.select_option(tid("problem"), "regression")
        page.wait_for_function("document.querySelector('[data-testid=dataset]').value"
                               " === '\"plane\"'")
        page.select_option(tid("problem"), "classification")
        page.wait_for_selector(tid("unit-1-0"))
        assert page.inner_text(tid("message")) == "", page.inner_text(tid("message"))
        # reload from the URL: the same configuration
        url = page.url
        chosen = page.evaluate("JSON.stringify(config)")
        page.goto("about:blank")
        page.goto(url)
        page.wait_for_selector(tid("unit-1-0"))
        assert page.evaluate("JSON.stringify(config)") == chosen
        assert not errors, errors
        # a bad learning rate in the URL is answered on the page, not with a broken page
        page.goto("about:blank")  # a new document: a change of the hash alone reloads nothing
        page.goto(base + "#learning_rate=1e9")
        page.wait_for_function("document.querySelector('[data-testid=message]').textContent"
                               ".includes('learning_rate')")
        page.goto("about:blank")
        page.goto(base + "#hidden=" + "%5B" + "4%2C" * 999 + "4%5D")
        page.wait_for_function("document.querySelector('[data-testid=message]').textContent"
                               ".includes('hidden layers')")
        page.screenshot(path=str(shots / "playground_refused.png"), full_page=True)
        # a network that diverges is shown as such, and the page carries on
        page.goto("about:blank")
        page.goto(base + "#dataset=%22plane%22&hidden=%5B8%2C8%5D&activation=%22relu%22"
                  "&learning_rate=10&features=%5B%22x1%22%2C%22x2%22%2C%22x1%5E2%22%5D")
        page.wait_for_selector(tid("unit-1-0"))
        page.click(tid("play"))
        page.wait_for_function("document.querySelector('[data-testid=message]').textContent"
                               ".startsWith('diverged: ')", timeout=60_000)
        assert page.inner_text(tid("play")) == "play"  # stopped by itself
        page.screenshot(path=str(shots / "playground_diverged.png"), full_page=True)
        browser.close()
    assert not outside, outside
    # the refusals above are answers with status 400, which the browser logs as such
    assert all("status of 400" in e for e in errors), errors


def test_a_layer_normalised_unit_is_set_as_math(server: tuple[str, int]) -> None:
    """Its symbols (z-tilde, z-norm, gamma, beta, mu, sigma^2) are set as the plain ones are:
    no symbol of the plain line is left as text."""
    sync_playwright, executable = _browser()
    from tests.test_site import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{server[1]}/#norm=%22layer%22")
        page.wait_for_selector('[data-testid="unit-1-1"]')
        page.hover('[data-testid="unit-1-1"]')
        page.wait_for_function("[...document.querySelectorAll('[data-testid=arithmetic] .line')]"
                               ".some(r => r.dataset.line.startsWith('zn[1][1](0) = '))")
        shown = page.inner_text('[data-testid="arithmetic"]')
        html = page.inner_html('[data-testid="arithmetic"]')
        browser.close()
    assert "<i>μ</i><sup>[1]</sup>(0)" in html and "<i>γ</i><sup>[1]</sup><sub>1</sub>" in html
    assert "z<sub>norm</sub></i><sup>[1]</sup><sub>1</sub>(0)" in html
    left = re.findall(r"\b(?:zt|zn|dZt|gamma|beta|mu|sigma2|sqrt|mean_u)\b", shown)
    assert left == [], left


def test_a_deep_network_never_widens_the_page(server: tuple[str, int]) -> None:
    """Five hidden layers fit the network's section at 1,280 px by drawing the columns
    closer (they made the page 1,416 px wide, its output past the window's edge); ten, the
    most, scroll inside the section; the usual two keep their spacing."""
    sync_playwright, executable = _browser()
    from tests.test_site import CHROMIUM_ARGS

    base = f"http://127.0.0.1:{server[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for layers, scrolls in ((2, False), (5, False), (10, True)):
            page.goto("about:blank")
            page.goto(base + "#hidden=" + "%5B" + "%2C".join(["4"] * layers) + "%5D")
            page.wait_for_selector(f'[data-testid="unit-{layers + 1}-0"]')
            page_width, section, inside = page.evaluate(
                "(() => { const s = document.querySelector('.network'); return ["
                "document.documentElement.scrollWidth, s.clientWidth, s.scrollWidth]; })()")
            assert page_width == 1280, (layers, page_width)
            assert (inside > section) == scrolls, (layers, section, inside)
            x = [page.eval_on_selector(f'[data-testid="unit-{l}-0"]', "e => e.offsetLeft")
                 for l in range(1, layers + 2)]
            gaps = {b - a for a, b in zip(x, x[1:])}
            assert len(gaps) == 1 and (gaps == {110}) == (layers == 2), (layers, gaps)
        browser.close()


def test_an_activation_per_layer_residual_and_regression() -> None:
    s = play.new_session({**XOR, "activations": ["relu", "tanh"], "residual": True})
    assert s.activations == ["relu", "tanh+residual", "sigmoid"]  # 8 -> 8: a residual layer
    r = play.step(play.new_session({"dataset": "multi_gaussian", "hidden": [8]}), 2)
    assert r.loss == "half_mse" and r.activations[-1] == "identity"
    assert play.view(r)["output"]["kind"] == "value"
    c = play.new_session({"dataset": "blobs3", "hidden": [4]})
    assert c.loss == "cce" and c.params["W2"].shape == (3, 4)
    with pytest.raises(ValueError, match="activations: expected one of"):
        play.new_session({**XOR, "activations": ["relu"]})


def test_serve_and_the_command_print_a_loopback_url_and_serve_the_page() -> None:
    import re
    import subprocess
    import sys
    import urllib.request

    import mlp_fn.playground

    url = mlp_fn.playground.serve(open_browser=False)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        page = response.read().decode()
    assert 'data-testid="play"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from elsewhere
    with pytest.raises(ValueError, match="port"):
        mlp_fn.playground.serve(70000, open_browser=False)
    process = subprocess.Popen([sys.executable, "-m", "mlp_fn.playground", "--no-browser"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0) + "static/app.js", timeout=10) as response:
            script = response.read().decode()  # noqa: S310
        assert "fetch(path" in script and "http://" not in script.replace("http://www.w3.org", "")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_a_port_in_use_is_named_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    import mlp_fn.playground
    from mlp_fn.playground.__main__ import main

    taken = make_server(0)  # held, not serving: the port is in use while it lives
    try:
        port = taken.server_address[1]
        with pytest.raises(ValueError, match=rf"^port: {port} cannot be opened on 127\.0\.0\.1 "
                                             rf"\(.+\); pass another, or 0 for any free port$"):
            mlp_fn.playground.serve(port, open_browser=False)
        with pytest.raises(SystemExit) as exit_:
            main(["--port", str(port), "--no-browser"])
        assert exit_.value.code == 2
        assert f"error: --port: {port} cannot be opened" in capsys.readouterr().err
    finally:
        taken.server_close()
