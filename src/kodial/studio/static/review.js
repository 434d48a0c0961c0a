// Review tab: conversations worth a second look (fallbacks, close calls between two intents,
// failed tasks, thumbs-down), each turned into training data in one step: an example of an
// intent, an out-of-domain query, or another way of asking an FAQ question. Each addition saves
// a new version; train and deploy it from the train tab.
import { get, post } from "./api.js";
import { el, clear, toast, when, badge } from "./ui.js";
import { state, projectChanged } from "./state.js";

let panel, filters, list;
let kind = "";
let includeHandled = false;

export function mountReview(root) {
  panel = root;
  filters = el("div", { class: "filters", role: "group", "aria-label": "검토 목록" });
  list = el("div", { id: "review-list", class: "cards" });
  const handled = el("input", { type: "checkbox", id: "review-handled" });
  handled.addEventListener("change", () => { includeHandled = handled.checked; showReview(); });
  clear(panel, el("div", { class: "panel" },
    el("div", { class: "editor-head" }, el("h2", { text: "검토" }),
      el("button", { type: "button", id: "review-refresh", onclick: () => showReview(), text: "새로고침" })),
    el("p", { class: "muted", text: "저장된 실제 대화에서 비서가 헤맨 턴을 모았어요. 알맞은 답을 골라 학습 데이터에 넣고, 다시 학습해 배포하세요." }),
    filters,
    el("label", { class: "inline" }, handled, " 처리한 항목도 보기")),
    list);
}

export async function showReview() {
  const query = new URLSearchParams();
  if (kind) query.set("kind", kind);
  if (includeHandled) query.set("include_handled", "true");
  const data = await get("/studio/api/review?" + query);
  const all = kind ? null : data.items.length;
  clear(filters,
    chip("", `전체${all !== null ? ` ${all}` : ""}`),
    Object.entries(data.kinds).map(([k, name]) => chip(k, `${name} ${data.counts[k] ?? 0}`)));
  clear(list, data.items.length ? data.items.map(card)
    : el("div", { class: "panel" }, el("p", { class: "muted", text: "검토할 대화가 없어요." })));
}

function chip(k, text) {
  return el("button", { type: "button", class: "chip-button" + (k === kind ? " active" : ""), dataset: { kind: k },
    onclick: () => { kind = k; showReview(); }, text });
}

const KIND_NAMES = { fallback: "대체 응답", low_margin: "애매한 분류", task_failure: "작업 실패", thumbs_down: "싫어요" };

function faqOptions() {
  const doc = state.doc;
  const out = [];
  for (const [name, h] of Object.entries((doc && doc.assistant.handlers) || {})) {
    if (!h || h.type !== "faq" || !Array.isArray(doc.files[h.data])) continue;
    doc.files[h.data].forEach((entry, i) => {
      const q = Array.isArray(entry.q) ? entry.q[0] : entry.q;
      out.push([`${h.data}#${i}`, `${name}: ${q || "(질문 없음)"}`]);
    });
  }
  return out;
}

function card(item) {
  const intents = Object.keys((state.doc && state.doc.intents) || {});
  const action = el("select", { class: "relabel-action", "aria-label": "처리 방법" },
    el("option", { value: "intent", text: "이 인텐트의 예문으로" }),
    el("option", { value: "faq", text: "이 FAQ 질문의 다른 표현으로" }),
    el("option", { value: "ood", text: "범위 밖 문장으로 (대체 응답이 맞아요)" }));
  const label = el("select", { class: "relabel-label", "aria-label": "인텐트" },
    intents.map((name) => el("option", { value: name, text: name, selected: name === item.top || undefined })));
  const faq = el("select", { class: "relabel-faq", "aria-label": "FAQ 질문", hidden: true },
    faqOptions().map(([v, t]) => el("option", { value: v, text: t })));
  action.addEventListener("change", () => {
    label.hidden = action.value !== "intent";
    faq.hidden = action.value !== "faq";
  });
  const result = el("div", { class: "muted small", role: "status" });
  const apply = el("button", { type: "button", class: "primary small relabel-apply", text: "학습 데이터에 추가" });
  apply.addEventListener("click", async () => {
    apply.disabled = true;
    const body = { key: item.key, action: action.value };
    if (action.value === "intent") body.label = label.value;
    if (action.value === "faq") {
      const [file, index] = faq.value.split("#");
      body.faq_file = file; body.faq_index = Number(index);
    }
    try {
      const res = await post("/studio/api/review/relabel", body);
      result.textContent = `${res.note} 버전 ${res.version}으로 저장했어요. 학습·평가 탭에서 다시 학습하세요.`;
      toast(`버전 ${res.version}으로 저장했어요.`, "ok");
      node.classList.add("handled");
      await projectChanged(res.version);
    } catch (err) {
      result.textContent = err.message;
      result.className = "error-text small";
      apply.disabled = false;
    }
  });
  const dismiss = el("button", { type: "button", class: "small", text: "넘기기", onclick: async () => {
    await post("/studio/api/review/dismiss", { key: item.key });
    node.classList.add("handled");
    result.textContent = "목록에서 뺐어요.";
  } });
  const route = el("div", { class: "route" });
  KodialRoute.render(route, item.route);
  const details = el("details", {}, el("summary", { text: "판단 근거" }), route);
  const node = el("article", { class: "card review-item" + (item.handled ? " handled" : ""), dataset: { key: item.key } },
    el("div", { class: "review-kinds" }, item.kinds.map((k) => badge(KIND_NAMES[k] || k, k)),
      el("span", { class: "muted small", text: ` ${when(item.created_at)} · ${item.session_title || "대화"} ${item.session_id.slice(0, 8)} · ${item.seq}번째 턴` })),
    el("p", { class: "review-user", text: item.user }),
    el("p", { class: "review-reply muted", text: "답변: " + item.assistant }),
    el("p", { class: "small", text: `처리: ${item.handler}` + (item.top ? ` · 분류 1위: ${item.top}` : "") + (item.margin !== null ? ` · 1·2위 차이 ${item.margin.toFixed(2)}` : "") + (item.comment ? ` · 의견: ${item.comment}` : "") }),
    details,
    item.handled ? el("p", { class: "muted small", text: "처리함: " + (item.handled.note || item.handled.action) }) : null,
    el("div", { class: "relabel" }, action, label, faq, apply, dismiss),
    result);
  return node;
}
