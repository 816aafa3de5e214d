// The playground's page: controls, drawing, and requests to the server that serves it (and to
// nothing else). Every number drawn comes from mlp_fn on the server.
"use strict";

const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)"];
const ACTIVATIONS = ["tanh", "relu", "sigmoid", "identity", "leaky_relu", "gelu"];
const CLASSIFICATION = ["circle", "xor", "gaussians", "spiral", "moons", "flower", "blobs3"];
const REGRESSION = ["plane", "multi_gaussian"];
const RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DEFAULTS = {dataset: "circle", noise: 0, train_ratio: 50, batch_size: 10,
                  features: ["x1", "x2"], hidden: [4, 2], activation: "tanh",
                  learning_rate: 0.03, regularization: "none", regularization_rate: 0,
                  optimizer: "gd", keep_prob: 1, norm: "none", residual: false, seed: 0,
                  activations: null};  // activations: one per hidden layer, from the URL
const NODE = 40, COL = 110, NARROW = 74, ROW = 52;

let config = readHash();
let session = null, view = null, points = null, csvText = null;
let playing = false, busy = false, frames = 0, since = performance.now();
let hovered = null;  // {l, j} of the unit whose arithmetic is shown

const $ = (id) => document.getElementById(id);

function readHash() {
  const out = JSON.parse(JSON.stringify(DEFAULTS));
  const params = new URLSearchParams(location.hash.slice(1));
  for (const [key, value] of params) {
    if (!(key in DEFAULTS)) continue;
    try { out[key] = JSON.parse(value); } catch (e) { out[key] = value; }
  }
  return out;
}

function writeHash() {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS)) params.set(key, JSON.stringify(config[key]));
  history.replaceState(null, "", "#" + params.toString());
}

async function api(path, body) {
  const response = await fetch(path, {method: "POST", body: JSON.stringify(body),
                                      headers: {"Content-Type": "application/json"}});
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function say(text) { $("message").textContent = text || ""; }

function fill(select, values, chosen, label) {
  select.innerHTML = "";
  for (const v of values) {
    const option = document.createElement("option");
    option.value = JSON.stringify(v);
    option.textContent = label ? label(v) : String(v);
    select.appendChild(option);
  }
  select.value = JSON.stringify(chosen);
  if (select.value === "") {  // a value from the URL that the list lacks: shown, then checked
    const option = document.createElement("option");
    option.value = JSON.stringify(chosen);
    option.textContent = String(chosen);
    select.appendChild(option);
    select.value = option.value;
  }
}

function showControls() {
  const regression = REGRESSION.includes(config.dataset);
  $("problem").value = regression ? "regression" : "classification";
  const sets = regression ? REGRESSION : CLASSIFICATION.concat(csvText ? ["csv"] : []);
  fill($("dataset"), sets.includes(config.dataset) ? sets : sets.concat([config.dataset]),
       config.dataset);
  fill($("learning_rate"), RATES, config.learning_rate);
  fill($("activation"), ACTIVATIONS, config.activation);
  fill($("optimizer"), ["gd", "momentum", "nesterov", "rmsprop", "adam", "adamw"],
       config.optimizer);
  fill($("regularization_rate"), REG_RATES, config.regularization_rate);
  $("regularization").value = config.regularization;
  for (const key of ["train_ratio", "noise", "batch_size"]) {
    $(key).value = config[key];
    $(key + "_text").textContent = config[key];
  }
  $("keep_prob").value = String(config.keep_prob);
  $("norm").value = config.norm;
  $("residual").checked = !!config.residual;
  $("layer_count").textContent = Array.isArray(config.hidden) ? config.hidden.length : "?";
}

async function reset() {
  stop();
  say("");
  writeHash();
  showControls();
  try {
    const body = {config: config};
    if (config.dataset === "csv") body.csv = csvText;
    const data = await api("/api/new", body);
    session = data.session;
    points = {train: data.train, test: data.test};
    $("example").max = data.train.x[0].length - 1;  // the training points, counted from 0
    $("download").href = "/api/params?session=" + session;
    render(data, true);
    showCode();
  } catch (err) {
    session = null;
    say(err.message);
  }
}

async function showCode() {
  if (!session) return;
  try { $("code").textContent = (await api("/api/code", {session: session})).code; }
  catch (err) { say(err.message); }
}

async function stepOnce() {
  if (!session || busy) return;
  busy = true;
  try {
    render(await api("/api/step", {session: session, epochs: 1}), false);
    frames += 1;
  } catch (err) {
    say(err.message);
    stop();
  } finally {
    busy = false;
  }
}

function stop() {
  playing = false;
  $("play").textContent = "play";
}

async function loop() {
  // The next epoch is asked for before this one is drawn, so the server trains while the page
  // draws (one request in flight at a time: the server keeps one network per page).
  const mine = session;  // a reset meanwhile makes a new session: this loop's views are stale
  const ask = () => api("/api/step", {session: mine, epochs: 1});
  let next = ask();
  busy = true;
  try {
    while (playing && session === mine) {
      const data = await next;
      next = playing && session === mine ? ask() : null;
      if (session !== mine) break;
      render(data, false);
      frames += 1;
      await new Promise((r) => setTimeout(r, 0));  // the controls stay live between frames
    }
    if (next) {
      const last = await next;
      if (session === mine) render(last, false);
    }
  } catch (err) {
    if (session === mine) { say(err.message); stop(); }
  } finally {
    busy = false;
  }
  showCode();
}

function colour(byte) {  // 0..255, 128 for 0: orange for negative, blue for positive
  const t = (byte - 127.5) / 127.5;
  const white = [255, 255, 255], neg = [245, 147, 34], pos = [8, 119, 189];
  const to = t < 0 ? neg : pos, a = Math.abs(t);
  return white.map((w, i) => Math.round(w + (to[i] - w) * a));
}

function drawGrid(canvas, b64, n, discretize, classes) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const small = document.createElement("canvas");
  small.width = n; small.height = n;
  const ctx = small.getContext("2d");
  const image = ctx.createImageData(n, n);
  const palette = [[245, 147, 34], [8, 119, 189], [90, 170, 90], [200, 80, 160], [120, 120, 120]];
  for (let i = 0; i < n * n; i++) {
    let rgb;
    if (classes) rgb = palette[bytes[i] % palette.length].map((c) => Math.round(c * 0.55 + 255 * 0.45));
    else rgb = colour(discretize ? (bytes[i] >= 128 ? 255 : 0) : bytes[i]);
    image.data.set([...rgb, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  const out = canvas.getContext("2d");
  out.imageSmoothingEnabled = !discretize;
  out.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function drawPoints(canvas, set, extent, isTest) {
  if (!set) return;
  const ctx = canvas.getContext("2d");
  const s = canvas.width / (2 * extent);
  const regression = REGRESSION.includes(config.dataset);
  const palette = ["#f59322", "#0877bd", "#3c9c3c", "#c850a0"];
  for (let i = 0; i < set.x[0].length; i++) {
    const x = (set.x[0][i] + extent) * s, y = (extent - set.x[1][i]) * s;
    const v = set.y[0][i];
    ctx.beginPath();
    ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fillStyle = regression ? `rgb(${colour(Math.max(0, Math.min(255, (v + 1) * 127.5))).join(",")})`
                               : palette[Math.round(v) % palette.length];
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = isTest ? "#000" : "#fff";
    ctx.stroke();
  }
}

function drawCurve(history) {
  const canvas = $("curve"), ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!history.length) return;
  const top = Math.max(...history.map((h) => Math.max(h[1], h[2]))) || 1;
  for (const [index, style] of [[2, "#333"], [1, "#999"]]) {
    ctx.beginPath();
    history.forEach((h, i) => {
      const x = (i / Math.max(1, history.length - 1)) * canvas.width;
      const y = canvas.height - (h[index] / top) * (canvas.height - 4) - 2;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = style;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

// The columns' spacing: COL where the section has room, closer for a deep network (down to
// NARROW, each layer's controls then on two lines), so that the page never grows sideways; a
// deeper one scrolls inside its section.
let spacing = {col: COL, top: 30};

function fitColumns(count) {
  const room = $("diagram").parentElement.clientWidth - 70 - NODE - 8;
  const col = Math.max(NARROW, Math.min(COL, Math.floor(room / Math.max(1, count - 1))));
  return {col: col, top: col < COL ? 50 : 30};
}

function layout() {  // positions of every node, column by column
  const cols = [FEATURES.map((f) => ({feature: f}))];
  const hidden = view ? view.layers.slice(1, -1) : config.hidden;
  hidden.forEach((n, i) => cols.push(Array.from({length: n}, (_, j) => ({l: i + 1, j: j}))));
  const outputs = view ? view.layers[view.layers.length - 1] : 1;
  cols.push(Array.from({length: outputs}, (_, j) => ({l: hidden.length + 1, j: j, out: true})));
  spacing = fitColumns(cols.length);
  return cols.map((col, c) => col.map((node, r) => ({...node, x: 70 + c * spacing.col,
                                                     y: spacing.top + r * ROW})));
}

function buildDiagram() {
  const diagram = $("diagram");
  for (const el of [...diagram.querySelectorAll(".node, .feature-label, .layer-controls")]) el.remove();
  const cols = layout();
  cols.forEach((col, c) => {
    if (c > 0 && c < cols.length - 1) {  // units of a hidden layer: + and -
      const box = document.createElement("div");
      box.className = "layer-controls" + (spacing.col < COL ? " narrow" : "");
      box.style.left = (70 + c * spacing.col - 4) + "px";
      if (spacing.col < COL) box.style.width = (spacing.col - 8) + "px";
      box.style.top = "4px";
      const l = c;
      box.innerHTML = `<button data-testid="units-plus-${l}">+</button>` +
                      `<button data-testid="units-minus-${l}">&minus;</button>` +
                      `<select data-testid="activation-${l}" title="layer ${l}'s activation">` +
                      ACTIVATIONS.map((a) => `<option>${a}</option>`).join("") + `</select>`;
      box.children[0].onclick = () => changeUnits(l - 1, +1);
      box.children[1].onclick = () => changeUnits(l - 1, -1);
      box.children[2].value = (config.activations || [])[l - 1] || config.activation;
      box.children[2].onchange = (e) => {  // this layer's own activation
        const all = config.activations || config.hidden.map(() => config.activation);
        all[l - 1] = e.target.value;
        config.activations = all;
        reset();
      };
      diagram.appendChild(box);
    }
    for (const node of col) {
      const div = document.createElement("div");
      div.className = "node";
      div.style.left = node.x + "px";
      div.style.top = node.y + "px";
      div.tabIndex = 0;
      const canvas = document.createElement("canvas");
      canvas.width = 20; canvas.height = 20;
      div.appendChild(canvas);
      if (node.feature) {
        div.dataset.testid = "feature-" + node.feature;
        div.setAttribute("data-testid", "feature-" + node.feature);
        if (!config.features.includes(node.feature)) div.classList.add("off");
        div.title = node.feature + " (click to switch it on or off)";
        div.onclick = () => toggleFeature(node.feature);
        const label = document.createElement("div");
        label.className = "feature-label";
        label.textContent = node.feature;
        label.style.left = (node.x - 66) + "px";
        label.style.top = (node.y + 12) + "px";
        diagram.appendChild(label);
      } else {
        div.setAttribute("data-testid", `unit-${node.l}-${node.j}`);
        div.title = `unit ${node.j} of layer ${node.l}`;
        div.onmouseenter = div.onfocus = () => showUnit(node.l, node.j);
      }
      node.el = div;
      diagram.appendChild(div);
    }
  });
  diagram.style.height = (spacing.top + Math.max(...cols.map((c) => c.length)) * ROW + 10) +
                         "px";
  diagram.style.width = (70 + (cols.length - 1) * spacing.col + NODE + 8) + "px";
  return cols;
}

let columns = null;

function drawLinks(rebuild) {
  const svg = $("links");
  if (!view) return;
  const biggestNow = Math.max(1e-9, ...view.weights.flat(2).map(Math.abs));
  if (!rebuild && svg.childNodes.length) {  // the same links: their widths, colours, titles
    for (const line of svg.childNodes) {
      const [l, j, k] = line.getAttribute("data-testid").slice(7).split("-").map(Number);
      const w = view.weights[l - 1][j][k];
      line.setAttribute("stroke", w < 0 ? "#f59322" : "#0877bd");
      line.setAttribute("stroke-width", String(0.5 + 5 * Math.abs(w) / biggestNow));
      line.firstChild.textContent = `W[${l}][${j}, ${k}] = ${w}`;
      line.onmouseenter = () => showWeight(l, j, k, w);
      line.onclick = () => editWeight(l, j, k, w);
    }
    return;
  }
  svg.innerHTML = "";
  const active = FEATURES.map((f, i) => ({f, i})).filter((p) => view.features.includes(p.f));
  const biggest = Math.max(1e-9, ...view.weights.flat(2).map(Math.abs));
  view.weights.forEach((W, li) => {
    const l = li + 1;
    const from = l === 1 ? active.map((p) => columns[0][p.i]) : columns[l - 1];
    const to = columns[l];
    W.forEach((row, j) => row.forEach((w, k) => {
      const a = from[k], b = to[j];
      if (!a || !b) return;
      const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("x1", a.x + NODE); line.setAttribute("y1", a.y + NODE / 2);
      line.setAttribute("x2", b.x); line.setAttribute("y2", b.y + NODE / 2);
      line.setAttribute("stroke", w < 0 ? "#f59322" : "#0877bd");
      line.setAttribute("stroke-width", String(0.5 + 5 * Math.abs(w) / biggest));
      line.setAttribute("class", "link");
      line.setAttribute("data-testid", `weight-${l}-${j}-${k}`);
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `W[${l}][${j}, ${k}] = ${w}`;
      line.appendChild(title);
      line.onmouseenter = () => showWeight(l, j, k, w);
      line.onclick = () => editWeight(l, j, k, w);
      svg.appendChild(line);
    }));
  });
}

function render(data, fresh) {
  const rebuild = fresh || !view || JSON.stringify(view.layers) !== JSON.stringify(data.layers) ||
                  JSON.stringify(view.features) !== JSON.stringify(data.features);
  view = data;
  $("epoch").textContent = data.epoch;
  const number = (x) => (Math.abs(x) < 1000 ? x.toFixed(3) : x.toExponential(2));
  $("loss_train").textContent = number(data.loss_train);
  $("loss_test").textContent = number(data.loss_test);
  if (data.diverged) { say("diverged: " + data.diverged); stop(); }
  if (rebuild) columns = buildDiagram();
  const out = $("output");
  drawGrid(out, data.output.data, data.grid, $("discretize").checked,
           data.output.kind === "classes");
  drawPoints(out, points && points.train, data.extent, false);
  if ($("show_test").checked) drawPoints(out, points && points.test, data.extent, true);
  drawCurve(data.history);
  data.units.forEach((layer, li) => layer.forEach((unit, j) => {
    const node = columns[li + 1][j];
    if (node) drawGrid(node.el.firstChild, unit.data, data.unit_grid, false, false);
  }));
  const last = columns[columns.length - 1];
  last.forEach((node) => drawGrid(node.el.firstChild, data.output.data, data.grid, false,
                                  data.output.kind === "classes"));
  if (rebuild) columns[0].forEach((node) => featureMap(node));
  drawLinks(rebuild);
  if (hovered) showUnit(hovered.l, hovered.j, true);
}

function featureMap(node) {
  const canvas = node.el.firstChild, ctx = canvas.getContext("2d");
  const n = canvas.width, image = ctx.createImageData(n, n);
  const f = {"x1": (a, b) => a / 6, "x2": (a, b) => b / 6, "x1^2": (a, b) => a * a / 36,
             "x2^2": (a, b) => b * b / 36, "x1x2": (a, b) => a * b / 36,
             "sin(x1)": (a, b) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b)}[node.feature];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const a = -6 + 12 * c / (n - 1), b = 6 - 12 * r / (n - 1);
    image.data.set([...colour((f(a, b) + 1) * 127.5), 255], 4 * (r * n + c));
  }
  ctx.putImageData(image, 0, 0);
}

async function showUnit(l, j, quiet) {
  hovered = {l, j};
  $("arith_where").textContent = `unit ${j} of layer ${l}, example ${$("example").value}`;
  const unit = view && view.units[l - 1] && view.units[l - 1][j];
  $("big").hidden = !unit;
  if (unit) drawGrid($("big_map"), unit.data, view.unit_grid, false, false);
  if (!session) return;
  try {
    const data = await api("/api/arithmetic", {session: session, l: l, j: j,
                                               example: Number($("example").value) || 0});
    showLines(data.note ? [] : data.lines, data.note);
  } catch (err) {
    if (!quiet) showLines([], err.message);
  }
}

async function showWeight(l, j, k, w) {
  $("arith_where").textContent = `W[${l}][${j}, ${k}]`;
  try {
    const data = await api("/api/arithmetic", {session: session, l: l, j: j,
                                               example: Number($("example").value) || 0});
    const mine = data.lines.filter((line) => line.includes(`W[${l}][${j}, ${k}]`) ||
                                             line.includes(`dW[${l}][${j}, ${k}]`));
    showLines([`W[${l}][${j}, ${k}] = ${w}`, ...mine], data.note);
  } catch (err) { showLines([], err.message); }
}

// The arithmetic set as math: each symbol of the course's notation, x[l][j](i), written
// x^[l]_j(i) with the layer as a superscript and the unit as a subscript, in italics; the plain
// line (worked_example's own) is kept on each row as data-line.
function mathHtml(line) {
  const escape = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  // (a normalised layer's symbols too: z-tilde as zt, z-norm as zn, gamma, beta, mu, sigma^2)
  const greek = {gamma: "&gamma;", dgamma: "d&gamma;", beta: "&beta;", dbeta: "d&beta;",
                 mu: "&mu;", sigma2: "&sigma;<sup>2</sup>", zt: "z&#771;", dZt: "dZ&#771;",
                 zn: "z<sub>norm</sub>"};
  const symbol = (s) => greek[s] ? `<i>${greek[s]}</i>` : `<i>${s}</i>`;
  return escape(line)
    .replace(/\b(dZt|dZ|dA|dW|dgamma|dbeta|db|W|b|zt|zn|z|a|y|gamma|beta)\[(\d+)\]\[(\d+)(?:, (\d+))?\]/g,
             (m, s, l, j, k) => `${symbol(s)}<sup>[${l}]</sup><sub>${j}${k !== undefined ? "," + k : ""}</sub>`)
    .replace(/\b(mu|sigma2)\[(\d+)\]/g, (m, s, l) => `${symbol(s)}<sup>[${l}]</sup>`)
    .replace(/(?<![&\w])(gamma|dZt|zn|sigma2)\b(?!;)/g, (m, s) => symbol(s))  // unindexed
    .replace(/\bmean_u\b/g, "mean<sub>u</sub>").replace(/\bsqrt\b/g, "&radic;")
    .replace(/\balpha\b/g, "&alpha;").replace(/\bsum_i\b/g, "&Sigma;<sub>i</sub>")
    .replace(/\*/g, "&middot;").replace(/'/g, "&prime;")
    .replace(/\(1\/m\)/g, "(1/<i>m</i>)");
}

function showLines(lines, note) {
  const box = $("arithmetic");
  box.innerHTML = "";
  if (note) box.textContent = note;
  for (const line of lines) {
    const row = document.createElement("div");
    row.className = "line";
    row.dataset.line = line;
    row.innerHTML = mathHtml(line);
    box.appendChild(row);
  }
}

async function editWeight(l, j, k, w) {
  const text = window.prompt(`W[${l}][${j}, ${k}] (now ${w}):`, String(w));
  if (text === null) return;
  try { render(await api("/api/weight", {session: session, l: l, j: j, k: k,
                                         value: Number(text)}), false); }
  catch (err) { say(err.message); }
}

function toggleFeature(name) {
  const on = config.features.includes(name);
  if (on && config.features.length === 1) { say("features: keep at least one"); return; }
  config.features = on ? config.features.filter((f) => f !== name)
                       : FEATURES.filter((f) => f === name || config.features.includes(f));
  reset();
}

function changeUnits(i, by) {  // (a per-layer activation list keeps its length)
  const n = config.hidden[i] + by;
  if (n < 1 || n > 16) { say("units: 1 to 16 a layer"); return; }
  config.hidden[i] = n;
  reset();
}

function wire() {
  $("play").onclick = () => {
    if (playing) { stop(); return; }
    if (!session) return;
    playing = true;
    $("play").textContent = "pause";
    loop();
  };
  $("step").onclick = async () => { stop(); await stepOnce(); showCode(); };
  $("reset").onclick = () => reset();
  $("regenerate").onclick = () => { config.seed = (config.seed + 1) % 1000000; reset(); };
  const set = (key, parse) => (event) => { config[key] = parse(event.target.value); reset(); };
  $("dataset").onchange = set("dataset", JSON.parse);
  $("learning_rate").onchange = set("learning_rate", JSON.parse);
  $("activation").onchange = (e) => {
    config.activation = JSON.parse(e.target.value);
    config.activations = null;  // one activation for every hidden layer again
    reset();
  };
  $("optimizer").onchange = set("optimizer", JSON.parse);
  $("regularization_rate").onchange = set("regularization_rate", JSON.parse);
  $("regularization").onchange = set("regularization", String);
  $("keep_prob").onchange = set("keep_prob", Number);
  $("norm").onchange = set("norm", String);
  for (const key of ["train_ratio", "noise", "batch_size"]) $(key).onchange = set(key, Number);
  $("residual").onchange = (e) => { config.residual = e.target.checked; reset(); };
  $("problem").onchange = (e) => {
    config.dataset = e.target.value === "regression" ? "plane" : "circle";
    reset();
  };
  $("add_layer").onclick = () => {
    if (config.hidden.length >= 10) { say("hidden: at most 10 layers"); return; }
    config.hidden.push(2); config.activations = null; reset();
  };
  $("remove_layer").onclick = () => {
    if (!config.hidden.length) return;
    config.hidden.pop(); config.activations = null; reset();
  };
  $("show_test").onchange = $("discretize").onchange = () => view && render(view, false);
  $("example").onchange = () => hovered && showUnit(hovered.l, hovered.j);
  $("csv").onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    if (file.size > 1000000) { say("csv: the file is larger than 1,000,000 bytes"); return; }
    csvText = await file.text();
    config.dataset = "csv";
    reset();
  };
  window.addEventListener("resize", () => {  // the columns' spacing follows the window
    if (view && columns && fitColumns(columns.length).col !== spacing.col) render(view, true);
  });
  setInterval(() => {
    const now = performance.now();
    $("fps").textContent = (frames * 1000 / (now - since)).toFixed(1);
    frames = 0; since = now;
  }, 1000);
}

wire();
reset();
