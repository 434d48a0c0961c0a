"""The studio's project document: the assistant as the forms edit it, one field per file.

The forms edit a :class:`ProjectDoc`: the parsed contents of the project's files
(``assistant.yaml``, ``intents.yaml``, ``ood.txt``, ``persona.yaml`` and the data files of FAQ and
chit-chat handlers). The studio owns the file layout (the ``persona``, ``intents.data`` and
``intents.ood`` paths of ``assistant.yaml`` are set by it, :func:`render`), everything else is
written as the forms left it.
"""

from __future__ import annotations

import copy
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kodial.errors import DataError
from kodial.textio import read_text, read_yaml

ASSISTANT_FILE = "assistant.yaml"


INTENTS_FILE = "intents.yaml"


OOD_FILE = "ood.txt"


PERSONA_FILE = "persona.yaml"


META_FILE = "meta.json"


RESERVED = frozenset({ASSISTANT_FILE, INTENTS_FILE, OOD_FILE, PERSONA_FILE, META_FILE})


DATA_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,60}(\.[A-Za-z0-9_-]{1,20})?\.ya?ml$")
"""A data file of a handler: a plain name inside the project, never a path."""


DATA_HANDLERS = ("faq", "chitchat")
"""Handler types whose ``data`` is a file of the project."""


HEADER = (
    "# kodial studio에서 저장한 파일입니다. `kodial serve --config assistant.yaml`로 그대로 "
    "서비스할 수 있어요.\n"
)


class ProjectDoc(BaseModel):
    """The project as the forms edit it: each field is one file's parsed content."""

    model_config = ConfigDict(extra="forbid")

    assistant: dict[str, Any]
    """``assistant.yaml``."""
    intents: dict[str, Any] = Field(default_factory=dict)
    """``intents.yaml``: intent -> ``{description, examples}``."""
    ood: list[str] = Field(default_factory=list)
    """``ood.txt``: out-of-domain queries, one per line."""
    persona: dict[str, Any] | None = None
    """``persona.yaml``, or None for an assistant without a persona."""
    files: dict[str, Any] = Field(default_factory=dict)
    """The data files of FAQ and chit-chat handlers, by file name (``faq.yaml``: a list)."""


def _yaml(path: Path) -> Any:
    return read_yaml(path) if path.is_file() else None


def read_doc(directory: Path) -> ProjectDoc:
    """The document of the project files in ``directory`` (a saved version, or a project made
    elsewhere in the studio's layout)."""
    assistant = _yaml(directory / ASSISTANT_FILE)
    if not isinstance(assistant, dict):
        raise DataError("expected a mapping of key: value", path=directory / ASSISTANT_FILE)
    found = assistant.get("intents")
    intents_block: dict[str, Any] = found if isinstance(found, dict) else {}
    intents: dict[str, Any] = {}
    data = intents_block.get("data")
    if isinstance(data, str):
        raw = _yaml(directory / data)
        for label, value in (raw or {}).items() if isinstance(raw, dict) else ():
            entry = {"examples": value} if isinstance(value, list) else value
            intents[str(label)] = entry
    for label, texts in (intents_block.get("examples") or {}).items():
        entry = intents.setdefault(str(label), {"examples": []})
        entry.setdefault("examples", []).extend(texts or [])
    for label, desc in (intents_block.get("descriptions") or {}).items():
        if isinstance(intents.get(label), dict) and not intents[label].get("description"):
            intents[label] = {"description": desc, **intents[label]}
    ood: list[str] = []
    if isinstance(intents_block.get("ood"), str) and (directory / intents_block["ood"]).is_file():
        ood = [
            line.strip()
            for line in read_text(directory / intents_block["ood"]).splitlines()
            if line.strip()
        ]
    persona = None
    if isinstance(assistant.get("persona"), str):
        persona = _yaml(directory / assistant["persona"])
    files: dict[str, Any] = {}
    for handler in (assistant.get("handlers") or {}).values():
        if isinstance(handler, dict) and handler.get("type") in DATA_HANDLERS:
            name = handler.get("data")
            if isinstance(name, str) and DATA_FILE.match(name) and (directory / name).is_file():
                files[name] = _yaml(directory / name)
    return ProjectDoc(assistant=assistant, intents=intents, ood=ood, persona=persona, files=files)


def bundled_example() -> ProjectDoc:
    """The example assistant shipped with kodial, as a document."""
    root = resources.files("kodial") / "resources" / "assistant"
    return read_doc(Path(str(root)))


def starter() -> ProjectDoc:
    """A small project to start from: small talk, one FAQ and the fallback."""
    return ProjectDoc(
        assistant={
            "name": "my-assistant",
            "description": "새로 만든 비서예요.",
            "greeting": "안녕하세요! 무엇을 도와드릴까요?",
            "timezone": "Asia/Seoul",
            "classifier": {"method": "lexical", "target_recall": 0.95},
            "intents": {},
            "handlers": {
                "faq": {"type": "faq", "description": "서비스 문의", "data": "faq.yaml"},
                "smalltalk": {
                    "type": "chitchat",
                    "description": "가벼운 대화",
                    "backend": "retrieval",
                    "data": "chitchat.yaml",
                },
                "fallback": {"type": "fallback", "message": "죄송해요, 잘 이해하지 못했어요."},
            },
        },
        intents={
            "faq": {
                "description": "서비스 문의",
                "examples": ["영업시간이 어떻게 되나요", "몇 시까지 해요", "문 여는 시간 알려 줘"],
            },
            "smalltalk": {
                "description": "가벼운 대화",
                "examples": ["안녕하세요", "고마워요", "반가워요"],
            },
        },
        files={
            "faq.yaml": [
                {
                    "q": ["영업시간이 어떻게 되나요", "몇 시까지 해요"],
                    "a": "매일 오전 10시부터 오후 6시까지 운영해요.",
                }
            ],
            "chitchat.yaml": [
                {"user": "안녕하세요", "reply": "안녕하세요! 무엇을 도와드릴까요?"},
                {"user": "고마워요", "reply": "천만에요! 또 필요하면 불러 주세요."},
            ],
        },
    )


class _Dumper(yaml.SafeDumper):
    """Block-style YAML that keeps Korean as it is and writes multi-line text as ``|`` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(value: Any) -> str:
    return yaml.dump(
        value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2
    )


def render(doc: ProjectDoc) -> dict[str, str]:
    """The files the document is saved as: name -> text. The studio's layout is applied to
    ``assistant.yaml`` (persona, intents data and OOD file names; the intents' descriptions
    copied into ``intents.descriptions``, where the assistant reads them)."""
    assistant = copy.deepcopy(doc.assistant)
    files: dict[str, str] = {}
    if doc.persona is not None:
        assistant["persona"] = PERSONA_FILE
        files[PERSONA_FILE] = dump_yaml(doc.persona)
    else:
        assistant.pop("persona", None)
    block = assistant.get("intents")
    if block is None:
        block = assistant["intents"] = {}
    if isinstance(block, dict):
        block.pop("examples", None)
        block["data"] = INTENTS_FILE
        if doc.ood:
            block["ood"] = OOD_FILE
        else:
            block.pop("ood", None)
        descriptions = {
            label: entry["description"]
            for label, entry in doc.intents.items()
            if isinstance(entry, dict) and isinstance(entry.get("description"), str)
        }
        if descriptions:
            block["descriptions"] = descriptions
        else:
            block.pop("descriptions", None)
    files[ASSISTANT_FILE] = HEADER + dump_yaml(assistant)
    files[INTENTS_FILE] = dump_yaml(doc.intents) if doc.intents else "{}\n"
    if doc.ood:
        files[OOD_FILE] = "".join(line.replace("\n", " ") + "\n" for line in doc.ood)
    for name, content in doc.files.items():
        if DATA_FILE.match(name) and name not in RESERVED:
            files[name] = dump_yaml(content)
    return files


def data_files(doc: ProjectDoc) -> dict[str, str]:
    """The document's handler data files: file name -> handler type (``faq``, ``chitchat``)."""
    found: dict[str, str] = {}
    handlers = doc.assistant.get("handlers")
    for handler in (handlers or {}).values() if isinstance(handlers, dict) else ():
        if isinstance(handler, dict) and handler.get("type") in DATA_HANDLERS:
            name = handler.get("data")
            if isinstance(name, str) and name in doc.files and DATA_FILE.match(name):
                found[name] = str(handler["type"])
    return found


def write_files(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
