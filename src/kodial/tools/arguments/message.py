"""One user message as the extractors see it: the text, the spans already taken, the patterns
that recognise yes/no answers, e-mail addresses and phone numbers, and the tool's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kodial.tools.schema import ToolSpec
from kodial.tools.text import TOOL_SYNONYMS, content_words, split_identifier

# --- extraction from one message ------------------------------------------------------------

EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'가-힣]*[^\s<>\"'가-힣.,!?)]")
"""A web address (https://files.example.kr/a_v2.pdf), whole: none of its digits is a number."""
PHONE_RE = re.compile(r"(?<![\d-])(?:0\d{1,2}[- .]?\d{3,4}[- .]?\d{4}|0\d{1,2}-\d{3}-\d{4})(?!\d)")
YES = re.compile(r"^(?:네|넹|예|응|어|그래|좋아|맞아|ㅇㅇ|yes|y|ok|오케이|포함|켜)")
NO = re.compile(r"^(?:아니|아뇨|노|no|n$|싫어|안\s|빼|제외|끄|꺼|ㄴㄴ)")
NEG_AFTER = re.compile(
    r"^[은는을를도이가만]?\s*(?:넣지|하지|포함하지|쓰지|사용하지|켜지|말|빼|제외|없이|안\s*(?:넣|하|해|쓰|켜|실|싣)|"
    r"꺼|끄|off|않|없|아님|아니(?:에요|예요|야|고|요|라)?(?![가-힣?])(?!\s*\?)"
    # "문앞에 두지 말고", "문앞은 안돼요"
    r"|(?:에|엔|에는)?\s*[가-힣]*지\s*(?:말|마)|안\s*(?:돼|되)"
    # "장판은 그냥 둘게요": left as it is
    r"|(?:그냥|그대로)\s*(?:놔\s*)?(?:둘|두|둬|놔))"
)
REFUSED = re.compile(
    r"(?:은|는|이|가)?\s*(?:너무\s*|좀\s*|진짜\s*|별로\s*)?"
    r"(?:비싸|비쌉|싫|별로|부담|불편|안\s*돼|안\s*될|안\s*되|어려워|힘들|못\s*타|못\s*가)"
)
"""After a value: turned down for a reason (은 너무 비싸요, 는 싫어요, 는 안 돼요)."""


def turned_down(text: str, end: int) -> bool:
    """Whether the value said before ``end`` is refused (말고, 빼고, 은 너무 비싸요)."""
    after = text[end:]
    return bool(NEG_AFTER.match(after) or REFUSED.match(after))


_POS_AFTER = re.compile(
    r"^[은는을를도이가만]?\s*(?:포함|넣|켜|설정|해|하고|추가|사용|쓰|모두|전부|섞|조합|로|on)"
)
ONLY_BEFORE = re.compile(r"(?:전부|모두|오직|only|온리)\s*$")
ONLY_AFTER = re.compile(r"^\s*(?:만|으?로만|로\s*된|으로\s*된)")

DAY_PARTS = frozenset({"오전", "오후", "아침", "점심", "저녁", "밤", "새벽", "낮", "주간", "야간"})
"""Words for a part of the day (an enum of them, a title that is only one of them)."""

TIME_WORDS_SKIP = {
    "지금",
    "현재",
    "오늘",
    "요즘",
    "최근",
    "이번",
    "좀",
    "정보",
    "것",
    "거",
    "나",
    "내",
    "저",
    "제",
    "우리",
    "혹시",
    # how the request is said, never what it is about ("대신 23일에 넣어줘", "일단 X")
    "대신",
    "다시",
    "일단",
    "우선",
    "그냥",
    "먼저",
    "나중",
    "그럼",
    "그러면",
    "근데",
    "이거",
    "그거",
    "이",
    "그",
    "하나",
    "한번",
    "번",
    "때",
    "날",
    "뭐",
    "무엇",
    "어디",
    "언제",
    "얼마",
    "몇",
    "날짜",
    "시간",
    "시각",
    "요일",
    "동안",
    "거기",
    "여기",
    "이것",
    "그것",
    "저것",
    "부탁",
    "요청",
    "다음",
    "내용",
    "목록",
    "리스트",
    "달",
    "주",
    "년",
    "월",
    "올해",
    "작년",
    "내년",
    "이번달",
    "주말",
    "새",
    "중",
    "상태",
    # nouns said as adverbs with 로 (실수로 지웠어요, 진짜로, 실제로): how, not what
    "실수",
    "진짜",
    "정말",
    "실제",
}


def spans_free(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps none of ``spans`` (the values already read)."""
    return all(end <= s or start >= e for s, e in spans)


@dataclass
class Msg:
    text: str
    masked: str
    used: list[tuple[int, int]] = field(default_factory=list)

    def take(self, start: int, end: int) -> None:
        self.used.append((start, end))
        self.masked = self.masked[:start] + " " * (end - start) + self.masked[end:]

    def free(self, start: int, end: int) -> bool:
        return spans_free(start, end, self.used)


def words_of_tool(tool: ToolSpec) -> set[str]:
    words = set(content_words(tool.description)) | set(split_identifier(tool.name))
    for group in TOOL_SYNONYMS:
        if words & set(group):
            words.update(group)
    return {w for w in words if len(w) > 1 or re.match(r"[가-힣]", w)}
