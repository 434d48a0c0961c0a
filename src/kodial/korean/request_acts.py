"""Korean words that say what a request asks to *do*: delete, change, create, look up, or explain.

Closed word lists, not a model (like :mod:`kodial.korean.dialogue_acts`): verb stems and action
nouns per act, interrogatives and lookup verbs, and the words of a question about meaning.
:mod:`kodial.tools.acts` reads them over a request's Kiwi morphemes to tell apart tools that
share every content word (a birthday search and a birthday registration).
"""

from __future__ import annotations

PREDICATE_STEMS: dict[str, tuple[str, ...]] = {
    # undoing a thing made or bought (환불해줘, 해지해 주세요)
    "delete": ("삭제", "지우", "취소", "없애", "제거", "탈퇴", "환불", "해지"),
    "modify": (
        *("바꾸", "변경", "수정", "업데이트", "고치", "편집", "옮기", "미루", "연기"),
        # making a thing made smaller, larger, longer or earlier (두 그릇으로 줄여줘, 기간 늘려줘)
        *("줄이", "늘리", "연장", "당기", "앞당기"),
        # stopping a running service for a while (일시정지, 잠깐 멈춰 줘)
        *("일시정지", "멈추"),
    ),
    "send": ("보내", "전송", "발송", "전하", "전달"),
    "create": (
        *("추가", "등록", "만들", "생성", "넣", "저장", "작성", "설정", "맞추"),
        # asking for a service to be booked or ordered creates it (an order, a booking, a call)
        *("주문", "예약", "예매", "신청", "접수", "호출", "시키", "부르", "잡", "끊"),
        # buying or renting one (두 병 사 갈게요, 유모차 빌릴게요; a tool that sells says 구매,
        # which a question about a price is served by too: "일일권 얼마예요?")
        *("사", "빌리", "대여"),
        # joining a group or an event (모임에 들어갈래요, 가입, 참여)
        *("들어가", "가입", "참여", "참가"),
    ),
}
"""Verb stems and action nouns per act, in the order they win when a request has several.
Sending (a message, a mail) is an act of its own: a request to send something is not served by
a tool that looks up the address it goes to. Setting (설정, 알람 맞추기) creates, as a tool
named ``set_alarm`` / ``setupDday`` does."""

LOOKUP_WORDS = (
    "언제",
    "어디",
    "뭐",
    "무엇",
    "무슨",
    "몇",
    "얼마",
    "누구",
    "어떤",
    "어떻",
    "어때",
    "궁금",
    "검색",
    "조회",
    "확인",
    "찾",
    "알아보",
)
"""Interrogatives and lookup verbs: a request with these and no other act asks to look up."""

EXPLAIN_STEMS = ("설명",)
MEANING_NOUNS = ("뜻", "의미", "정의", "차이")
"""A request to explain, or a question about what something means (or how two things differ:
"상표랑 특허 차이가 뭐야?"), asks for knowledge."""

EVERYDAY_VERBS: dict[str, tuple[str, ...]] = {
    "시키": ("주문",),  # 치킨 시켜줘
    "부르": ("호출",),  # 택시 불러줘
    "잡": ("예약", "일정", "추가"),  # 예약 잡아줘, 방 잡아줘, 회의 잡아줘 (일정에 추가)
    "틀": ("재생",),  # 노래 틀어줘
    "끊": ("예매", "구매", "구입", "발권"),  # 표 끊어줘, 열 번짜리 끊을게요
    "내": ("납부", "결제"),  # 요금 내줘
    "내주": ("납부", "결제"),
    "부치": ("송금", "이체", "발송"),  # 돈 부쳐줘, 짐 부쳐줘
    "보내": ("송금", "이체", "발송", "전송"),
    "전하": ("전달", "전송", "발송"),  # 선생님께 전해줘
    "바꾸": ("변경", "변환", "환산"),
    "깨우": ("알람",),
    "맞추": ("설정",),
    "넣": ("추가", "등록"),
    "빼": ("삭제", "제거"),
    "지우": ("삭제",),
    "무르": ("취소", "환불"),
    "사": ("주문", "구매", "구입"),  # 두 병 사 갈게요
    "빌리": ("대여", "렌탈"),  # 유모차 빌릴게요
    "물리": ("환불", "반품"),
}
"""Everyday verb stems (Kiwi's lemma) -> the action nouns a tool's description uses for the same
act: requests say 시켜줘 / 불러줘 / 잡아줘 / 틀어줘 where descriptions say 주문 / 호출 / 예약 /
재생, so a request shares no word with the tool it means without this table."""
