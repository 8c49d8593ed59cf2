"""The one rule for warm workers: may the worker that produced this result take another file?

Yes only when the result leaves it clean (a graded file, or a refusal by clean checks only: tfexam/checks.py) and the
worker's own report after the job (graders/isolation.py) is present and empty: no module imported from outside the
allowed locations, no grader function replaced. Anything else retires the worker. Used by the pool and the warm server.
"""

from __future__ import annotations

from tfexam.result import Result
from exam.workers import Outcome


def reusable(result: Result, outcome: Outcome) -> bool:
    return result.leaves_worker_clean and reports_itself_clean(outcome.integrity)


def reports_itself_clean(integrity: dict | None) -> bool:
    if not isinstance(integrity, dict) or set(integrity) != {"foreign_modules", "replaced"}:
        return False
    return integrity["foreign_modules"] == [] and integrity["replaced"] == []


def died_before_taking(outcome: Outcome) -> bool:
    """The worker was gone before it took the job: not the file's doing, so the job is retried elsewhere."""
    return not (outcome.taken or outcome.stopped)
