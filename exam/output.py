"""Printing a command's outcome: human text, or exactly one JSON object with --json."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    """What every verb of exam.api returns: the exit code, the JSON payload (--json) and the text for people."""

    code: int
    payload: dict
    text: str


def emit(as_json: bool, reply: Reply) -> None:
    if as_json:
        print(json.dumps(reply.payload, default=_plain))
    elif reply.text:
        print(reply.text)


def _plain(value):
    """A typed value inside a payload (a Result, an Attempt) as its JSON; anything else (a Path) as text."""
    return value.to_json() if hasattr(value, "to_json") else str(value)


def progress(text: str) -> None:
    """A line shown while a command works: on stderr, so stdout holds only the outcome (or the one JSON object)."""
    print(text, file=sys.stderr, flush=True)


def transcript(as_json: bool, text: str) -> None:
    """A line of a multi-step command (demo): stdout for people, stderr in --json mode."""
    print(text, file=sys.stderr if as_json else sys.stdout, flush=True)
