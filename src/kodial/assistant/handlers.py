"""Registry of handler types: ``type`` in ``assistant.yaml`` -> handler class.

========== ======================================= =============================================
type       answers                                 needs
========== ======================================= =============================================
task       fills slots over turns, confirms,       slots (prompt, extractor, validation), an
           calls an action                         action (callable or webhook)
faq        the answer of the nearest known         question/answer pairs; abstains below
           question                                ``min_similarity``
chitchat   small talk in the persona's voice       chit-chat pairs (retrieval) or a causal LM
fallback   a safe reply and what the assistant     nothing
           can do
========== ======================================= =============================================

A test checks that every entry's ``config_class`` declares the same ``type`` and that the
config union :data:`kodial.assistant.config.HandlerConfig` accepts exactly these types.
"""

from __future__ import annotations

from kodial.assistant.chitchat import ChitchatHandler
from kodial.assistant.fallback import FallbackHandler
from kodial.assistant.faq import FAQHandler
from kodial.assistant.interface import Handler
from kodial.assistant.task import TaskHandler

HANDLERS: dict[str, type[Handler]] = {
    "task": TaskHandler,
    "faq": FAQHandler,
    "chitchat": ChitchatHandler,
    "fallback": FallbackHandler,
}
"""Handler type name -> class."""
