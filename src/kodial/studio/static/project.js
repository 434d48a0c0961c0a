// Project tab: the assistant in forms. Every edit changes the document in place and is checked
// a moment later by the server with the same loaders `kodial serve` uses; problems are listed
// with file, line and key, and the sections they belong to are marked. Saving makes a new
// version; a save on top of someone else's newer version is refused and said so.
import { post, put, get, ApiError } from "./api.js";
import { el, clear, field, toast, badge, when } from "./ui.js";
import { state, dirty, loadProject, emit, on, intentsOf, TYPE_NAMES } from "./state.js";

let panel;
let current = "settings"; // the section shown in the editor
let problems = [];
let checkSeq = 0;
let checkTimer = null;
let baseActions = []; // actions of the saved version: the only ones a task may use

const SECTIONS = [
  ["settings", "기본 정보"],
  ["persona", "페르소나"],
  ["fallback", "대체 응답"],
  ["ood", "범위 밖 문장"],
  ["history", "버전 기록"],
];

export function mountProject(root) {
  panel = root;
  on((what) => {
    if (what === "project") { collectActions(); render(); scheduleCheck(0); }
    if (what === "stale") showStale();
  });
}

function collectActions() {
  const seen = new Map();
  for (const h of Object.values(JSON.parse(state.savedJson).assistant.handlers || {})) {
    if (h && h.action) seen.set(JSON.stringify(h.action), h.action);
  }
  baseActions = [...seen.values()];
}

// -- the frame: status bar, sections, editor, problems ------------------------------------------

function render() {
  if (!state.doc) return;
  const saveNote = el("input", { id: "save-note", type: "text", placeholder: "무엇을 바꿨나요? (선택)", "aria-label": "저장 메모" });
  clear(panel,
    el("div", { class: "project-bar" },
      el("div", { id: "check-status", class: "check-status", role: "status" }),
      el("div", { class: "save-box" },
        saveNote,
        el("button", { id: "revert", type: "button", onclick: revert, text: "변경 취소" }),
        el("button", { id: "save", type: "button", class: "primary", onclick: () => save(saveNote.value), text: "저장" }))),
    el("div", { id: "stale-banner", class: "banner warn", hidden: true }),
    el("div", { class: "project-body" },
      el("aside", { id: "sections", class: "sections", "aria-label": "프로젝트 항목" }),
      el("div", { id: "editor", class: "editor panel" })),
    el("div", { id: "problems", class: "problems panel", hidden: true }));
  renderSections();
  renderEditor();
  renderStatus("checking");
}

function changed(structural = false) {
  emit("edited");
  renderSections();
  if (structural) renderEditor();
  scheduleCheck();
  renderStatus("checking");
}

function scheduleCheck(delay = 700) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, delay);
}

async function check() {
  const seq = ++checkSeq;
  try {
    const res = await post("/studio/api/project/check", { doc: state.doc, base_version: state.version });
    if (seq !== checkSeq) return; // a newer edit is being checked
    problems = res.problems;
  } catch (err) {
    if (seq !== checkSeq) return;
    problems = [];
    renderStatus("error", err.message);
    return;
  }
  renderStatus(problems.length ? "problems" : "ok");
  renderProblems();
  renderSections();
}

function renderStatus(kind, message) {
  const box = document.getElementById("check-status");
  if (!box) return;
  const unsaved = dirty() ? " · 저장하지 않은 변경이 있어요" : "";
  const version = `버전 ${state.version}${unsaved}`;
  const text = {
    checking: "확인하는 중…",
    ok: "✓ 문제 없음: 저장하면 kodial serve가 그대로 읽을 수 있어요",
    problems: `⚠ 고칠 곳 ${problems.length}군데`,
    error: "확인하지 못했어요: " + (message || ""),
  }[kind];
  box.className = "check-status " + kind;
  clear(box, el("strong", { text }), el("span", { class: "muted", text: " · " + version }));
  document.getElementById("save").disabled = !dirty();
  document.getElementById("revert").disabled = !dirty();
  document.body.dataset.check = kind;
  emit("status");
}

function sectionOf(p) {
  const handlers = state.doc.assistant.handlers || {};
  const f = p.field || "";
  const m = /^handlers\.([^.]+)/.exec(f);
  if (m) return m[1] === "fallback" ? "fallback" : (m[1] in state.doc.intents ? "intent:" + m[1] : "settings");
  for (const [name, h] of Object.entries(handlers)) {
    if (h && h.data === p.file && name in state.doc.intents) return "intent:" + name;
  }
  if (p.file === "intents.yaml") {
    const label = /label '([^']+)'/.exec(p.message) || /^([^.]+)/.exec(f);
    if (label && label[1] in state.doc.intents) return "intent:" + label[1];
    return "settings";
  }
  if (p.file === "persona.yaml") return "persona";
  if (p.file === "ood.txt") return "ood";
  return "settings";
}

function renderProblems() {
  const box = document.getElementById("problems");
  if (!box) return;
  box.hidden = !problems.length;
  clear(box,
    el("h3", { text: `고칠 곳 (${problems.length})` }),
    el("p", { class: "muted", text: "kodial serve가 같은 파일을 읽을 때 내는 오류와 같아요. 누르면 해당 항목으로 가요." }),
    el("ul", {}, problems.map((p) => el("li", {},
      el("button", { type: "button", class: "link", onclick: () => select(sectionOf(p)), text: p.text }),
      p.hint ? el("div", { class: "muted small", text: "도움말: " + p.hint }) : null))));
}

function problemSections() {
  const s = new Set();
  for (const p of problems) s.add(sectionOf(p));
  return s;
}

function renderSections() {
  const box = document.getElementById("sections");
  if (!box) return;
  const bad = problemSections();
  const item = (key, label, extra) => el("button", {
    type: "button", class: "section" + (key === current ? " active" : "") + (bad.has(key) ? " bad" : ""),
    dataset: { section: key }, onclick: () => select(key),
  }, el("span", { class: "section-name", text: label }), extra);
  const intents = intentsOf(state.doc).map(({ name, handler }) => item(
    "intent:" + name, name,
    el("span", { class: "section-meta" },
      badge(handler ? TYPE_NAMES[handler.type] || handler.type : "처리 없음", handler ? handler.type : "bad"),
      el("span", { class: "muted", text: `${((state.doc.intents[name] || {}).examples || []).length}` }))));
  clear(box,
    item("settings", "기본 정보"),
    item("persona", "페르소나"),
    el("div", { class: "sections-head" }, el("span", { text: "인텐트" }),
      el("button", { id: "add-intent", type: "button", class: "small", onclick: () => select("new-intent"), text: "+ 추가" })),
    intents,
    item("fallback", "대체 응답"),
    item("ood", "범위 밖 문장"),
    item("history", "버전 기록"));
}

function select(key) {
  current = key;
  renderSections();
  renderEditor();
  document.getElementById("editor").scrollIntoView({ block: "nearest" });
}

function renderEditor() {
  const box = document.getElementById("editor");
  if (!box) return;
  box.dataset.section = current;
  if (current.startsWith("intent:") && !(current.slice(7) in state.doc.intents)) current = "settings";
  const views = { settings: settingsView, persona: personaView, fallback: fallbackView, ood: oodView, history: historyView, "new-intent": newIntentView };
  clear(box, current.startsWith("intent:") ? intentView(current.slice(7)) : views[current]());
}

// -- sections ------------------------------------------------------------------------------------

function settingsView() {
  const a = state.doc.assistant;
  a.classifier = a.classifier || {};
  const c = a.classifier;
  const opt = { dropEmpty: true, kind: "number", step: "0.01", min: 0, max: 1 };
  return el("div", {},
    el("h2", { text: "기본 정보" }),
    field("비서 이름 (영문 id: 모델 이름으로 쓰여요)", a, "name", () => changed()),
    field("소개", a, "description", () => changed(), { kind: "textarea", rows: 2 }),
    field("첫인사", a, "greeting", () => changed(), { kind: "textarea", rows: 2 }),
    field("시간대", a, "timezone", () => changed(), { placeholder: "Asia/Seoul" }),
    field("데모 대화 (한 줄에 한 메시지)", a, "demo_script", () => changed(), { kind: "lines", rows: 4 }),
    el("h3", { text: "분류기" }),
    el("p", { class: "muted", text: `방법: ${c.method || "lexical"} (방법과 옵션은 YAML 파일에서 바꿔요)` }),
    el("div", { class: "grid2" },
      field("목표 재현율 (대체 응답 기준을 이 비율에 맞춰요)", c, "target_recall", () => changed(), opt),
      field("중간에 끼어들 최소 점수", c, "interrupt_min_score", () => changed(), opt),
      field("최소 점수 (직접 정하기)", c, "min_score", () => changed(), opt),
      field("1·2위 최소 차이 (직접 정하기)", c, "min_margin", () => changed(), opt)));
}

function personaView() {
  const d = state.doc;
  const use = el("input", { type: "checkbox", id: "use-persona" });
  use.checked = d.persona !== null;
  use.addEventListener("change", () => {
    d.persona = use.checked ? (d.persona || { name: "", profile: [], style: [], examples: [] }) : null;
    changed(true);
  });
  const body = d.persona ? [
    field("이름", d.persona, "name", () => changed()),
    field("프로필 (한 줄에 하나)", d.persona, "profile", () => changed(), { kind: "lines" }),
    field("말투 (한 줄에 하나)", d.persona, "style", () => changed(), { kind: "lines" }),
    field("예시 대사 (한 줄에 하나)", d.persona, "examples", () => changed(), { kind: "lines" }),
  ] : [el("p", { class: "muted", text: "페르소나 없이 답해요." })];
  return el("div", {}, el("h2", { text: "페르소나" }),
    el("label", { class: "inline" }, use, " 페르소나 쓰기 (잡담 모델의 말투와 성격)"), body);
}

function fallbackView() {
  const handlers = state.doc.assistant.handlers = state.doc.assistant.handlers || {};
  const fb = handlers.fallback = handlers.fallback || { type: "fallback" };
  return el("div", {},
    el("h2", { text: "대체 응답" }),
    el("p", { class: "muted", text: "어느 인텐트에도 맞지 않을 때 하는 말이에요." }),
    field("첫 문장", fb, "message", () => changed(), { kind: "textarea", rows: 2 }),
    field("할 수 있는 일과 예시 요청 덧붙이기", fb, "suggest", () => changed(), { kind: "checkbox", default: true }));
}

function oodView() {
  return el("div", {},
    el("h2", { text: "범위 밖 문장" }),
    el("p", { class: "muted", text: "비서가 다루지 않는 질문의 예예요. 대체 응답 기준을 맞추고, 비슷한 질문을 대체 응답으로 보내는 데 써요." }),
    field("문장 (한 줄에 하나)", state.doc, "ood", () => changed(), { kind: "lines", rows: 14 }));
}

function safeFileName(name, suffix) {
  let base = name.toLowerCase().replace(/[^a-z0-9_-]/g, "") || "intent";
  let candidate = `${base}${suffix}.yaml`;
  for (let i = 2; candidate in state.doc.files || ["assistant.yaml", "intents.yaml", "persona.yaml"].includes(candidate); i++) {
    candidate = `${base}${suffix}-${i}.yaml`;
  }
  return candidate;
}

function newIntentView() {
  const draft = { name: "", description: "", type: "faq" };
  const error = el("p", { class: "error-text", role: "alert" });
  const create = () => {
    const name = draft.name.trim();
    if (!name) { error.textContent = "인텐트 이름을 적어 주세요."; return; }
    if (name in state.doc.intents || name === "fallback") { error.textContent = "이미 있는 이름이에요."; return; }
    const handlers = state.doc.assistant.handlers = state.doc.assistant.handlers || {};
    state.doc.intents[name] = { description: draft.description, examples: [] };
    if (draft.type === "faq") {
      const file = safeFileName(name, "");
      handlers[name] = { type: "faq", description: draft.description || name, data: file };
      state.doc.files[file] = [{ q: [], a: "" }];
    } else if (draft.type === "chitchat") {
      const file = safeFileName(name, "-chat");
      handlers[name] = { type: "chitchat", description: draft.description || name, backend: "retrieval", data: file };
      state.doc.files[file] = [{ user: "", reply: "" }];
    } else {
      handlers[name] = { type: "task", description: draft.description || name,
        slots: [{ name: "", prompt: "", extractor: { type: "lexicon", values: {} } }], done: "완료했어요." };
    }
    current = "intent:" + name;
    changed(true);
  };
  return el("div", { class: "new-intent" },
    el("h2", { text: "인텐트 추가" }),
    field("이름 (예: delivery)", draft, "name", null, { name: "intent-name" }),
    field("설명 (예: 배달 문의)", draft, "description", null, { name: "intent-description" }),
    field("처리 방식", draft, "type", null, { kind: "select", name: "intent-type", options: [
      ["faq", "자주 묻는 질문: 정해진 답변"], ["chitchat", "잡담: 써 둔 문장이나 채팅 모델로 답하기"],
      ["task", "작업: 필요한 값을 물어 채운 뒤 실행"]] }),
    error,
    el("button", { id: "create-intent", type: "button", class: "primary", onclick: create, text: "만들기" }));
}

function intentView(name) {
  const doc = state.doc;
  const intent = doc.intents[name];
  const handlers = doc.assistant.handlers = doc.assistant.handlers || {};
  const handler = handlers[name];
  const syncDescription = (k, v) => { if (handler) handler.description = v; changed(); };
  const remove = () => {
    if (!confirm(`${name} 인텐트와 그 예문·답변을 지울까요? 저장하기 전까지는 '변경 취소'로 되돌릴 수 있어요.`)) return;
    delete doc.intents[name];
    const file = handler && handler.data;
    delete handlers[name];
    if (file && !Object.values(handlers).some((h) => h && h.data === file)) delete doc.files[file];
    current = "settings";
    changed(true);
  };
  return el("div", { class: "intent-editor" },
    el("div", { class: "editor-head" },
      el("h2", {}, name, " ", badge(handler ? TYPE_NAMES[handler.type] || handler.type : "처리 없음", handler ? handler.type : "bad")),
      el("button", { type: "button", class: "danger small", onclick: remove, text: "인텐트 지우기" })),
    field("설명", intent, "description", syncDescription, { name: "description" }),
    field("예문 (한 줄에 하나: 사용자가 이렇게 말하면 이 인텐트예요)", intent, "examples", () => changed(), { kind: "lines", rows: 8, name: "examples" }),
    !handler ? el("p", { class: "error-text", text: "이 인텐트를 처리할 방법이 없어요." })
      : handler.type === "faq" ? faqView(handler)
      : handler.type === "chitchat" ? chitchatView(handler)
      : handler.type === "task" ? taskView(handler) : el("div"));
}

function entriesOf(handler) {
  const list = state.doc.files[handler.data];
  return Array.isArray(list) ? list : null;
}

function faqView(handler) {
  const entries = entriesOf(handler);
  const list = el("div", { class: "cards" });
  const draw = () => clear(list, (entries || []).map((entry, i) => {
    if (typeof entry.q === "string") entry.q = [entry.q];
    return el("div", { class: "card faq-entry" },
      field("질문 (한 줄에 하나: 같은 뜻의 여러 표현)", entry, "q", () => changed(), { kind: "lines", rows: 3, name: "faq-q" }),
      field("답변", entry, "a", () => changed(), { kind: "textarea", rows: 3, name: "faq-a" }),
      el("button", { type: "button", class: "small danger", text: "이 질문 지우기", onclick: () => { entries.splice(i, 1); changed(); draw(); } }));
  }));
  draw();
  return el("div", {},
    el("h3", { text: `자주 묻는 질문 (${handler.data})` }),
    field("유사도 기준 (가장 비슷한 질문이 이보다 덜 비슷하면 대체 응답으로 넘겨요)", handler, "min_similarity", () => changed(), { kind: "number", step: "0.05", min: 0, max: 1, dropEmpty: true, placeholder: "비우면 0.35" }),
    entries ? list : el("p", { class: "error-text", text: "답변 파일이 없어요." }),
    entries ? el("button", { type: "button", class: "small", id: "add-faq", text: "+ 질문 추가", onclick: () => { entries.push({ q: [], a: "" }); changed(); draw(); } }) : null);
}

function chitchatView(handler) {
  const pairs = entriesOf(handler);
  const list = el("div", { class: "cards" });
  const draw = () => clear(list, (pairs || []).map((pair, i) => el("div", { class: "card pair" },
    el("div", { class: "grid2" },
      field("사용자", pair, "user", () => changed()),
      field("답변", pair, "reply", () => changed())),
    el("button", { type: "button", class: "small danger", text: "지우기", onclick: () => { pairs.splice(i, 1); changed(); draw(); } }))));
  draw();
  const model = handler.backend && handler.backend !== "retrieval";
  return el("div", {},
    el("h3", { text: "잡담" }),
    model ? el("div", { class: "banner" },
      `채팅 모델이 답해요 (${handler.backend}): ${handler.model}`,
      el("button", { type: "button", class: "small", text: "써 둔 문장으로 되돌리기", onclick: () => {
        handler.backend = "retrieval"; delete handler.model; changed(true);
      } }))
      : el("p", { class: "muted", text: "써 둔 문장 중 가장 비슷한 사용자 문장의 답변으로 답해요. 채팅 모델 탭에서 모델로 바꿀 수 있어요." }),
    field("유사도 기준", handler, "min_similarity", () => changed(), { kind: "number", step: "0.05", min: 0, max: 1, dropEmpty: true, placeholder: "비우면 0.3" }),
    field("비슷한 문장이 없을 때 답변 (한 줄에 하나)", handler, "default_replies", () => changed(), { kind: "lines", rows: 3, dropEmpty: true }),
    el("h4", { text: `문장 (${handler.data || "-"})` }),
    pairs ? list : el("p", { class: "muted", text: "문장 파일이 없어요." }),
    pairs ? el("button", { type: "button", class: "small", text: "+ 문장 추가", onclick: () => { pairs.push({ user: "", reply: "" }); changed(); draw(); } }) : null);
}

function actionLabel(action) {
  if (!action) return "없음 (완료 문장만 말해요)";
  if (action.type === "webhook") return "웹훅: " + (action.url || "");
  return "코드: " + (action.function || "");
}

function taskView(handler) {
  handler.slots = handler.slots || [];
  const options = [["", actionLabel(null)], ...baseActions.map((a, i) => [String(i), actionLabel(a)])];
  const chosen = { action: handler.action ? String(baseActions.findIndex((a) => JSON.stringify(a) === JSON.stringify(handler.action))) : "" };
  const slotsBox = el("div", { class: "cards" });
  const draw = () => clear(slotsBox, handler.slots.map((slot, i) => slotCard(handler, slot, i, draw)));
  draw();
  return el("div", {},
    el("h3", { text: "작업" }),
    field("확인 질문 ({값 이름}은 채운 값으로 바뀌어요. 비우면 확인 없이 실행해요)", handler, "confirm", () => changed(), { kind: "textarea", rows: 2, dropEmpty: true }),
    field("완료 문장", handler, "done", () => changed(), { kind: "textarea", rows: 2 }),
    field("실패 문장", handler, "failed", () => changed(), { kind: "textarea", rows: 2, dropEmpty: true }),
    field("취소 문장", handler, "cancelled", () => changed(), { kind: "textarea", rows: 2, dropEmpty: true }),
    field("실행할 액션 (새 액션은 개발자가 YAML 파일에서 추가해요)", chosen, "action", (k, v) => {
      if (v === "") delete handler.action; else handler.action = baseActions[Number(v)];
      changed();
    }, { kind: "select", options }),
    el("h4", { text: "물어볼 값 (순서대로 물어요)" }),
    slotsBox,
    el("button", { type: "button", class: "small", text: "+ 값 추가", onclick: () => {
      handler.slots.push({ name: "", prompt: "", extractor: { type: "lexicon", values: {} } }); changed(); draw();
    } }));
}

const EXTRACTORS = [["lexicon", "목록에서 고르기"], ["datetime", "날짜·시간"], ["number", "숫자"], ["regex", "정규식"]];
const SLOT_FORM_KEYS = new Set(["name", "prompt", "example", "required", "default", "extractor", "min", "max", "unit"]);

function slotCard(handler, slot, i, redraw) {
  slot.extractor = slot.extractor || { type: "lexicon", values: {} };
  const ex = slot.extractor;
  const extractorBox = el("div", { class: "extractor" });
  const drawExtractor = () => {
    let body = [];
    if (ex.type === "lexicon") {
      const text = { values: Object.entries(ex.values || {}).map(([k, v]) => `${k}: ${(v || []).join(", ")}`).join("\n") };
      body = [field("값 (한 줄에 하나: 값: 다른 표현, 다른 표현)", text, "values", (k, v) => {
        const values = {};
        for (const line of v.split("\n")) {
          const [head, ...rest] = line.split(":");
          if (head.trim()) values[head.trim()] = rest.join(":").split(",").map((s) => s.trim()).filter(Boolean);
        }
        ex.values = values; changed();
      }, { kind: "textarea", rows: 4 })];
    } else if (ex.type === "datetime") {
      body = [field("무엇을", ex, "part", () => changed(), { kind: "select", options: [["date", "날짜"], ["time", "시간"], ["datetime", "날짜와 시간"]], default: "datetime" })];
    } else if (ex.type === "number") {
      const units = { units: (ex.units || []).join(", ") };
      body = [el("div", { class: "grid3" },
        field("단위 (쉼표로)", units, "units", (k, v) => { ex.units = v.split(",").map((s) => s.trim()).filter(Boolean); changed(); }),
        field("최소", slot, "min", () => changed(), { kind: "number", dropEmpty: true }),
        field("최대", slot, "max", () => changed(), { kind: "number", dropEmpty: true }))];
    } else if (ex.type === "regex") {
      body = [field("정규식", ex, "pattern", () => changed())];
    }
    clear(extractorBox, body);
  };
  drawExtractor();
  const kind = { type: ex.type };
  const others = Object.entries(slot).filter(([k]) => !SLOT_FORM_KEYS.has(k));
  const otherExtractor = Object.keys(ex).filter((k) => !["type", "values", "part", "units", "pattern"].includes(k));
  return el("div", { class: "card slot" },
    el("div", { class: "grid2" },
      field("값 이름", slot, "name", () => changed()),
      field("예시 답", slot, "example", () => changed(), { dropEmpty: true })),
    field("묻는 말", slot, "prompt", () => changed(), { kind: "textarea", rows: 2 }),
    el("div", { class: "grid3" },
      field("꼭 필요해요", slot, "required", () => changed(), { kind: "checkbox", default: true }),
      field("기본값", slot, "default", () => changed(), { dropEmpty: true }),
      field("값 읽는 법", kind, "type", (k, v) => {
        for (const key of Object.keys(ex)) delete ex[key];
        ex.type = v;
        if (v === "lexicon") ex.values = {};
        drawExtractor(); changed();
      }, { kind: "select", options: EXTRACTORS })),
    extractorBox,
    others.length || otherExtractor.length ? el("p", { class: "muted small", text: "기타 설정 (YAML에서 바꿔요): " +
      [...others.map(([k, v]) => `${k}=${JSON.stringify(v)}`), ...otherExtractor.map((k) => `${k}=${JSON.stringify(ex[k])}`)].join(", ") }) : null,
    el("button", { type: "button", class: "small danger", text: "이 값 지우기", onclick: () => { handler.slots.splice(i, 1); changed(); redraw(); } }));
}

function historyView() {
  const box = el("div", {}, el("h2", { text: "버전 기록" }),
    el("p", { class: "muted", text: "저장할 때마다 모든 파일을 통째로 남겨요. 두 버전의 차이를 볼 수 있어요." }));
  const list = el("div", { class: "history" }, el("p", { class: "muted", text: "불러오는 중…" }));
  const diffBox = el("div", { class: "diff" });
  box.append(list, diffBox);
  get("/studio/api/project/versions").then(({ versions }) => {
    clear(list, el("table", { class: "table" },
      el("thead", {}, el("tr", {}, ["버전", "저장", "누가", "메모", ""].map((h) => el("th", { text: h })))),
      el("tbody", {}, versions.map((v) => el("tr", {},
        el("td", { text: v.version }), el("td", { text: when(v.saved_at) }), el("td", { text: v.by }),
        el("td", { text: v.note }),
        el("td", {}, v.version > 1 ? el("button", { type: "button", class: "small", text: "이전과 비교", onclick: () => showDiff(v.version - 1, v.version, diffBox) }) : null))))));
  }).catch((err) => clear(list, el("p", { class: "error-text", text: err.message })));
  return box;
}

async function showDiff(a, b, box) {
  const { files } = await get(`/studio/api/project/diff?a=${a}&b=${b}`);
  clear(box, el("h3", { text: `버전 ${a} → ${b}` }),
    files.length ? files.map((f) => el("div", {}, el("h4", { text: f.file }),
      el("pre", { class: "diff-text" }, f.diff.split("\n").map((line) => el("span", {
        class: line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : "",
        text: line + "\n" }))))) : el("p", { class: "muted", text: "바뀐 파일이 없어요." }));
}

// -- saving ----------------------------------------------------------------------------------------

async function save(note) {
  const button = document.getElementById("save");
  button.disabled = true;
  try {
    const res = await put("/studio/api/project", { doc: state.doc, base_version: state.version, note });
    toast(`버전 ${res.version}으로 저장했어요. 학습·평가 탭에서 학습하고 배포할 수 있어요.`, "ok");
    await loadProject();
  } catch (err) {
    if (err instanceof ApiError && err.code === "invalid_project") {
      problems = err.body.problems || [];
      renderProblems(); renderSections(); renderStatus("problems");
      toast(err.message, "error");
    } else if (err instanceof ApiError && err.code === "version_conflict") {
      showStale(err.message);
    } else {
      toast(err.message, "error");
    }
    button.disabled = !dirty();
  }
}

function revert() {
  state.doc = JSON.parse(state.savedJson);
  render();
  scheduleCheck(0);
}

function showStale(message) {
  const banner = document.getElementById("stale-banner");
  if (!banner) return;
  banner.hidden = false;
  clear(banner,
    el("span", { text: message || "다른 곳에서 새 버전을 저장했어요. 지금 고친 내용은 그 버전을 모르고 있어요." }),
    el("button", { type: "button", class: "small", id: "load-latest", text: "최신 버전 불러오기 (내 변경은 버려요)", onclick: async () => {
      banner.hidden = true;
      await loadProject();
    } }));
}
