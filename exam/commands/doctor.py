"""tfexam doctor: check this machine before a sitting (versions, .h5, datasets, disk, PyCharm project, speed)."""

from __future__ import annotations

import time
from dataclasses import asdict

from core.errors import ExamError
from exam import doctor, paths
from exam.output import progress

HELP = "check this machine before the exam: versions, .h5 saving, datasets, disk, PyCharm project and training speed"


def configure(parser):
    parser.add_argument("--no-speed", action="store_true", help="skip the speed test (one epoch of the Category 3 reference)")


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    if not workspace.is_dir():
        raise ExamError(f"{workspace} does not exist; give the exam folder to check, or leave --workspace out")
    progress(args, "Checking this machine (TensorFlow starts in a child process; the speed test trains two epochs)...")
    started = time.monotonic()
    verdicts = doctor.diagnose(workspace, speed=not args.no_speed)
    seconds = round(time.monotonic() - started, 1)
    verdict = doctor.overall(verdicts)
    width = max(len(v.name) for v in verdicts)
    lines = [v.line(width) for v in verdicts]
    lines.append({doctor.OK: "Ready for the exam.", doctor.WARN: "Usable, with the warnings above.",
                  doctor.FAIL: "Not ready: fix the lines marked FAIL."}[verdict] + f" (checked in {seconds:.0f} s)")
    payload = {"verdict": verdict, "checks": [asdict(v) for v in verdicts], "seconds": seconds,
               "workspace": str(workspace)}
    return (2 if verdict == doctor.FAIL else 0), payload, "\n".join(lines)
