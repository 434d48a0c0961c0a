// Chat models tab: pick a recipe, data and base model, train in the background while the loss
// curve draws itself, evaluate, export, and let the assistant's small talk answer with it.
import { get, post, follow } from "./api.js";
import { el, clear, toast, num, progressBar, lossChart, field } from "./ui.js";
import { projectChanged } from "./state.js";

let panel, form, chart, progress, runsBox, info;
const METHODS = { full: "전체 미세조정", lora: "LoRA 어댑터", qlora: "QLoRA (CUDA GPU 필요)", "prompt-tuning": "프롬프트 튜닝" };
const choice = { recipe: "tiny", data: "sample", base: "", max_steps: 30, epochs: undefined, learning_rate: undefined };

export function mountChat(root) {
  panel = root;
  form = el("div", { class: "chat-form" });
  chart = el("div", { id: "loss-chart", class: "chart-box" }, lossChart([]));
  progress = progressBar();
  runsBox = el("div", { id: "chat-runs", class: "cards" });
  clear(panel,
    el("div", { class: "panel" },
      el("h2", { text: "채팅 모델" }),
      el("p", { class: "muted", text: "잡담을 써 둔 문장 대신 직접 학습한 모델로 답하게 할 수 있어요. 학습은 서버에서 백그라운드로 돌아요." }),
      form,
      el("div", { class: "row" },
        el("button", { id: "chat-train", type: "button", class: "primary", onclick: train, text: "학습 시작" }),
        el("button", { id: "chat-cancel", type: "button", hidden: true, text: "학습 멈추기" })),
      progress, chart),
    el("h3", { text: "학습한 모델" }), runsBox);
}

export async function showChat() {
  info = await get("/studio/api/chat");
  if (!choice.base && info.base_models.length) choice.base = info.base_models[0].key;
  const recipe = info.recipes.find((r) => r.name === choice.recipe) || info.recipes[0];
  clear(form,
    el("div", { class: "grid3" },
      field("레시피", choice, "recipe", () => {}, { kind: "select", name: "recipe", options: info.recipes.map((r) => [r.name, `${r.name} · ${METHODS[r.method] || r.method}`]) }),
      field("학습 데이터", choice, "data", () => {}, { kind: "select", name: "data", options: info.datasets.map((d) => [d.key, `${d.name} · ${d.count}개`]) }),
      el("div", { class: "field" },
        field("기본 모델", choice, "base", () => {}, { kind: "select", name: "base", options: info.base_models.length ? info.base_models.map((b) => [b.key, b.name]) : [["", "먼저 기본 모델을 만들어 주세요"]] }),
        el("button", { id: "build-tiny", type: "button", class: "small", onclick: buildTiny, text: "작은 테스트 모델 만들기" }))),
    el("div", { class: "grid3" },
      field("최대 스텝 (-1: 에폭만큼)", choice, "max_steps", () => {}, { kind: "number", name: "max_steps", step: 1 }),
      field(`에폭 (레시피: ${recipe ? recipe.epochs : "-"})`, choice, "epochs", () => {}, { kind: "number", name: "epochs", step: "0.5", dropEmpty: true }),
      field(`학습률 (레시피: ${recipe ? recipe.learning_rate : "-"})`, choice, "learning_rate", () => {}, { kind: "number", name: "learning_rate", step: "any", dropEmpty: true })));
  drawRuns();
}

async function buildTiny() {
  const job = await post("/studio/api/chat/base", { kind: "tiny" });
  const done = await follow(job.id, (j) => progress.set(j));
  if (done.status === "done") { toast("작은 테스트 모델을 만들었어요.", "ok"); choice.base = "tiny"; }
  else toast(done.error, "error");
  await showChat();
}

async function train() {
  const button = document.getElementById("chat-train");
  const cancel = document.getElementById("chat-cancel");
  button.disabled = true;
  const overrides = {};
  for (const k of ["max_steps", "epochs", "learning_rate"]) if (choice[k] !== undefined) overrides[k] = choice[k];
  try {
    const job = await post("/studio/api/chat/train", { recipe: choice.recipe, data: choice.data, base: choice.base, overrides });
    cancel.hidden = false;
    cancel.onclick = () => post(`/studio/api/jobs/${job.id}/cancel`);
    const done = await follow(job.id, (j) => { progress.set(j); clear(chart, lossChart(j.allPoints)); }, 1000);
    if (done.status === "done") toast(`채팅 모델을 학습했어요 (${done.result.run}).`, "ok");
    else toast(done.error || "학습하지 못했어요.", "error");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    button.disabled = false;
    cancel.hidden = true;
    await showChat();
  }
}

async function runJob(path, what) {
  const job = await post(path);
  const done = await follow(job.id, (j) => progress.set(j));
  if (done.status === "done") toast(`${what}을(를) 마쳤어요.`, "ok"); else toast(done.error, "error");
  await showChat();
}

function drawRuns() {
  clear(runsBox, info.runs.length ? info.runs.map((run) => {
    const handlers = info.chitchat_handlers;
    const handler = el("select", { class: "use-handler", "aria-label": "잡담 인텐트" }, handlers.map((h) => el("option", { value: h.name, text: h.name })));
    const use = el("button", { type: "button", class: "small primary use-model", text: "잡담에 쓰기", disabled: !run.export || !handlers.length || undefined,
      onclick: async () => {
        try {
          const res = await post(`/studio/api/chat/runs/${run.id}/use`, { handler: handler.value });
          toast(`${res.note} 버전 ${res.version}으로 저장했어요. 학습·평가 탭에서 학습하고 배포하세요.`, "ok");
          await projectChanged(res.version);
          await showChat();
        } catch (err) { toast(err.message, "error"); }
      } });
    const ev = run.eval;
    return el("article", { class: "card chat-run", dataset: { run: run.id, status: run.status } },
      el("div", { class: "editor-head" }, el("h4", { text: `${run.id} · ${run.recipe} · ${{ done: "완료", running: "학습 중", failed: "실패", cancelled: "멈춤" }[run.status] || run.status}` }),
        run.export ? el("span", { class: "chip ok", text: "내보냄" }) : null),
      run.metrics ? el("p", { class: "small", text: `스텝 ${run.metrics.global_step} · 손실 ${num(run.metrics.first_logged_loss, 3)} → ${num(run.metrics.last_logged_loss, 3)}` }) : null,
      run.points && run.points.length ? el("div", { class: "chart-box small-chart" }, lossChart(run.points, 420, 140)) : null,
      ev ? el("table", { class: "table eval-table" }, el("tbody", {},
        el("tr", {}, el("td", { text: "퍼플렉서티 (학습 토큰)" }), el("td", { text: num(ev.metrics.perplexity, 2) })),
        el("tr", {}, el("td", { text: "chrF" }), el("td", { text: num(ev.metrics.chrf, 1) })),
        el("tr", {}, el("td", { text: "BLEU" }), el("td", { text: num(ev.metrics.bleu, 1) })),
        el("tr", {}, el("td", { text: "턴 끝에서 멈춘 비율" }), el("td", { text: num((ev.metrics.eot_rate || 0) * 100, 0) + "%" })))) : null,
      ev && ev.samples.length ? el("details", {}, el("summary", { text: "생성한 답변 예" }),
        el("ul", {}, ev.samples.map((s) => el("li", {}, el("div", { text: "정답: " + s.reference }), el("div", { class: "muted", text: "모델: " + (s.generated || "(빈 답변)") }))))) : null,
      run.status === "done" ? el("div", { class: "row" },
        el("button", { type: "button", class: "small eval-model", text: "평가", onclick: () => runJob(`/studio/api/chat/runs/${run.id}/eval`, "평가") }),
        el("button", { type: "button", class: "small export-model", text: run.export ? "다시 내보내기" : "내보내기", onclick: () => runJob(`/studio/api/chat/runs/${run.id}/export`, "내보내기") }),
        handler, use) : null);
  }) : el("p", { class: "muted", text: "아직 학습한 채팅 모델이 없어요." }));
}
