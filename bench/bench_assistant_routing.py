"""Benchmark of the example assistant's routing on held-out queries: which handler answers.

The reference is the bare classifier (``lexical``, trained on the same intents) taking its top
label for every query. Against it, the fallback policies the assistant layers on top:

- ``classifier-argmax``: the top label, never falling back (the reference);
- ``calibrated-thresholds``: the classifier's fallback thresholds calibrated at start-up
  (out-of-fold in-domain scores + ``ood.txt``, ``target_recall: 0.95``), without the
  ``near_ood`` rule;
- ``assistant`` (thresholds + the ``near_ood`` rule of :mod:`kodial.classify.near_ood`): what
  :meth:`Assistant.turn` does, the classifier's own predict path.

Metrics over held-out queries written for this benchmark (not in the training files; the first
eight out-of-domain ones were looked at while choosing the OOD-neighbour rule, the other twelve
were written afterwards):
in-domain routing accuracy (answered by the right intent), in-domain false-fallback rate, and
out-of-domain rejection rate. FAQ retrieval: the right entry for 20 held-out paraphrases, with
character n-grams alone against characters + content morphemes (the FAQ handler's choice). Timing: one first turn through ``Assistant.turn`` against one
``classifier.predict`` call on the same query (the engine's overhead as a ratio; noisy on a
shared machine, so compare ratios; both are timed after a warm-up pass, as the featurizer caches
morpheme analyses).

    .venv/bin/python bench/bench_assistant_routing.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kodial.assistant.engine import build_demo_assistant
from kodial.classify.base import FallbackPolicy
from kodial.korean.datetimes import SEOUL
from kodial.textio import atomic_write_text

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
console = Console()
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)

HELD_OUT: dict[str, list[str]] = {
    "book_table": [
        "금요일 저녁에 다섯 명 자리 잡아 주세요",
        "홍대점 예약 가능해요?",
        "모레 점심 예약하려는데요",
        "회사 사람들이랑 저녁 예약할게",
        "부모님 모시고 갈 자리 하나 예약해 주세요",
        "다음 주 수요일 저녁 자리 남았나요",
        "토요일 낮에 세 명 식사 예약 부탁드려요",
        "판교 지점에 6시 예약 잡아 줘",
        "기념일 저녁 예약하고 싶어",
        "오늘 점심 두 명 앉을 데 있을까요",
    ],
    "book_movie": [
        "한밤의 레시피 표 있어요?",
        "토요일에 영화 보려는데 예매 좀",
        "영화 세 장 예약해줘",
        "저녁 상영 표 두 장이요",
        "바다로 간 고양이 내일 보고 싶어요",
        "조조 영화 한 장 끊어 줄래",
        "영화관 표 좀 사 줘",
        "이번 주말 영화 예매 가능할까",
        "별빛 정거장 일요일 표 구해 줘",
        "애들이랑 볼 영화 네 장 예매",
    ],
    "weather": [
        "내일 대구 춥나요",
        "제주도 날씨 어떨까요",
        "오늘 기온 몇 도예요",
        "부산 이번 주말 날씨",
        "광주는 지금 따뜻해요?",
        "모레 인천 쌀쌀할까",
        "대전 날씨 좀 봐 줘",
        "서울 12월 기온이 궁금해",
        "내일 겉옷 챙겨야 할까요",
        "다음 주 제주 기온 알려 줄래요",
    ],
    "faq": [
        "포인트 적립은 어떻게 돼요",
        "주차는 몇 시간 무료예요",
        "환불 언제 들어와요",
        "예약 바꾸려면 어떻게 해요",
        "강아지 데려가도 돼요?",
        "유모차 가지고 들어가도 되나요",
        "현금영수증 어떻게 받아요",
        "학생은 할인 돼요?",
        "예약 안 가면 불이익 있어요?",
        "상품권으로 결제할 수 있어요?",
    ],
    "smalltalk": [
        "반갑다",
        "오늘 기분 최고야",
        "너 뭐 좋아해",
        "심심한데 놀아줘",
        "오늘 진짜 힘들었어",
        "고맙다 정말",
        "넌 누가 만들었어",
        "잘 자요",
        "배불러",
        "오늘 좋은 일 있었어",
    ],
}
FAQ_GOLD: dict[str, str] = {
    "포인트 적립은 어떻게 돼요": "포인트는 어떻게 쌓여요",
    "주차는 몇 시간 무료예요": "주차 가능한가요",
    "환불 언제 들어와요": "환불은 어떻게 받나요",
    "예약 바꾸려면 어떻게 해요": "예약을 변경하고 싶으면 어떻게 하나요",
    "강아지 데려가도 돼요?": "반려동물 데리고 가도 되나요",
    "유모차 가지고 들어가도 되나요": "아이 의자 있나요",
    "현금영수증 어떻게 받아요": "영수증 발급되나요",
    "학생은 할인 돼요?": "학생 할인 있어요",
    "예약 안 가면 불이익 있어요?": "노쇼하면 어떻게 돼요",
    "상품권으로 결제할 수 있어요?": "상품권 사용할 수 있나요",
    "몇 시까지 영업해요": "영업시간이 어떻게 되나요",
    "카드로 계산 돼요": "결제 수단은 뭐가 있어요",
    "비번 까먹었어요": "비밀번호를 잊어버렸어요",
    "20명 넘게 예약 가능해요": "단체 예약은 몇 명까지 돼요",
    "휠체어 타고 갈 수 있어요": "휠체어로 들어갈 수 있나요",
    "영화 취소하면 돈 돌려받나요": "영화표 환불 규정이 궁금해요",
    "탈퇴하고 싶어요": "회원 탈퇴는 어떻게 하나요",
    "내 개인정보 지워 주세요": "개인정보는 어떻게 관리돼요",
    "견과류 알레르기가 있어요": "알레르기 정보 확인할 수 있나요",
    "와인 들고 가도 돼요": "콜키지 되나요",
}
"""Held-out FAQ paraphrase -> the first question of the entry that answers it."""

OUT_OF_DOMAIN = [
    "내일 주가 오를까",
    "은행 대출 이자 알려 줘",
    "강아지 산책 몇 번 시켜야 돼",
    "수학 문제 좀 풀어줘",
    "오늘 뉴스 요약해 줘",
    "기차표 예매해 줘",
    "차 수리 맡기고 싶어",
    "휴대폰 요금제 바꿔 줘",
    "감기 빨리 낫는 법",
    "영어 회화 학원 추천해 줘",
    "이사 업체 불러 줘",
    "택배 언제 와",
    "노트북 사양 비교해 줘",
    "김치찌개 레시피 알려 줘",
    "국민연금 얼마나 받아",
    "시 한 편 써 줘",
    "와이파이 비밀번호 뭐야",
    "전세 계약할 때 주의할 점",
    "사진 보정하는 앱 추천",
    "운동 루틴 짜 줘",
]


def evaluate(assistant: Any, policy: str, quick: bool) -> dict[str, Any]:
    clf = assistant.classifier
    ind = [(q, lab) for lab, qs in HELD_OUT.items() for q in (qs[:4] if quick else qs)]
    ood = OUT_OF_DOMAIN[:8] if quick else OUT_OF_DOMAIN
    saved, saved_near = clf.fallback, clf.ood_neighbors
    if policy == "classifier-argmax":
        clf.fallback, clf.ood_neighbors = FallbackPolicy(), None
        preds = clf.predict([q for q, _ in ind] + ood)
    elif policy == "calibrated-thresholds":
        clf.ood_neighbors = None
        preds = clf.predict([q for q, _ in ind] + ood)
    else:
        preds = assistant.predict([q for q, _ in ind] + ood)
    clf.fallback, clf.ood_neighbors = saved, saved_near
    in_preds, ood_preds = preds[: len(ind)], preds[len(ind) :]
    correct = sum(p.label == lab for p, (_, lab) in zip(in_preds, ind, strict=True))
    false_fb = sum(p.fallback for p in in_preds)
    rejected = sum(p.fallback for p in ood_preds)
    return {
        "policy": policy,
        "in_domain": len(ind),
        "in_domain_accuracy": correct / len(ind),
        "false_fallback_rate": false_fb / len(ind),
        "ood": len(ood),
        "ood_rejection_rate": rejected / len(ood),
    }


def faq_retrieval(assistant: Any) -> list[dict[str, Any]]:
    """Right FAQ entry found for held-out paraphrases: character view alone vs characters +
    content morphemes (what the FAQ handler uses)."""
    from kodial.assistant.retrieval import NearestText

    faq = assistant.handlers["faq"]
    first = {e.q[0]: i for i, e in enumerate(faq.entries)}
    questions = [q for e in faq.entries for q in e.q]
    rows = []
    for name, morphemes in (("characters", False), ("characters+morphemes", True)):
        index = NearestText(questions, morphemes=morphemes)
        right = 0
        for query, gold in FAQ_GOLD.items():
            hit = index.search(query)[0]
            right += faq.owner[hit.index] == first[gold]
        rows.append({"features": name, "right": right, "queries": len(FAQ_GOLD)})
    return rows


def timing(assistant: Any, quick: bool) -> dict[str, Any]:
    queries = [q for qs in HELD_OUT.values() for q in qs] + OUT_OF_DOMAIN
    repeats = 1 if quick else 3
    turn_ms, clf_ms = [], []
    # Warm-up: the featurizer caches morpheme analyses, so both sides are timed on cached text.
    assistant.classifier.predict(queries)
    for _ in range(repeats):
        for q in queries:
            t = time.perf_counter()
            assistant.classifier.predict([q])
            clf_ms.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            assistant.turn(q, None, [], now=NOW).collect()
            turn_ms.append((time.perf_counter() - t) * 1e3)

    def pct(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]

    return {
        "turns": len(turn_ms),
        "classifier_predict_ms_p50": statistics.median(clf_ms),
        "classifier_predict_ms_p99": pct(clf_ms, 0.99),
        "assistant_turn_ms_p50": statistics.median(turn_ms),
        "assistant_turn_ms_p99": pct(turn_ms, 0.99),
        "turn_over_predict_p50": statistics.median(turn_ms) / statistics.median(clf_ms),
    }


def code_version() -> str:
    """``git describe`` of the checkout (``-dirty`` when files differ from the commit): the
    lexical classifier is still changing, and its numbers move with it."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="4 queries per intent, 8 OOD, 1 timing pass"
    )
    args = ap.parse_args()
    t = time.perf_counter()
    assistant = build_demo_assistant()
    build_s = time.perf_counter() - t
    rows = [
        evaluate(assistant, p, args.quick)
        for p in ("classifier-argmax", "calibrated-thresholds", "assistant")
    ]
    times = timing(assistant, args.quick)
    faq_rows = faq_retrieval(assistant)
    policy = assistant.classifier.fallback

    table = Table(title="Example assistant routing on held-out queries")
    for col in ("policy", "in-domain acc", "false fallback", "OOD rejected"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["policy"],
            f"{r['in_domain_accuracy']:.1%} of {r['in_domain']}",
            f"{r['false_fallback_rate']:.1%}",
            f"{r['ood_rejection_rate']:.1%} of {r['ood']}",
        )
    console.print(table)
    for r in faq_rows:
        console.print(f"FAQ retrieval, {r['features']}: {r['right']}/{r['queries']} right entries")
    console.print(
        f"calibrated policy: min_score={policy.min_score:.3f} min_margin={policy.min_margin:.3f}; "
        f"build {build_s:.1f}s; turn p50 {times['assistant_turn_ms_p50']:.1f} ms vs predict p50 "
        f"{times['classifier_predict_ms_p50']:.1f} ms (x{times['turn_over_predict_p50']:.2f})"
    )
    result = {
        "quick": args.quick,
        "policies": rows,
        "calibrated_policy": {"min_score": policy.min_score, "min_margin": policy.min_margin},
        "build_seconds": build_s,
        "timing": times,
        "faq_retrieval": faq_rows,
        "code": code_version(),
    }
    out = ROOT / "results"
    atomic_write_text(out / "assistant_routing.json", json.dumps(result, indent=2) + "\n")
    md = [
        "# Example assistant routing (held-out queries)",
        "",
        "`.venv/bin/python bench/bench_assistant_routing.py`" + (" --quick" if args.quick else ""),
        "",
        "| policy | in-domain accuracy | false fallback | OOD rejected |",
        "|---|---|---|---|",
        *[
            f"| {r['policy']} | {r['in_domain_accuracy']:.1%} (n={r['in_domain']}) | "
            f"{r['false_fallback_rate']:.1%} | {r['ood_rejection_rate']:.1%} (n={r['ood']}) |"
            for r in rows
        ],
        "",
        f"Calibrated policy: min_score {policy.min_score:.3f}, min_margin {policy.min_margin:.3f}.",
        "FAQ retrieval on held-out paraphrases (right entry): "
        + ", ".join(f"{r['features']} {r['right']}/{r['queries']}" for r in faq_rows)
        + ".",
        "",
        f"Code: `{result['code']}`.",
        "",
        "Held-out queries are in the script; the first 8 OOD queries were seen while choosing the "
        "OOD-neighbour rule.",
        f"Turn latency p50/p99: {times['assistant_turn_ms_p50']:.1f}/"
        f"{times['assistant_turn_ms_p99']:.1f} ms; classifier predict p50/p99: "
        f"{times['classifier_predict_ms_p50']:.1f}/{times['classifier_predict_ms_p99']:.1f} ms "
        f"(turn/predict = {times['turn_over_predict_p50']:.2f}x, shared 2-core machine).",
        "",
    ]
    atomic_write_text(out / "assistant_routing.md", "\n".join(md))


if __name__ == "__main__":
    main()
