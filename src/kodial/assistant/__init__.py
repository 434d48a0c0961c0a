"""The dialogue engine: understanding -> routing -> handlers (task, faq, chitchat, fallback).

Entry points (imported lazily, so ``import kodial.assistant`` stays light):
:class:`~kodial.assistant.engine.Assistant`, :class:`~kodial.assistant.engine.TurnResult`,
:func:`~kodial.assistant.engine.build_demo_assistant` and
:func:`~kodial.assistant.engine.bundled_config` (``resources/assistant/assistant.yaml``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Assistant", "TurnResult", "build_demo_assistant", "bundled_config"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kodial.assistant import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'kodial.assistant' has no attribute {name!r}")
