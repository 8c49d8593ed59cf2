"""One fresh worker per file: TensorFlow's start is paid every time, and nothing is shared between files."""

from __future__ import annotations

from tfexam import limits as limits_module
from tfexam.limits import Limits
from tfexam.result import Result
from exam.grading.outcome import interpret
from exam.workers import Job, Worker


class ColdGrader:
    def __init__(self, limits: Limits | None = None):
        self.limits = limits or limits_module.current()

    def grade(self, job: Job) -> Result:
        with Worker(self.limits) as worker:
            return interpret(job.question, self.limits, worker.run(job))
