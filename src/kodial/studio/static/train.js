// Train & evaluate tab: train the latest saved version (a background job with progress), the
// evaluation report as numbers, tables and pictures, the comparison with the version before,
// and deploy (refused while something got worse, until that is confirmed).
import { get, post, follow, imageUrl, ApiError } from "./api.js";
import { el, clear, toast, pct, num, when, progressBar } from "./ui.js";
import { state, loadInfo, on, emit, dirty } from "./state.js";

let panel, progress, runsBox, detail;
let selected = null;

const METRICS = [
  ["metrics", "accuracy", "정확도", "평가 예문 중 맞게 분류한 비율"],
  ["metrics", "macro_f1", "매크로 F1", "인텐트별 F1의 평균"],
  ["fallback", "accuracy_with_fallback", "대체 응답까지 고려한 정답률", "대체 응답으로 넘긴 것은 틀린 것으로 셈"],
  ["fallback", "ood_detection_rate", "범위 밖 감지율", "범위 밖 문장을 대체 응답으로 보낸 비율"],
];

export function mountTrain(root) {
  panel = root;
  progress = progressBar();
  runsBox = el("div", { class: "runs" });
  detail = el("div", { id: "run-detail", class: "run-detail" });
  clear(panel,
    el("div", { class: "panel train-head" },
      el("div", {},
        el("h2", { text: "학습·평가" }),
        el("p", { class: "muted", id: "train-version", text: "" })),
      el("button", { id: "train-button", type: "button", class: "primary", onclick: () => train(), text: "학습 시작" }),
      progress),
    el("div", { class: "train-body" }, el("div", { class: "panel" }, el("h3", { text: "학습 기록" }), runsBox), detail));
  on((what) => { if (what === "project" || what === "edited" || what === "info") header(); });
}

function header() {
  const line = document.getElementById("train-version");
  if (!line) return;
  line.textContent = `저장된 최신 버전 ${state.version}을(를) 학습해요. 예문 5개 중 1개꼴로 평가용으로 따로 두고, 배포할 비서는 모든 예문으로 학습해요.`
    + (dirty() ? " (프로젝트 탭에 저장하지 않은 변경이 있어요: 저장해야 학습에 들어가요)" : "");
}

export async function showTrain() {
  header();
  await refreshRuns();
  // a training started before this page was (re)loaded: follow it
  const running = ((state.info && state.info.jobs) || []).find((j) => j.kind === "train");
  if (running && !following) train(running);
}

let following = false;

async function train(existing) {
  const button = document.getElementById("train-button");
  button.disabled = true;
  following = true;
  try {
    const job = existing && existing.id ? existing : await post("/studio/api/train", {});
    const done = await follow(job.id, (j) => progress.set(j));
    if (done.status === "done") {
      toast(`학습을 마쳤어요 (버전 ${done.result.version}).`, "ok");
      selected = done.result.run;
    } else {
      toast(done.error || "학습하지 못했어요.", "error");
    }
    await refreshRuns();
    await loadInfo();
  } catch (err) {
    toast(err.message, "error");
  } finally {
    button.disabled = false;
    following = false;
  }
}

async function refreshRuns() {
  const { runs, deployed } = await get("/studio/api/runs");
  if (!selected && runs.length) selected = runs[0].id;
  clear(runsBox, runs.length ? el("table", { class: "table runs-table" },
    el("thead", {}, el("tr", {}, ["학습", "버전", "정확도", "상태", ""].map((h) => el("th", { text: h })))),
    el("tbody", {}, runs.map((r) => el("tr", {
      class: r.id === selected ? "selected" : "", dataset: { run: r.id },
      onclick: () => { selected = r.id; refreshRuns(); },
    },
      el("td", { text: r.id }), el("td", { text: r.version }),
      el("td", { text: r.summary ? pct(r.summary.metrics.accuracy) : "-" }),
      el("td", { text: { running: "학습 중", done: "완료", failed: "실패" }[r.status] || r.status }),
      el("td", {}, deployed && deployed.run === r.id ? el("span", { class: "chip ok", text: "배포됨" }) : null)))))
    : el("p", { class: "muted", text: "아직 학습한 적이 없어요. '학습 시작'을 눌러 보세요." }));
  if (selected) await showRun(selected, deployed);
}

async function showRun(id, deployed) {
  const run = await get(`/studio/api/runs/${id}`);
  if (run.status !== "done") {
    clear(detail, el("div", { class: "panel" }, el("h3", { text: `${id} (버전 ${run.version})` }),
      el("p", { class: "muted", text: run.status === "failed" ? "학습에 실패했어요." : "학습 중이에요." })));
    return;
  }
  const r = run.report;
  const s = run.summary;
  const cards = el("div", { class: "metric-cards" }, METRICS.map(([sec, key, name, help]) =>
    el("div", { class: "metric", title: help }, el("div", { class: "metric-value", text: pct(r[sec][key]) }), el("div", { class: "metric-name", text: name }))));
  const images = el("div", { class: "pictures" });
  for (const name of ["confusion.png", "f1.png", "compare.png"]) {
    if (!run.files.includes(name)) continue;
    const alt = { "confusion.png": "혼동 행렬", "f1.png": "인텐트별 점수", "compare.png": "이전 버전과 비교" }[name];
    const img = el("img", { alt, class: "picture", dataset: { file: name } });
    imageUrl(`/studio/api/runs/${id}/files/${name}`).then((url) => { if (url) img.src = url; });
    images.append(el("figure", {}, img, el("figcaption", { text: alt })));
  }
  clear(detail,
    el("div", { class: "panel" },
      el("div", { class: "editor-head" },
        el("h3", { text: `${id} · 버전 ${run.version} · ${when(run.finished_at)}` }),
        deployed && deployed.run === id ? el("span", { class: "chip ok", text: `배포됨 ${when(deployed.deployed_at)}` }) : null),
      el("p", { class: "muted", text: `평가 예문 ${s.split.dev}개 (학습에서 뺀 것), 범위 밖 문장 ${s.split.ood_dev}개로 쟀어요. 학습 예문 ${s.split.train}개.` }),
      cards,
      deployBox(run, deployed)),
    comparisonBox(run),
    el("div", { class: "panel" }, el("h3", { text: "그림" }), images),
    el("div", { class: "panel" }, el("h3", { text: "인텐트별 성능" }), perClassTable(r)),
    el("div", { class: "panel" }, el("h3", { text: "혼동 행렬 (행: 정답, 열: 예측)" }), confusionTable(r)),
    el("div", { class: "panel" }, el("h3", { text: "대체 응답과 범위 밖 문장" }), fallbackTable(r, s.assistant_rules)),
    r.errors && r.errors.length ? el("div", { class: "panel" }, el("h3", { text: "틀린 예문" }), errorsTable(r.errors)) : null);
}

function deployBox(run, deployed) {
  const comparison = run.comparison;
  const worse = comparison && comparison.worse;
  const confirm = el("input", { type: "checkbox", id: "confirm-worse" });
  const button = el("button", { id: "deploy-button", type: "button", class: "primary", text: "이 버전 배포하기" });
  const message = el("div", { class: "deploy-message", role: "status" });
  button.disabled = Boolean(worse);
  confirm.addEventListener("change", () => { button.disabled = worse && !confirm.checked; });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const res = await post("/studio/api/deploy", { run: run.id, confirm: confirm.checked });
      toast(`배포했어요: 이제 서버가 버전 ${res.deployed.version}으로 답해요. 진행 중인 대화는 그대로 이어져요.`, "ok");
      message.textContent = `배포했어요 (${when(res.deployed.deployed_at)}).`;
      await loadInfo();
      emit("deployed");
      await refreshRuns();
    } catch (err) {
      message.textContent = err.message;
      message.className = "deploy-message error-text";
      if (err instanceof ApiError && err.code === "deploy_needs_confirmation") confirm.focus();
      button.disabled = worse && !confirm.checked;
    }
  });
  const isDeployed = deployed && deployed.run === run.id;
  return el("div", { class: "deploy" + (worse ? " worse" : "") },
    worse ? el("div", { class: "banner warn" },
      el("strong", { text: "이전 버전보다 나빠진 지표가 있어요: " }), comparison.regressions.join("; "),
      el("label", { class: "inline" }, confirm, " 확인했고, 그래도 배포할게요")) : null,
    isDeployed ? el("p", { class: "muted", text: "지금 서버가 이 버전으로 답하고 있어요." }) : button,
    message);
}

function comparisonBox(run) {
  const c = run.comparison;
  if (!c) return el("div", { class: "panel" }, el("h3", { text: "이전 버전과 비교" }), el("p", { class: "muted", text: "비교할 이전 학습이 없어요. 이번 결과가 다음 학습의 기준이 돼요." }));
  if (!c.comparable) return el("div", { class: "panel" }, el("h3", { text: "이전 버전과 비교" }), el("p", { class: "muted", text: c.note }));
  const arrow = (row) => {
    const d = row.after - row.before;
    if (Math.abs(d) < 1e-9) return el("span", { class: "muted", text: "변화 없음" });
    return el("span", { class: row.worse ? "down" : "up", text: `${d > 0 ? "▲" : "▼"} ${(Math.abs(d) * 100).toFixed(1)}%p` });
  };
  return el("div", { class: "panel comparison" + (c.worse ? " worse" : "") },
    el("h3", { text: `이전 버전과 비교 (학습 ${c.against.run} · 버전 ${c.against.version})` }),
    el("p", { class: "muted", text: `같은 평가 예문 ${c.n}개, 범위 밖 문장 ${c.n_ood}개로 두 버전을 모두 쟀어요. ${c.note || ""}` }),
    el("table", { class: "table" },
      el("thead", {}, el("tr", {}, ["지표", "이전", "이번", "변화"].map((h) => el("th", { text: h })))),
      el("tbody", {}, c.overall.map((row) => el("tr", { class: row.worse ? "worse" : "" },
        el("td", { text: row.name }), el("td", { text: pct(row.before) }), el("td", { text: pct(row.after) }), el("td", {}, arrow(row)))))),
    c.worse_intents.length ? el("p", { class: "error-text", text: `F1이 떨어진 인텐트: ${c.worse_intents.join(", ")}` }) : null);
}

function perClassTable(r) {
  return el("table", { class: "table" },
    el("thead", {}, el("tr", {}, ["인텐트", "정밀도", "재현율", "F1", "예문 수"].map((h) => el("th", { text: h })))),
    el("tbody", {}, Object.entries(r.per_class).map(([label, m]) => el("tr", { class: m.f1 < 0.6 ? "worse" : "" },
      el("td", { text: label }), el("td", { text: num(m.precision) }), el("td", { text: num(m.recall) }),
      el("td", { text: num(m.f1) }), el("td", { text: m.support })))));
}

function confusionTable(r) {
  if (!r.confusion || !r.confusion.length) return el("p", { class: "muted", text: "-" });
  return el("div", { class: "scroll-x" }, el("table", { class: "table confusion" },
    el("thead", {}, el("tr", {}, el("th", { text: "정답 ↓ · 예측 →" }), r.labels.map((l) => el("th", { text: l })))),
    el("tbody", {}, r.labels.map((label, i) => el("tr", {}, el("th", { text: label }),
      r.confusion[i].map((n, j) => el("td", { class: n ? (i === j ? "hit" : "miss") : "", text: n || "" })))))));
}

function fallbackTable(r, rules) {
  const fb = r.fallback;
  const rows = [
    ["대체 응답 기준: 최소 점수", num(fb.min_score)],
    ["대체 응답 기준: 1·2위 최소 차이", num(fb.min_margin)],
    ["아는 질문을 대체 응답으로 보낸 비율 (분류기)", pct(fb.false_fallback_rate)],
    ["범위 밖 문장 감지율 (분류기)", pct(fb.ood_detection_rate)],
    ["범위 밖 AUROC (1에 가까울수록 잘 구분)", num(fb.ood_auroc)],
    ["비서 규칙으로 맞게 답한 비율", pct(rules.answered_correctly)],
    ["비서 규칙: 아는 질문을 대체 응답으로 보낸 비율", pct(rules.false_fallback_rate)],
    ["비서 규칙: 범위 밖 문장 감지율", pct(rules.ood_detection_rate)],
  ];
  return el("table", { class: "table" }, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: v })))));
}

function errorsTable(errors) {
  return el("table", { class: "table" },
    el("thead", {}, el("tr", {}, ["예문", "정답", "예측", "점수"].map((h) => el("th", { text: h })))),
    el("tbody", {}, errors.map((e) => el("tr", {},
      el("td", { text: e.text }), el("td", { text: e.gold }), el("td", { text: e.predicted }), el("td", { text: num(e.score) })))));
}
