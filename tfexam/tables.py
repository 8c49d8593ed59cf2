"""A table of a question declaration read into a frozen dataclass, strictly: an unknown key, a value of the wrong type
or a missing field is one line naming the file and the field, when the question loads (never later, in a grader).

The dataclass's annotations are the schema: int, float (an integer is taken as a number), str, bool, Literal[...],
tuple[X, ...], tuple[X, Y] and `X | None` (a field that may be left out: its default is None).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Literal, Union

from tfexam.errors import ExamError

REQUIRED = object()  # the default of a field that must be given


class _Wrong(Exception):
    """A value that does not fit its annotation; the message says what was expected."""


def label(table: str, key: str) -> str:
    """How a field is named in messages: `[hidden].window`, `[data.train].rows`, or `kind` at the top level."""
    return f"[{table}].{key}" if table else key


def reject_unknown(raw: dict, known, where: str, table: str, owner: str) -> None:
    """Refuse a key that is not in `known`: the usual cause is a typo, which would otherwise be ignored."""
    known = list(known)
    for key in raw:
        if key not in known:
            raise ExamError(f"{where}: {label(table, key)} is not {owner} (known: {', '.join(known)})")


def read(cls, raw: dict, where: str, table: str, owner: str):
    """`cls` built from the TOML table `raw`; `owner` says whose fields they are ("a setting of regression")."""
    fields = [f for f in dataclasses.fields(cls) if f.init]
    reject_unknown(raw, (f.name for f in fields), where, table, owner)
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: value(raw, f.name, hints[f.name], where, table,
                                REQUIRED if f.default is dataclasses.MISSING else f.default, owner) for f in fields})


def value(raw: dict, key: str, hint, where: str, table: str, default=REQUIRED, owner: str = ""):
    """raw[key] as `hint` (`default` when absent); a value of another type or a missing one is one line naming the field."""
    if key not in raw:
        if default is REQUIRED:
            raise ExamError(f"{where}: {label(table, key)} is missing ({owner + ': ' if owner else ''}{describe(hint)})")
        return default
    try:
        return convert(raw[key], hint)
    except _Wrong:
        raise ExamError(f"{where}: {label(table, key)} must be {describe(hint)}, got {raw[key]!r}") from None


def convert(value, hint):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return convert(value, next(a for a in args if a is not type(None)))
    if origin is Literal:
        if value not in args:
            raise _Wrong
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise _Wrong
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert(v, args[0]) for v in value)
        if len(value) != len(args):
            raise _Wrong
        return tuple(convert(v, a) for v, a in zip(value, args))
    if isinstance(value, bool) != (hint is bool):  # TOML's true is not the number 1, nor 1 a truth value
        raise _Wrong
    if hint is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, hint):
        raise _Wrong
    return value


def describe(hint) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return describe(next(a for a in args if a is not type(None)))
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_plural(args[0])}"
        return f"a list of {len(args)} {_plural(args[0])}"
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}[hint]


def _plural(hint) -> str:
    return {int: "integers", float: "numbers", str: "strings", bool: "truth values"}.get(hint, "values")
