"""The review loop: conversations worth a second look, found in the session store, and the
edits that turn them into training data.

:func:`scan` reads the most recent stored turns (their route says why the assistant answered as
it did) and lists those that fell back, those classified with a small margin between the top two
intents, those where a task failed (its action failed, or a question had to be asked again), and
those a user rated thumbs-down (:mod:`kodial.studio.feedback`). Every conversation of the store
is listed, whoever held it: the studio is the operators' console.

:func:`relabel` changes a project document so that the next training learns the turn: as an
example of an intent, as an out-of-domain query, or as another way of asking an FAQ question
(which also makes it an example of the FAQ's intent). The same text is taken out of wherever
else it was, since one text under two labels is an error of the data.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodial.errors import KodialError
from kodial.serve.store import SessionStore
from kodial.serve.tables import SessionRow, TurnRow
from kodial.studio.document import ProjectDoc
from kodial.studio.feedback import ratings

KINDS = {
    "fallback": "대체 응답",
    "low_margin": "애매한 분류",
    "task_failure": "작업 실패",
    "thumbs_down": "싫어요",
}
"""Review lists: kind -> its Korean name."""


def turn_key(session_id: str, seq: int) -> str:
    return f"{session_id}:{seq}"


def kinds_of(route: dict[str, Any], margin: float) -> list[str]:
    """Which review lists a turn's route puts it on (thumbs-down comes from the ratings)."""
    found = []
    if route.get("handler") == "fallback" or route.get("type") == "fallback":
        found.append("fallback")
    classifier = route.get("classifier") or {}
    ranking = classifier.get("ranking") or []
    if (
        "fallback" not in found
        and not classifier.get("fallback")
        and len(ranking) >= 2
        and float(ranking[0]["score"]) - float(ranking[1]["score"]) < margin
    ):
        found.append("low_margin")
    action = route.get("action") or {}
    task = route.get("task") or {}
    if action.get("ok") is False or task.get("event") == "action_failed" or task.get("failures"):
        found.append("task_failure")
    return found


def margin_of(route: dict[str, Any]) -> float | None:
    ranking = (route.get("classifier") or {}).get("ranking") or []
    if len(ranking) < 2:
        return None
    return round(float(ranking[0]["score"]) - float(ranking[1]["score"]), 4)


def scan(
    store: SessionStore,
    margin: float,
    limit: int,
    handled: dict[str, Any],
    kind: str | None = None,
    include_handled: bool = False,
) -> list[dict[str, Any]]:
    """Review items among the ``limit`` most recent turns, newest first (see the module
    docstring); ``kind`` keeps one list, ``handled`` marks turns already dealt with."""
    if kind is not None and kind not in KINDS:
        raise KodialError(f"알 수 없는 검토 목록이에요: {kind!r}", hint=", ".join(KINDS))
    down = ratings(store.engine, "down")
    with Session(store.engine) as db:
        rows = db.execute(
            select(
                TurnRow.session_id,
                TurnRow.seq,
                TurnRow.user,
                TurnRow.assistant,
                TurnRow.route,
                TurnRow.created_at,
                SessionRow.title,
            )
            .join(SessionRow, SessionRow.id == TurnRow.session_id)
            .order_by(TurnRow.id.desc())
            .limit(limit)
        ).all()
    items = []
    for session_id, seq, user, reply, raw_route, created_at, title in rows:
        try:
            route = json.loads(raw_route or "{}")
        except ValueError:
            route = {}
        if not isinstance(route, dict):
            route = {}
        kinds = kinds_of(route, margin)
        rating = down.get((session_id, seq))
        if rating is not None:
            kinds.append("thumbs_down")
        if not kinds or (kind is not None and kind not in kinds):
            continue
        key = turn_key(session_id, seq)
        if key in handled and not include_handled:
            continue
        classifier = route.get("classifier") or {}
        items.append(
            {
                "key": key,
                "session_id": session_id,
                "seq": seq,
                "session_title": title,
                "user": user,
                "assistant": reply,
                "created_at": created_at.isoformat(timespec="seconds") if created_at else None,
                "kinds": kinds,
                "handler": route.get("handler"),
                "intent": route.get("intent"),
                "top": (classifier.get("ranking") or [{}])[0].get("label"),
                "margin": margin_of(route),
                "comment": rating.comment if rating is not None else "",
                "route": route,
                "handled": handled.get(key),
            }
        )
    return items


def stored_turn(store: SessionStore, key: str) -> dict[str, Any]:
    """The turn a review key names (``session:seq``), read from the store."""
    session_id, _, seq = key.rpartition(":")
    if not session_id or not seq.isdigit():
        raise KodialError(f"검토 항목 {key!r}을(를) 찾을 수 없어요.")
    with Session(store.engine) as db:
        row = db.scalars(
            select(TurnRow).where(TurnRow.session_id == session_id, TurnRow.seq == int(seq))
        ).first()
        if row is None:
            raise KodialError(f"검토 항목 {key!r}을(를) 찾을 수 없어요 (대화가 지워졌어요).")
        return {"key": key, "session_id": session_id, "seq": row.seq, "user": row.user}


def clean(text: str) -> str:
    """A user message as the assistant read it (NFC, single spaces)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _drop_everywhere(doc: ProjectDoc, text: str) -> None:
    for entry in doc.intents.values():
        if isinstance(entry, dict) and isinstance(entry.get("examples"), list):
            entry["examples"] = [e for e in entry["examples"] if clean(str(e)) != text]
    doc.ood = [t for t in doc.ood if clean(t) != text]


def relabel(
    doc: ProjectDoc,
    text: str,
    action: str,
    label: str | None = None,
    faq_file: str | None = None,
    faq_index: int | None = None,
) -> str:
    """Change ``doc`` so that ``text`` is learnt as ``action`` says (``intent`` with ``label``,
    ``ood``, or ``faq`` with the FAQ file and entry); returns a Korean note of what changed."""
    text = clean(text)
    if not text:
        raise KodialError("빈 문장은 학습 데이터에 넣을 수 없어요.")
    if action == "ood":
        _drop_everywhere(doc, text)
        doc.ood.append(text)
        return f"“{text}”을(를) 범위 밖 문장으로 추가했어요."
    if action == "faq":
        entries = doc.files.get(faq_file or "")
        if not isinstance(entries, list) or faq_index is None or not 0 <= faq_index < len(entries):
            raise KodialError("고른 FAQ 항목이 프로젝트에 없어요. 새로고침한 뒤 다시 골라 주세요.")
        handlers = doc.assistant.get("handlers") or {}
        owner = next(
            (
                name
                for name, h in handlers.items()
                if isinstance(h, dict) and h.get("type") == "faq" and h.get("data") == faq_file
            ),
            None,
        )
        if owner is None:
            raise KodialError(f"{faq_file}을(를) 쓰는 FAQ 인텐트가 없어요.")
        entry = entries[faq_index]
        if not isinstance(entry, dict):
            raise KodialError("고른 FAQ 항목을 읽을 수 없어요. 프로젝트 탭에서 먼저 고쳐 주세요.")
        questions = entry.get("q")
        questions = [questions] if isinstance(questions, str) else list(questions or [])
        if text not in (clean(str(q)) for q in questions):
            questions.append(text)
        entry["q"] = questions
        _add_example(doc, owner, text)
        return f"“{text}”을(를) FAQ “{questions[0]}”의 다른 표현과 {owner} 예문으로 추가했어요."
    if action == "intent":
        if not label or label not in doc.intents:
            raise KodialError(f"인텐트 {label!r}이(가) 프로젝트에 없어요.")
        _add_example(doc, label, text)
        return f"“{text}”을(를) {label} 인텐트의 예문으로 추가했어요."
    raise KodialError(f"알 수 없는 처리예요: {action!r}", hint="intent, ood, faq 중 하나")


def _add_example(doc: ProjectDoc, label: str, text: str) -> None:
    _drop_everywhere(doc, text)
    entry = doc.intents.setdefault(label, {"examples": []})
    if not isinstance(entry, dict):
        entry = doc.intents[label] = {"examples": list(entry or [])}
    entry.setdefault("examples", []).append(text)
