// kodial web chat: one session kept across turns (and page reloads), answers streamed over SSE
// (fetch + ReadableStream), and for every turn the route taken and the classifier's top labels.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { model: null, session: null, token: null, busy: false, greeting: "" };

function apiKey() { return localStorage.getItem("kodial.key") || ""; }

function headers() {
  const h = { "Content-Type": "application/json" };
  if (apiKey()) h["Authorization"] = "Bearer " + apiKey();
  // The session's secret: without API keys it is what makes the session ours.
  if (state.token) h["X-Kodial-Session-Token"] = state.token;
  return h;
}

async function askKey() {
  const dialog = $("key-dialog");
  $("key-input").value = apiKey();
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  localStorage.setItem("kodial.key", $("key-input").value.trim());
}

async function api(path, options = {}, retry = true) {
  const res = await fetch(path, { ...options, headers: headers() });
  if (res.status === 401 && retry) {
    await askKey();
    return api(path, options, false);
  }
  return res;
}

async function errorText(res) {
  try { return (await res.json()).error.message; } catch { return res.status + " " + res.statusText; }
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function scrollDown() { const m = document.querySelector("main"); m.scrollTop = m.scrollHeight; }

// The route is kodial's Route (GET /openapi.json, components.schemas.Route): the classifier's
// top labels are classifier.ranking, the filled slots of a task turn are slots.
function slotText(slots) {
  return Object.entries(slots || {})
    .map(([k, v]) => `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : v}`)
    .join(", ");
}

function renderRoute(box, route) {
  box.replaceChildren();
  const handler = route.handler || "?";
  const badge = el("span", "badge" + (handler === "fallback" ? " fallback" : ""), handler);
  box.append(badge);
  const intent = route.intent;
  if (intent && intent !== handler) box.append(el("span", "intent", "intent " + intent));
  if (route.reason) box.append(el("span", "muted", " · " + route.reason));
  const labels = route.classifier ? route.classifier.ranking : [];
  if (labels.length) {
    const row = el("div", "labels");
    for (const { label, score } of labels) {
      const item = el("span", "label");
      const bar = el("span", "bar");
      bar.style.width = Math.max(2, Math.round(40 * Math.min(1, Math.max(0, score)))) + "px";
      item.append(el("span", "", label), bar, el("span", "", score.toFixed(2)));
      row.append(item);
    }
    box.append(row);
  } else if (!route.classifier) {
    box.append(el("div", "muted", "nothing to classify (an empty message)"));
  }
  const slots = slotText(route.slots);
  if (slots) box.append(el("div", "slots", "slots: " + slots));
  const details = el("details");
  details.append(el("summary", "", "route"), el("pre", "", JSON.stringify(route, null, 2)));
  box.append(details);
}

function addUser(text) { $("log").append(el("div", "msg user", text)); scrollDown(); }

function addAssistant(text, route) {
  const turn = el("div", "turn");
  const msg = el("div", "msg assistant", text || "");
  const box = el("div", "route");
  turn.append(msg, box);
  $("log").append(turn);
  if (route) renderRoute(box, route); else box.hidden = true;
  scrollDown();
  return { turn, msg, box };
}

function addError(text) { $("log").append(el("div", "msg error", text)); scrollDown(); }

function greet() {
  if (state.greeting) $("log").append(el("div", "msg assistant greeting", state.greeting));
}

async function newSession() {
  const res = await api("/v1/sessions", { method: "POST", body: "{}" });
  if (!res.ok) { addError(await errorText(res)); return; }
  const created = await res.json();
  state.session = created.id;
  state.token = created.session_token;
  localStorage.setItem("kodial.session", state.session);
  localStorage.setItem("kodial.session_token", state.token);
  $("log").replaceChildren();
  greet();
  $("session-label").textContent = state.session.slice(0, 8);
}

async function restoreSession() {
  const saved = localStorage.getItem("kodial.session");
  if (!saved) return newSession();
  state.token = localStorage.getItem("kodial.session_token");
  const res = await api("/v1/sessions/" + encodeURIComponent(saved));
  if (!res.ok) return newSession();
  const s = await res.json();
  state.session = s.id;
  $("session-label").textContent = s.id.slice(0, 8);
  greet();
  for (const t of s.turns) { addUser(t.user); addAssistant(t.assistant, t.route); }
}

// Parse an SSE stream: events are separated by a blank line; each "data:" line holds JSON.
async function* sseEvents(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const raw = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = raw.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (data) yield data;
    }
  }
}

async function send(text) {
  if (state.busy || !text.trim()) return;
  state.busy = true;
  $("send").disabled = true;
  addUser(text);
  const view = addAssistant("", null);
  view.msg.classList.add("streaming");
  try {
    const res = await api("/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify({
        model: state.model, stream: true, session_id: state.session,
        messages: [{ role: "user", content: text }],
      }),
    });
    if (!res.ok) { view.turn.remove(); addError(await errorText(res)); return; }
    let reply = "";
    for await (const data of sseEvents(res.body)) {
      if (data === "[DONE]") break;
      const event = JSON.parse(data);
      if (event.error) { addError(event.error.message); break; }
      const choice = (event.choices || [])[0];
      if (choice && choice.delta && choice.delta.content) {
        reply += choice.delta.content;
        view.msg.textContent = reply;
        scrollDown();
      }
      if (event.kodial) {
        view.box.hidden = false;
        renderRoute(view.box, event.kodial.route);
        view.turn.dataset.turn = event.kodial.turn;
      }
    }
  } catch (err) {
    addError("연결 오류: " + err.message);
  } finally {
    view.msg.classList.remove("streaming");
    state.busy = false;
    $("send").disabled = false;
    $("input").focus();
  }
}

function showExamples(details) {
  const box = $("examples");
  box.replaceChildren();
  const examples = details.examples || [];
  for (const ex of examples.slice(0, 6)) {
    const b = el("button", "", ex);
    b.type = "button";
    b.addEventListener("click", () => send(ex));
    box.append(b);
  }
}

async function init() {
  const res = await api("/v1/assistant");
  if (!res.ok) { addError(await errorText(res)); return; }
  const info = await res.json();
  state.model = info.name;
  const d = info.details || {};
  $("assistant-name").textContent = d.display_name || d.persona_name || info.name;
  document.title = $("assistant-name").textContent + " · kodial";
  $("assistant-about").textContent = d.description || "";
  state.greeting = d.greeting || "";
  showExamples(d);
  await restoreSession();
  document.body.dataset.ready = "1";
}

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("input").value;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
});
$("new-session").addEventListener("click", newSession);
init();
