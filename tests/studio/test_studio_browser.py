"""The whole studio loop in a real headless Chromium (Debian's chromium driven by Playwright):
create a project from the bundled example, add an intent with examples (live validation shows
the loader's errors until it is complete), save, train, read the report, chat with the trained
version, find the turn that fell back in the review, relabel it, retrain, compare, deploy, and
see the running server, in a chat page session opened before the deploy, answer the once-failing
query with the new intent.

Screenshots of every tab at 1280 px and 390 px are written to ``KODIAL_SCREENSHOTS`` (the
checked-in ones in ``docs/`` come from ``KODIAL_SCREENSHOTS=docs``), else to the test's
temporary directory; at 390 px no page may scroll sideways.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from studio_helpers import UNSEEN_DELIVERY

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
EXAMPLES = [
    "배달 되나요",
    "집으로 배달해 주세요",
    "배달 가능한가요",
    "음식 배달 돼요?",
    "배달 주문하고 싶어요",
    "배달비는 얼마예요",
    "집에서 받아 볼 수 있어요?",
]


def shots_dir(tmp_path: Path) -> Path:
    where = os.environ.get("KODIAL_SCREENSHOTS")
    path = Path(where) if where else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Any, out: Path, name: str) -> None:
    """Desktop and phone screenshots of what the page shows now; the phone layout must not
    scroll sideways."""
    page.evaluate("document.getElementById('toasts')?.replaceChildren()")  # passing notices
    page.evaluate("window.scrollTo(0, 0)")  # sticky header and tabs where a visitor sees them
    page.set_viewport_size(DESKTOP)
    # report pictures load through the API (blob URLs): wait for them, or they show as broken
    page.wait_for_function(
        "[...document.querySelectorAll('img.picture')].every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)  # layout settles after the resize
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name}: the 390 px layout scrolls sideways by {overflow} px"
    page.screenshot(path=str(out / f"{name}-mobile.png"), full_page=False)
    page.set_viewport_size(DESKTOP)


def tab(page: Any, name: str) -> None:
    page.click(f"[role=tab][data-tab={name}]")
    page.wait_for_selector(f"#tab-{name}:not([hidden])")


def train(page: Any, runs_before: int) -> None:
    tab(page, "train")
    page.click("#train-button")
    page.wait_for_function(
        f"document.querySelectorAll('.runs-table tbody tr').length === {runs_before + 1}"
        " && !document.querySelector('#train-button').disabled",
        timeout=180_000,
    )
    page.wait_for_selector("#run-detail .metric-cards")
    page.wait_for_function(
        "[...document.querySelectorAll('img.picture')].length > 0 && "
        "[...document.querySelectorAll('img.picture')].every(i => i.complete && i.naturalWidth > 0)"
    )


def say(page: Any, text: str) -> Any:
    before = page.locator("#try-log .turn").count()
    page.fill("#try-input", text)
    page.press("#try-input", "Enter")
    turn = page.locator("#try-log .turn").nth(before)
    turn.wait_for()
    return turn


def test_the_whole_loop_in_the_browser(browser: Any, start_studio: Any, tmp_path: Path) -> None:
    url = start_studio()
    out = shots_dir(tmp_path)
    page = browser.new_page(viewport=DESKTOP, locale="ko-KR")
    page.set_default_timeout(60_000)
    page.goto(url + "/studio/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#welcome").is_visible()

    # 1. a project from the bundled example
    page.click("#start-example")
    page.wait_for_selector("body[data-check='ok']")
    assert "버전 1" in page.inner_text("#project-line")
    assert page.locator(".section[data-section='intent:book_table']").is_visible()

    # 2. a new intent: until it has examples, the loader's own error is shown, located
    page.click("#add-intent")
    page.fill("[name=intent-name]", "delivery")
    page.fill("[name=intent-description]", "배달 문의")
    page.select_option("[name=intent-type]", "faq")
    page.click("#create-intent")
    page.wait_for_selector("body[data-check='problems']")
    problems = page.inner_text("#problems")
    assert "delivery" in problems and ("assistant.yaml" in problems or "delivery.yaml" in problems)
    assert page.locator(".section.bad[data-section='intent:delivery']").count() == 1
    page.fill("textarea[name=examples]", "\n".join(EXAMPLES))
    page.fill("textarea[name=faq-q]", "배달 되나요")
    page.fill("textarea[name=faq-a]", "지금은 배달하지 않아요. 포장 주문은 가능해요.")
    page.wait_for_selector("body[data-check='ok']")
    shoot(page, out, "studio-project")
    page.fill("#save-note", "배달 문의 인텐트 추가")
    page.click("#save")
    page.wait_for_function("document.querySelector('#project-line').textContent.includes('버전 2')")

    # 3. train and read the report: metrics, per-intent table, confusion matrix picture
    train(page, 0)
    detail = page.inner_text("#run-detail")
    assert "정확도" in detail and "혼동 행렬" in detail and "delivery" in detail
    assert "비교할 이전 학습이 없어요" in detail
    shoot(page, out, "studio-train")

    # 4. chat with the trained version: the new intent answers, the unseen question falls back
    tab(page, "try")
    page.wait_for_selector("#try-log[data-session]")
    assert say(page, "배달 되나요?").get_attribute("data-handler") == "delivery"
    failing = say(page, UNSEEN_DELIVERY)
    assert failing.get_attribute("data-handler") == "fallback"
    assert "대체" in failing.locator(".route").inner_text()  # the route explained in Korean
    shoot(page, out, "studio-try")

    # a chat page session opened before the deploy, to see it survive the hot reload
    chat = browser.new_page(viewport=DESKTOP, locale="ko-KR")
    chat.set_default_timeout(60_000)
    chat.goto(url + "/")
    chat.wait_for_selector("body[data-ready='1']")
    chat.fill("#input", "안녕하세요")
    chat.press("#input", "Enter")
    chat.wait_for_selector(".turn[data-turn='1']")

    # 5. the review lists the fallback; relabel it as another way of asking the delivery FAQ
    tab(page, "review")
    item = page.locator("article.review-item", has_text=UNSEEN_DELIVERY).first
    item.wait_for()
    assert "대체 응답" in item.inner_text()
    shoot(page, out, "studio-review")
    item.locator("select.relabel-action").select_option("faq")
    item.locator("select.relabel-faq").select_option("delivery.yaml#0")
    item.locator("button.relabel-apply").click()
    item.locator("text=버전 3").wait_for()

    # 6. retrain: compared with the first run on the same held-out queries
    train(page, 1)
    assert "이전 버전과 비교 (학습 r0001" in page.inner_text("#run-detail")
    if page.locator("#confirm-worse").count():
        page.check("#confirm-worse")  # a worse metric must be confirmed before deploying
    page.click("#deploy-button")
    page.wait_for_function("document.querySelector('#serving').textContent.includes('버전 3')")
    shoot(page, out, "studio-deployed")

    # 7. the running server answers the once-failing query, in the session opened before
    chat.check("#show-route")
    chat.fill("#input", UNSEEN_DELIVERY)
    chat.press("#input", "Enter")
    turn = chat.locator(".turn[data-turn='2']")
    turn.wait_for()
    assert turn.locator(".badge").inner_text() == "delivery"
    assert "배달" in turn.locator(".msg.assistant").inner_text()
    assert chat.locator(".msg.user").count() == 2  # same session, nothing dropped
    shoot(chat, out, "chat-page")
    with httpx.Client(base_url=url, timeout=30) as http:
        reply = http.post(
            "/v1/chat/completions",
            json={
                "model": "kodial-demo",
                "messages": [{"role": "user", "content": UNSEEN_DELIVERY}],
            },
        ).json()
    assert reply["kodial"]["route"]["handler"] == "delivery"


def test_chat_models_tab_in_the_browser(browser: Any, start_studio: Any, tmp_path: Path) -> None:
    """Build the tiny base, train with the loss curve drawing itself, evaluate, export and hand
    the small talk to the model, all from the tab."""
    url = start_studio()
    out = shots_dir(tmp_path)
    page = browser.new_page(viewport=DESKTOP, locale="ko-KR")
    page.set_default_timeout(180_000)
    page.goto(url + "/studio/#chat")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#start-example")
    tab(page, "chat")
    page.click("#build-tiny")
    page.wait_for_function("document.querySelector('[name=base]').value === 'tiny'")
    page.select_option("[name=data]", "chitchat")
    page.fill("[name=max_steps]", "24")
    page.click("#chat-train")
    # the curve is drawn while the job runs, then the run is listed
    page.wait_for_selector("#loss-chart svg path")
    page.wait_for_selector("article.chat-run[data-status=done]")
    run = page.locator("article.chat-run").first
    run.locator("button.eval-model").click()
    page.wait_for_selector("article.chat-run .eval-table")
    page.locator("article.chat-run button.export-model").click()
    page.wait_for_selector("article.chat-run .chip.ok")
    page.locator("article.chat-run button.use-model").click()
    page.wait_for_function("document.querySelector('#project-line').textContent.includes('버전 2')")
    shoot(page, out, "studio-chat-models")
    tab(page, "project")
    page.click(".section[data-section='intent:smalltalk']")
    assert "채팅 모델이 답해요" in page.inner_text("#editor")
