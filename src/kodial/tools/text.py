"""Korean text pieces the tool engine needs: morphemes with offsets, noun-phrase chunks, numbers
written in digits or words (13만원, 삼만칠천원, 십오프로, 네 명), and the words of a tool's
name and descriptions.

Kiwi (kiwipiepy, already used by the classifiers) gives morphemes with character offsets, so
every value the engine reports is a span of what the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kodial.classify.features import shared_kiwi
from kodial.korean.numerals import DAY_COUNT_RE, DAY_COUNTS, NATIVE_RE, korean_number
from kodial.korean.particles import has_final_consonant


@dataclass(frozen=True)
class Token:
    form: str
    tag: str
    start: int
    end: int


@lru_cache(maxsize=8192)
def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` kept for patterns built from a tool's values and keywords. There are
    thousands (every enum form and parameter keyword of every offered tool), more than ``re``'s
    own cache of 512 holds, so without this they were compiled again on every message: 40% of a
    decision's time."""
    return re.compile(pattern, flags)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """Kiwi morphemes of ``text`` with their character spans."""
    kiwi: Any = shared_kiwi(1)
    return tuple(
        Token(t.form, t.tag.split("-")[0], t.start, t.start + t.len) for t in kiwi.tokenize(text)
    )


BARE_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "NR", "XSN", "XPN"})
"""Morphemes of a bare noun phrase (no particle, ending or function word)."""


def nouns_only(text: str) -> bool:
    """Whether Kiwi reads ``text`` as nouns only: "계좌이체" yes, "걸로" (것 + 을) no."""
    toks = tokens(text)
    return bool(toks) and all(t.tag in BARE_NOUN_TAGS for t in toks)


def has_proper_noun(text: str) -> bool:
    """Whether ``text`` holds a proper noun (서귀포), as a name does and a common noun does not."""
    return any(t.tag == "NNP" for t in tokens(text))


NOMINAL_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "SL", "SN", "SH", "XSN", "XPN", "W_EMAIL", "W_URL", "W_SERIAL"}
)
CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR", "VV", "VA", "NR", "W_SERIAL"})


@dataclass(frozen=True)
class Chunk:
    """A run of nominal morphemes (a noun phrase as the user wrote it) and what follows it."""

    start: int
    end: int
    text: str
    forms: tuple[str, ...]
    after: tuple[str, ...]
    """Up to three morphemes after the chunk (particles, copula, endings) as ``form/TAG``."""


def chunks(text: str) -> list[Chunk]:
    """Noun phrases of ``text``: maximal runs of nominal morphemes separated only by spaces."""
    toks = tokens(text)
    out: list[Chunk] = []
    i = 0
    while i < len(toks):
        if toks[i].tag not in NOMINAL_TAGS or toks[i].tag == "XSN":
            i += 1
            continue
        j = i
        while j + 1 < len(toks):
            nxt = toks[j + 1]
            gap = text[toks[j].end : nxt.start]
            if gap.strip() != "" or len(gap) > 1:  # a blanked-out value ends the phrase
                break
            if nxt.tag in NOMINAL_TAGS:
                j += 1
            elif (
                (  # "별의 노래": a possessive inside a name
                    nxt.tag == "JKG"
                    and gap == ""
                    and j + 2 < len(toks)
                    and toks[j + 2].tag in ("NNG", "NNP")
                    and text[nxt.end : toks[j + 2].start] == " "
                )
                or (  # a nominalised verb stays one thing: 정리하기, 빨래 널기
                    nxt.tag in ("XSV", "VV") and j + 2 < len(toks) and toks[j + 2].tag == "ETN"
                )
            ):
                j += 2
            else:
                break
        start, end = toks[i].start, toks[j].end
        after = tuple(f"{t.form}/{t.tag}" for t in toks[j + 1 : j + 4])
        out.append(
            Chunk(start, end, text[start:end], tuple(t.form for t in toks[i : j + 1]), after)
        )
        i = j + 1
    return out


def content_words(text: str) -> list[str]:
    """Lower-cased content morphemes (nouns, stems, foreign words) plus the words of Latin
    identifiers split at case and underscores (``getWalkInfo`` -> get, walk, info)."""
    words = [t.form.lower() for t in tokens(text) if t.tag in CONTENT_TAGS]
    for ident in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text):
        words.extend(split_identifier(ident))
    return words


def split_identifier(name: str) -> list[str]:
    """``calculate_bmi`` / ``getWalkInfo`` -> ``['calculate', 'bmi']`` / ``['get', 'walk', 'info']``."""
    return list(_split_identifier(name))


@lru_cache(maxsize=8192)
def _split_identifier(name: str) -> tuple[str, ...]:
    # the same few parameter and tool names are split for every message and every tool
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.replace("_", " ").replace("-", " "))
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return tuple(w.lower() for w in spaced.split() if w)


# --- numbers --------------------------------------------------------------------------------

_AGO = r"\s*(?:전|째|됐|된|되|지났|지나)"
"""After 달: a time ago or an age (석 달 전, 여섯 달 됐어요), not a length of time."""
_MONTHS = r"달(?!러|에|마다|" + _AGO + ")"
"""달 said for months (석 달, 3달): not 달러, a rate (한 달에, 두 달마다), an age or a time ago
(여섯 달 됐어요, 석 달 전)."""
UNITS = (
    "퍼센트|프로|%|원|달러|불|유로|엔|위안|파운드|명|식구|인분|인|사람|개월|개|회차|회|세트|살|세|"
    "cm|센티미터|센티|㎝|kg|킬로그램|키로|킬로|㎏|km|킬로미터|미터|m|평|제곱미터|㎡|"
    # (박스 before 박: "3박스" is three boxes, not three nights)
    "자리|글자|자|년|월|주|일|시간|분|초|도|잔|장|권|마리|상자|박스|박|층|번|병|점|채|벌|켤레|대|"
    # (and 달 for months: "석 달", "3달"; 달러 is money)
    "통|건|그릇|가지|봉지|판|짝|게임|팩|척|그루|송이|포기|캔|컵|" + _MONTHS + "|"
    # units written in Latin letters (100kW, 64GB, 250mm)
    "kWh|kW|kw|KW|GB|MB|TB|mm|ml|W|"
    # grams and litres (육백 그램, 600g, 2리터)
    "그램|그람|g|밀리리터|리터|"
    # 부 (copies) only after a native numeral and a space ("한 부", "두 부"): after digits it is a
    # part ("2부"), and written together it is a word of its own ("두부")
    r"(?<=[가-힣]\s)부(?![가-힣])"
)
COUNTER_UNITS = frozenset(
    [
        "명",
        "사람",
        "개",
        "자리",
        "잔",
        "장",
        "권",
        "마리",
        "번",
        "병",
        "채",
        "벌",
        "켤레",
        "대",
        "통",
        "건",
        "그릇",
        "가지",
        "상자",
        "박스",
        "봉지",
        "판",
        "짝",
        "게임",
        "팩",
        "세트",
        "부",
        "회",
        *("척", "그루", "송이", "포기", "캔", "컵"),
    ]
)
"""Units that count things or times (not amounts, lengths or durations): a count said with one
goes to a parameter that counts (발급 부수, 헹굼 횟수) even when its description names no unit."""
_COUNTERS = (
    "|".join(
        sorted(
            (COUNTER_UNITS - {"부", "회", "척", "캔", "컵"})
            | {"살", "글자", "곳", "시간", "박", "평", "식구"},
            key=len,
            reverse=True,
        )
    )
    + r"|\s부(?![가-힣])|"
    + _MONTHS
    # 주 for weeks or shares ("세 주 동안", "열 주만 사 줘"); not 주인, 주소, 주세요
    + r"|주(?=$|[^가-힣]|만|씩|요\s*(?:$|[.!?,~])|를|을|는|도|동안|간|째|정도)"
    # 분 for people said politely ("두 분이요", "세 분 오세요"; not 분위기, 분류, 분당)
    + r"|분(?=$|[^가-힣]|이|은|을|께|만|도|요|이서|씩)"
    # one-syllable counters of graves and machines, tents and buildings, boats, pills, cans
    # and cups, after a space ("봉분은 두 기", "텐트 두 동", "한 척", "세 알"; not 기사, 동네,
    # 한동안, 알림, and not 바람 세기)
    + r"|\s(?:기|동|척|알|캔|컵)(?=$|[^가-힣]|요|이요|이에요|예요|이고|이면|면|을|를|은|는|만|씩|도|짜리|으로|로)"
    + r"|그루|송이|포기"
)
"""Counters a native numeral is said with (두 명, 세 시간, 이불 두 채, 운동화 한 켤레, 한 부):
the counting units (회 is said with Sino-Korean numbers, 부 only after a space) plus ages,
letters, places, hours, nights, floor areas (서른 평) and months (석 달; not 한 달에, which is
"per month", nor 여섯 달 됐어요 or 석 달 전, an age and a time ago)."""
_NUMBER_RE = re.compile(
    r"(?P<num>"
    # digits, whole (never 10 of "100kW"), with magnitudes after them ("2천만", "1억 2천만",
    # "3만5000")
    r"(?<![\d.A-Za-z])\d[\d,]*(?:\.\d+)?(?!\d|\.\d)"
    r"(?:\s*(?:억|만|천|백)+(?:\s*\d[\d,]*\s*(?:억|만|천|백)+)*(?:(?<=[억만])\s*\d[\d,]*)?)?"
    # an amount said in words, its magnitudes apart or together ("만 이천 원", "삼만칠천 원");
    # bounded, as no amount has more words: unbounded, a run of such words took quadratic time
    r"|(?<![가-힣\d])(?:[일이삼사오육칠팔구십백천만억]{0,8}[억만천백]\s){0,6}"
    r"[일이삼사오육칠팔구십백천만억]{2,}(?=\s*(?:" + UNITS + r"))"
    r"|(?<![가-힣\d])[일이삼사오육칠팔구십백천만](?=\s*(?:퍼센트|프로|만|원))"
    # a Sino-Korean numeral said alone ("백삼십오에 팔십오"): two letters or more with a
    # 십, 백 or 천 in them (two only with 십: 천사 and 백일 are words), a word of its own
    r"|(?<![가-힣\d])(?:(?=[일이삼사오육칠팔구]*[십백천])[일이삼사오육칠팔구십백천]{3,}"
    r"|[이삼사오육칠팔구]십|십[일이삼사오육칠팔구])"
    r"(?=$|[\s,.]|에(?![가-힣])|이요|이고|요(?![가-힣]))"
    r"|(?<![가-힣\d])(?:" + NATIVE_RE + r")(?=\s*(?:" + _COUNTERS + r"))"
    # a count said without a counter ("어른 둘", "성인 둘이요", "된장 하나 추가", "소파 하나랑"): the forms
    # only a count takes
    r"|(?<![가-힣\d])(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉)"
    r"(?=$|[^가-힣]|이|인데|은|을|도|만|씩|요|랑|하고|와|(?:으로|로)(?![가-힣])|(?<!하나)에(?![가-힣])"
    # ("하나에 얼마" is a price of one, "어른 하나에 아이 둘" a count before another kind)
    r"|(?<=하나)에(?=\s*(?:아이|애|어린이|초등|청소년|학생|성인|어른|유아|아기)))"
    # a native number of two words said alone ("김도윤 스물아홉", "서른둘이요"): an age or a
    # count; a bare tens word only at the end of what is said (쉰 and 열 are words too)
    r"|(?<![가-힣\d])(?:(?:스물|서른|마흔|쉰|예순|일흔|여든|아흔|열)"
    r"(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉)(?=$|[^가-힣]|이요|이에요|이고|이랑|요(?![가-힣]))"
    r"|(?:스물|서른|마흔|예순|일흔|여든|아흔)(?=$|[,.!?]|이요|이에요|요(?![가-힣])))"
    r")\s*(?P<unit>(?:" + UNITS + r")(?<!인(?=[데지가게걸줄것])))?(?![a-zA-Z])"
)


@dataclass(frozen=True)
class NumberMention:
    value: float
    unit: str
    start: int
    end: int


_AFTER_UNIT = frozenset("을를이가은는에도만씩째짜요로으와과랑의까부쯤간권")
"""Syllables that may follow a one-syllable unit in the same word (두 장을, 세 대요, 5만 원권)."""

_DAY_COUNT_RE = re.compile(
    r"(?<![가-힣])(" + DAY_COUNT_RE + r")(?:\s*(?:동안|간))?"
    r"(?=$|[^가-힣]|이|은|을|도|만|씩|요|으로|로|이요|이에요|예요|정도|쯤)"
)


_PER_ONE = re.compile(
    r"\s*(?:에\s*(?:얼마|\d|[일이삼사오육칠팔구십백천만]+\s*원)"
    r"|(?:에\s*)?\d[\d,]*\s*(?:만|천)?\s*원|(?:당|마다))"
)
"""After a count of one: the price or the rate of one (한 팩에 얼마, 한 달 5만 원, 한 세트당)."""


_AGED = re.compile(r"(?:아기|애기|아이|강아지|고양이|태어난\s*지)\s*(?:가|는|이|은)?\s*$")
"""Who a number of months is the age of, said right before it."""


_ALONE_RE = re.compile(
    r"(?<![가-힣])혼자(?:서)?(?=\s*(?:$|[.!?,~]|요|예요|이에요|이요|만|갈|가요|갑니다|와요|올|"
    r"방문|이용|예약|먹|묵|잘|탈|살(?:고|아|아요|거든|면서)(?!\s*싶)|지내))"
)
"""혼자: a party of one (혼자 갈게요), or a household of one (혼자 살고)."""


_NATIVE_FEW = re.compile(r"(?:열\s*)?(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉)|열|스무")
"""Native numerals of a few, which count people with 분 (두 분), never minutes."""


def numbers(text: str) -> list[NumberMention]:
    """Every number said in ``text`` with its unit (``"모두 48000원이고 3명"`` -> 48000 원, 3 명;
    ``"열흘"`` -> 10 일)."""
    out = []
    for m in _NUMBER_RE.finditer(text):
        value = korean_number(m.group("num"))
        if value is None:
            continue
        unit = m.group("unit") or ""
        if value == 1 and unit and _PER_ONE.match(text, m.end()):
            continue  # "한 팩에 얼마예요", "한 달 5만 원": the price of one, not a count
        if unit == "번" and re.match(r"\s?째", text[m.end() :]):
            continue  # "두 번째 거": which one, not how many
        if unit == "달" and _AGED.search(text, 0, m.start()):
            continue  # "아기 6달인데": an age, not a length of time or a count
        if not unit and re.match(r"\s*달" + _AGO, text[m.end("num") :]):
            continue  # "다섯 달 됐어요", "석 달 전": how long ago, not a length or a count
        after = text[m.end() : m.end() + 1]
        if (
            len(unit) == 1
            and text[m.end("num") : m.start("unit")].strip() == ""
            and m.start("unit") > m.end("num")
            and re.match(r"[가-힣]", after)
            and after not in _AFTER_UNIT
        ):
            unit = ""  # "하나 세탁", "3 일정": the first syllable of the next word, not a unit
        if unit == "분" and _NATIVE_FEW.fullmatch(m.group("num").strip()):
            unit = (
                "명"  # "두 분이요", "세 분 오세요": people said politely (minutes are 이 분, 2분)
            )
        if unit == "식구":
            unit = "명"  # "네 식구": a family of four is four people
        out.append(NumberMention(value, unit, m.start(), m.end() if unit else m.end("num")))
    for m in _DAY_COUNT_RE.finditer(text):
        if not any(n.start < m.end() and m.start() < n.end for n in out):
            out.append(NumberMention(DAY_COUNTS[m.group(1)], "일", m.start(), m.end(1)))
    for m in _ALONE_RE.finditer(text):  # "저 혼자요", "혼자서 가요": one person
        out.append(NumberMention(1, "명", m.start(), m.end()))
    out.sort(key=lambda n: n.start)
    return out


_PLACE_THEN_VERB = re.compile(r"([가-힣A-Za-z0-9]+?)(?:에서|으로|로)\s+[가-힣]{1,4}")
"""A place with its particle and one short verb after it (정자역에서 탈게)."""
_GETTING_THERE = frozenset({"타", "내리", "가", "오", "받", "잡", "만나", "기다리", "찾"})
"""Verbs said of the place asked for (탈게, 내릴게, 갈게요), not of an activity (놀래요)."""


def strip_ending(text: str) -> str:
    """A bare answer without its copula, ending and punctuation: ``"한빛초등학교야"`` ->
    ``"한빛초등학교"``, ``"John이고,"`` -> ``"John"``, ``"역삼동이요."`` -> ``"역삼동"``."""
    text = text.strip().strip(" .!?~,;")
    copula = re.fullmatch(r"(.*[가-힣])(?:이요|이에요|이고|이야|이며)", text)
    if copula and has_final_consonant(copula.group(1)):
        # "박지민이요": after a final consonant 이 is the copula, not part of the name
        return copula.group(1)
    coded = re.fullmatch(r"(.*#[0-9A-Za-z*#]+)(?:이요|이에요|이고|이야|이며)", text)
    if coded:  # "#4471이야": the analyser reads a hash and what follows as one word
        return coded.group(1)
    toks = tokens(text)
    end = len(text)
    place = _PLACE_THEN_VERB.fullmatch(text)
    after = [t for t in toks if t.start >= place.end(1)][:2] if place else []
    if place and [t.tag for t in after] == ["JKB", "VV"] and after[1].form in _GETTING_THERE:
        return place.group(1)  # "정자역에서 탈게", "강남역으로 갈게요": the place, not the act
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        if (t.tag, t.form) == ("JKV", "아"):
            break  # "최윤아": the last syllable of a name (윤아), not one calling someone
        if (
            t.tag.startswith(("J", "E", "VCP", "S")) and t.tag not in ("SL", "SN", "SH", "ETN")
        ) or (t.tag == "VX" and t.form == "주"):
            if (
                t.tag.startswith("E")
                and not text.startswith(t.form, t.start)
                and i > 0
                and toks[i - 1].tag.startswith("V")
                and toks[i - 1].start < t.start
            ):
                break  # "연인들을 위해": an ending fused into its verb's last letter stays
            end = min(end, t.start)
            continue
        break
    out = text[:end].strip().strip(" .!?~,;")
    kept = [t for t in toks if t.start < end]
    if (
        end < len(text)
        and len(kept) >= 2
        and (kept[-1].tag, kept[-1].form) == ("XSV", "하")
        and kept[-2].tag == "NNG"
        and out.endswith("하")
    ):
        out = out[:-1]  # "자연 공부하려고요": the act's noun, without the 하 that makes it a verb
    return out or text


def message_text(m: dict[str, Any]) -> str:
    """An OpenAI message's text (content parts joined); empty when it has none."""
    c = m.get("content")
    if isinstance(c, list):
        return " ".join(str(p.get("text", "")) for p in c if isinstance(p, dict))
    return c if isinstance(c, str) else ""


def called_tools(messages: list[dict[str, Any]]) -> list[str]:
    """Names of tools called in ``messages``, most recent last."""
    out = []
    for m in messages:
        if m.get("role") == "assistant":
            for call in m.get("tool_calls") or []:
                fn = call.get("function", {}) if isinstance(call, dict) else {}
                if isinstance(fn.get("name"), str):
                    out.append(fn["name"])
    return out


TOOL_SYNONYMS: list[tuple[str, ...]] = [
    ("메시지", "메세지", "문자", "카톡", "message"),
    ("비밀번호", "비번", "암호", "패스워드", "password"),
    ("연락처", "전화번호", "주소록", "contact"),
    ("일정", "스케줄", "약속", "캘린더", "달력", "calendar", "event"),
    ("알람", "알림", "깨워", "리마인드", "리마인더", "alarm", "reminder", "remind"),
    ("난방", "히터", "heater", "heating"),
    ("냉방", "에어컨", "air conditioner"),
    ("메모", "노트", "메모장", "memo", "note"),
    ("할일", "할 일", "투두", "to-do", "todo", "task"),
    ("날씨", "기온", "weather"),
    ("예약", "예매", "book", "reserve"),
    ("입장권", "티켓", "표", "ticket", "tickets"),
    ("정기", "고정", "regular", "recurring"),
    (
        "이력",
        "기록",
        "내역",
        "history",
    ),  # (발급 이력: 지난주 기록 좀 볼 수 있나)  # (매주 고정으로 오시게: a regular visit)
    ("주문", "발주", "order"),
    ("여객선", "배편", "뱃편", "ferry"),
    ("식당", "레스토랑", "음식점", "맛집", "restaurant"),
    ("환율", "환전", "통화", "exchange", "currency"),
    ("체중", "몸무게", "무게", "weight"),
    ("재생", "틀어", "play"),
    ("재생목록", "플레이리스트", "playlist"),
    ("검색", "찾아", "조회", "search", "find"),
    ("생성", "만들", "추가", "등록", "create", "add"),
    ("삭제", "지워", "없애", "delete", "remove"),
    ("변경", "수정", "바꿔", "미뤄", "미루", "늦춰", "update", "modify"),
    ("계산", "얼마", "calculate"),
    ("추천", "골라", "recommend"),
    ("영화", "movie", "film"),
    ("음악", "노래", "곡", "music", "song", "track"),
    ("택배", "배송", "운송장", "parcel"),
    ("레시피", "요리법", "만드는 법", "만드는 방법", "만들어", "recipe"),
    ("병원", "진료", "clinic", "hospital"),
    ("송금", "이체", "보내", "transfer"),
    ("크기", "사이즈", "size"),
    ("계좌", "통장", "account"),
    ("잔액", "잔고", "balance"),
    ("이메일", "메일", "email", "e-mail"),
    ("주가", "시세", "stock"),
    ("경로", "길", "가는 법", "route"),
    ("타이머", "timer"),
    ("미세먼지", "먼지", "공기", "dust"),
    ("일출", "해돋이", "해 뜨", "sunrise"),
    ("일몰", "노을", "해 지", "sunset"),
    ("시각", "몇 시", "몇시", "time"),
    ("거리", "떨어져", "멀어", "distance"),
    ("생일", "생신", "birthday"),
    ("디데이", "d-day", "dday"),
    ("반려동물", "반려견", "반려묘", "애완동물", "강아지", "고양이", "애견", "pet"),
    ("대여", "렌탈", "렌트", "빌려", "rent", "rental"),
    ("대행", "맡기", "맡겨", "맡길"),
    ("엘리베이터", "엘베", "승강기"),
    # living in a city or a district, said as being one of its people (고양 시민이에요)
    # (as what one is: 시민이에요, 주민인데; not 시민공원 or 주민센터)
    *[
        (
            "거주",
            *(f"{who}{be}" for who in ("시민", "주민", "구민", "군민", "도민") for be in "이입인"),
        )
    ],
    ("사전", "미리", "preregister", "advance"),
    ("일시정지", "정지", "멈추", "pause"),
]
"""General Korean/English synonym groups added to a tool's words (not benchmark phrasings)."""


def only_ending(run: str) -> bool:
    """Whether ``run`` is only a copula, particles and endings ("이에요", "이고", "요")."""
    if re.fullmatch(r"(?:이요|요|이에요|예요|에요|입니다|이고|고)[.!~]*", run):
        return True  # (alone, the analyser reads 요 as anything)
    toks = tokens(run)
    return bool(toks) and all(
        t.tag.startswith(("J", "E", "VCP", "S"))
        or (t.tag in ("NP", "MM") and t.form == "이")
        # "영수증이랑 세부내역서 있어요": being had is nothing said about a value
        or (t.tag in ("VA", "VV") and t.form in ("있", "없"))
        for t in toks
    )


_PLACE_SUFFIXES = frozenset("도시군항역섬")
"""Syllables that say what kind of place a name is (울릉도, 제주시): no longer noun of their own."""


def in_a_compound(text: str, start: int, end: int, option: Any) -> bool:
    """Whether the word at ``start:end`` is the first part of a longer noun that ``option``
    does not have (캠핑 in 캠핑카 or 캠핑장 for 캠핑 의자 세트; not 세부 in 세부내역서 for
    진료비세부내역서), rather than a word of its own before a particle (캠핑으로) or a place's
    name with the syllable of its kind (울릉도 for 포항-울릉)."""
    if end >= len(text) or not re.match(r"[가-힣]", text[end]):
        return False
    stop = end
    for t in tokens(text):
        if t.start == start and t.end > stop:
            stop = t.end  # the analyser reads one longer word
        elif t.start == stop and t.tag in ("NNG", "NNP"):
            stop = t.end  # nouns written together (캠핑 + 카)
    if stop == end + 1 and text[end] in _PLACE_SUFFIXES:
        return False  # 울릉도 for 포항-울릉, 제주시 for 제주: the same place, by its kind
    return stop > end and text[start:stop] not in str(option).replace(" ", "")
