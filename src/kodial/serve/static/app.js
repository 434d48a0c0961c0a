// kodial web chat: one session kept across turns (and page reloads), answers streamed over SSE
// (fetch + ReadableStream). For every turn the route taken can be shown in Korean (the "판단
// 근거" switch, off by default: it is for the people who build the assistant). Every message
// the page shows is Korean, errors included: the API's English error texts are mapped by code.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { model: null, session: null, token: null, busy: false, greeting: "", feedback: false };

function apiKey() { return localStorage.getItem("kodial.key") || ""; }

function headers() {
  const h = { "Content-Type": "application/json" };
  if (apiKey()) h["Authorization"] = "Bearer " + apiKey();
  // The session's secret: without API keys it is what makes the session ours.
  if (state.token) h["X-Kodial-Session-Token"] = state.token;
  return h;
}

// Ask for the key; resolves true when one was entered, false when the user cancelled.
async function askKey(message) {
  const dialog = $("key-dialog");
  $("key-message").textContent = message;
  $("key-input").value = apiKey();
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  if (dialog.returnValue !== "ok") return false;
  localStorage.setItem("kodial.key", $("key-input").value.trim());
  return true;
}

const KEY_FIRST = "이 서버는 API 키가 필요해요. 받은 키를 입력해 주세요.";
const KEY_WRONG = "API 키가 맞지 않아요. 키를 확인하고 다시 입력해 주세요.";

async function api(path, options = {}) {
  let res = await fetch(path, { ...options, headers: headers() });
  let message = apiKey() ? KEY_WRONG : KEY_FIRST;
  while (res.status === 401) {
    if (!(await askKey(message))) return res;
    res = await fetch(path, { ...options, headers: headers() });
    message = KEY_WRONG;
  }
  return res;
}

// The API answers in English for developers; people using the page read Korean.
const ERRORS = {
  invalid_api_key: "API 키가 없거나 맞지 않아요. 키를 확인해 주세요.",
  rate_limit_exceeded: "요청이 너무 많아요. 잠시 뒤에 다시 보내 주세요.",
  message_too_long: "메시지가 너무 길어요. 조금 줄여서 보내 주세요.",
  session_not_found: "대화를 찾을 수 없어요. '새 대화'를 눌러 다시 시작해 주세요.",
  session_conflict: "다른 창에서 먼저 답을 받았어요. 메시지를 다시 보내 주세요.",
  action_in_progress: "같은 요청을 처리하고 있어요. 잠시 뒤에 다시 시도해 주세요.",
  store_unavailable: "서버가 잠시 바빠요. 잠시 뒤에 다시 시도해 주세요.",
  model_not_found: "비서가 바뀌었어요. 페이지를 새로고침해 주세요.",
  max_tokens_too_large: "요청한 답변 길이가 너무 길어요.",
  invalid_host: "이 주소로는 서버에 접속할 수 없어요.",
};

function koreanError(status, body) {
  const err = (body && body.error) || {};
  const ref = /reference ([0-9a-f]+)/.exec(err.message || "");
  const suffix = ref ? ` (오류 번호 ${ref[1]})` : "";
  if (err.code && ERRORS[err.code]) return ERRORS[err.code];
  if (status === 401) return ERRORS.invalid_api_key;
  if (status === 413) return "보낸 내용이 너무 커요.";
  if (status === 429) return ERRORS.rate_limit_exceeded;
  if (status >= 500) return "서버에 문제가 생겼어요. 잠시 뒤에 다시 시도해 주세요." + suffix;
  return "요청을 처리하지 못했어요." + suffix;
}

async function errorText(res) {
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return koreanError(res.status, body);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function scrollDown() { const m = document.querySelector("main"); m.scrollTop = m.scrollHeight; }

function showRoutes() { return localStorage.getItem("kodial.showRoute") === "1"; }

function applyRouteSwitch() { document.body.classList.toggle("show-route", showRoutes()); }

function addUser(text) { $("log").append(el("div", "msg user", text)); scrollDown(); }

async function rate(turn, rating, buttons) {
  const res = await api(`/v1/sessions/${encodeURIComponent(state.session)}/turns/${turn}/feedback`, {
    method: "POST", body: JSON.stringify({ rating }),
  });
  if (!res.ok) { addError(await errorText(res)); return; }
  for (const b of buttons) b.classList.toggle("chosen", b.dataset.rating === rating);
}

const THUMB = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>';

function addFeedback(view, turn) {
  if (!state.feedback || !turn) return;
  const box = el("div", "feedback");
  const up = el("button", "up");
  const down = el("button", "down");
  up.innerHTML = down.innerHTML = THUMB; // an inline icon: no emoji font needed
  up.type = down.type = "button";
  up.dataset.rating = "up"; down.dataset.rating = "down";
  up.title = "도움이 됐어요"; down.title = "도움이 안 됐어요";
  up.setAttribute("aria-label", up.title); down.setAttribute("aria-label", down.title);
  up.addEventListener("click", () => rate(turn, "up", [up, down]));
  down.addEventListener("click", () => rate(turn, "down", [up, down]));
  box.append(up, down);
  view.turn.append(box);
}

function addAssistant(text, route, turn) {
  const view = { turn: el("div", "turn"), msg: el("div", "msg assistant", text || ""), box: el("div", "route") };
  view.turn.append(view.msg, view.box);
  $("log").append(view.turn);
  if (route) KodialRoute.render(view.box, route); else view.box.hidden = true;
  if (turn) { view.turn.dataset.turn = turn; addFeedback(view, turn); }
  scrollDown();
  return view;
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
  for (const t of s.turns) { addUser(t.user); addAssistant(t.assistant, t.route, t.seq); }
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
      if (event.error) { addError(koreanError(500, event)); break; }
      const choice = (event.choices || [])[0];
      if (choice && choice.delta && choice.delta.content) {
        reply += choice.delta.content;
        view.msg.textContent = reply;
        scrollDown();
      }
      if (event.kodial) {
        view.box.hidden = false;
        KodialRoute.render(view.box, event.kodial.route);
        view.turn.dataset.turn = event.kodial.turn;
        addFeedback(view, event.kodial.turn);
      }
    }
  } catch (err) {
    addError("서버에 연결하지 못했어요. 네트워크를 확인해 주세요.");
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
  applyRouteSwitch();
  $("show-route").checked = showRoutes();
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
  // thumbs up/down where the server takes ratings (kodial studio)
  state.feedback = (await api("/v1/feedback")).ok;
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
$("show-route").addEventListener("change", (e) => {
  localStorage.setItem("kodial.showRoute", e.target.checked ? "1" : "0");
  applyRouteSwitch();
});
$("new-session").addEventListener("click", newSession);
init();
