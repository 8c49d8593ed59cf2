"""Limits on one grading run, so that no submitted file can hang the exam or exhaust the learner's machine.

Each limit has a default, an environment variable, and a `tfexam submit` option that overrides both. The grading
child gets the same numbers through its environment, so its messages quote the limit the learner chose.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from tfexam.errors import ExamError


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0  # wall time of the grading child, TensorFlow's import included
    memory_mb: float = 4096.0  # resident memory of the grading child (category 3 peaks near 1 GB)
    file_mb: float = 512.0  # size of the submitted file or SavedModel folder

    @property
    def file_bytes(self) -> int:
        return round(self.file_mb * 2**20)


# field -> (environment variable, submit option, what it limits)
SETTINGS = {
    "seconds": ("TFEXAM_GRADE_TIMEOUT", "--timeout", "seconds one grading may take"),
    "memory_mb": ("TFEXAM_GRADE_MEMORY_MB", "--memory-mb", "MB of memory the grading may use"),
    "file_mb": ("TFEXAM_MAX_MODEL_MB", "--max-model-mb", "MB the submitted file may have"),
}


def add_options(parser) -> None:
    """The limit options of a grading command (submit, grade)."""
    defaults = Limits()
    for name, (variable, option, what) in SETTINGS.items():
        parser.add_argument(option, dest=f"limit_{name}", metavar="N",
                            help=f"{what} (default {getattr(defaults, name):g}, or set {variable})")


def from_args(args) -> Limits:
    return current(**{name: getattr(args, f"limit_{name}", None) for name in SETTINGS})


def current(environ: dict | None = None, **overrides: float | None) -> Limits:
    """The limits in force: an override (a command-line option) beats the environment, which beats the default."""
    environ = os.environ if environ is None else environ
    chosen = {}
    for name, (variable, option, _) in SETTINGS.items():
        if overrides.get(name) is not None:
            chosen[name] = positive(overrides[name], option)
        elif environ.get(variable, "").strip():
            chosen[name] = positive(environ[variable], variable)
    return Limits(**chosen)


MAXIMUM = 1e7  # a day is 8.6e4 s, 1e7 MB is 10 TB: beyond this a number only overflows the timers and rlimits


def positive(value, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (number > 0 and math.isfinite(number)):
        raise ExamError(f"{where} must be a positive number, got {value!r}")
    if number > MAXIMUM:
        raise ExamError(f"{where} must be at most {MAXIMUM:g}, got {value!r}")
    return number


def as_env(limits: Limits) -> dict[str, str]:
    """The one encoding of limits across a process boundary (a grading child's environment, the warm server's
    state file); current() reads it back."""
    return {SETTINGS[f.name][0]: f"{getattr(limits, f.name):g}" for f in fields(limits)}


def timeout_message(seconds: float) -> str:
    return (f"grading stopped after {seconds:g} s (the time limit); the model is too slow to load or evaluate: make it "
            "smaller, or raise the limit with --timeout / TFEXAM_GRADE_TIMEOUT")


def memory_message(limit_mb: float) -> str:
    return (f"grading used more than {limit_mb:g} MB of memory and was stopped; make the model smaller "
            "(fewer units or filters), or raise the limit with --memory-mb / TFEXAM_GRADE_MEMORY_MB")
