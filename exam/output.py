"""Printing a command's outcome: human text, or exactly one JSON object with --json.

Every verb of exam.api returns a Reply: a frozen dataclass of its own (Started, Status, Submitted...) whose fields are
the keys of its --json object, in order, plus the exit code and the text for people. to_json() is the one place that
turns a reply into that object; a field made with absent_when_none() leaves its key out while it is None.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass, field

_ABSENT_WHEN_NONE = "absent_when_none"
_NOT_IN_JSON = ("code", "text")


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What every verb of exam.api returns: the exit code, the text for people and (in a subclass) the typed fields
    of the --json object."""

    code: int = 0
    text: str = ""

    def to_json(self) -> dict:
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in _NOT_IN_JSON
                and not (f.metadata.get(_ABSENT_WHEN_NONE) and getattr(self, f.name) is None)}


def absent_when_none():
    """A field whose key the --json object has only once it has a value (train's crash, end's report)."""
    return field(default=None, metadata={_ABSENT_WHEN_NONE: True})


def plain(value):
    """A field's value as JSON: typed values by their own to_json(), other dataclasses field by field, containers item
    by item, paths and anything else unusual as text."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # a Path, or a value some library handed us


def emit(as_json: bool, reply: Reply) -> None:
    if as_json:
        print(json.dumps(reply.to_json()))
    elif reply.text:
        print(reply.text)


def progress(text: str) -> None:
    """A line shown while a command works: on stderr, so stdout holds only the outcome (or the one JSON object)."""
    print(text, file=sys.stderr, flush=True)


def transcript(as_json: bool, text: str) -> None:
    """A line of a multi-step command (demo): stdout for people, stderr in --json mode."""
    print(text, file=sys.stderr if as_json else sys.stdout, flush=True)
