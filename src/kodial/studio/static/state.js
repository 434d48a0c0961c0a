// What the tabs share: the server's info, the project as last loaded or saved, and change
// notifications between tabs (a relabel in the review saves a version the editor shows).
import { get } from "./api.js";

export const state = { info: null, version: 0, meta: null, doc: null, savedJson: "" };
const listeners = new Set();

export function on(fn) { listeners.add(fn); }
export function emit(what, detail) { for (const fn of listeners) fn(what, detail); }

export function dirty() { return state.doc !== null && JSON.stringify(state.doc) !== state.savedJson; }

export async function loadInfo() {
  state.info = await get("/studio/api/info");
  emit("info");
  return state.info;
}

export async function loadProject() {
  const p = await get("/studio/api/project");
  state.version = p.version;
  state.meta = p.meta;
  state.doc = p.doc;
  state.savedJson = JSON.stringify(p.doc);
  emit("project");
  return p;
}

// The project changed on the server (a save from another tab or person): reload it unless the
// editor holds unsaved edits, which must not be thrown away silently.
export async function projectChanged(version) {
  if (dirty()) { emit("stale", version); return; }
  await loadProject();
}

export function intentsOf(doc) {
  const handlers = (doc && doc.assistant.handlers) || {};
  return Object.keys(doc ? doc.intents : {}).map((name) => ({ name, handler: handlers[name] || null }));
}

export const TYPE_NAMES = { task: "작업", faq: "FAQ", chitchat: "잡담", fallback: "대체 응답" };
