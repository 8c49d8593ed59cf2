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
    """A line shown while a command works: on stderr, so stdout holds only the outcome (or the one JSON object)."""
    print(text, file=sys.stderr, flush=True)


def transcript(args, text: str) -> None:
    """A line of a multi-step command (demo): stdout for people, stderr in --json mode."""
    print(text, file=sys.stderr if getattr(args, "json", False) else sys.stdout, flush=True)
