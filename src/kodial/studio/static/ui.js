// Small DOM helpers shared by the tabs: elements, bound form fields, toasts, number formats.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node, ...children) { node.replaceChildren(...children.flat().filter(Boolean)); return node; }

export function toast(message, kind = "info", ms = 4500) {
  const box = document.getElementById("toasts");
  const t = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", text: message });
  box.append(t);
  setTimeout(() => t.remove(), ms);
}

export function pct(x) { return typeof x === "number" ? (x * 100).toFixed(1) + "%" : "-"; }
export function num(x, d = 2) { return typeof x === "number" ? x.toFixed(d) : "-"; }
export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString("ko-KR", { dateStyle: "short", timeStyle: "short" });
}

// A labelled input bound to obj[key]. kind: text | textarea | number | lines | checkbox | select.
// `lines` edits a list of strings, one per line. onChange() runs after every edit.
export function field(label, obj, key, onChange, opts = {}) {
  const kind = opts.kind || "text";
  const id = "f-" + Math.random().toString(36).slice(2, 9);
  let input;
  const value = obj[key];
  if (kind === "textarea" || kind === "lines") {
    input = el("textarea", { id, rows: opts.rows || (kind === "lines" ? 5 : 3), placeholder: opts.placeholder });
    input.value = kind === "lines" ? (value || []).join("\n") : value ?? "";
  } else if (kind === "checkbox") {
    input = el("input", { id, type: "checkbox" });
    input.checked = Boolean(value ?? opts.default);
  } else if (kind === "select") {
    input = el("select", { id }, (opts.options || []).map(([v, t]) => el("option", { value: v, text: t })));
    input.value = value ?? opts.default ?? "";
  } else {
    input = el("input", { id, type: kind === "number" ? "number" : "text", step: opts.step, min: opts.min, max: opts.max, placeholder: opts.placeholder });
    input.value = value ?? "";
  }
  if (opts.readonly) input.readOnly = input.disabled = true;
  if (opts.name) input.name = opts.name;
  const read = () => {
    if (kind === "checkbox") return input.checked;
    if (kind === "lines") return input.value.split("\n").map((s) => s.trim()).filter(Boolean);
    if (kind === "number") return input.value.trim() === "" ? undefined : Number(input.value);
    return input.value;
  };
  input.addEventListener(kind === "checkbox" || kind === "select" ? "change" : "input", () => {
    const v = read();
    if (v === undefined || (opts.dropEmpty && (v === "" || (Array.isArray(v) && !v.length)))) delete obj[key];
    else obj[key] = v;
    onChange && onChange(key, v);
  });
  const count = kind === "lines" ? el("span", { class: "count muted", text: `${(value || []).length}개` }) : null;
  if (count) input.addEventListener("input", () => { count.textContent = `${read().length}개`; });
  const wrap = el("div", { class: `field field-${kind}` },
    el("label", { for: id }, label, count),
    input,
    opts.help ? el("small", { class: "help muted", text: opts.help }) : null);
  wrap.input = input;
  return wrap;
}

export function badge(text, cls = "") { return el("span", { class: `chip ${cls}`, text }); }

export function progressBar() {
  const bar = el("div", { class: "progress" }, el("div", { class: "progress-fill" }));
  const label = el("div", { class: "progress-label muted" });
  const box = el("div", { class: "progress-box", hidden: true }, bar, label);
  box.set = (job) => {
    box.hidden = false;
    bar.firstChild.style.width = Math.round((job.progress || 0) * 100) + "%";
    bar.classList.toggle("failed", job.status === "failed");
    label.textContent = job.status === "failed" ? job.error : `${job.title}: ${job.stage}`;
  };
  return box;
}

// A loss curve as SVG (train and eval series), redrawn as points arrive.
export function lossChart(points, width = 560, height = 220) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "loss-chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "학습 손실 곡선");
  const pad = { l: 44, r: 12, t: 14, b: 28 };
  const train = points.filter((p) => p[2] !== "eval");
  const evals = points.filter((p) => p[2] === "eval");
  const all = train.concat(evals);
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  add("rect", { x: 0, y: 0, width, height, fill: "#fff" });
  if (!all.length) {
    add("text", { x: width / 2, y: height / 2, "text-anchor": "middle", fill: "#6b7386", "font-size": 13 }, "손실이 기록되면 여기에 그려져요");
    return svg;
  }
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (y1 - y0 < 1e-6) { y0 -= 0.5; y1 += 0.5; }
  const X = (x) => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y) => pad.t + (1 - (y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    add("line", { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), stroke: "#eef1f5" });
    add("text", { x: pad.l - 6, y: Y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#6b7386" }, v.toFixed(2));
  }
  add("text", { x: width / 2, y: height - 6, "text-anchor": "middle", "font-size": 11, fill: "#6b7386" }, "스텝");
  const path = (series, colour) => {
    if (!series.length) return;
    const d = series.map((p, i) => `${i ? "L" : "M"}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ");
    add("path", { d, fill: "none", stroke: colour, "stroke-width": 2 });
    for (const p of series.length < 40 ? series : []) add("circle", { cx: X(p[0]), cy: Y(p[1]), r: 2.5, fill: colour });
  };
  path(train, "#2f6fed");
  path(evals, "#0f9d76");
  add("text", { x: width - pad.r, y: pad.t + 2, "text-anchor": "end", "font-size": 11, fill: "#2f6fed" }, `학습 손실 ${train.length ? train[train.length - 1][1].toFixed(3) : ""}`);
  if (evals.length) add("text", { x: width - pad.r, y: pad.t + 16, "text-anchor": "end", "font-size": 11, fill: "#0f9d76" }, `평가 손실 ${evals[evals.length - 1][1].toFixed(3)}`);
  return svg;
}
