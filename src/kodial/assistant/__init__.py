"""The dialogue engine: understanding -> routing -> handlers (task, faq, chitchat, fallback).

Entry points (imported lazily, so ``import kodial.assistant`` stays light):
:class:`~kodial.assistant.engine.Assistant`, :class:`~kodial.assistant.engine.TurnResult`,
:func:`~kodial.assistant.engine.build_demo_assistant` and
:func:`~kodial.assistant.config.bundled_config` (``resources/assistant/assistant.yaml``). What a
turn takes and returns is typed: :class:`~kodial.assistant.state.DialogueState`,
:class:`~kodial.assistant.history.Exchange` and :class:`~kodial.assistant.route.Route`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Assistant": "kodial.assistant.engine",
    "TurnResult": "kodial.assistant.engine",
    "build_demo_assistant": "kodial.assistant.engine",
    "bundled_config": "kodial.assistant.config",
    "DialogueState": "kodial.assistant.state",
    "Exchange": "kodial.assistant.history",
    "Route": "kodial.assistant.route",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kodial.assistant' has no attribute {name!r}")
