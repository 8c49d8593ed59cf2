"""Argument types shared by the commands: a bad value is refused by argparse, before anything runs or is created.

Each raises argparse.ArgumentTypeError, which argparse turns into "argument X: <message>" and exam.cli into one line
on stderr with exit 2.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from tfexam import questions

MAX_MINUTES = 7 * 24 * 60  # a week: longer than any sitting, small enough for a finite deadline
MAX_WORKERS = 64
MAX_REPEATS = 20  # each run trains the whole script: more is a night, not a check


def text(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value


def path(value: str) -> Path:
    return Path(text(value)).expanduser()


def folder_option(value: str) -> str:
    """--workspace DIR: a folder, or a name for a new one; never empty, never an existing file."""
    if Path(text(value)).expanduser().exists() and not Path(value).expanduser().is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a file, not a folder; give the exam folder")
    return value


def minutes(value: str) -> float:
    number = _number(value, float)
    if not (0 < number <= MAX_MINUTES):
        raise argparse.ArgumentTypeError(f"takes minutes between 0 and {MAX_MINUTES} (a week), got {value!r}")
    return number


def workers(value: str) -> int:
    number = _number(value, int)
    if not (1 <= number <= MAX_WORKERS):
        raise argparse.ArgumentTypeError(f"takes 1 to {MAX_WORKERS} workers, got {value!r}")
    return number


def repeats(value: str) -> int:
    number = _number(value, int)
    if not (1 <= number <= MAX_REPEATS):
        raise argparse.ArgumentTypeError(f"takes 1 to {MAX_REPEATS} training runs, got {value!r}")
    return number


def categories(value: str) -> list[int]:
    """"1,3" -> [1, 3]: category numbers 1-5, at least one."""
    try:
        chosen = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        chosen = []
    if not chosen or any(c not in questions.CATEGORIES for c in chosen):
        raise argparse.ArgumentTypeError(f"takes category numbers 1-5 separated by commas, like 1,3; got {value!r}")
    return chosen


def _number(value: str, kind: type):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"takes a number, got {value!r}") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"takes a finite number, got {value!r}")
    return number
