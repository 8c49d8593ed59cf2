"""One recorded training run: reserve its id, run the script with the fit recorder on, then keep its typed record
(exam/runs.py) with the curves, the exit code and the sha256 of the mymodel.h5 it saved.

`train`, `solve` and `train --repeat` all train through record(); the script itself is run by the caller's function,
given the curves file and the seed to pass to the child (exam/verbs/train.py child_env).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tfexam import files
from exam import curves, runs, session
from exam.paths import state_dir
from exam.runs import Run

MODEL_NAME = "mymodel.h5"


@dataclass
class Recorded:
    run: Run | None  # None: not recorded (no exam folder)
    code: int  # the script's return code (negative: a signal ended it)
    stderr: str
    problems: list[str] = field(default_factory=list)  # one line each: what could not be kept


def record(workspace: Path, category: int, keras: int, folder: Path,
           train: Callable[[Path, int | None], tuple[int, str]], seed: int | None = None,
           series: str | None = None) -> Recorded:
    """Run `train(curves_file, seed)` as run N; the record is saved even when the script failed or was interrupted
    (KeyboardInterrupt is re-raised after). Outside an exam folder (no .tfexam yet) nothing is recorded: run is None."""
    if not state_dir(Path(workspace)).is_dir():  # recording would make the folder look like an exam workspace
        code, stderr = train(None, seed)
        return Recorded(None, code, stderr)
    run_id, curves_file = runs.reserve(workspace)
    model = Path(folder) / MODEL_NAME
    started, started_ns, clock = time.time(), time.time_ns(), time.monotonic()
    interrupted = None
    try:
        code, stderr = train(curves_file, seed)
    except KeyboardInterrupt as stop:
        code, stderr, interrupted = -2, "", stop
    problems = []
    try:
        fits, notes = curves.read(curves_file)
    except curves.Unreadable as error:
        fits, notes = [], []
        problems.append(f"the training curves of run {run_id} were not kept: {error}")
    saved = _saved_since(model, started_ns)
    run = Run(id=run_id, category=category, started_at=session.iso(started), keras=keras, exit_code=code,
              seconds=round(time.monotonic() - clock, 1), fits=tuple(fits), seed=seed, series=series,
              model_sha256=files.sha256_file(saved) if saved else None, notes=tuple(notes[:20]))
    runs.save(workspace, run)
    curves_file.unlink(missing_ok=True)
    if interrupted is not None:
        raise interrupted
    return Recorded(run, code, stderr, problems)


def _saved_since(model: Path, started_ns: int) -> Path | None:
    """The model file when this run wrote it (not one left by an earlier run)."""
    try:
        stat = model.stat()
    except OSError:
        return None
    return model if os.path.isfile(model) and stat.st_mtime_ns >= started_ns - 2_000_000_000 else None
