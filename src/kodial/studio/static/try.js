// Try tab: talk to the newest trained assistant (before deploying it) or to the one the server
// answers with. Turns go through the service's own turn path and are stored in the session
// store like any conversation, so they show up in the review too.
import { post, ApiError } from "./api.js";
import { el, clear, toast } from "./ui.js";
import { state, on } from "./state.js";

let panel, log, target, sessionLabel;
let session = null;
let busy = false;

export function mountTry(root) {
  panel = root;
  log = el("div", { id: "try-log", class: "try-log", "aria-live": "polite" });
  target = el("select", { id: "try-target", "aria-label": "대화 상대" },
    el("option", { value: "candidate", text: "학습한 새 버전 (배포 전)" }),
    el("option", { value: "deployed", text: "지금 배포된 버전" }));
  const showRoute = el("input", { type: "checkbox", id: "try-show-route", checked: true });
  showRoute.addEventListener("change", () => log.classList.toggle("hide-route", !showRoute.checked));
  const input = el("textarea", { id: "try-input", rows: 1, placeholder: "메시지를 입력하세요 (Enter: 보내기)", "aria-label": "메시지" });
  const form = el("form", { id: "try-form", class: "composer" }, input, el("button", { id: "try-send", type: "submit", class: "primary", text: "보내기" }));
  form.addEventListener("submit", (e) => { e.preventDefault(); const t = input.value; input.value = ""; send(t); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  sessionLabel = el("span", { class: "muted small" });
  target.addEventListener("change", newSession);
  clear(panel, el("div", { class: "panel try" },
    el("div", { class: "try-head" },
      el("h2", { text: "대화 테스트" }),
      el("label", { class: "inline" }, "상대: ", target),
      el("label", { class: "inline" }, showRoute, " 판단 근거 보기"),
      el("button", { type: "button", id: "try-new", onclick: newSession, text: "새 대화" }),
      sessionLabel),
    el("p", { class: "muted", id: "try-note" }),
    log, form));
  on((what) => { if (what === "info" || what === "deployed") note(); });
}

function note() {
  const info = state.info || {};
  const box = document.getElementById("try-note");
  if (!box) return;
  box.textContent = info.candidate
    ? `학습한 새 버전: ${info.candidate}. 여기서의 대화도 저장돼서 검토 탭에 나와요.`
    : "아직 학습한 새 버전이 없어 배포된 버전이 답해요. 여기서의 대화도 저장돼서 검토 탭에 나와요.";
}

export async function showTry() { note(); if (!session) await newSession(); }

// One session at a time; a message typed while it is being made waits for it.
let starting = null;

function newSession() {
  starting = (async () => {
    session = null;
    const created = await post("/v1/sessions", { title: "스튜디오 대화 테스트" });
    session = { id: created.id, token: created.session_token };
    sessionLabel.textContent = "대화 " + created.id.slice(0, 8);
    log.dataset.session = created.id;
    clear(log);
  })();
  return starting;
}

async function send(text) {
  if (busy || !text.trim()) return;
  busy = true;
  document.getElementById("try-send").disabled = true;
  try {
    if (!session) await (starting || newSession());
    log.append(el("div", { class: "msg user", text }));
    const res = await post("/studio/api/try", { message: text, session_id: session.id, session_token: session.token, target: target.value });
    const box = el("div", { class: "route" });
    KodialRoute.render(box, res.route);
    log.append(el("div", { class: "turn", dataset: { turn: res.turn, handler: res.route.handler } },
      el("div", { class: "msg assistant", text: res.reply }),
      el("div", { class: "muted small", text: res.answered_by === "deployed" ? "배포된 버전이 답했어요" : `${res.answered_by}이(가) 답했어요` }),
      box));
  } catch (err) {
    log.append(el("div", { class: "msg error", text: err.message }));
    if (err instanceof ApiError && err.code === "session_not_found") await newSession();
  } finally {
    busy = false;
    document.getElementById("try-send").disabled = false;
    log.scrollTop = log.scrollHeight;
  }
}
