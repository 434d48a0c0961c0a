// The studio's calls to its API: the API key (asked for on 401, kept in this browser like the
// web chat page keeps it), JSON in and out, and errors as Korean messages.
const KEY = "kodial.key";

export function apiKey() { return localStorage.getItem(KEY) || ""; }

function headers(extra) {
  const h = { "Content-Type": "application/json", ...(extra || {}) };
  if (apiKey()) h["Authorization"] = "Bearer " + apiKey();
  return h;
}

export async function askKey(message) {
  const dialog = document.getElementById("key-dialog");
  document.getElementById("key-message").textContent = message;
  document.getElementById("key-input").value = apiKey();
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  if (dialog.returnValue !== "ok") return false;
  localStorage.setItem(KEY, document.getElementById("key-input").value.trim());
  return true;
}

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(koreanMessage(status, err));
    this.status = status;
    this.code = err.code;
    this.body = body || {};
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const CODES = {
  invalid_api_key: "API 키가 없거나 맞지 않아요.",
  rate_limit_exceeded: "요청이 너무 많아요. 잠시 뒤에 다시 시도해 주세요.",
  store_unavailable: "서버가 잠시 바빠요. 잠시 뒤에 다시 시도해 주세요.",
  session_not_found: "대화를 찾을 수 없어요. 새 대화를 시작해 주세요.",
  message_too_long: "메시지가 너무 길어요.",
};

function koreanMessage(status, err) {
  // studio errors are written in Korean by the server; the service's own are mapped
  if (err.message && /[가-힣]/.test(err.message)) return err.message;
  if (err.code && CODES[err.code]) return CODES[err.code];
  const ref = /reference ([0-9a-f]+)/.exec(err.message || "");
  if (status >= 500) return "서버에 문제가 생겼어요." + (ref ? ` (오류 번호 ${ref[1]})` : "");
  if (status === 413) return "보낸 내용이 너무 커요.";
  if (status === 422 || status === 400) return "요청을 처리하지 못했어요: " + (err.message || status);
  return "요청을 처리하지 못했어요 (" + status + ").";
}

export async function call(method, path, body) {
  const options = { method, headers: headers() };
  if (body !== undefined) options.body = JSON.stringify(body);
  let res = await fetch(path, options);
  let message = apiKey() ? "API 키가 맞지 않아요. 다시 입력해 주세요." : "이 서버는 API 키가 필요해요. 받은 키를 입력해 주세요.";
  while (res.status === 401) {
    if (!(await askKey(message))) break;
    options.headers = headers();
    res = await fetch(path, options);
    message = "API 키가 맞지 않아요. 다시 입력해 주세요.";
  }
  // the studio shares the API's rate limit: a busy console (polling a long training, checking
  // every edit) waits as told instead of failing
  for (let tries = 0; res.status === 429 && tries < 5; tries++) {
    await sleep(1000 * Math.min(10, Number(res.headers.get("Retry-After")) || 2));
    res = await fetch(path, options);
  }
  let data = null;
  const type = res.headers.get("content-type") || "";
  if (type.includes("json")) data = await res.json();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body === undefined ? {} : body);
export const put = (path, body) => call("PUT", path, body);

// An image behind the API (it needs the key, which an <img src> cannot send): a blob URL.
export async function imageUrl(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

// Poll a job until it ends; onUpdate(job) after every poll. Resolves with the finished job.
export async function follow(jobId, onUpdate, every = 700) {
  let since = 0;
  const points = [];
  for (;;) {
    const job = await get(`/studio/api/jobs/${encodeURIComponent(jobId)}?since=${since}`);
    points.push(...job.points);
    since = job.points_total;
    job.allPoints = points;
    onUpdate(job);
    if (!["queued", "running"].includes(job.status)) return job;
    await sleep(every);
  }
}
