"""Readings that should carry over to tools and requests nobody tuned on (round 3): mechanisms,
not phrasings. Every tool and sentence here is written for these tests (none comes from a
benchmark or a development set)."""

from __future__ import annotations

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    function_tool,
    integer_param,
    string_param,
    tool_result,
    user,
)

from kodial.tools import decide
from kodial.tools.arguments import Filling
from kodial.tools.choose import Calibration, ToolChooser
from kodial.tools.fit import unserved_new_thing
from kodial.tools.schema import parse_tools
from kodial.tools.text import numbers

# --- two views agreeing under the threshold -----------------------------------------------------

SPONSOR = [
    function_tool(
        "start_sponsorship",
        "아동 결연 후원을 시작합니다.",
        {
            "child_country": string_param("후원할 아동이 사는 나라"),
            "monthly_amount": integer_param("매월 후원 금액 (원)"),
        },
        ["child_country", "monthly_amount"],
    ),
    function_tool(
        "update_payment_card",
        "결제 카드를 바꿉니다.",
        {"card_last4": string_param("카드 끝 4자리")},
        ["card_last4"],
    ),
]


def _wordy_chooser() -> ToolChooser:
    """No encoder (cosine 0): the score is only the words, the arguments and the act, so a
    request the encoder would see little likeness in stays under the calibrated threshold."""
    return ToolChooser(encoder=None, calibration=Calibration.bundled())


def test_a_tool_named_by_its_word_and_given_an_argument_is_meant_under_the_threshold() -> None:
    """'후원' is the tool's own word and '매월 3만원' gives its amount by the parameter's words:
    two independent views agree, and no other tool comes close, so the request is not declined
    for a weak encoder score; it asks for what is still missing."""
    chooser = _wordy_chooser()
    d = decide([user("매월 3만원씩 후원 하고싶어요")], SPONSOR, now=NOW, chooser=chooser)
    assert d.explain["scores"][0]["score"] < chooser.threshold
    assert (d.kind, d.tool, d.missing) == ("ask", "start_sponsorship", ["child_country"])
    assert "under the threshold" in d.explain["why"]


def test_one_view_alone_under_the_threshold_still_declines() -> None:
    """The tool's word without any of its arguments ('후원 얘기 들었어'), or an argument without
    the tool's words, is not enough under the threshold."""
    chooser = _wordy_chooser()
    for text in ("후원 얘기 들었어", "매월 3만원이면 싸네"):
        d = decide([user(text)], SPONSOR, now=NOW, chooser=chooser)
        assert d.kind == "decline", (text, d.kind, d.explain.get("scores"))


# --- a further thing the tool does not handle -----------------------------------------------------

ROOMS = [
    function_tool(
        "reserve_study_room",
        "도서관 스터디룸을 예약합니다.",
        {
            "branch": string_param("도서관 지점 이름"),
            "date": string_param("이용 날짜 (YYYY-MM-DD)"),
            "hours": integer_param("이용 시간 (시간 단위)"),
        },
        ["branch", "date", "hours"],
    ),
    function_tool(
        "cancel_study_room",
        "스터디룸 예약을 취소합니다.",
        {"reservation_id": string_param("예약 번호")},
        ["reservation_id"],
    ),
]

ROOM_BOOKED = [
    user("중앙도서관 스터디룸 내일 2시간 예약해줘"),
    called("reserve_study_room", branch="중앙도서관", date="2026-11-19", hours=2),
    tool_result({"reservation_id": "SR-301", "room": "3번방"}),
    assistant("중앙도서관 스터디룸 3번방을 내일 2시간 예약했어요. 예약번호는 SR-301이에요."),
]


def test_a_further_thing_the_tool_never_mentions_is_declined() -> None:
    """'사물함도 빌려줄 수 있어?' after a study-room booking shares the tool's word 도서관 and the
    conversation is about the tool, but 사물함 (what the request adds with 도) is none of the
    tool's words: no tool serves it, so no call and no question."""
    d = decide([*ROOM_BOOKED, user("도서관 사물함도 빌려줄 수 있어?")], ROOMS, now=NOW)
    assert d.kind == "decline", (d.kind, d.tool, d.arguments, d.explain.get("why"))
    assert "does not handle '도서관 사물함'" in d.explain["why"]


def test_a_further_thing_the_tool_handles_or_a_name_is_still_served() -> None:
    """The same 도 adding the tool's own thing (스터디룸도) or a name (서초도서관도: a value)
    continues the booking."""
    for text in ("스터디룸도 하나 더 예약해줘 모레 3시간", "서초도서관도 내일 2시간 잡아줘"):
        d = decide([*ROOM_BOOKED, user(text)], ROOMS, now=NOW)
        assert (d.kind, d.tool) == ("call", "reserve_study_room"), (text, d.explain.get("why"))


# --- counts said with a counter -------------------------------------------------------------------

CERTS = [
    function_tool(
        "issue_school_certificate",
        "재학증명서를 발급합니다.",
        {
            "copies": integer_param("발급 부수 (1~5)"),
            "language": {"type": "string", "enum": ["국문", "영문"], "description": "언어"},
        },
        ["copies", "language"],
    )
]
DISHWASHER = [
    function_tool(
        "start_dishwasher",
        "식기세척기를 작동합니다.",
        {
            "program": {"type": "string", "enum": ["표준", "강력", "절전"], "description": "코스"},
            "rinse_count": integer_param("헹굼 횟수 (1~4, 선택)"),
        },
        ["program"],
    )
]


def test_a_count_with_any_counter_fills_the_parameter_that_counts_with_counters() -> None:
    """발급 부수 counts copies: '세 통' (the counter for documents people say) and '한 부' (the
    description's own counter) both give it; 헹굼 횟수 counts times: '두 번'."""
    for text, copies in (
        ("재학증명서 영문으로 세 통 떼주세요", 3),
        ("영문 재학증명서 한 부 필요해요", 1),
    ):
        d = decide([user(text)], CERTS, now=NOW)
        assert (d.kind, d.arguments) == ("call", {"copies": copies, "language": "영문"}), text
    d = decide([user("식기세척기 강력으로 돌려줘 헹굼은 두 번")], DISHWASHER, now=NOW)
    assert d.arguments == {"program": "강력", "rinse_count": 2}


def test_bu_is_a_counter_only_after_a_native_numeral_and_a_space() -> None:
    """'두부' is tofu and '2부' a part of a show; only '두 부' counts copies. A native count may
    end in 로 ('아이 하나로')."""
    assert numbers("두부랑 애호박") == []
    assert [(n.value, n.unit) for n in numbers("2부 공연")] == [(2, "")]
    assert [(n.value, n.unit) for n in numbers("두 부 뽑아줘")] == [(2, "부")]
    assert [(n.value, n.unit) for n in numbers("어른 둘 아이 하나로")] == [(2, ""), (1, "")]


# --- a place said with a noun of relative position ------------------------------------------------

PARKING = [
    function_tool(
        "find_parking_lot",
        "빈 자리가 있는 주차장을 찾습니다.",
        {"location": string_param("찾을 위치"), "max_fee": integer_param("시간당 최대 요금 (원)")},
        ["location"],
    )
]


def test_a_place_is_sent_without_the_noun_of_relative_position_after_it() -> None:
    """'판교역 근처', '잠실쪽', '시청 방면': the tool is asked about the place; the noun that
    locates something by it (근처, 쪽, 방면: Kiwi NNG/NNB after the place) is not part of it."""
    for text, place in (
        ("판교역 근처 주차장 찾아줘", "판교역"),
        ("잠실쪽 주차장 시간당 3천원 이하로 찾아줘", "잠실"),
        ("시청 방면 주차장 있어?", "시청"),
    ):
        d = decide([user(text)], PARKING, now=NOW)
        assert (d.kind, d.arguments.get("location")) == ("call", place), (text, d.arguments)


# --- a new booking takes the names a lookup gave ---------------------------------------------------

PETS = [
    function_tool(
        "get_pet_profile",
        "등록번호로 반려동물 정보를 조회합니다.",
        {"reg_no": string_param("동물 등록번호")},
        ["reg_no"],
    ),
    function_tool(
        "book_grooming",
        "반려동물 미용을 예약합니다.",
        {
            "pet_name": string_param("반려동물 이름"),
            "breed": string_param("품종"),
            "date": string_param("예약 날짜 (YYYY-MM-DD)"),
            "time": string_param("예약 시각 (HH:MM)"),
        },
        ["pet_name", "breed", "date", "time"],
    ),
]


def test_a_new_booking_takes_the_names_a_lookup_result_gave_but_not_its_times() -> None:
    """The profile just looked up names the pet (pet_name, breed): booking for it takes them
    instead of asking again; the date and time come from the request (the result's own date is
    not the booking's)."""
    history = [
        user("등록번호 410-22 우리 강아지 정보 좀"),
        called("get_pet_profile", reg_no="410-22"),
        tool_result({"pet_name": "보리", "breed": "푸들", "date": "2026-10-01", "time": "09:00"}),
        assistant("보리(푸들)의 정보예요. 마지막 미용은 10월 1일이었어요."),
    ]
    d = decide([*history, user("모레 오후 2시에 미용 예약해줘")], PETS, now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"pet_name": "보리", "breed": "푸들", "date": "2026-11-20", "time": "14:00"},
    ), (d.kind, d.arguments, d.missing)
    d = decide([*history, user("미용 예약해줘")], PETS, now=NOW)
    assert (d.kind, d.missing) == ("ask", ["date", "time"])


# --- options and switches said by their written words ----------------------------------------------

POSTERS = [
    function_tool(
        "print_posters",
        "포스터를 인쇄합니다.",
        {
            "size": {
                "type": "string",
                "enum": ["A2(대형)", "A3(중형)", "A4(소형)"],
                "description": "포스터 크기",
            },
            "duplex": {"type": "boolean", "description": "양면 인쇄 여부 (선택)"},
            "copies": integer_param("인쇄 장수"),
        },
        ["size", "copies"],
    )
]


def test_an_option_with_a_gloss_in_brackets_is_said_by_its_head() -> None:
    """'A3(중형)' is what the schema sends; people say 'A3'."""
    d = decide([user("포스터 A3로 20장 뽑아줘")], POSTERS, now=NOW)
    assert (d.kind, d.arguments) == ("call", {"size": "A3(중형)", "copies": 20}), d.arguments


def test_a_switch_is_named_by_a_word_of_its_description_the_analyser_splits() -> None:
    """'양면' (양면 인쇄 여부) turns the switch on although the analyser reads it as two
    one-syllable morphemes, too short to look for; the description's written word is looked for."""
    d = decide([user("포스터 A4로 양면 10장 뽑아줘")], POSTERS, now=NOW)
    assert d.arguments == {"size": "A4(소형)", "duplex": True, "copies": 10}, d.arguments


def test_a_common_noun_before_a_name_tagged_head_is_a_kind_of_thing_not_a_name() -> None:
    """The analyser tags an unknown loanword head as a proper noun ('수영 크루': 수영/NNG
    크루/NNP); with a common noun before it the compound is a kind of thing (a swimming crew),
    which the room booking does not handle. A name alone ('서초도서관', '인셉션') stays a value."""
    room = parse_tools(ROOMS)[0]
    assert unserved_new_thing("수영 크루도 잡아줄 수 있어?", Filling(room)) == "수영 크루"
    assert unserved_new_thing("인셉션도 잡아줘", Filling(room)) is None
