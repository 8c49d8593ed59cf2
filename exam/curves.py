"""Training curves as types: what exam/fit_recorder.py wrote from inside the learner's process, read as hostile.

The file is capped in size, every line must be one of the recorder's events with fields of the right types, and a
value is a finite number or None (the recorder's "nan"/"inf": the loss diverged). A file that breaks any rule is
Unreadable, with one line saying why; the run is then kept without curves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 4 << 20
MAX_FITS = 200
MAX_EPOCHS = 20000
MAX_NAMES = 64
MAX_NAME = 64
NOT_FINITE = ("nan", "inf")


class Unreadable(ValueError):
    """Why a curves file (or a record's curves) cannot be used."""


@dataclass(frozen=True)
class Epoch:
    epoch: int
    logs: dict[str, float | None]  # None: the value was not a finite number (NaN, infinite)
    lr: float | None = None
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"epoch": self.epoch, "logs": dict(self.logs), "lr": self.lr, "seconds": self.seconds}

    @classmethod
    def from_json(cls, data) -> Epoch:
        _fields(data, {"epoch", "logs", "lr", "seconds"}, "an epoch")
        return cls(epoch=_count(data["epoch"], "epoch"), logs=_logs(data["logs"]),
                   lr=_optional_number(data.get("lr"), "lr"), seconds=_number(data["seconds"], "seconds"))


@dataclass(frozen=True)
class Fit:
    """One call of Model.fit: its planned epochs, the epochs it ran, how long it took (None: it never ended)."""

    keras: str
    planned_epochs: int | None
    epochs: tuple[Epoch, ...] = field(default_factory=tuple)
    seconds: float | None = None

    def series(self, name: str) -> list[float | None]:
        return [e.logs.get(name) for e in self.epochs]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(name for e in self.epochs for name in e.logs))

    @property
    def learning_rate(self) -> float | None:
        return self.epochs[-1].lr if self.epochs else None

    def to_json(self) -> dict:
        return {"keras": self.keras, "planned_epochs": self.planned_epochs, "seconds": self.seconds,
                "epochs": [e.to_json() for e in self.epochs]}

    @classmethod
    def from_json(cls, data) -> Fit:
        _fields(data, {"keras", "planned_epochs", "seconds", "epochs"}, "a fit")
        if data["keras"] not in ("2", "3") or not isinstance(data["epochs"], list):
            raise Unreadable("a fit's Keras or epochs are of the wrong type")
        if len(data["epochs"]) > MAX_EPOCHS:
            raise Unreadable("a fit has too many epochs")
        planned = data["planned_epochs"]
        return cls(keras=data["keras"], planned_epochs=None if planned is None else _count(planned, "planned_epochs"),
                   epochs=tuple(Epoch.from_json(e) for e in data["epochs"]),
                   seconds=_optional_number(data["seconds"], "seconds"))


def main_fit(fits: tuple[Fit, ...] | list[Fit]) -> Fit | None:
    """The fit the advice and the report speak of: the one that ran the most epochs (the last of equals)."""
    ran = [f for f in fits if f.epochs]
    return max(reversed(ran), key=lambda f: len(f.epochs)) if ran else None


def read(path: Path) -> tuple[list[Fit], list[str]]:
    """(fits, notes the recorder wrote) from a recorder's file; Unreadable when it breaks a rule."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return [], []  # the script never called fit
    except OSError as error:
        raise Unreadable(f"it could not be read ({error.strerror or error})") from None
    if len(raw) > MAX_BYTES:
        raise Unreadable(f"it is larger than {MAX_BYTES >> 20} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("it is not UTF-8 text") from None
    fits: dict[int, dict] = {}
    notes: list[str] = []
    epochs = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line, parse_constant=_no_constant)
        except ValueError:
            raise Unreadable(f"line {number} is not JSON") from None
        if not isinstance(event, dict):
            raise Unreadable(f"line {number} is not an object")
        kind = event.get("event")
        if kind == "note":
            _fields(event, {"event", "text"}, f"line {number}")
            if not isinstance(event["text"], str):
                raise Unreadable(f"line {number}: a note is not text")
            notes.append(event["text"][:300])
            continue
        fit = event.get("fit")
        if kind == "begin":
            _fields(event, {"event", "fit", "keras", "epochs", "steps"}, f"line {number}")
            if not (_is_count(fit) and fit not in fits and event["keras"] in ("2", "3") and len(fits) < MAX_FITS):
                raise Unreadable(f"line {number}: a fit's start is malformed or repeated")
            planned = event["epochs"]
            fits[fit] = {"keras": event["keras"], "planned_epochs": planned if _is_count(planned) else None,
                         "epochs": [], "seconds": None}
        elif kind == "epoch":
            _fields(event, {"event", "fit", "epoch", "logs", "lr", "seconds"}, f"line {number}")
            if fit not in fits:
                raise Unreadable(f"line {number}: an epoch of a fit that never started")
            epochs += 1
            if epochs > MAX_EPOCHS:
                raise Unreadable("it has too many epochs")
            fits[fit]["epochs"].append(Epoch(epoch=_count(event["epoch"], "epoch"), logs=_logs(event["logs"]),
                                             lr=_optional_number(event["lr"], "lr"),
                                             seconds=_number(event["seconds"], "seconds")))
        elif kind == "end":
            _fields(event, {"event", "fit", "seconds"}, f"line {number}")
            if fit not in fits:
                raise Unreadable(f"line {number}: the end of a fit that never started")
            fits[fit]["seconds"] = _number(event["seconds"], "seconds")
        else:
            raise Unreadable(f"line {number} is not an event the recorder writes")
    return [Fit(keras=f["keras"], planned_epochs=f["planned_epochs"], epochs=tuple(f["epochs"]), seconds=f["seconds"])
            for _, f in sorted(fits.items())], notes


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _fields(data, allowed: set[str], what: str) -> None:
    if not isinstance(data, dict) or set(data) != allowed:
        raise Unreadable(f"{what} does not have exactly the fields {sorted(allowed)}")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9


def _count(value, name: str) -> int:
    if not _is_count(value):
        raise Unreadable(f"{name} is not a whole number")
    return value


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unreadable(f"{name} is not a number")
    return float(value)


def _optional_number(value, name: str) -> float | None:
    return None if value is None else _number(value, name)


def _logs(value) -> dict[str, float | None]:
    if not isinstance(value, dict) or len(value) > MAX_NAMES:
        raise Unreadable("an epoch's logs are not a small map")
    logs = {}
    for name, number in value.items():
        if len(name) > MAX_NAME or not name.isprintable():
            raise Unreadable("a metric's name is too long or not printable")
        logs[name] = None if number is None or number in NOT_FINITE else _number(number, f"metric {name[:20]!r}")
    return logs
