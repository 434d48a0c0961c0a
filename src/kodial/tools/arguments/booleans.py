"""Booleans: a yes/no said by the parameter's own words (공포 테마 제외 -> false), by the words
its description gives its two values (켜기/끄기), or as a bare answer to a yes/no question."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from kodial.tools.arguments.choices import enum_mentions, glosses
from kodial.tools.arguments.message import NEG_AFTER, NO, ONLY_AFTER, ONLY_BEFORE, YES, Msg
from kodial.tools.arguments.params import date_format, param_keywords
from kodial.tools.arguments.results import Found
from kodial.tools.arguments.synonyms import ENUM_SYNONYMS
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import TOOL_SYNONYMS, content_words


def _bool_words(p: ParamSpec, tool: ToolSpec) -> list[str]:
    keys = param_keywords(p, tool)
    generic = {
        "포함",
        "여부",
        "옵션",
        "사용",
        "설정",
        "할지",
        "계산",
        "날짜",
        "일수",
        "true",
        "false",
        "이면",
        "남",
        "지나",
        "당일",
        "재생",
        "목록",
        "재생목록",
        "알파벳",
    }
    out = [k for k in keys if k not in generic and len(k) > 1]
    # the description's own written words as well: the analyser splits some two-syllable
    # compounds into one-syllable morphemes (양면 -> 양 + 면), which are too short to look for
    others = {w for q in tool.params if q.name != p.name for w in _written_words(q.description)}
    out += [
        w
        for w in _written_words(p.description)
        if w not in generic and w not in others and w not in out and len(w) > 1
    ]
    # two short words of the description said as one ("문 앞 비대면 수령": 문앞에 두고 가주세요)
    written = _written_words(p.description)
    for a, b in itertools.pairwise(written):
        if len(a) + len(b) <= 4 and re.fullmatch(r"[가-힣]+", a + b) and a + b not in others:
            out += [a + b, f"{a} {b}"]
    # and their everyday names: "강아지 데려갈 수 있는 곳" for 반려동물 동반
    for group in TOOL_SYNONYMS:
        if set(out) & set(group):
            out += [w for w in group if w not in out and w not in others and len(w) > 1]
    if re.search(r"(?<![가-힣])첫\s*[가-힣]", p.description) and "처음" not in others:
        # "처음이에요", "처음 가보는 거예요" for 첫 상담 여부 (not 처음 예약한 날짜, 처음부터)
        out += ["처음이", "처음인", "처음 가", "처음 와", "처음 방문", "처음 받", "처음 해"]
    # the tool's own topic is said with every request for it ("서핑 강습 예약할게요" for 서핑 경험
    # 여부): it says nothing of this yes or no
    topic = set(content_words(re.split(r"[.(]", tool.description, maxsplit=1)[0]))
    kept = [w for w in out if w not in topic]
    return kept or [k for k in keys[:1] if k not in topic]


_LOADED = re.compile(r"(?<![가-힣])(?:차량?|자동차)(?:는|은|도|를|을)?\s*(안\s*)?(?:실|싣)")


def _loaded(p: ParamSpec, text: str) -> tuple[int, int, bool] | None:
    """A car said loaded or not ("차는 안 실어요") for a yes/no of 차량 선적 (loading)."""
    if "선적" not in p.description and "싣" not in p.description:
        return None
    m = _LOADED.search(text)
    return (m.start(), m.end(), m.group(1) is None) if m else None


def _written_words(description: str) -> list[str]:
    """Whitespace words of a description, without brackets and what is in them."""
    return re.sub(r"\([^()]*\)", " ", description.lower()).split()


def _glossed_boolean(p: ParamSpec, text: str, asked: bool) -> tuple[int, int, bool] | None:
    """A boolean whose description names its two values in words ("켜기(true) / 끄기(false)",
    "true면 잠금, false면 열림"), read as those words are read for an enum: (start, end,
    value) of the word said, None when neither is said or the description names neither."""
    if not (glosses(p, "true") or glosses(p, "false")):
        return None
    said = enum_mentions(replace(p, type="string", enum=("true", "false")), text, asked)
    # only the description's words: a bare 네 or 아니 (네 시, 아니 그게) is no value here
    yes_no = {*ENUM_SYNONYMS["true"], *ENUM_SYNONYMS["false"], "true", "false"}
    said = [m for m in said if text[m[0] : m[1]].lower() not in yes_no]
    values = {opt for _, _, opt in said}
    if len(values) != 1:
        return None
    start, end, opt = said[0]
    value = opt == "true"
    after = text[end : end + 12]
    if NEG_AFTER.match(after) or _RELEASED.match(after):  # "잠금 해제해줘", "켜기 말고"
        value = not value
    return start, end, value


_TIME_WORDS = frozenset({"주말", "평일", "야간", "주간", "새벽", "심야", "공휴일", "휴일"})
"""Words of a time the date reader takes, which may be what a yes or no is about."""
_RELEASED = re.compile(r"^[은는을를도이가]?\s*(?:해제|풀|취소)")
"""A value's word taken back by the word after it (잠금 해제: unlocked)."""


def extract_booleans(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    text = msg.masked
    exclusive: ParamSpec | None = None
    for p in params:
        _said_by_the_way_of_it(p, msg, out, source)
        if p.name in out:
            continue  # ("다들 처음이에요" says more than 카약 said in 카약 경험 여부)
        glossed = _glossed_boolean(p, text, p.name in asked) or _loaded(p, text)
        if glossed is not None:
            start, end, value = glossed
            out[p.name] = Found(value, source, text[start:end])
            msg.take(start, end)
            continue
        for word in _bool_words(p, tool):
            m = re.search(re.escape(word), text, flags=re.IGNORECASE)
            if not m and word in _TIME_WORDS and not any(date_format(q) for q in tool.params):
                # "주말에도 하는 데로" for 주말 운영: a time word the date reader hid is this
                # yes or no's when the tool takes no day or time
                m = re.search(re.escape(word), msg.text)
            if not m:
                continue
            after = text[m.end() : m.end() + 14]
            before = text[max(0, m.start() - 6) : m.start()]
            explicit = re.search(rf"{re.escape(word)}\s*=\s*(true|false)", p.description)
            # "비선출", "비회원": the word with 비 before it says its opposite
            opposite = re.search(r"(?<![가-힣])비$", before) is not None
            if (
                opposite
                or (
                    explicit
                    and re.search(rf"(?<![가-힣])비{re.escape(word)}|{re.escape(word)}\s*안", text)
                )
                or NEG_AFTER.match(after)
                or re.search(r"(?:안|노|no)\s*$", before)
            ):
                value = False
            else:
                value = True
            if value and (ONLY_BEFORE.search(before) or ONLY_AFTER.match(after)):
                exclusive = p
            start = m.start() - 1 if opposite else m.start()
            out[p.name] = Found(value, source, msg.text[start : m.end()])
            msg.take(start, m.end())
            break
    if exclusive is not None:
        for p in params:
            if p.name not in out and p is not exclusive:
                out[p.name] = Found(False, source, "")
    # A bare yes/no answers the one boolean that was asked.
    open_asked = [p for p in params if p.name in asked and p.name not in out]
    if len(open_asked) == 1:
        stripped = msg.text.strip().lower()
        if (
            NO.match(stripped)
            or re.search(r"(?:안|않|말아|하지\s*마)", stripped)
            or _DECLINED.search(stripped)
        ):
            out[open_asked[0].name] = Found(False, "answer", msg.text.strip())
        elif YES.match(stripped) or _ACCEPTED.match(stripped):
            out[open_asked[0].name] = Found(True, "answer", msg.text.strip())


_TO_A_PLACE = r"(?:집|댁|회사|사무실|주소|학교|가게)(?:으로|로)\s*(?:좀\s*)?(?:보내|배송|배달|부쳐)"
_FETCHED = (
    r"가서\s*(?:받|찾)|받으러\s*갈|찾으러\s*갈|찾아\s*갈|직접\s*(?:받|찾)(?:을|으러|아)|픽업할"
    r"|현장에서\s*(?:받|수령)"
)
_WAYS = (
    # delivered or picked up ("집으로 보내주세요" / "가서 받을게요")
    (
        re.compile(r"배송|배달|택배|delivery|shipping"),
        re.compile(rf"{_TO_A_PLACE}|택배로|배송\s*(?:해|으로|받)"),
        re.compile(_FETCHED),
    ),
    (
        re.compile(r"수령|픽업|pickup"),
        re.compile(_FETCHED),
        re.compile(rf"{_TO_A_PLACE}|택배로|배송\s*(?:해|으로|받)"),
    ),
    # done before or not ("둘 다 처음이에요", "몇 번 타 봤어요")
    (
        re.compile(r"경험|experience|experienced"),
        re.compile(r"(?:해|타|가)\s*봤|경험\s*(?:있|많)|처음(?:이|은)?\s*아니"),
        re.compile(
            r"(?<!예약은 )(?<!예약 )(?<!이용은 )(?<!여기는 )(?<!여기서 )"
            r"처음(?:이|예|입|$|[.,!])(?!\s*아니)|(?:해|타)\s*본\s*적\s*(?:이\s*)?없|초보"
            r"|경험\s*(?:이\s*)?없"
        ),
    ),
    # urgent or not ("최대한 빨리 와주세요", "급한 건 아니에요")
    (
        re.compile(r"긴급|급행|urgent|express|asap"),
        re.compile(r"(?:최대한|되도록|가능한\s*한)\s*빨리|당장|급해|급합|급하게|긴급|지금\s*바로"),
        re.compile(r"급한\s*(?:건|거|게)\s*아니|안\s*급|천천히|급하지\s*않"),
    ),
)
"""Booleans said by the way of doing a thing, not by the parameter's words: (the parameter's
words, what says true, what says false)."""
_RENTAL = re.compile(r"대여|렌탈|rental")
_BORROWS = re.compile(r"(?:도|는|은|을|를)?\s*(?:좀\s*)?(?:빌려|대여)")
_BRINGS = re.compile(
    r"(?:은|는|도)?\s*(?:저희가|제가|우리가|직접)?\s*(?:가져|챙겨)\s*(?:가|갈|감|와|올)"
)


def _said_by_the_way_of_it(p: ParamSpec, msg: Msg, out: dict[str, Found], source: str) -> None:
    """ "집으로 보내주세요" for 배송 여부, "가서 받을게요" for 현장 수령 여부, "둘 다
    처음이에요" for 경험 여부: the one reading said."""
    words = f"{p.name} {p.description}".lower()
    if _RENTAL.search(words):
        # "패들은 저희가 가져갈게요" for 패들 대여: the thing rented, brought along instead
        named = [w for w in content_words(p.description) if not _RENTAL.search(w) and w != "여부"]
        things = sorted(dict.fromkeys(named), key=lambda w: len(w) == 1)  # (longer words first)
        for thing in things:
            m = re.search(re.escape(thing) + _BRINGS.pattern, msg.masked)
            if m:
                out[p.name] = Found(False, source, m.group(0))
                return
            m = re.search(re.escape(thing) + _BORROWS.pattern, msg.masked)
            if m:
                out[p.name] = Found(True, source, m.group(0))
                return
        return
    for kind, yes, no in _WAYS:
        if not kind.search(words):
            continue
        said = [(m, True) for m in yes.finditer(msg.masked)] + [
            (m, False) for m in no.finditer(msg.masked)
        ]
        if len({value for _, value in said}) == 1:
            m, value = said[0]
            out[p.name] = Found(value, source, m.group(0))
        return


_DECLINED = re.compile(r"필요\s*없|됐어|됐습니다|패스|생략")
"""A yes/no question declined politely ("필요 없어요", "그건 됐어요"); not 괜찮아요, which
says yes as often as no thanks."""
_ACCEPTED = re.compile(
    r"^(?:그렇게\s*)?(?:해\s*주세요|해줘|해\s*주시|부탁|좋습니다|좋아요|당연하죠|물론)"
)
"""A yes/no question accepted without 네 ("해주세요", "부탁해요", "좋아요")."""
