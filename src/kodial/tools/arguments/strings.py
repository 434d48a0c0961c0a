"""Strings and arrays: labelled values, particle roles, payloads, the noun phrase next to the
tool's words, simple lists (values of particular kinds, such as reported speech, currencies and
phone numbers, come from :mod:`kodial.tools.arguments.kinds`)."""

from __future__ import annotations

import re

from kodial.tools.arguments.addresses import address_span
from kodial.tools.arguments.answers import (
    MAKER_HEADS,
    PURPOSE_HEADS,
    WHERE_HEADS,
    before_another_value,
    maker_said,
    purpose_said,
    where_it_is,
)
from kodial.tools.arguments.codes import (
    DIGIT_GROUPS,
    LONG_DIGITS,
    NOT_AN_ID_AFTER,
    NOT_AN_ID_BEFORE,
    is_account,
    one_code,
    takes_code,
    with_its_bank,
)
from kodial.tools.arguments.kinds import (
    as_shaped,
    coded_value,
    currency_name,
    currency_unit,
    passed_on,
    pattern_span,
    phone_as_described,
    reported_speech,
    search_object,
    spelled_digits,
    spelled_phone,
    task_phrase,
    value_shape,
)
from kodial.tools.arguments.labels import (
    described_label_said,
    in_the_name_of,
    label_keys,
    label_phrases,
    labelled,
    name_with_its_kind,
    named_by,
    said_label_length,
    without_other_params_word,
)
from kodial.tools.arguments.message import (
    EMAIL_RE,
    PHONE_RE,
    URL_RE,
    Msg,
    spans_free,
    words_of_tool,
)
from kodial.tools.arguments.params import (
    PARTICLE_ROLES,
    has_any,
    has_whole_word,
    is_code_param,
    looks_like_code,
    param_head,
    param_kind,
    words_of,
)
from kodial.tools.arguments.payload import (
    POINTING,
    QUOTED,
    SAID_AFTER,
    instruction_score,
    payload,
    quoted_object,
)
from kodial.tools.arguments.people import (
    a_name_first,
    full_name_opening,
    is_person_name,
    is_relation,
    name_joined_first,
    named_like_a_person,
    sends_to_contacts,
)
from kodial.tools.arguments.places import (
    DEICTIC_PLACES,
    NOT_PLACES_NEAR,
    POSITION_NOUNS,
    area_or_attended,
    by_particle,
    is_address,
    near_place_param,
    only_an_address,
    without_position_noun,
)
from kodial.tools.arguments.results import Found
from kodial.tools.arguments.tidy import without_counts
from kodial.tools.arguments.topic import (
    counted_thing,
    names_a_thing_bought,
    not_a_place,
    thing_bought,
    topic_chunk,
)
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import content_words, has_proper_noun, only_ending, rx, strip_ending, tokens

# --- strings ----------------------------------------------------------------------------------

_CHANGE_SAID = re.compile(r"바꿔|바꾸|변경|말고|대신|아니고|아니라")
"""Words that change what was said before ("부산으로 바꿔서")."""


_QUERY_WORDS = ("검색어", "키워드", "query", "keyword", "search term")
"""Words that make a parameter a search query: its value is what the user asks to search for."""


_ATTRIBUTE_NOUNS = frozenset(
    {"번호", "전화번호", "연락처", "주소", "이메일", "메일", "정보", "생일", "나이", "위치"}
)
"""Nouns that ask for something about what precedes them (박서준 번호, 회사 주소)."""

_PICKED_ONE = re.compile(r"(?:^|\s)(?:거|걸|것)$|^(?:첫차|막차)$|짜리$")
"""A noun phrase ending in the bound noun 거/것 names an item by what it has, as one ending in
짜리 does by its size or price ("20분짜리", "만 원짜리"); 첫차 and 막차 name one by its place in
the list."""


_IN_WHOSE_NAME = re.compile(r"\s*(?:명의|이름)$")
_RECORD_NUMBER = re.compile(r"[A-Za-z]{1,4}-\d{3,}(?:-[A-Za-z0-9]+)*")


def extract_strings(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    """Strings in order of evidence: patterns (e-mail, phone), labels, names, quotes, payloads,
    currencies, particle roles, a bare answer, then the noun phrase the request is about."""
    text = msg.text
    all_keys: set[str] = set()
    for p in tool.params:  # words that name parameters (not the examples in brackets)
        all_keys.update(k.lower() for k in label_keys(p))
    tool_words = words_of_tool(tool)

    put_spans: list[tuple[int, int]] = []
    self_named: set[str] = set()  # (values whose own words say what they are: 용산점, 서울내과)

    def put(p: ParamSpec, span: tuple[int, int], how: str = source, strong: bool = True) -> None:
        value = text[span[0] : span[1]].strip().strip("'\"‘’“”")
        if is_person_name(p) and _IN_WHOSE_NAME.search(value):
            # "한소희 명의", "남편 명의": the name the thing is in, never a relation
            value = _IN_WHOSE_NAME.sub("", value)
            span = (span[0], span[0] + text[span[0] : span[1]].find(value) + len(value))
            if not value or is_relation(value):
                return
        toks = tokens(value) if value.endswith(("님", "씨")) else ()
        if len(toks) >= 2 and toks[-1].tag == "XSN" and toks[-2].tag == "NNP":
            # "김순자님한테": the honorific is said to the person, not part of the name
            span = (span[0], span[0] + text[span[0] : span[1]].rfind(toks[-1].form))
            value = value[: toks[-1].start].strip()
        words = value.split()
        if (
            not strong
            and len(words) >= 2
            and words[-1] in _ATTRIBUTE_NOUNS
            and param_kind(p) != "text"
        ):
            # "박서준 번호 좀 찾아줘": what is asked about the value, not part of it
            value = " ".join(words[:-1])
            span = (span[0], span[0] + text[span[0] : span[1]].rfind(words[-1]))
        toks = tokens(value) if re.search(r"로$", value) else ()
        if (
            toks
            and toks[-1].tag == "JKB"
            and re.match(r"\s*(?:해|하|할|설정|부탁)", text[span[1] :])
        ):
            # "메모는 4월 용돈으로 해줘": the particle of "make it X" is not part of X
            value = value[: toks[-1].start].strip()
        if re.search(r"(?:^|\s)[가-힣]$", value) and re.match(r"이(?:\s|$)", text[span[1] :]):
            # "콩이 목욕", "강아지 콩이": a one-letter name is the two-letter one with its
            # 이 (the analyser reads the 이 as a particle)
            value += "이"
        if param_kind(p) != "text":
            # "2박 해운대", "오사카 2박 3일": a count said before or after a name is not part of it
            value, trimmed = without_counts(value)
            if trimmed:
                span = (span[0], span[0] + text[span[0] : span[1]].find(value) + len(value))
        if re.sub(r"\s+", "", value) in DEICTIC_PLACES or re.fullmatch(
            r"[이그저][거걸것건]", value
        ):
            return  # "근처 주유소", "그걸로": where the user is, or what was just said
        if param_kind(p) != "text":
            # "여의나루역 근처", "강남쪽", "오이도 방면": the place is what the noun of relative
            # position is said of; the tool is asked about the place
            cut = without_position_noun(value)
            if cut != value:
                if cut.split()[-1:] and cut.split()[-1] in NOT_PLACES_NEAR:
                    return  # "집 근처": where only the user knows
                span = (span[0], span[0] + text[span[0] : span[1]].find(value) + len(cut))
                value = cut
            if value in POSITION_NOUNS:
                return  # "쪽" alone names no place
        if not value:
            return
        coded = coded_value(p, value)  # 김포 -> GMP when the description pairs them
        if is_code_param(p) and not looks_like_code(coded):
            return  # an identifier is a code, found in a result if not said
        if is_code_param(p) and re.match(r"[&+]", text[span[1] : span[1] + 1]):
            return  # J of "J&S 각인": part of a word the analyser split, no identifier
        if not strong and _PICKED_ONE.search(value):
            return  # "제주항공 걸로", "7시20분 거": one of the listed results, not a value
        if is_person_name(p) and re.fullmatch(r"[가-힣]", value):
            return  # 노 of "노란 보트로": one syllable is nobody's full name
        out[p.name] = Found(coded, how, value, strong)
        put_spans.append(span)
        msg.take(*span)

    pending = [p for p in params if p.name not in out]
    for p in list(pending):  # emails and phone numbers
        kind = param_kind(p)
        pat = {"email": EMAIL_RE, "phone": PHONE_RE, "url": URL_RE}.get(kind)
        if pat is None:
            continue
        m = next((m for m in pat.finditer(text) if msg.free(*m.span())), None)
        if m is None and kind == "email" and "연락처" in p.description:
            # "이메일 또는 연락처": a phone number said for it is its value
            m = next((m for m in PHONE_RE.finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, m.span())
            if kind == "phone" and p.name in out:
                out[p.name].value = phone_as_described(p, out[p.name].value)
        spelled = spelled_phone(msg.masked) if not m and kind == "phone" else None
        if spelled and p.name in asked and msg.free(*spelled[1]):
            # "공일공 팔팔공일 이삼사오요", answering a question about the number
            out[p.name] = Found(spelled[0], "answer", text[spelled[1][0] : spelled[1][1]])
            msg.take(*spelled[1])
        pending.remove(p)  # an address or a number is never read from other words
    for p in list(pending):  # the shape the description shows (예: 12가3456; 0000-0000 형식)
        shape = value_shape(p)
        if shape is None:
            continue
        m = next((m for m in shape[0].finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, m.span())
            if p.name in out:
                out[p.name].value = as_shaped(out[p.name].value, shape[1])
            pending.remove(p)
    for p in list(pending):  # a pattern the schema gives (운송장 번호 ^[0-9]{10,14}$)
        if not p.pattern:
            continue
        body = p.pattern.removeprefix("^").removesuffix("$")
        m = next(
            (m for m in rx(rf"(?<![\w-]){body}(?![\w-])").finditer(text) if msg.free(*m.span())),
            None,
        )
        # "kr 2231" for ^[A-Z]{2}\d{4}$: the value as the user spaced or cased it, written
        # the pattern's way when the call is checked
        span = m.span() if m else pattern_span(text, p.pattern, msg.free)
        if span:
            put(p, span)
            pending.remove(p)
            continue
        spelled = spelled_digits(msg.masked, p.pattern) if p.name in asked else None
        if spelled:  # "공육이삼육" answering a question about a postcode
            out[p.name] = Found(spelled[0], "answer", text[spelled[1][0] : spelled[1][1]])
            msg.take(*spelled[1])
            pending.remove(p)
    for p in list(pending):  # a code of digit groups: 운송장 6892 1047 3381, 352-1234-5678-93
        if not (is_code_param(p) or is_account(p)):
            continue
        m = next((m for m in DIGIT_GROUPS.finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, with_its_bank(tool, p, text, m.span(), msg.free))
            if p.name in out and re.search(r"숫자만|digits only", p.description):
                out[p.name].value = re.sub(r"\D", "", out[p.name].value)
            pending.remove(p)
    # labelled values: 제목은 X, 내용: X, X라는 메모; a parameter whose label is said whole
    # ("받는 사람은 X") first, so a word two labels share (사람) does not give X to the other
    for p in sorted(
        pending,
        key=lambda q: (
            -said_label_length(q, text),
            not described_label_said(q, text, " ".join(o.description for o in params if o != q)),
        ),
    ):
        keys = [*label_phrases(p), *label_keys(p)]
        span = labelled(text, keys, param_head(p), param_kind(p)) or named_by(
            text, keys + sorted(tool_words, key=len, reverse=True)
        )
        free = msg.free(*span) if span else False
        if span and not free and re.search(r"[:：=]\s*$", text[: span[0]]):
            # "배송 메모: 다음 달 이사 예정, ...": what follows a colon is the label's, dates and all
            free = spans_free(*span, put_spans)
        if not free and param_kind(p) == "string":
            # "박서연 이름으로", "서울성모병원 장례식장인데": the name said with what it names
            named = in_the_name_of(text) if is_person_name(p) else name_with_its_kind(msg.masked, p)
            if named and msg.free(*named):
                span, free = named, True
                self_named.add(p.name)
        # a text's payload may contain dates and numbers that other readers saw first, but
        # never another parameter's value ("이름은 정하윤, 한글로요": up to the comma before it)
        if span and param_kind(p) == "text":
            span = before_another_value(text, span, msg.used)
            free = spans_free(*span, put_spans)
        # "주소는 광안로 61, 1층이야": the unit after the comma is the labelled address's too
        whole = address_span(text, msg.used) if span and is_address(p) else None
        if span and whole and whole[0] <= span[0] < span[1] < whole[1] <= span[1] + 12:
            span = whole
        if span and is_address(p) and not re.search(r"\d", text[span[0] : span[1]]):
            # "출발은 우리 집, 은평구 통일로 88": the address said after the label's words
            free = free and address_span(text, msg.used) is None
        if span and free:
            put(p, span)
            if p.name in out:  # (put refuses what names nothing: "쪽" alone)
                pending.remove(p)
    # a street address, whole (서울 노원구 상계로 45 ... 1203호); to the address asked for first
    for p in sorted(pending, key=lambda q: q.name not in asked):
        if is_address(p):
            span = address_span(text, msg.used)
            if span and msg.free(*span):
                put(p, span)
                pending.remove(p)
    # quoted names; a text is the words quoted as said ('...' 라고), read first: what is said
    # is the message's, not the name of whom it goes to
    for p in sorted(pending, key=lambda q: param_kind(q) != "text"):
        if param_kind(p) == "text":
            # words quoted as said ('...' 라고), or quoted as what is acted on ('...'를 번역)
            quoted = (
                q
                for q in QUOTED.finditer(text)
                if SAID_AFTER.match(text, q.end()) or quoted_object(text, q)
            )
            m = next((q for q in quoted if spans_free(*q.span(), put_spans)), None)
        else:
            m = next((m for m in QUOTED.finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, (m.start(1), m.end(1)))
            pending.remove(p)
    # Optional parameters are filled only from explicit words (labelled, named, quoted, a
    # particle role): guessing them from what is left over would invent values.
    pending_loose = [p for p in pending if p.required or p.name in asked]
    for p in list(pending_loose):  # payload for text parameters
        if param_kind(p) != "text" or p not in pending:
            continue
        span = (
            payload(text, tool_words)
            # what is reported may hold a day or a number ("오늘 회의 취소됐다고"), never
            # another parameter's value
            or reported_speech(text, put_spans)
            or task_phrase(msg.masked)
        )
        if span:
            put(p, span)
            pending.remove(p)
            pending_loose.remove(p)
    for p in [q for q in pending if param_kind(q) == "text" and q not in pending_loose][:1]:
        span = passed_on(text, put_spans)  # "... 가리신다고 꼭 전해 주세요": said outright
        if span:
            put(p, span)
            pending.remove(p)
    for p in list(pending):  # currencies: the unit of the amount is what is converted
        words = words_of(p)
        if not has_any(words, ("통화", "currency", "화폐")):
            continue
        role = next(
            (
                i
                for i, (role_words, _) in enumerate(PARTICLE_ROLES)
                if has_whole_word(words, role_words)
            ),
            None,
        )
        if role == 0:
            span = currency_unit(text)
            named = None if span else currency_name(text, msg.used)
            if named:  # a name of its own, which the target's phrase must not take in
                put(p, named)
                pending.remove(p)
                continue
        elif role == 1:
            m = re.search(r"몇\s*(달러|유로|엔|위안|원|파운드)", text)
            span = m.span(1) if m else None
        else:
            span = None
        if span:
            value = text[span[0] : span[1]]
            out[p.name] = Found(value, source, value)
            pending.remove(p)
    # a place said before a noun of relative position ("분당 근처에", "북한산 쪽으로") is the
    # one a place parameter takes, optional ones too: it is said as a place; of several, the
    # one its particle says (포항 쪽에서 for where from)
    near = near_place_param(pending, msg, tool_words | all_keys)
    if near is not None:
        put(near[0], near[1])
        if near[0].name in out:
            pending.remove(near[0])
            if near[0] in pending_loose:
                pending_loose.remove(near[0])
    for p in list(pending):  # particle roles: X에서 / X까지 / X한테
        span = by_particle(msg.masked, p, msg.used, msg.text)
        if (
            span
            and is_person_name(p)
            and is_relation(text[span[0] : span[1]].strip())
            and not sends_to_contacts(tool)
        ):
            continue  # "아빠한테 케이크 선물": who the gift is for, not the name it is sent to
        if span:
            # in an answer about another parameter ("큰 차로" for the car), a particle on a
            # common noun says less: what the request said stays; a name ("서귀포에서 경차로")
            # or a change said ("부산으로 바꿔서") corrects it
            weak = (
                bool(asked)
                and p.name not in asked
                and not _CHANGE_SAID.search(text)
                and not has_proper_noun(text[span[0] : span[1]])
            )
            put(p, span, strong=not weak)
            pending.remove(p)
            if p in pending_loose:
                pending_loose.remove(p)
    # "회사 지하주차장 B2 기둥 C-14에 있어요": where a thing is answers a location asked
    if source == "message":
        for p in [q for q in pending if q.name in asked and param_head(q) in WHERE_HEADS]:
            where = where_it_is(msg)
            if where:
                put(p, where, "answer")
                pending.remove(p)
    # "LG 거고", "삼성 제품이에요": the maker a thing is said to be of; "회사 제출용이에요": what
    # it is for
    for heads, reader in ((MAKER_HEADS, maker_said), (PURPOSE_HEADS, purpose_said)):
        for p in [q for q in pending if param_head(q) in heads or q.name in heads]:
            span = reader(msg)
            if span:
                put(p, span)
                pending.remove(p)
    # A number or code asked for (계좌번호, 카드 번호 뒤 4자리, 회원 ID) is the one code-shaped
    # word of the answer ("신한 110-482-339017", "4417이고 재발급도 해주세요"); what is left
    # answers the other question
    if source == "message":
        for p in [q for q in pending if q.name in asked and takes_code(q)]:
            span = one_code(msg.masked, lettered=False)
            if span:
                put(p, span, "answer")
                pending.remove(p)
    # an identifier not asked for: the message's one code with letters or a dash ("H-204 호텔
    # 예약해줘"), whole, where the analyser would split it at the dash
    for p in [q for q in pending if is_code_param(q)]:
        span = one_code(msg.masked, lettered=True)
        if span:
            # "법인 도장 SL-7702는 다 됐는지": letters and a number, written as records are
            # numbered, say the record as surely as its label would
            numbered = _RECORD_NUMBER.fullmatch(text[span[0] : span[1]]) is not None
            put(p, span, strong=numbered)
            pending.remove(p)
    # a number or an identifier of digits only ("운송장 123456789012 조회"): the message's one
    # run of six digits or more, which no count, amount or date is written as
    long_runs = [
        m.span()
        for m in LONG_DIGITS.finditer(msg.masked)
        if not NOT_AN_ID_AFTER.match(msg.masked, m.end())
        and not NOT_AN_ID_BEFORE.search(msg.masked[max(0, m.start() - 8) : m.start()])
    ]
    for p in [q for q in pending if takes_code(q)]:
        if len(long_runs) == 1:
            put(p, long_runs[0], strong=False)
            pending.remove(p)
            break
    # A bare answer to a question about exactly one string parameter is its value.
    open_asked = [p for p in pending if p.name in asked]
    if (
        len(open_asked) == 1
        and source == "message"
        and not out
        and param_kind(open_asked[0]) not in ("email", "phone", "url")
    ):
        # "2024 이력서_최종 이거로요": the pointing word after the answer is not part of it
        spoken = POINTING.sub("", text.strip())
        # a message or a sentence to translate is kept as said, ending and all ("내일 보고서
        # 드리겠습니다"); a name or a place without its copula ("한빛초등학교야")
        bare = (
            spoken.strip().strip("'\"‘’“”")
            if param_kind(open_asked[0]) == "text"
            else without_other_params_word(strip_ending(spoken), tool, open_asked[0])
        )
        # one of the tool's words may be in the answer (이력서 in a résumé's name), a request
        # verb may not
        score = instruction_score(spoken, tool_words)
        if (
            bare
            and len(bare) <= 200
            and (score == 0 or (score == 1 and not any(t.tag == "VV" for t in tokens(spoken))))
        ):
            s = text.find(bare)
            put(open_asked[0], (s, s + len(bare)), "answer")
            pending.remove(open_asked[0])
    elif len(open_asked) == 1 and source == "message" and param_kind(open_asked[0]) == "string":
        # "김도윤 01048213390", "정하늘이고 <주소>": what is left once the other values are read
        # is the one asked for
        runs = [m for m in re.finditer(r"[^\s,.]+(?: [^\s,.]+)*", msg.masked)]
        # the ending left after a value read ("14일생이에요" -> "이에요") is nothing said
        runs = [m for m in runs if not only_ending(m.group(0))]
        joined = name_joined_first(msg.masked, runs[0]) if runs else None
        if joined and is_person_name(open_asked[0]):
            # "정하은이고요 메일은 ...": the name said first, joined to the rest by the copula
            put(open_asked[0], joined, "answer")
            pending.remove(open_asked[0])
            runs = []
        elif (
            runs
            and param_head(open_asked[0]) in ("이름", "성함", "name", "사람")
            and a_name_first(msg.masked, runs[0])
        ):
            runs = runs[:1]  # "김순자, 3키로요. 통은 제가 들고 갈게요": the name said first
        if len(runs) == 1:
            left = without_other_params_word(strip_ending(runs[0].group(0)), tool, open_asked[0])
            nominal = any(t.tag in ("NNP", "NNG", "SL", "SH") for t in tokens(left))
            if nominal and len(left.split()) <= 3 and not instruction_score(left, tool_words):
                s = runs[0].start() + runs[0].group(0).find(left)
                put(open_asked[0], (s, s + len(left)), "answer")
                pending.remove(open_asked[0])
    product = next((q for q in pending if names_a_thing_bought(q)), None)
    span = thing_bought(msg.masked, msg.free) if product else None
    if product and span:  # "바른가전몰에서 산 공기청정기가 불량이라": what was bought
        put(product, span, strong=False)
        pending.remove(product)
    for p in [q for q in pending if is_person_name(q)][:1]:
        # "신입 등록해줘. 한지후, 등번호 27번": a full name opening a sentence is the person's
        span = full_name_opening(msg.masked, msg.free)
        if span:
            put(p, span, strong=False)
            pending.remove(p)
    for p in list(pending):  # "혼자 살고 인천 부평구예요", "전북대 다니는": where one lives or goes
        span = area_or_attended(p, msg.masked, msg.free)
        if span:
            put(p, span, strong=False)
            pending.remove(p)
    # "짬뽕 세 그릇": the noun a count of things is said of is what is ordered or bought
    for p in [q for q in pending_loose if q in pending and param_kind(q) == "string"]:
        span = None if is_code_param(p) else counted_thing(msg.text, p, msg.used)
        if span and text[span[0] : span[1]].lower() in all_keys:
            span = None  # "한지후, 등번호 27번": the count is another parameter's, named by it
        if span:
            put(p, span, strong=False)
            pending.remove(p)
            break
    # Guess from position only when no string was read by its own words in this message ("X에서
    # Y까지 걸었어" answers with a particle; the other end comes from earlier words).
    # A name that says its own kind ("용산점에서 은하 정거장 몇 시에 해?") answers no particle.
    if any(out[k].strong and k in {q.name for q in params} - self_named for k in out):
        return
    # the guess goes first to the parameter whose description shares a word with the message
    # that the tool's own description does not have ("쇼파 버리려는데" -> 버릴 물건, not 주소)
    said = set(content_words(text)) - set(content_words(tool.description))
    loose = sorted(
        (p for p in pending_loose if p in pending),
        key=lambda p: not (said & set(content_words(p.description))),
    )
    for p in loose:  # the noun phrase the request is about
        if param_kind(p) in ("text", "email", "phone", "url") or only_an_address(p):
            continue  # (an address is said as one, never guessed: 운동화 is no address)
        span = None
        if has_whole_word(words_of(p), _QUERY_WORDS):
            span = search_object(msg.masked, msg.used)
        taken = list(msg.used)
        while span is None:
            span = topic_chunk(msg.masked, tool, p, taken, all_keys)
            if span is None or is_person_name(p) or not is_relation(text[span[0] : span[1]]):
                break
            taken.append(span)  # "부모님 모시고 다낭 ...": who goes, never where or what
            span = None
        if span and not_a_place(p, msg.text[span[0] : span[1]], tool):
            continue
        guess = msg.text[span[0] : span[1]] if span else ""
        if (
            is_person_name(p)
            and re.fullmatch(r"[가-힣]{3}", guess)
            and not named_like_a_person(guess)
        ):
            continue  # "사무실, 등번호 5번": a common noun is no member's name
        if span and span[0] > 0 and msg.masked[span[0] - 1] != msg.text[span[0] - 1]:
            continue  # (저녁에도 -> 에도: what is left of a word another reader took)
        if span and is_code_param(p) and re.fullmatch(r"[A-Za-z]{3,}", guess):
            break  # "CCTV 있는 데": a word of letters only, guessed by its place, is no id
        if span:
            put(p, span, strong=False)
            break  # one guess per message at most: a second would be a guess about a guess
