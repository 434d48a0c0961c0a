"""The web chat page's fixes, in Chromium at phone width: Korean words are never broken between
syllables, the route panel is hidden until switched on (in Korean), every error the page shows
is Korean (a wrong API key included), there is a favicon, nothing scrolls sideways, and ratings
appear where the server takes them (the studio) and not where it does not (plain serve)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread
from kodial.serve.security import hash_key
from kodial.serve.settings import ServeSettings

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LONG = "다음 주 금요일 저녁 일곱 시에 강남점에서 친구들 네 명이랑 생일 모임을 하려고 하는데 자리가 있을까요"

# For every word of an element's text: are its first and last syllables on the same line?
SPLIT_WORDS = """(node) => {
  const text = node.firstChild;
  const words = [];
  let start = 0;
  for (const word of text.textContent.split(" ")) {
    if (word.length > 1) {
      const range = document.createRange();
      range.setStart(text, start); range.setEnd(text, start + 1);
      const first = range.getBoundingClientRect().top;
      range.setStart(text, start + word.length - 1); range.setEnd(text, start + word.length);
      if (Math.abs(range.getBoundingClientRect().top - first) > 2) words.push(word);
    }
    start += word.length + 1;
  }
  return words;
}"""


def open_page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport=PHONE, locale="ko-KR")
    page.set_default_timeout(30_000)
    page.goto(url + "/")
    return page


def say(page: Any, text: str) -> Any:
    before = page.locator(".turn").count()
    page.fill("#input", text)
    page.press("#input", "Enter")
    turn = page.locator(".turn").nth(before)
    turn.locator(".route .badge").wait_for(state="attached")
    page.wait_for_selector("#send:not([disabled])")
    return turn


def test_phone_layout_words_route_panel_and_ratings(browser: Any, start_studio: Any) -> None:
    url = start_studio()
    page = open_page(browser, url)
    page.wait_for_selector("body[data-ready='1']")
    button = page.locator("#new-session")
    box = button.bounding_box()
    assert box is not None and box["height"] < 48  # 새 대화 on one line, not one syllable a line
    assert button.evaluate("b => getComputedStyle(b).whiteSpace") == "nowrap"

    turn = say(page, LONG)
    user = page.locator(".msg.user").last
    assert user.evaluate("n => n.getClientRects()[0].height") > 40  # it does wrap ...
    assert user.evaluate(SPLIT_WORDS) == []  # ... between words only
    # the check itself sees a split word: the browser default for Korean breaks anywhere
    user.evaluate("n => { n.style.wordBreak = 'normal'; n.style.overflowWrap = 'normal'; }")
    assert user.evaluate(SPLIT_WORDS) != []
    user.evaluate("n => n.removeAttribute('style')")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    route = turn.locator(".route")
    assert not route.is_visible()  # a builder's view: off by default
    page.check("#show-route")
    assert route.is_visible()
    text = route.inner_text()
    assert "처리" in text or "분류" in text
    for english in ("intent ", "slots:", "nothing to classify"):
        assert english not in text
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".turn .route").first.is_visible()  # the switch is remembered

    # the studio takes ratings: thumbs down lands in the review
    page.locator(".turn").last.locator(".feedback button.down").click()
    page.wait_for_selector(".feedback button.down.chosen")
    with httpx.Client(base_url=url, timeout=30) as http:
        items = http.get("/studio/api/review?kind=thumbs_down").json()["items"]
    assert [i["user"] for i in items] == [LONG]

    icon = page.locator("link[rel=icon]").get_attribute("href")
    with httpx.Client(base_url=url, timeout=30) as http:
        res = http.get(icon)
    assert res.status_code == 200 and res.headers["content-type"].startswith("image/svg+xml")


def test_a_wrong_key_is_told_in_korean(browser: Any, start_studio: Any) -> None:
    url = start_studio(api_key_hashes=[hash_key("kd-right")])
    page = open_page(browser, url)
    page.wait_for_selector("#key-dialog[open]")
    assert "API 키가 필요해요" in page.inner_text("#key-message")
    page.fill("#key-input", "kd-wrong")
    page.click("#key-dialog button[value=ok]")
    page.wait_for_function(
        "document.querySelector('#key-message').textContent.includes('맞지 않아요')"
    )
    page.click("#key-dialog button[value=cancel]")
    error = page.locator(".msg.error").first
    error.wait_for()
    message = error.inner_text()
    assert "API 키" in message and "missing or invalid" not in message


def test_plain_serve_shows_no_ratings(browser: Any, assistant: Any, tmp_path: Path) -> None:
    settings = ServeSettings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", rate_limit_per_minute=0
    )
    with ServerThread(create_app(settings, assistant)) as url:
        page = open_page(browser, url)
        page.wait_for_selector("body[data-ready='1']")
        say(page, "안녕하세요")
        assert page.locator(".feedback").count() == 0


def test_no_word_of_the_studio_is_broken_at_phone_width(browser: Any, start_studio: Any) -> None:
    """At 390 px no word of the console's text is split over two lines (a flex item squeezed to
    a syllable a line, as `overflow-wrap: anywhere` allows, included); the check itself sees
    such splits when that rule is put back."""
    url = start_studio()
    page = browser.new_page(viewport=PHONE, locale="ko-KR")
    page.goto(url + "/studio/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#start-example")
    page.wait_for_selector("body[data-check]")
    assert page.evaluate(SPLIT_ANYWHERE) == []  # the project tab
    page.click("[role=tab][data-tab=try]")
    page.wait_for_selector("#try-log")
    assert page.evaluate(SPLIT_ANYWHERE) == []
    page.add_style_tag(content="body { overflow-wrap: anywhere !important; }")
    assert page.evaluate(SPLIT_ANYWHERE) != []


# Every visible text node's words: those whose first and last letters sit on different lines.
SPLIT_ANYWHERE = """() => {
  const split = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const parent = text.parentElement;
    if (!parent || !parent.offsetParent || ["SCRIPT", "STYLE", "TEXTAREA", "OPTION", "PRE"].includes(parent.tagName)) continue;
    let start = 0;
    for (const word of text.textContent.split(" ")) {
      if (word.length > 1 && /[가-힣]/.test(word)) {
        const range = document.createRange();
        range.setStart(text, start); range.setEnd(text, start + 1);
        const first = range.getBoundingClientRect();
        range.setStart(text, start + word.length - 1); range.setEnd(text, start + word.length);
        const last = range.getBoundingClientRect();
        if (first.height && Math.abs(last.top - first.top) > 2) split.push(word);
      }
      start += word.length + 1;
    }
  }
  return split;
}"""


def test_the_console_waits_out_the_rate_limit(browser: Any, start_studio: Any) -> None:
    """The console shares the API's rate limit; a burst of its own calls (start-up, the first
    check) gets 429 and is retried after Retry-After instead of failing."""
    url = start_studio(rate_limit_per_minute=60, rate_limit_burst=2)
    page = browser.new_page(viewport=PHONE, locale="ko-KR")
    page.set_default_timeout(60_000)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/studio/api/" in r.url else None)
    page.goto(url + "/studio/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#start-example")
    page.wait_for_selector("body[data-check='ok']")
    assert 429 in statuses  # the limit was hit ...
    assert page.locator(".toast.error").count() == 0  # ... and nobody saw it
