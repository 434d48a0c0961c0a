// Why the assistant answered as it did, in Korean: the route of a turn (kodial's Route, see
// GET /openapi.json components.schemas.Route) as a few short lines. Used by the web chat page
// and by kodial studio. The engine's own `reason` is English developer text: it stays in the
// raw JSON under "원본 데이터", and the lines here are built from the route's typed fields.
"use strict";

(function (global) {
  const TYPES = { task: "작업", faq: "자주 묻는 질문", chitchat: "잡담", fallback: "대체 응답" };
  const FALLBACK_REASONS = {
    low_score: (t) => `가장 높은 점수가 기준(${fmt(t && t.min_score)})보다 낮아요`,
    ambiguous: (t) => `1위와 2위 점수 차이가 기준(${fmt(t && t.min_margin)})보다 작아요`,
    near_ood: () => "범위 밖 문장과 가장 비슷해요",
    no_labels: () => "고를 인텐트가 없어요",
  };
  const EVENTS = {
    started: "작업을 시작했어요", filled: "값을 채웠어요", changed: "값을 바꿨어요",
    invalid: "받을 수 없는 값이에요", period: "오전·오후를 물었어요", declined: "확인을 거절했어요",
    confirming: "확인을 묻고 있어요", reasking: "다시 물었어요", reprompt: "다시 물었어요",
    cancelled: "작업을 취소했어요", action_failed: "실행에 실패했어요", done: "작업을 마쳤어요",
  };
  const NOTES = {
    "state from another version was reset": "다른 버전의 대화 상태라 새로 시작했어요",
    "the task in the state is not one of this assistant's tasks":
      "진행 중이던 작업이 지금 비서에 없어 새로 시작했어요",
  };

  function fmt(x) { return typeof x === "number" ? x.toFixed(2) : "-"; }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function valueText(v) { return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v); }

  function slotText(slots) {
    return Object.entries(slots || {}).map(([k, v]) => `${k}=${valueText(v)}`).join(", ");
  }

  // [label, text] lines explaining the route.
  function lines(route) {
    const out = [];
    const type = TYPES[route.type] || route.type || "?";
    out.push(["처리", `${route.handler} (${type})`]);
    const c = route.classifier;
    if (c) {
      const top = (c.ranking || []).map((r) => `${r.label} ${fmt(r.score)}`).join(" · ");
      out.push(["분류", top || "-"]);
      if (c.fallback) {
        const why = FALLBACK_REASONS[c.fallback_reason];
        out.push(["대체 이유", why ? why(c.thresholds) : (c.fallback_reason || "기준 미달")]);
      }
    } else {
      out.push(["분류", "빈 메시지라 분류하지 않았어요"]);
    }
    if (route.abstained) out.push(["넘김", `${route.abstained}에서 알맞은 답을 찾지 못해 대체 응답으로 넘겼어요`]);
    const task = route.task;
    if (task) {
      let text = EVENTS[task.event] || task.event;
      if (task.asking) text += ` · 다음 질문: ${task.asking}`;
      if (task.missing && task.missing.length) text += ` · 남은 값: ${task.missing.join(", ")}`;
      out.push(["작업", text]);
    }
    const slots = slotText(route.slots);
    if (slots) out.push(["채운 값", slots]);
    if (route.action) {
      out.push(["실행", route.action.ok ? (route.action.replayed ? "성공 (이전 결과 재사용)" : "성공")
        : `실패${route.action.error_id ? ` (오류 번호 ${route.action.error_id})` : ""}`]);
    }
    if (route.faq) {
      out.push(["FAQ", `가장 비슷한 질문 “${route.faq.question}” (유사도 ${fmt(route.faq.similarity)}, 기준 ${fmt(route.faq.threshold)})`]);
    }
    const chat = route.chitchat;
    if (chat) {
      if (chat.model) out.push(["잡담", `모델이 답했어요 (${chat.backend})`]);
      else if (chat.default_reply) out.push(["잡담", `비슷한 문장이 없어 기본 답변을 골랐어요 (가장 가까운 유사도 ${fmt(chat.similarity)})`]);
      else if (chat.nearest) out.push(["잡담", `가장 비슷한 문장 “${chat.nearest}” (유사도 ${fmt(chat.similarity)})`]);
    }
    if (route.task_waiting) out.push(["대기", `진행 중인 작업 ${route.task_waiting}은(는) 답을 기다리는 중이에요`]);
    if (route.note) out.push(["참고", NOTES[route.note] || route.note]);
    return out;
  }

  // Fill `box` with the route: a badge (the handler), the top labels with bars, the lines
  // above, and the raw route JSON folded away.
  function render(box, route) {
    box.replaceChildren();
    const head = el("div", "route-head");
    head.append(el("span", "badge" + (route.handler === "fallback" ? " fallback" : ""), route.handler || "?"));
    head.append(el("span", "route-type", TYPES[route.type] || route.type || ""));
    box.append(head);
    const ranking = route.classifier ? route.classifier.ranking || [] : [];
    if (ranking.length) {
      const row = el("div", "labels");
      for (const { label, score } of ranking) {
        const item = el("span", "label");
        const bar = el("span", "bar");
        bar.style.width = Math.max(2, Math.round(40 * Math.min(1, Math.max(0, score)))) + "px";
        item.append(el("span", "", label), bar, el("span", "", fmt(score)));
        row.append(item);
      }
      box.append(row);
    }
    const list = el("dl", "route-lines");
    for (const [k, v] of lines(route)) {
      if (k === "처리") continue;
      const dt = el("dt", "", k);
      const dd = el("dd", k === "채운 값" ? "slots" : "", v);
      list.append(dt, dd);
    }
    box.append(list);
    const details = el("details");
    details.append(el("summary", "", "원본 데이터 (JSON)"), el("pre", "", JSON.stringify(route, null, 2)));
    box.append(details);
  }

  global.KodialRoute = { lines, render, slotText, TYPES };
})(window);
