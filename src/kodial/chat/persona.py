"""Character personas: a YAML file (name, profile facts, speaking style, example lines) that becomes
the system prompt, with the same function at training and at serving.

A persona file::

    name: 하루
    profile:
      - 동네 골목에서 작은 카페를 운영한다.
    style:
      - 반말 대신 다정한 해요체를 쓴다.
    examples:
      - 오늘은 따뜻한 보리차 어때요?
    system_template: |        # optional; overrides DEFAULT_SYSTEM_TEMPLATE
      너는 {name}이야. ...

The template's placeholders are ``{name}`` (a particle written right after it, such as
``{name}이/가`` or ``{name}은/는``, is chosen to fit the name), ``{profile}``, ``{style}`` and
``{examples}`` (each a bulleted list, one ``- `` line per item). A template may use any subset.
The template can also be overridden at call time (``system_prompt(template=...)``, or the CLI's
``--system-template``), which is what a user changes to move a persona between languages or to a
model that prefers a shorter prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kodial.chat.dialogue import Message
from kodial.errors import DataError, KodialError
from kodial.korean import PARTICLES, attach_particle, has_final_consonant
from kodial.textio import read_yaml

DEFAULT_SYSTEM_TEMPLATE = """\
너는 {name}(이)라는 캐릭터야. 아래 프로필과 말투를 지키면서 사용자와 여러 차례 대화를 이어 가.

[프로필]
{profile}

[말투]
{style}

[예시 대사]
{examples}"""
"""Default system-prompt template. ``{name}(이)라는`` becomes ``하루라는`` / ``민준이라는``."""

PLACEHOLDERS: tuple[str, ...] = ("name", "profile", "style", "examples")
"""Names a system template may use."""

_NAME_PARTICLES = [*PARTICLES, "(이)야"]
_PLACEHOLDER_RE = re.compile(
    r"\{(?P<name>[^{}]*)\}(?P<particle>"
    + "|".join(re.escape(p) for p in sorted(_NAME_PARTICLES, key=len, reverse=True))
    + r")?"
)


def _attach(word: str, particle: str) -> str:
    """``attach_particle`` plus the copula forms ``(이)라는`` / ``(이)야`` used in persona prompts."""
    if particle in PARTICLES:
        return attach_particle(word, particle)
    # The copula takes 이 after a final consonant: 민준이라는, 하루라는.
    stem = particle.removeprefix("(이)")
    return word + ("이" if has_final_consonant(word) else "") + stem


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items) if items else "- (없음)"


@dataclass
class Persona:
    """A chat character. :meth:`system_prompt` turns it into the system message."""

    name: str
    """What the character is called."""
    profile: list[str] = field(default_factory=list)
    """Facts about the character (job, likes, background)."""
    style: list[str] = field(default_factory=list)
    """How the character speaks (politeness level, habits, emoji, length)."""
    examples: list[str] = field(default_factory=list)
    """Example lines in the character's voice."""
    system_template: str | None = None
    """Template of the system prompt; None uses :data:`DEFAULT_SYSTEM_TEMPLATE`."""

    def system_prompt(self, template: str | None = None) -> str:
        """The system prompt: ``template`` (else :attr:`system_template`, else the default) filled.

        >>> Persona("하루", ["카페 사장"], ["해요체"], ["어서 오세요!"]).system_prompt(
        ...     "{name}은/는 {profile}")
        '하루는 - 카페 사장'
        """
        tpl = template if template is not None else self.system_template
        tpl = DEFAULT_SYSTEM_TEMPLATE if tpl is None else tpl
        values = {
            "name": self.name,
            "profile": _bullets(self.profile),
            "style": _bullets(self.style),
            "examples": _bullets(self.examples),
        }

        def sub(m: re.Match[str]) -> str:
            key = m.group("name")
            if key not in values:
                raise KodialError(
                    f"unknown placeholder {{{key}}} in the persona's system template",
                    hint=f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}; "
                    "write {{ and }} for literal braces",
                )
            particle = m.group("particle")
            if particle and key == "name":
                return _attach(values[key], particle)
            return values[key] + (particle or "")

        escaped = tpl.replace("{{", "\x00").replace("}}", "\x01")
        return _PLACEHOLDER_RE.sub(sub, escaped).replace("\x00", "{").replace("\x01", "}")

    @classmethod
    def from_facts(cls, facts: list[str], name: str = "챗봇") -> Persona:
        """A persona from bare profile facts (e.g. a persona-dialogue record's ``persona`` list)."""
        return cls(name=name, profile=list(facts), system_template=FACTS_SYSTEM_TEMPLATE)

    def to_dict(self) -> dict[str, Any]:
        """YAML-ready dict (the inverse of :func:`load_persona`)."""
        out: dict[str, Any] = {
            "name": self.name,
            "profile": self.profile,
            "style": self.style,
            "examples": self.examples,
        }
        if self.system_template is not None:
            out["system_template"] = self.system_template
        return out


FACTS_SYSTEM_TEMPLATE = "너는 아래와 같은 사람이야. 이 설정에 맞게 대화해.\n{profile}"
"""Template used by :meth:`Persona.from_facts` for dialogues that carry only persona facts."""


def load_persona(path: str | Path) -> Persona:
    """Read a persona YAML file; unknown keys, a missing name or non-text items are
    :class:`~kodial.errors.DataError` naming the field."""
    p = Path(path)
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise DataError("expected a mapping with name, profile, style, examples", path=p)
    known = {f.name for f in fields(Persona)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DataError(
            f"unknown key(s): {', '.join(map(str, unknown))}",
            path=p,
            hint=f"persona keys are {', '.join(sorted(known))}",
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DataError("missing or empty", path=p, field="name")
    lists: dict[str, list[str]] = {}
    for key in ("profile", "style", "examples"):
        value = data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise DataError("expected a list of non-empty strings", path=p, field=key)
        lists[key] = [v.strip() for v in value]
    template = data.get("system_template")
    if template is not None and not isinstance(template, str):
        raise DataError("expected a string", path=p, field="system_template")
    persona = Persona(name=name.strip(), system_template=template, **lists)
    persona.system_prompt()  # fail now, naming the file, on a bad template
    return persona


PERSONA_FILE = "persona.yaml"
"""The persona a model was trained with, saved beside it: in ``final/`` by training and in the
export, so that ``kodial chat eval``, ``kodial chat run`` and serving keep the character without
being told again."""


def model_persona(model_dir: str | Path) -> Path | None:
    """The persona file that goes with a model directory: its :data:`PERSONA_FILE`, or for a
    checkpoint or an older run the ``persona`` of the recipe it was trained with, if that file
    still exists; ``None`` for a model trained without one."""
    from kodial.chat.adapters import run_recipe

    directory = Path(model_dir)
    if (directory / PERSONA_FILE).is_file():
        return directory / PERSONA_FILE
    recorded = run_recipe(directory).get("persona")
    if isinstance(recorded, str) and Path(recorded).is_file():
        return Path(recorded)
    return None


def apply_persona(
    messages: list[Message], persona: Persona | None, template: str | None = None
) -> list[Message]:
    """Messages with the persona's system prompt as the first (system) message.

    The persona replaces a system message already in the dialogue, so a model trained with a
    persona is served with exactly the same system prompt. Without a persona, messages are
    returned unchanged. Use this both when building training samples and when serving.
    """
    if persona is None:
        return list(messages)
    rest = [m for m in messages if m.role != "system"]
    return [Message("system", persona.system_prompt(template)), *rest]
