"""Grade submissions in watched worker processes: TensorFlow and the submitted file never touch the CLI's process.

One interface, `Grader.grade(job) -> Result`, three ways to keep workers:
  ColdGrader   one fresh worker per file (the autograder; Submit and Test when no warm server helps)
  WarmClient   the workspace's warm server (exam/warm.py), falling back to another grader when it cannot help
  PoolGrader   N warm workers side by side (`tfexam grade`), `grade_many` for a whole class
Every file is graded under a wall-time limit, a memory limit on the worker's whole process tree and the file-size cap
(tfexam.limits.Limits). A job that hangs, grows past a limit or kills its worker becomes an `error` Result whose
`stopped` says which (exam/grading/outcome.py); whether a warm worker may take the next file is policy.py's rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from tfexam.limits import Limits
from tfexam.questions import Question
from tfexam.result import Result
from exam.grading.cold import ColdGrader
from exam.grading.pool import PoolGrader, grade_many
from exam.grading.warm_client import WarmClient
from exam.workers import Job, child_env

__all__ = ["Grader", "Job", "ColdGrader", "WarmClient", "PoolGrader", "grade_in_child", "grade_submission",
           "grade_many", "child_env"]


@runtime_checkable
class Grader(Protocol):
    def grade(self, job: Job) -> Result: ...


def grade_in_child(path: Path, question: Question, artifacts: Path | None, limits: Limits | None = None) -> Result:
    """Grade one file in a fresh worker."""
    return ColdGrader(limits).grade(Job(Path(path), question, artifacts))


def grade_submission(job: Job, limits: Limits, workspace: Path) -> Result:
    """Submit and Test: the workspace's warm server when one serves these limits, else a fresh worker. Starting a
    warm server for the next submit is the caller's own step (warm_client.start_server)."""
    return WarmClient(workspace, limits, fallback=ColdGrader(limits)).grade(job)
