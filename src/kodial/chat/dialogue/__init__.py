"""Multi-turn dialogue data: one in-memory shape (:class:`Conversation`) and readers for the common
file formats, validated with errors that name the file, the line (or record) and the turn.

Formats (:data:`FORMATS`, chosen with ``fmt`` or sniffed from the extension and first record):

- ``messages``: OpenAI chat JSONL, one ``{"messages": [{"role": ..., "content": ...}, ...]}`` per
  line (optional ``id`` and ``persona`` keys); a JSON list of such objects also works.
- ``sharegpt``: ``{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}, ...]}``, JSONL
  or a JSON list.
- ``qa-csv``: single-turn question/answer CSV or TSV with a header; the columns come from the
  mapping (``Q=user,A=assistant``) or are found among Q/A, question/answer, prompt/response,
  input/output, instruction/output. An optional ``system`` mapping names a system-prompt column.
- ``persona``: persona dialogues, a JSON list (or JSONL) of
  ``{"persona": [fact, ...], "dialogue": [[user, bot], ...]}``; the facts land in
  :attr:`Conversation.persona`.
- ``turns``: any speaker-turn JSON/JSONL through a :class:`RoleMapping`, either one record per
  conversation holding a list of turns, or one record per turn with a conversation-id column;
  also CSV/TSV with one row per turn (``speaker=role,utterance=content,dialog_id=conversation``).
  A CSV/TSV file is read as ``turns`` when the mapping names a role, content or conversation
  column, as ``qa-csv`` otherwise.

Every reader collects all problems of a file and raises them together as
:class:`~kodial.errors.DataErrors`.

Modules: :mod:`~kodial.chat.dialogue.model` (the shapes), :mod:`~kodial.chat.dialogue.records`
(JSON/JSONL readers), :mod:`~kodial.chat.dialogue.tables` (CSV/TSV readers),
:mod:`~kodial.chat.dialogue.formats` (registry, sniffing, :func:`load_dialogues`) and
:mod:`~kodial.chat.dialogue.writers`.
"""

from kodial.chat.dialogue.formats import (
    FORMAT_MAP_TARGETS,
    FORMATS,
    Reader,
    check_mapping,
    load_dialogues,
    sniff_format,
)
from kodial.chat.dialogue.model import (
    DEFAULT_ROLE_ALIASES,
    ROLES,
    TABLE_SUFFIXES,
    TURN_LIST_KEYS,
    Conversation,
    Message,
    RoleMapping,
)
from kodial.chat.dialogue.records import KNOWN_SHAPES, read_messages, read_persona, read_sharegpt
from kodial.chat.dialogue.tables import QA_COLUMN_PAIRS, read_qa_csv, read_turns
from kodial.chat.dialogue.writers import conversation_record, merge_consecutive, save_messages_jsonl

__all__ = [
    "DEFAULT_ROLE_ALIASES",
    "FORMATS",
    "FORMAT_MAP_TARGETS",
    "KNOWN_SHAPES",
    "QA_COLUMN_PAIRS",
    "ROLES",
    "TABLE_SUFFIXES",
    "TURN_LIST_KEYS",
    "Conversation",
    "Message",
    "Reader",
    "RoleMapping",
    "check_mapping",
    "conversation_record",
    "load_dialogues",
    "merge_consecutive",
    "read_messages",
    "read_persona",
    "read_qa_csv",
    "read_sharegpt",
    "read_turns",
    "save_messages_jsonl",
    "sniff_format",
]
