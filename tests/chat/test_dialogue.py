"""Dialogue readers: every format, the role mapping, located errors, round trip, real data."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from kodial.chat.dialogue import (
    FORMATS,
    Conversation,
    Message,
    RoleMapping,
    load_dialogues,
    merge_consecutive,
    save_messages_jsonl,
    sniff_format,
)
from kodial.errors import DataError, DataErrors, KodialError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, rows: list[object]) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def roles(conv: Conversation) -> list[str]:
    return [m.role for m in conv.messages]


def test_registry_and_sniffing(tmp_path: Path) -> None:
    assert set(FORMATS) == {"messages", "sharegpt", "qa-csv", "persona", "turns"}
    files = {
        "messages": jsonl(tmp_path / "m.jsonl", [{"messages": [{"role": "user", "content": "a"}]}]),
        "sharegpt": jsonl(
            tmp_path / "s.jsonl", [{"conversations": [{"from": "human", "value": "a"}]}]
        ),
        "qa-csv": write(tmp_path / "q.csv", "Q,A\n가,나\n"),
        "persona": write(tmp_path / "p.json", '[{"persona": [], "dialogue": [["가", "나"]]}]'),
        "turns": jsonl(tmp_path / "t.jsonl", [{"turns": [{"role": "user", "content": "a"}]}]),
    }
    assert {name: sniff_format(path) for name, path in files.items()} == {n: n for n in files}


def test_messages_round_trip_is_atomic(tmp_path: Path) -> None:
    convs = [
        Conversation(
            [Message("system", "시스템"), Message("user", "안녕"), Message("assistant", "네")],
            id="a",
        ),
        Conversation([Message("user", "질문"), Message("assistant", "답")], persona=["사실 하나"]),
    ]
    out = tmp_path / "sub" / "out.jsonl"
    save_messages_jsonl(convs, out)
    assert [p.name for p in out.parent.iterdir()] == ["out.jsonl"]  # no temp file left behind
    back = load_dialogues(out)
    assert [c.messages for c in back] == [c.messages for c in convs]
    assert back[0].id == "a" and back[1].persona == ["사실 하나"]
    assert (back[1].source, back[1].line, back[1].unit) == (str(out), 2, "line")


def test_failed_write_is_an_error_and_leaves_no_temp_file(tmp_path: Path) -> None:
    folder = tmp_path / "out.jsonl"
    folder.mkdir()  # the rename onto a directory fails after the temp file was written
    with pytest.raises(KodialError, match="cannot write"):
        save_messages_jsonl([Conversation([Message("user", "안녕")])], folder)
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_sharegpt_roles_and_system_key(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "s.jsonl",
        [
            {
                "id": 7,
                "system": "너는 점원이야.",
                "conversations": [
                    {"from": "human", "value": "라떼 있어요?"},
                    {"from": "gpt", "value": "네, 있어요."},
                ],
            }
        ],
    )
    (conv,) = load_dialogues(path, fmt="sharegpt")
    assert roles(conv) == ["system", "user", "assistant"] and conv.id == "7"


def test_qa_csv_default_and_mapped_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "qa.csv", 'Q,A,label\n안녕,"반가워요,\n정말요",0\n뭐 해?,쉬어요,1\n')
    convs = load_dialogues(path)
    assert [roles(c) for c in convs] == [["user", "assistant"]] * 2
    assert convs[0].messages[1].content == "반가워요,\n정말요"
    assert [c.line for c in convs] == [2, 4]  # a quoted cell spans two lines
    other = write(tmp_path / "x.tsv", "질문\t답변\n어디야?\t집이에요\n")
    (conv,) = load_dialogues(other, mapping=RoleMapping.parse("질문=user,답변=assistant"))
    assert conv.messages == [Message("user", "어디야?"), Message("assistant", "집이에요")]


def test_qa_csv_column_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "qa.csv", "text,reply\n가,나\n")
    with pytest.raises(DataError, match="no question/answer columns among text, reply"):
        load_dialogues(path)
    with pytest.raises(DataError, match="column 'Q' not found"):
        load_dialogues(path, mapping=RoleMapping.parse("Q=user,reply=assistant"))
    empty = write(tmp_path / "e.csv", "Q,A\n가,\n")
    with pytest.raises(DataErrors, match=r"e\.csv:2: turn 2: empty assistant turn"):
        load_dialogues(empty)


def test_mapping_mistakes_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "qa.csv", "Q,A,label\n안녕,반가워요,0\n")

    def error(spec: str, fmt: str | None = None) -> str:
        with pytest.raises(KodialError) as err:
            load_dialogues(path, fmt=fmt, mapping=RoleMapping.parse(spec))
        return str(err.value)

    assert "no column is mapped to assistant (the answer column)" in error("Q=user")
    assert "no column is mapped to user (the question column)" in error("A=assistant")
    assert "more than one column is mapped to user ('Q', 'A')" in error("Q=user,A=user")
    message = error("Q=content,A=role", fmt="qa-csv")
    assert "--map A=role,Q=content: the qa-csv format does not use role, content" in message
    assert "--map Q=user,A=assistant" in message
    message = error("Q=content,A=role")  # role/content columns: read as one row per turn
    assert "--map A=role,Q=content reads one row per turn" in message
    assert "needs the column that groups rows into conversations" in message
    assert "files with one record per turn are read with --format turns" in error(
        "s=conversation", fmt="messages"
    )
    with pytest.raises(KodialError, match="'A' is mapped to both user and assistant"):
        RoleMapping.parse("A=user,A=assistant")
    with pytest.raises(KodialError, match="both 'x' and 'y' are mapped to role"):
        RoleMapping.parse("x=role,y=role")
    system = write(tmp_path / "s.csv", "Q,A,prompt\n안녕,반가워요,짧게 답해\n")
    (conv,) = load_dialogues(system, mapping=RoleMapping.parse("prompt=system"))
    assert roles(conv) == ["system", "user", "assistant"]  # Q/A still found by name


def test_persona_dialogues(tmp_path: Path) -> None:
    data = [
        {"persona": ["나는 고양이를 키운다."], "dialogue": [["안녕", "반가워"], ["뭐 해?"]]},
        {"persona": [], "dialogue": [["가", "나"]]},
    ]
    path = write(tmp_path / "p.json", json.dumps(data, ensure_ascii=False))
    first, second = load_dialogues(path)
    assert roles(first) == ["user", "assistant", "user"]
    assert first.persona == ["나는 고양이를 키운다."]
    assert (second.line, second.unit) == (2, "record")


def test_turns_with_a_role_mapping(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "t.jsonl",
        [
            {
                "dialog_id": "d1",
                "utterances": [
                    {"speaker": "A", "utterance": "주문할게요"},
                    {"speaker": "B", "utterance": "네, 말씀하세요"},
                ],
            }
        ],
    )
    mapping = RoleMapping.parse("speaker=role,utterance=content,A=user,B=assistant,dialog_id=id")
    (conv,) = load_dialogues(path, mapping=mapping)
    assert conv.messages == [Message("user", "주문할게요"), Message("assistant", "네, 말씀하세요")]
    assert conv.id == "d1"


def test_turns_one_record_per_turn(tmp_path: Path) -> None:
    rows = [
        {"session": 1, "who": "손님", "text": "안녕하세요"},
        {"session": 1, "who": "점원", "text": "어서 오세요"},
        {"session": 2, "who": "손님", "text": "계산할게요"},
        {"session": 2, "who": "점원", "text": "네"},
    ]
    path = jsonl(tmp_path / "rows.jsonl", rows)
    mapping = RoleMapping.parse(
        "who=role,text=content,session=conversation,손님=user,점원=assistant"
    )
    convs = load_dialogues(path, fmt="turns", mapping=mapping)
    assert [(c.id, c.line, len(c.messages)) for c in convs] == [("1", 1, 2), ("2", 3, 2)]


TURN_ROWS = "dialog_id,speaker,utterance\nd1,A,안녕하세요\nd1,B,어서 오세요\nd2,A,계산할게요\nd1,A,고마워요\n"


def test_turns_one_row_per_turn_in_csv_and_tsv(tmp_path: Path) -> None:
    mapping = RoleMapping.parse(
        "speaker=role,utterance=content,A=user,B=assistant,dialog_id=conversation"
    )
    path = write(tmp_path / "turns.csv", TURN_ROWS)
    assert sniff_format(path, mapping) == "turns" and sniff_format(path) == "qa-csv"
    for fmt in (None, "turns"):
        first, second = load_dialogues(path, fmt=fmt, mapping=mapping)
        assert (first.id, first.line, roles(first)) == ("d1", 2, ["user", "assistant", "user"])
        assert [m.content for m in first.messages] == ["안녕하세요", "어서 오세요", "고마워요"]
        assert (second.id, second.line, second.messages) == (
            "d2",
            4,
            [Message("user", "계산할게요")],
        )
    tsv = write(tmp_path / "turns.tsv", TURN_ROWS.replace(",", "\t"))
    assert [len(c.messages) for c in load_dialogues(tsv, mapping=mapping)] == [3, 1]


def test_turn_rows_errors_name_the_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.csv", "conv,role,content\nc1,user,안녕\nc1,robot,삐\nc1,assistant,\n"
    )
    with pytest.raises(DataErrors) as err:
        load_dialogues(path, mapping=RoleMapping.parse("conv=conversation"))
    assert "t.csv:3: (id c1), turn 2: unknown role 'robot'" in str(err.value)
    path.write_text("conv,role,content\nc1,user,안녕\nc1,assistant,\n", encoding="utf-8")
    with pytest.raises(DataErrors, match=r"t\.csv:3: \(id c1\), turn 2: empty assistant turn"):
        load_dialogues(path, mapping=RoleMapping.parse("conv=conversation"))
    with pytest.raises(DataError, match="needs the column that groups rows into conversations"):
        load_dialogues(path, fmt="turns")
    with pytest.raises(DataError, match=r"columns 'who' \(role\), 'text' \(content\) not found"):
        load_dialogues(path, mapping=RoleMapping.parse("who=role,text=content,conv=conversation"))


def test_errors_name_file_line_and_turn_and_are_collected(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "bad.jsonl",
        [
            {
                "messages": [
                    {"role": "user", "content": "안녕"},
                    {"role": "assistant", "content": " "},
                ]
            },
            {"messages": [{"role": "customer", "content": "안녕"}]},
        ],
    )
    with open(path, "a", encoding="utf-8") as f:
        f.write("{not json\n")
    with pytest.raises(DataErrors) as err:
        load_dialogues(path)
    assert len(err.value.errors) == 1  # invalid JSON stops before records are read
    assert "bad.jsonl:3: invalid JSON" in str(err.value)
    path.write_text(
        "".join(path.read_text(encoding="utf-8").splitlines(True)[:2]), encoding="utf-8"
    )
    with pytest.raises(DataErrors) as err:
        load_dialogues(path)
    text = str(err.value)
    assert "bad.jsonl:1: turn 2: empty assistant turn" in text
    assert "bad.jsonl:2: turn 1: unknown role 'customer'" in text
    assert "--map" in text  # the hint says how to map speakers


def test_a_file_of_another_kind_gets_one_error(tmp_path: Path) -> None:
    persona = "name: 하루\nprofile:\n  - 카페 사장\nstyle:\n  - 해요체\n"
    for name in ("persona.yaml", "persona.jsonl"):
        with pytest.raises(DataError, match="not JSON Lines: this looks like a persona YAML file"):
            load_dialogues(write(tmp_path / name, persona))
    pairs = [{"prompt": f"질문 {i}", "chosen": "좋은 답", "rejected": "나쁜 답"} for i in range(8)]
    path = jsonl(tmp_path / "prefs.jsonl", pairs)
    for fmt in (None, "messages", "sharegpt", "persona", "turns"):
        with pytest.raises(DataError) as err:
            load_dialogues(path, fmt=fmt)
        assert not isinstance(err.value, DataErrors)
        assert "this looks like preference data (prompt/chosen/rejected)" in str(err.value)
        assert "stage: dpo" in str(err.value)
    table = write(tmp_path / "qa.csv", "Q,A\n가,나\n")
    with pytest.raises(DataError, match="not JSON Lines: this looks like a CSV/TSV table"):
        load_dialogues(table, fmt="messages")
    with pytest.raises(DataError, match="none of the first 3 line"):
        load_dialogues(write(tmp_path / "notes.jsonl", "안녕\n반가워\n뭐 해\n"))
    other = jsonl(tmp_path / "other.jsonl", [{"foo": [1], "bar": 2}] * 3)
    with pytest.raises(DataError, match=r"other\.jsonl:1: .*the first has keys 'foo', 'bar'"):
        load_dialogues(other)
    pretty = write(
        tmp_path / "one.jsonl", '{\n  "messages": [{"role": "user", "content": "가"}]\n}\n'
    )
    (conv,) = load_dialogues(pretty)  # one pretty-printed JSON object is read as it is
    assert conv.messages == [Message("user", "가")]


def test_a_mixed_file_keeps_per_line_errors(tmp_path: Path) -> None:
    good = {"messages": [{"role": "user", "content": "안녕"}]}
    pair = {"prompt": "질문", "chosen": "좋은 답", "rejected": "나쁜 답"}
    path = jsonl(tmp_path / "mixed.jsonl", [good, pair, pair])
    with pytest.raises(DataErrors) as err:
        load_dialogues(path)
    assert [e.line for e in err.value.errors] == [2, 3]
    path.write_text("nope\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(DataErrors, match=r"mixed\.jsonl:1: invalid JSON"):
        load_dialogues(path)


def test_json_list_errors_name_the_record(tmp_path: Path) -> None:
    data = [{"persona": [], "dialogue": [["가", "나"]]}, {"persona": [], "dialogue": [["", "나"]]}]
    path = write(tmp_path / "p.json", json.dumps(data, ensure_ascii=False))
    with pytest.raises(DataErrors, match=r"p\.json: record 2, turn 1: empty user turn"):
        load_dialogues(path)


def test_unknown_format_and_bad_mapping() -> None:
    with pytest.raises(KodialError, match="unknown dialogue format 'xml'"):
        load_dialogues("x.jsonl", fmt="xml")
    with pytest.raises(KodialError, match="unknown target 'speaker'"):
        RoleMapping.parse("A=speaker")
    with pytest.raises(KodialError, match="expected NAME=TARGET"):
        RoleMapping.parse("speaker")


def test_merge_consecutive() -> None:
    conv = Conversation(
        [Message("user", "안녕"), Message("user", "계세요?"), Message("assistant", "네")], line=4
    )
    merged = merge_consecutive(conv)
    assert merged.messages == [Message("user", "안녕\n계세요?"), Message("assistant", "네")]
    assert merged.line == 4


def test_shipped_sample_data() -> None:
    base = resources.files("kodial") / "resources" / "chat"
    convs = load_dialogues(str(base / "dialogues.jsonl"))
    assert len(convs) >= 40
    for c in convs:
        assert 3 <= len(c.messages) <= 8
        assert roles(c) == ["user", "assistant"] * (len(c.messages) // 2)
    ids = [c.id for c in convs]
    assert len(set(ids)) == len(ids)
    rows = [
        json.loads(line) for line in (base / "preferences.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(rows) >= 15
    assert all(
        set(r) == {"prompt", "chosen", "rejected"} and r["chosen"] != r["rejected"] for r in rows
    )
    assert any(isinstance(r["prompt"], list) for r in rows)  # multi-turn prompts are included


@pytest.mark.skipif(not (SHARED / "xpersona_ko").exists(), reason="../shared data not present")
def test_reads_real_persona_dialogues() -> None:
    path = SHARED / "xpersona_ko" / "dataset" / "Ko_persona_split_valid_human_annotated.json"
    convs = load_dialogues(path)
    assert len(convs) == 299
    assert all(c.persona and c.messages[0].role == "user" for c in convs)


@pytest.mark.skipif(not (SHARED / "chatbot_data").exists(), reason="../shared data not present")
def test_reads_real_qa_csv() -> None:
    convs = load_dialogues(SHARED / "chatbot_data" / "ChatbotData.csv")
    assert len(convs) == 11823
    assert all(roles(c) == ["user", "assistant"] for c in convs)


def test_openai_content_parts_and_developer_role(tmp_path: Path) -> None:
    parts = [{"type": "text", "text": "안녕"}, {"type": "text", "text": "하세요"}]
    path = jsonl(
        tmp_path / "m.jsonl",
        [
            {
                "messages": [
                    {"role": "developer", "content": "짧게 답해."},
                    {"role": "user", "content": parts},
                    {"role": "assistant", "content": "네"},
                ]
            },
            {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": "x"}]}]},
        ],
    )
    with pytest.raises(
        DataErrors, match=r"m\.jsonl:2: turn 1: missing or non-text field 'content'"
    ):
        load_dialogues(path)
    path.write_text(path.read_text(encoding="utf-8").splitlines(True)[0], encoding="utf-8")
    (conv,) = load_dialogues(path)
    assert conv.messages == [
        Message("system", "짧게 답해."),
        Message("user", "안녕하세요"),
        Message("assistant", "네"),
    ]


def test_turn_table_quote_that_swallows_turn_rows_is_refused(tmp_path: Path) -> None:
    """Regression: a quote left open in a one-row-per-turn table merged the following turns
    into one message; the error points at the line where the quote opened."""
    mapping = RoleMapping.parse("conv=conversation")
    path = write(
        tmp_path / "t.csv",
        'conv,role,content\nc1,user,"안녕하세요\nc1,assistant,어서 오세요"\nc1,user,고마워요\n',
    )
    with pytest.raises(DataError, match="reads as a turn of its own") as err:
        load_dialogues(path, mapping=mapping)
    assert err.value.line == 2
    write(tmp_path / "t.csv", 'conv,role,content\nc1,user,"두 줄\n인사"\nc1,assistant,네\n')
    assert load_dialogues(path, mapping=mapping)[0].messages[0].content == "두 줄\n인사"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"messages": [{"role": "user", "content": "a\\ud800"}]}\n', "lone UTF-16 surrogate"),
        ('{"messages": [{"role": "user", "content": "a\\u0000b"}]}\n', "NUL character"),
        ('{"messages": ' + "[" * 5000 + "]" * 5000 + "}\n", "nested too deeply"),
    ],
)
def test_turn_text_that_is_not_text_is_named(tmp_path: Path, content: str, message: str) -> None:
    """Regression: a lone surrogate passed reading and failed when written (UnicodeEncodeError
    traceback); deep nesting was a RecursionError traceback."""
    path = write(tmp_path / "d.jsonl", content)
    with pytest.raises(DataErrors, match=message) as err:
        load_dialogues(path, fmt="messages")
    assert err.value.errors[0].line == 1


def test_dialogue_readers_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    turn = {"messages": [{"role": "user", "content": "안녕"}]}
    path = jsonl(tmp_path / "d.jsonl", [turn] * 6)
    monkeypatch.setenv("KODIAL_MAX_ROWS", "5")
    with pytest.raises(DataError, match="more than 5 records") as err:
        load_dialogues(path)
    assert err.value.line == 6 and "KODIAL_MAX_ROWS" in (err.value.hint or "")
    monkeypatch.setenv("KODIAL_MAX_ROWS", "0")
    monkeypatch.setenv("KODIAL_MAX_LINE_CHARS", "40")
    with pytest.raises(DataError, match="longer than 40 characters"):
        load_dialogues(path)
