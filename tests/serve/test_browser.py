"""The web chat page in a real headless Chromium (the Debian ``chromium`` package, driven by
Playwright; no browser download): a multi-turn restaurant booking with slot questions, streamed
replies, the route and the classifier's top labels shown for each turn, the session kept across
a page reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _open(browser: Any, url: str) -> Any:
    pg = browser.new_page(viewport={"width": 1000, "height": 900}, locale="ko-KR")
    pg.set_default_timeout(30_000)
    pg.goto(url + "/")
    return pg


@pytest.fixture
def page(browser: Any, start_server: Any) -> Any:
    pg = _open(browser, start_server(stream_chunk_chars=2, stream_delay_ms=5))
    pg.wait_for_selector("body[data-ready='1']")
    pg.check("#show-route")  # the route panel is off by default (a builder's view)
    return pg


def _say(page: Any, text: str) -> Any:
    """Send ``text`` and wait for its streamed answer; returns the answer's turn element."""
    before = page.locator(".turn").count()
    page.fill("#input", text)
    page.press("#input", "Enter")
    turn = page.locator(".turn").nth(before)
    turn.locator(".route .badge").wait_for()
    page.wait_for_selector("#send:not([disabled])")
    return turn


def test_booking_conversation_in_the_browser(page: Any, tmp_path: Path) -> None:
    assert page.title().endswith("kodial")
    assert page.locator("#examples button").count() >= 3

    t1 = _say(page, "내일 저녁 7시에 4명 예약하고 싶어요")
    assert "지점" in t1.locator(".msg.assistant").inner_text()  # the slot question
    assert t1.locator(".badge").inner_text() == "book_table"
    labels = t1.locator(".route .label")
    assert labels.count() >= 2  # the classifier's top labels, with scores
    assert "book_table" in labels.first.inner_text()
    assert "인원=4" in t1.locator(".slots").inner_text()

    t2 = _say(page, "강남점으로 해 주세요")
    assert "예약할까요" in t2.locator(".msg.assistant").inner_text()
    t3 = _say(page, "아니 시간은 8시로 바꿔줘")
    text3 = t3.locator(".msg.assistant").inner_text()
    assert "8시" in text3 or "20:00" in text3
    t4 = _say(page, "네 좋아요")
    assert "예약했어요" in t4.locator(".msg.assistant").inner_text()

    t5 = _say(page, "자동차 엔진오일 교체 주기는?")
    assert t5.locator(".badge").inner_text() == "fallback"
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".msg.user").count() == 5  # the session survived the reload
    assert page.locator(".turn .badge").first.inner_text() == "book_table"

    page.click("#new-session")
    page.wait_for_function("document.querySelectorAll('.msg.user').length === 0")
    assert _say(page, "안녕하세요!").locator(".msg.assistant").inner_text().strip()


def test_page_asks_for_the_api_key(browser: Any, start_server: Any) -> None:
    from kodial.serve.security import hash_key

    pg = _open(browser, start_server(api_key_hashes=[hash_key("kd-browser-key")]))
    pg.wait_for_selector("#key-dialog[open]")  # the first API call got 401
    pg.fill("#key-input", "kd-browser-key")
    pg.click("#key-dialog button")
    pg.wait_for_selector("body[data-ready='1']")
    pg.check("#show-route")
    assert "영화" in _say(pg, "영화 예매해 줘").locator(".msg.assistant").inner_text()
