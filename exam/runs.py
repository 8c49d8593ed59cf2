"""Training runs as records: what `tfexam train` (and `solve`) ran, how every fit went, and which mymodel.h5 it saved.

One run is .tfexam/runs/<id>.json, written durably once the script has ended; its id is taken by creating the
recorder's file <id>.curves.jsonl exclusively before the script starts, so two trainings never share one. A run of
`train --repeat` also holds its series and the grading of a private copy of its file: repeats are never submissions.
Records are read strictly; a damaged one is skipped with one line (`problems`), never fatal.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tfexam import files
from tfexam.questions import CATEGORIES
from tfexam.result import Result
from exam.attempt import aware_time, whole_number
from exam.curves import Fit, Unreadable, main_fit
from exam.paths import state_dir

VERSION = 1
MAX_RECORD_BYTES = 8 << 20
NAME = re.compile(r"^([1-9][0-9]{0,8})\.json$")


@dataclass(frozen=True)
class Run:
    id: int
    category: int
    started_at: str
    seconds: float
    keras: int
    exit_code: int
    fits: tuple[Fit, ...] = field(default_factory=tuple)
    model_sha256: str | None = None
    seed: int | None = None
    series: str | None = None  # the `train --repeat` series this run belongs to
    result: Result | None = None  # the grading of a repeat's private copy
    notes: tuple[str, ...] = ()
    version: int = VERSION

    @property
    def main_fit(self) -> Fit | None:
        return main_fit(self.fits)

    @property
    def epochs(self) -> int:
        return sum(len(f.epochs) for f in self.fits)

    def describe(self) -> str:
        """"run 3, 12 epochs, 41 s": how the learner can tell runs apart."""
        return f"run {self.id}, {self.epochs} epoch{'s' if self.epochs != 1 else ''}, {self.seconds:.0f} s"

    def to_json(self) -> dict:
        return {"version": self.version, "id": self.id, "category": self.category, "started_at": self.started_at,
                "seconds": self.seconds, "keras": self.keras, "exit_code": self.exit_code,
                "fits": [f.to_json() for f in self.fits], "model_sha256": self.model_sha256, "seed": self.seed,
                "series": self.series, "result": self.result.to_json() if self.result else None,
                "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data) -> Run:
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise Unreadable("it is not a version-1 run record")
        if set(data) != set(cls(0, 1, "", 0.0, 3, 0).to_json()):
            raise Unreadable("its fields are not a run record's")
        checks = [(whole_number(data["id"]) and data["id"] > 0, "id"), (data["category"] in CATEGORIES, "category"),
                  (aware_time(data["started_at"]), "started_at"), (_real(data["seconds"]), "seconds"),
                  (data["keras"] in (2, 3), "keras"), (whole_number(data["exit_code"]), "exit_code"),
                  (isinstance(data["fits"], list), "fits"), (_sha(data["model_sha256"]), "model_sha256"),
                  (data["seed"] is None or whole_number(data["seed"]), "seed"),
                  (data["series"] is None or isinstance(data["series"], str), "series"),
                  (isinstance(data["notes"], list) and all(isinstance(n, str) for n in data["notes"]), "notes")]
        wrong = [name for ok, name in checks if not ok]
        if wrong:
            raise Unreadable(f"{wrong[0]} is of the wrong type")
        try:
            result = None if data["result"] is None else Result.from_json(data["result"])
        except (ValueError, TypeError) as error:
            raise Unreadable(f"its result is damaged ({error})") from None
        return cls(id=data["id"], category=data["category"], started_at=data["started_at"],
                   seconds=float(data["seconds"]), keras=data["keras"], exit_code=data["exit_code"],
                   fits=tuple(Fit.from_json(f) for f in data["fits"]), model_sha256=data["model_sha256"],
                   seed=data["seed"], series=data["series"], result=result, notes=tuple(data["notes"][:20]))


def runs_dir(workspace: Path) -> Path:
    return state_dir(Path(workspace)) / "runs"


def reserve(workspace: Path) -> tuple[int, Path]:
    """A new run id and its (created, empty) curves file."""
    folder = runs_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    taken = [int(m.group(1)) for p in folder.iterdir() if (m := re.match(r"^([0-9]{1,9})\.", p.name))]
    number = max(taken, default=0) + 1
    while True:
        path = folder / f"{number}.curves.jsonl"
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return number, path
        except FileExistsError:
            number += 1


def save(workspace: Path, run: Run) -> Path:
    path = runs_dir(workspace) / f"{run.id}.json"
    files.write_json(path, run.to_json())
    return path


def load_all(workspace: Path) -> tuple[list[Run], list[str]]:
    """Every readable run, oldest first, and one line per record skipped."""
    folder = runs_dir(workspace)
    found, problems = [], []
    if not folder.is_dir():
        return [], []
    for path in sorted(folder.iterdir(), key=lambda p: (len(p.name), p.name)):
        if not NAME.match(path.name):
            continue
        try:
            if not path.is_file() or path.stat().st_size > MAX_RECORD_BYTES:
                raise Unreadable("it is not a regular file of a sensible size")
            run = Run.from_json(json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse))
            if f"{run.id}.json" != path.name:
                raise Unreadable("its id is not its file name")
            found.append(run)
        except (Unreadable, ValueError, OSError, RecursionError) as error:
            problems.append(f"skipped the training record {path.name}: {error}")
    return found, problems


def matching(workspace: Path, sha256: str | None, category: int) -> Run | None:
    """The latest run of this category that saved exactly this file."""
    if not sha256:
        return None
    runs, _ = load_all(workspace)
    return next((r for r in reversed(runs) if r.model_sha256 == sha256 and r.category == category), None)


def by_id(runs: list[Run], run_id: int | None) -> Run | None:
    return next((r for r in runs if r.id == run_id), None)


def _refuse(name):
    raise ValueError(f"{name} is not JSON")


def _real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _sha(value) -> bool:
    return value is None or (isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None)

