"""tfexam doctor: check this machine before a sitting (versions, .h5, datasets, disk, PyCharm project, speed)."""

from __future__ import annotations

import time
from dataclasses import asdict

from tfexam.errors import ExamError
from exam import doctor, paths
from exam.output import Reply, progress, untyped


def run(*, workspace: str | None = None, no_speed: bool = False) -> Reply:
    """Check this machine for the exam."""
    workspace = paths.resolve_workspace(workspace)
    if not workspace.is_dir():
        raise ExamError(f"{workspace} does not exist; give the exam folder to check, or leave --workspace out")
    progress("Checking this machine (TensorFlow starts in a child process; the speed test trains two epochs)...")
    started = time.monotonic()
    verdicts = doctor.diagnose(workspace, speed=not no_speed)
    seconds = round(time.monotonic() - started, 1)
    verdict = doctor.overall(verdicts)
    width = max(len(v.name) for v in verdicts)
    lines = [v.line(width) for v in verdicts]
    lines.append({doctor.OK: "Ready for the exam.", doctor.WARN: "Usable, with the warnings above.",
                  doctor.FAIL: "Not ready: fix the lines marked FAIL."}[verdict] + f" (checked in {seconds:.0f} s)")
    payload = {"verdict": verdict, "checks": [asdict(v) for v in verdicts], "seconds": seconds,
               "workspace": str(workspace)}
    return untyped((2 if verdict == doctor.FAIL else 0), payload, "\n".join(lines))
