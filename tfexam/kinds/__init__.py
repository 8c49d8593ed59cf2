"""The kinds of question, as declared plugins: each module of this package declares one kind (`KIND`: its name, the
settings dataclass a declaration's `[hidden]` table becomes, its static facts); its grader is graders/<name>.py.

The registry is the modules found here, so a new kind is one module here and one grader, with no list to keep.
TensorFlow-free: tfexam.questions reads and checks the settings when a question loads.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """What a kind's grader reads from `[hidden]`: each kind subclasses it as a frozen dataclass of typed fields."""

    @property
    def measured_on(self) -> str:
        """What the metric counts, in the starter's header."""
        return "hidden data"

    def conflicts(self, data) -> dict[str, str]:
        """{field: what it must be} for rules that span fields or the question's [data] (tfexam.questions.Data)."""
        return {}


@dataclass(frozen=True)
class Kind:
    name: str  # the declaration's `kind`: this package's module and the grader's, graders/<name>.py
    settings: type[Settings]
    example: str = ""  # what a classifier is shown, as the learner knows it ("hidden picture")
    task: str = ""  # "classification" or "regression": which output and loss fit (tfexam/model_advice.py); "" = no rule

    @property
    def title(self) -> str:
        return self.name.replace("_", " ")

    @property
    def grader_module(self) -> str:
        return f"graders.{self.name}"


@functools.cache
def registry() -> dict[str, Kind]:
    """{name: Kind} for every module of this package (private ones, `_name`, are not kinds)."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        kind = importlib.import_module(f"{__name__}.{module.name}").KIND
        if kind.name != module.name:
            raise RuntimeError(f"tfexam/kinds/{module.name}.py declares the kind {kind.name!r}: name it as its module")
        found[kind.name] = kind
    return dict(sorted(found.items()))


def names() -> tuple[str, ...]:
    return tuple(registry())
