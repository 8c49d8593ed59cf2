"""Printing a command's outcome: human text, or exactly one JSON object with --json."""

from __future__ import annotations

import json
import sys


def emit(args, payload: dict, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, default=str))
    elif text:
        print(text)


def progress(args, text: str) -> None:
    """A line shown while a command works; kept off stdout in --json mode so stdout stays one object."""
    print(text, file=sys.stderr if getattr(args, "json", False) else sys.stdout, flush=True)
