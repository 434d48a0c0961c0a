"""One config mechanism for every kodial setting: pydantic models whose field docstrings are the
help, read from YAML with errors that name the file, the line and the key, and overridden from
the command line with ``--set key=value``.

Every config (training recipes, classifier options, sample options, ``assistant.yaml``, serve
settings) derives from :class:`Config`; one loader (:func:`load_yaml`) and one validator
(:func:`validate`) turn YAML or CLI values into a model, so a recipe, a ``--set`` and a
``--option`` report a mistake the same way:

>>> class Demo(Config):
...     epochs: float = 3.0
...     '''Passes over the data.'''
>>> validate(Demo, {"epochs": "1e-1"}).epochs   # YAML reads 1e-1 as text; numbers are coerced
0.1
>>> field_help(Demo)[0].help
'Passes over the data.'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from kodial.errors import DataError, DataErrors, KodialError
from kodial.textio import load_yaml_text, read_text, yaml_error

M = TypeVar("M", bound=BaseModel)


class Config(BaseModel):
    """Base of every kodial config: unknown keys are errors, field docstrings are the help,
    ``nan``/``inf`` are refused, and values are checked again when a field is assigned."""

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        allow_inf_nan=False,
        validate_assignment=True,
    )


class FrozenConfig(Config):
    """A :class:`Config` that cannot change after validation (configs shared across requests)."""

    model_config = ConfigDict(frozen=True)


@dataclass(frozen=True)
class FieldHelp:
    """One row of ``--help``/``recipe-keys``: a field's name, type, default and help."""

    name: str
    type: str
    default: str
    help: str


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return text or str(annotation).replace("typing.", "")


def field_help(model: type[BaseModel]) -> list[FieldHelp]:
    """The fields of ``model`` with their types, defaults and docstrings, in declaration order."""
    rows = []
    for name, info in model.model_fields.items():
        if info.default is not PydanticUndefined:
            default = repr(info.default)
        elif info.default_factory is not None:
            default = repr(info.default_factory())  # type: ignore[call-arg]
        else:
            default = "(required)"
        rows.append(
            FieldHelp(
                name,
                _type_name(info.annotation),
                default,
                " ".join((info.description or "").split()),
            )
        )
    return rows


def _unknown_key_hint(model: Any, loc: tuple[Any, ...]) -> str | None:
    """'did you mean ...' for an unknown key of a (possibly nested) model."""
    for part in loc[:-1]:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return None
        model = fields[part].annotation
    fields = getattr(model, "model_fields", None)
    if not fields:
        return None
    close = difflib.get_close_matches(str(loc[-1]), list(fields), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _node_at(
    root: yaml.Node | None, loc: tuple[Any, ...], missing: bool = False
) -> tuple[list[str], int | None]:
    """The key path and 1-based line in a composed YAML tree of a pydantic error location.

    pydantic puts the tag of a discriminated union (``task``, ``webhook`` ...) into locations;
    a part that is not in the YAML is dropped (unless the error is about that key being
    ``missing``), so the path reads like the file."""
    node, line, path = root, None, []
    for i, key in enumerate(loc):
        if node is not None:
            line = node.start_mark.line + 1
        last = missing and i == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if str(k.value) == str(key)), None)
            if child is None and not last:
                continue
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            if not last and not isinstance(key, int):
                continue
            node = None
        path.append(str(key))
    if node is not None:
        line = node.start_mark.line + 1
    return path, line


_MESSAGES = {
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "finite_number": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of key: value",
    "model_type": "expected a mapping of key: value",
    "missing": "required key is missing",
    "extra_forbidden": "unknown key",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be greater than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
}
"""pydantic error types -> what a config author reads ("expected a whole number, got '1e-4'")."""


def _message(err: Any) -> str:
    template = _MESSAGES.get(err["type"])
    if template is None:
        msg = str(err["msg"])
        return msg.removeprefix("Value error, ")  # a validator's own words
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err["msg"])


def _errors(
    exc: ValidationError,
    schema: Any,
    source: str | Path,
    root: yaml.Node | None = None,
    origins: Mapping[str, str] | None = None,
    hint: str | None = None,
) -> DataErrors:
    errors = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if root is not None:
            keys, line = _node_at(root, loc, missing=err["type"] == "missing")
        else:
            keys, line = [str(k) for k in loc], None
        where: str | Path = source
        if origins and loc and str(loc[0]) in origins:  # a --set/--option value, not the file
            where, line = origins[str(loc[0])], None
        message = _message(err)
        if err["type"] == "extra_forbidden":
            close = _unknown_key_hint(schema, loc)
            if close:
                message += f"; {close}"
        elif (
            "input" in err
            and err["type"] not in ("missing", "value_error", "assertion_error")
            and not isinstance(err["input"], dict | list)
        ):
            message += f", got {err['input']!r}"
        errors.append(
            DataError(message, path=where, line=line, field=".".join(keys) or None, hint=hint)
        )
    return DataErrors(errors)


def validate(
    schema: type[M],
    values: Mapping[str, Any],
    source: str | Path = "<config>",
    origins: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> M:
    """Build ``schema`` from ``values``; every problem is a :class:`DataError` naming the key
    (and where the key came from: ``origins`` maps a key to e.g. ``"--set epochs"``)."""
    try:
        return schema.model_validate(dict(values), context=dict(context or {}))
    except ValidationError as exc:
        raise _errors(exc, schema, source, origins=origins, hint=hint) from None


def parse_overrides(pairs: Sequence[str], flag: str = "--set") -> dict[str, Any]:
    """``["epochs=2", "packing=false"]`` -> ``{"epochs": 2, "packing": False}`` (values read as
    YAML, so lists and numbers work: ``--set lora_target_modules=[q_proj,v_proj]``)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise KodialError(
                f"bad {flag} {pair!r}", hint=f"write {flag} key=value, e.g. {flag} epochs=2"
            )
        try:
            out[key.strip()] = load_yaml_text(raw) if raw.strip() else None
        except yaml.YAMLError:
            out[key.strip()] = raw
    return out


def load_yaml(
    path: str | Path,
    schema: Any,
    context: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> Any:
    """Read a YAML file and validate it against ``schema`` (a pydantic model or a
    ``TypeAdapter``); ``overrides`` (from :func:`parse_overrides`) replace top-level keys.

    Every problem becomes a :class:`~kodial.errors.DataError` naming the file, the line and the
    key path (``handlers.book_table.slots.0.prompt``), all raised together as
    :class:`~kodial.errors.DataErrors`. The validation context carries ``base_dir``, the
    directory of the file, for paths written relative to it.
    """
    p = Path(path)
    text = read_text(p)
    try:
        root = yaml.compose(text)
        data = load_yaml_text(text)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, p) from None
    if overrides:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise DataError("expected a mapping of key: value", path=p, line=1)
        data = {**data, **overrides}
    adapter = schema if isinstance(schema, TypeAdapter) else TypeAdapter(schema)
    try:
        return adapter.validate_python(data, context={"base_dir": p.parent, **(context or {})})
    except ValidationError as exc:
        model = schema if isinstance(schema, type) else None
        origins = {key: f"--set {key}" for key in overrides or {}}
        raise _errors(exc, model, p, root=root, origins=origins, hint=hint) from None
