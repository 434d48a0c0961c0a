"""Checking a studio document with the loaders ``kodial serve`` uses, and what a browser may set.

**One validation.** :func:`check_files` reads the project files with the service's loaders
(:func:`kodial.assistant.config.load_config`, the labelled-data reader, the FAQ, chit-chat and
persona loaders), plus the checks the assistant makes when it is built (every intent has a
handler and every handler an intent, a known timezone). So the forms show exactly the errors
``kodial serve`` would print for the same files, with file, line and key.

**Trust.** Some keys make the server run code or load files: a task's ``action`` (a Python
callable or a webhook), a chit-chat ``model``, the classifier's ``method``, ``options`` and
``model_dir``. The studio never lets a browser introduce new ones (:func:`trust_problems`): a save
may keep, reuse or drop the values the saved version already has (the files on disk are the
operator's), and a chit-chat model may also be one the studio exported itself. Data files are
plain names inside the project (``faq.yaml``), never paths (:func:`file_problems`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kodial.errors import DataError, DataErrors, KodialError
from kodial.studio.document import (
    ASSISTANT_FILE,
    DATA_FILE,
    DATA_HANDLERS,
    INTENTS_FILE,
    OOD_FILE,
    PERSONA_FILE,
    RESERVED,
    ProjectDoc,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, located like the loaders locate it."""

    file: str
    line: int | None
    field: str | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.field is not None:
            where += f": field {self.field!r}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": str(self)}


class Invalid(KodialError):
    """The document does not load; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"저장하지 않았어요: 고칠 곳이 {len(problems)}군데 있어요.")
        self.problems = problems


def _problems(exc: KodialError, base: Path) -> list[Problem]:
    """The loader's errors, with file names relative to the project."""
    errors: list[KodialError] = list(exc.errors) if isinstance(exc, DataErrors) else [exc]
    out = []
    for err in errors:
        if not isinstance(err, DataError):
            out.append(Problem(ASSISTANT_FILE, None, None, err.message, err.hint))
            continue
        where = err.path or "<input>"
        if err.line is not None:
            where += f":{err.line}"
        if err.field is not None:
            where += f": field {err.field!r}"
        message = err.message.removeprefix(where + ": ")
        path = Path(err.path) if err.path else base / ASSISTANT_FILE
        try:
            name = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            name = path.name
        out.append(Problem(name, err.line, err.field, message, err.hint))
    return out


def _refs(doc: ProjectDoc) -> dict[tuple[str, str], str]:
    """The document's trusted references: (kind, where) -> value as JSON."""
    found: dict[tuple[str, str], str] = {}
    handlers = doc.assistant.get("handlers")
    for name, handler in (handlers or {}).items() if isinstance(handlers, dict) else ():
        if not isinstance(handler, dict):
            continue
        if handler.get("action") is not None:
            found[("action", f"handlers.{name}.action")] = json.dumps(
                handler["action"], sort_keys=True, ensure_ascii=False
            )
        if handler.get("model") is not None:
            found[("model", f"handlers.{name}.model")] = json.dumps(handler["model"])
    classifier = doc.assistant.get("classifier")
    if isinstance(classifier, dict):
        for key in ("method", "options", "model_dir"):
            if classifier.get(key) is not None:
                found[("classifier", f"classifier.{key}")] = json.dumps(
                    {key: classifier[key]}, sort_keys=True, ensure_ascii=False
                )
    return found


TRUST_MESSAGES = {
    "action": "스튜디오에서는 새 액션(코드 호출이나 웹훅)을 만들 수 없어요. 저장된 버전에 있는 액션만 "
    "고를 수 있어요",
    "model": "스튜디오에서는 스튜디오가 내보낸 채팅 모델이나 저장된 버전에 있는 모델만 쓸 수 있어요",
    "classifier": "분류기 방법과 옵션은 스튜디오에서 바꿀 수 없어요 (저장된 버전의 값을 그대로 둬 주세요)",
}


TRUST_HINT = "새 값은 개발자가 YAML 파일에서 바꾼 뒤 스튜디오를 다시 시작해 주세요"


def trust_problems(
    doc: ProjectDoc, base: ProjectDoc | None, allowed_models: Path | None
) -> list[Problem]:
    """References in ``doc`` that the trusted ``base`` does not have (see the module
    docstring); ``base`` None trusts everything (the bundled example, the starter)."""
    if base is None:
        return []
    known = set(_refs(base).values())
    problems = []
    for (kind, where), value in _refs(doc).items():
        if value in known:
            continue
        if kind == "model" and allowed_models is not None and _inside(value, allowed_models):
            continue
        problems.append(Problem(ASSISTANT_FILE, None, where, TRUST_MESSAGES[kind], TRUST_HINT))
    return problems


def _inside(value: str, root: Path) -> bool:
    path = json.loads(value)
    if not isinstance(path, str) or not path:
        return False
    try:
        Path(path).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return Path(path).is_dir()


def file_problems(doc: ProjectDoc) -> list[Problem]:
    """Data files that are not plain names in the project, or that no handler could read."""
    problems = []
    for name in doc.files:
        if not DATA_FILE.match(name) or name in RESERVED:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    "데이터 파일 이름은 영문, 숫자, -, _ 로 된 .yaml 이름이어야 해요 (예: faq.yaml)",
                )
            )
    handlers = doc.assistant.get("handlers")
    for key, handler in (handlers or {}).items() if isinstance(handlers, dict) else ():
        if not isinstance(handler, dict) or handler.get("type") not in DATA_HANDLERS:
            continue
        data = handler.get("data")
        if data is None:
            continue
        if not isinstance(data, str) or data not in doc.files:
            problems.append(
                Problem(
                    ASSISTANT_FILE,
                    None,
                    f"handlers.{key}.data",
                    f"프로젝트에 없는 데이터 파일이에요: {data!r}",
                    "프로젝트의 데이터 파일 이름을 적어 주세요 (예: faq.yaml)",
                )
            )
    return problems


def check_files(directory: Path, handler_data: dict[str, str] | None = None) -> list[Problem]:
    """Read the project files in ``directory`` with the service's loaders; every problem,
    located. ``handler_data``: the handlers' data files and their types (:func:`data_files`). Files are
    checked one by one, so a broken ``assistant.yaml`` does not hide a broken FAQ file."""
    from kodial.assistant.chitchat import load_pairs
    from kodial.assistant.config import load_config
    from kodial.assistant.faq import load_faq
    from kodial.chat.persona import load_persona
    from kodial.classify.data import FALLBACK, load_labelled, read_ood_lines

    problems: list[Problem] = []

    def attempt(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except KodialError as exc:
            problems.extend(_problems(exc, directory))
            return None

    config = attempt(load_config, directory / ASSISTANT_FILE)
    labels: set[str] | None = None
    if (directory / INTENTS_FILE).is_file():
        intents = attempt(load_labelled, directory / INTENTS_FILE)
        labels = set(intents.labels) if intents is not None else None
    if (directory / OOD_FILE).is_file():
        attempt(read_ood_lines, directory / OOD_FILE)
    if (directory / PERSONA_FILE).is_file():
        attempt(load_persona, directory / PERSONA_FILE)
    for name, kind in (handler_data or {}).items():
        if (directory / name).is_file():
            attempt(load_faq if kind == "faq" else load_pairs, directory / name)
    if config is None:
        return problems
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                ASSISTANT_FILE,
                None,
                "timezone",
                f"unknown timezone {config.timezone!r}",
                "use an IANA name such as Asia/Seoul",
            )
        )
    if labels is not None and config.classifier.model_dir is None:
        # the checks the assistant makes when it is built (kodial.assistant.engine.Assistant)
        unhandled = sorted(labels - set(config.handlers))
        if unhandled:
            problems.append(
                Problem(
                    ASSISTANT_FILE,
                    None,
                    "handlers",
                    f"intent(s) without a handler: {', '.join(unhandled)}",
                    "add them under 'handlers' in the assistant YAML",
                )
            )
        unknown = sorted(set(config.handlers) - labels - {FALLBACK})
        if unknown:
            problems.append(
                Problem(
                    ASSISTANT_FILE,
                    None,
                    "handlers",
                    f"handler(s) for intents the classifier does not know: {', '.join(unknown)}",
                    f"the classifier's intents are: {', '.join(sorted(labels))}",
                )
            )
    return problems
