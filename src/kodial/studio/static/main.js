// kodial studio: the console's frame. Tabs, the header (project, version, what the server is
// answering with), the first-run welcome, and the API key.
import { post, askKey } from "./api.js";
import { el, clear, toast, when } from "./ui.js";
import { state, loadInfo, loadProject, on, dirty } from "./state.js";
import { mountProject } from "./project.js";
import { mountTrain, showTrain } from "./train.js";
import { mountTry, showTry } from "./try.js";
import { mountReview, showReview } from "./review.js";
import { mountChat, showChat } from "./chatmodels.js";

const SHOW = { train: showTrain, try: showTry, review: showReview, chat: showChat };
const $ = (id) => document.getElementById(id);

function header() {
  const info = state.info || {};
  const doc = state.doc;
  $("project-line").textContent = doc
    ? `${doc.assistant.name} · 버전 ${state.version}${dirty() ? " · 저장 안 한 변경 있음" : ""}`
    : "프로젝트 없음";
  const d = info.deployed;
  clear($("serving"),
    el("span", { class: "dot" + (d ? " live" : "") }),
    el("span", { text: d ? `서비스 중: ${info.serving} · 버전 ${d.version} (${d.run}, ${when(d.deployed_at)} 배포)`
      : `서비스 중: ${info.serving || "-"} · 스튜디오에서 아직 배포하지 않았어요` }));
  $("key-button").hidden = !info.auth_required;
}

async function openTab(name) {
  for (const b of document.querySelectorAll("[role=tab]")) {
    b.setAttribute("aria-selected", String(b.dataset.tab === name));
    if (b.dataset.tab === name) b.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  for (const p of document.querySelectorAll(".tab-panel")) p.hidden = p.id !== "tab-" + name;
  document.body.dataset.tab = name;
  location.hash = name;
  if (SHOW[name]) {
    try { await SHOW[name](); } catch (err) { toast(err.message, "error"); }
  }
}

async function start(source) {
  try {
    await post("/studio/api/project", { source });
    await boot();
  } catch (err) { toast(err.message, "error"); }
}

async function boot() {
  const info = await loadInfo();
  const has = info.has_project;
  $("welcome").hidden = has;
  document.querySelector(".tabs").hidden = !has;
  for (const p of document.querySelectorAll(".tab-panel")) p.hidden = true;
  if (!has) { header(); document.body.dataset.ready = "1"; return; }
  await loadProject();
  const wanted = location.hash.slice(1);
  await openTab(["project", "train", "try", "review", "chat"].includes(wanted) ? wanted : "project");
  document.body.dataset.ready = "1";
}

on((what) => { if (["info", "project", "edited", "status", "deployed"].includes(what)) header(); });

mountProject($("tab-project"));
mountTrain($("tab-train"));
mountTry($("tab-try"));
mountReview($("tab-review"));
mountChat($("tab-chat"));
for (const b of document.querySelectorAll("[role=tab]")) b.addEventListener("click", () => openTab(b.dataset.tab));
$("start-example").addEventListener("click", () => start("example"));
$("start-starter").addEventListener("click", () => start("starter"));
$("key-button").addEventListener("click", () => askKey("API 키를 바꿔요. 새 키를 입력해 주세요."));
window.addEventListener("beforeunload", (e) => { if (dirty()) { e.preventDefault(); e.returnValue = ""; } });
boot().catch((err) => { toast(err.message, "error", 10000); document.body.dataset.ready = "error"; });
