"""tfexam doctor: check this machine before a sitting (versions, .h5, datasets, disk, PyCharm project, speed)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tfexam.errors import ExamError
from exam import doctor, paths
from exam.output import Reply, progress


@dataclass(frozen=True, kw_only=True)
class DoctorReport(Reply):
    verdict: str  # the worst of the checks': ok | warn | fail
    checks: tuple[doctor.Verdict, ...]
    seconds: float
    workspace: str


def run(*, workspace: str | None = None, no_speed: bool = False) -> DoctorReport:
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
    return DoctorReport(code=2 if verdict == doctor.FAIL else 0, text="\n".join(lines), verdict=verdict,
                        checks=tuple(verdicts), seconds=seconds, workspace=str(workspace))
