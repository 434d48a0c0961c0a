"""OpenAI function calling decided by kodial's understanding (offline, Korean).

:func:`decide` takes OpenAI ``messages`` and ``tools`` and returns a :class:`ToolDecision`:
call a tool with arguments read from the conversation, ask for the missing required ones in
Korean, answer from a tool result, or decline when no tool fits. :mod:`kodial.tools.openai`
turns a decision into OpenAI response objects (whole or streamed).
"""

from kodial.tools.decide import ToolDecision, decide
from kodial.tools.schema import ParamSpec, ToolSchemaError, ToolSpec, parse_tools

__all__ = ["ParamSpec", "ToolDecision", "ToolSchemaError", "ToolSpec", "decide", "parse_tools"]

DECIDERS = {"offline": "kodial.tools.decide:decide", "llm": "kodial.tools.llm_decide:decide"}
"""Tool-call deciders by name (``module:function``, same arguments and ToolDecision result)."""
