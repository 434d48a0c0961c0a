"""The studio's project: the assistant as the forms edit it, checked by the loaders ``kodial
serve`` uses, saved as whole versions.

**The document.** The forms edit a :class:`ProjectDoc`: the parsed contents of the project's
files, one field per file (``assistant.yaml``, ``intents.yaml``, ``ood.txt``, ``persona.yaml``
and the data files of FAQ and chit-chat handlers). The studio owns the file layout (the
``persona``, ``intents.data`` and ``intents.ood`` paths of ``assistant.yaml`` are set by it),
everything else is written as the forms left it.

**One validation.** :meth:`Project.check` writes the YAML the document would be saved as into a
scratch directory and reads it back with the loaders the service uses
(:func:`kodial.assistant.config.load_config`, the labelled-data reader, the FAQ, chit-chat and
persona loaders), plus the checks the assistant makes when it is built (every intent has a
handler and every handler an intent, a known timezone). So the forms show exactly the errors
``kodial serve`` would print for the same files, with file, line and key.

**Trust.** Some keys make the server run code or load files: a task's ``action`` (a Python
callable or a webhook), a chit-chat ``model``, the classifier's ``method``, ``options`` and
``model_dir``. The studio never lets a browser introduce new ones: a save may keep, reuse or
drop the values the saved version already has (the files on disk are the operator's), and a
chit-chat model may also be one the studio exported itself. Data files are plain names inside
the project (``faq.yaml``), never paths.

**Versions.** Every save is a new version, written whole under ``history/NNNN`` (staged, then
renamed into place) and mirrored to ``project/``. A save names the version it was edited from;
if another save came first it is refused (:class:`Conflict`), never merged silently.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kodial.errors import DataError, DataErrors, KodialError
from kodial.studio.workspace import Workspace
from kodial.textio import atomic_write_text, read_text, read_yaml

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


class Conflict(KodialError):
    """The document was edited from a version that is no longer the latest."""

    def __init__(self, base: int, current: int, message: str | None = None) -> None:
        super().__init__(
            message
            or f"다른 곳에서 먼저 저장했어요 (편집을 시작한 버전 {base}, 지금 버전 {current}). "
            "최신 버전을 불러온 뒤 다시 고쳐 주세요."
        )
        self.base = base
        self.current = current


class Invalid(KodialError):
    """The document does not load; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"저장하지 않았어요: 고칠 곳이 {len(problems)}군데 있어요.")
        self.problems = problems


# -- reading files into a document ---------------------------------------------------------------


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


# -- writing a document as files ---------------------------------------------------------------


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


# -- checking ------------------------------------------------------------------------------------


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


def write_files(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


# -- the project and its versions -------------------------------------------------------------


@dataclass
class Version:
    """A saved version: its number, the document and who saved it when."""

    version: int
    doc: ProjectDoc
    meta: dict[str, Any]


class Project:
    """The versions of one project in a :class:`Workspace` (see the module docstring)."""

    def __init__(self, workspace: Workspace, exports: Path | None = None) -> None:
        self.ws = workspace
        self.exports = exports
        """Chat models the studio exported: documents may point chit-chat at them."""
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------
    def version(self) -> int:
        """The latest saved version, 0 when there is none."""
        if not self.ws.history.is_dir():
            return 0
        numbers = [int(p.name) for p in self.ws.history.iterdir() if p.name.isdigit()]
        return max(numbers, default=0)

    def exists(self) -> bool:
        return self.version() > 0

    def config_path(self, version: int) -> Path:
        """The ``assistant.yaml`` of a saved version (what training builds and deploy serves)."""
        path = self.ws.version_dir(version) / ASSISTANT_FILE
        if not path.is_file():
            raise KodialError(f"버전 {version}이 없어요.")
        return path

    def load(self, version: int | None = None) -> Version:
        number = self.version() if version is None else version
        directory = self.ws.version_dir(number)
        if number <= 0 or not directory.is_dir():
            raise KodialError("아직 프로젝트가 없어요. 먼저 프로젝트를 만들어 주세요.")
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return Version(number, read_doc(directory), meta)

    def versions(self) -> list[dict[str, Any]]:
        """The metadata of every saved version, newest first."""
        out = []
        for number in range(self.version(), 0, -1):
            meta_path = self.ws.version_dir(number) / META_FILE
            if meta_path.is_file():
                out.append(json.loads(meta_path.read_text(encoding="utf-8")))
        return out

    def diff(self, a: int, b: int) -> list[dict[str, str]]:
        """Unified diffs of the files that differ between versions ``a`` and ``b``."""
        da, db = self.ws.version_dir(a), self.ws.version_dir(b)
        if not (da.is_dir() and db.is_dir()) or a <= 0 or b <= 0:
            raise KodialError("비교할 버전이 없어요.")
        names = sorted(
            {p.name for p in da.iterdir() if p.name != META_FILE}
            | {p.name for p in db.iterdir() if p.name != META_FILE}
        )
        out = []
        for name in names:
            left = (da / name).read_text(encoding="utf-8") if (da / name).is_file() else ""
            right = (db / name).read_text(encoding="utf-8") if (db / name).is_file() else ""
            if left != right:
                lines = difflib.unified_diff(
                    left.splitlines(keepends=True),
                    right.splitlines(keepends=True),
                    f"v{a}/{name}",
                    f"v{b}/{name}",
                )
                out.append({"file": name, "diff": "".join(lines)})
        return out

    # -- checking and saving ---------------------------------------------------------------------
    def check(self, doc: ProjectDoc, base: ProjectDoc | None = None) -> list[Problem]:
        """Every problem of ``doc`` (empty: it would load); ``base``: the version it was
        edited from (default: the latest), for the trust rule."""
        if base is None and self.exists():
            base = self.load().doc
        problems = file_problems(doc) + trust_problems(doc, base, self.exports)
        with tempfile.TemporaryDirectory(prefix="kodial-studio-check-") as tmp:
            write_files(Path(tmp), render(doc))
            problems += check_files(Path(tmp), data_files(doc))
        return problems

    def create(self, doc: ProjectDoc, by: str) -> int:
        """Version 1 from a trusted document (the bundled example or the starter)."""
        with self._lock:
            if self.exists():
                current = self.version()
                raise Conflict(0, current, f"이미 프로젝트가 있어요 (버전 {current}).")
            return self._write(doc, None, 0, by, "프로젝트 만들기")

    def save(self, doc: ProjectDoc, base_version: int, by: str, note: str = "") -> int:
        """Save ``doc``, edited from ``base_version``, as the next version; :class:`Conflict`
        when another save came first, :class:`Invalid` when it does not load (nothing is
        written then)."""
        with self._lock:
            current = self.version()
            if base_version != current:
                raise Conflict(base_version, current)
            base = self.load(current).doc if current else None
            return self._write(doc, base, current, by, note)

    def _write(
        self, doc: ProjectDoc, base: ProjectDoc | None, current: int, by: str, note: str
    ) -> int:
        problems = file_problems(doc) + trust_problems(doc, base, self.exports)
        if problems:
            raise Invalid(problems)
        files = render(doc)
        self.ws.create()
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.ws.history))
        try:
            write_files(staging, files)
            problems = check_files(staging, data_files(doc))
            if problems:
                raise Invalid(problems)
            number = current + 1
            meta = {
                "version": number,
                "base": current,
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "by": by,
                "note": note[:200],
                "files": sorted(files),
            }
            (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2))
            try:
                # a version directory is never empty, so renaming onto one that another process
                # made meanwhile fails: two saves can never both become version N
                staging.rename(self.ws.version_dir(number))
            except OSError:
                raise Conflict(current, self.version()) from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self._mirror(number)
        return number

    def _mirror(self, number: int) -> None:
        """Copy version ``number`` to ``project/`` (each file atomically), removing files an
        earlier version had there that this one does not."""
        source = self.ws.version_dir(number)
        target = self.ws.project
        target.mkdir(parents=True, exist_ok=True)
        names = {p.name for p in source.iterdir() if p.name != META_FILE}
        previous = self.ws.version_dir(number - 1) / META_FILE
        if previous.is_file():
            # only names the studio wrote itself (listed in the previous version's meta)
            for old in json.loads(previous.read_text(encoding="utf-8")).get("files", []):
                if old not in names and (DATA_FILE.match(old) or old in RESERVED):
                    (target / old).unlink(missing_ok=True)
        for name in sorted(names):
            atomic_write_text(target / name, (source / name).read_text(encoding="utf-8"))
