"""N warm workers side by side for a class: each pays TensorFlow's start once and takes files while policy allows."""

from __future__ import annotations

from tfexam import limits as limits_module
from tfexam import modelfile
from tfexam.limits import Limits
from tfexam.refusal import Refused
from tfexam.result import NO_USAGE, Result
from exam.grading.outcome import interpret
from exam.grading.policy import died_before_taking, reusable
from exam.workers import Job, Pool


class PoolGrader:
    def __init__(self, limits: Limits | None = None, workers: int = 2):
        self.limits = limits or limits_module.current()
        self.pool = Pool(self.limits, workers)

    @property
    def started(self) -> int:
        """Workers started so far (how often one was replaced)."""
        return self.pool.started

    def grade(self, job: Job) -> Result:
        return self.grade_all([job])[0]

    def grade_all(self, jobs: list[Job], on_done=None) -> list[Result]:
        """Results in job order; on_done(index, job, result) reports progress as files finish."""
        return self.pool.run(jobs, self._grade_one, on_done)

    def _grade_one(self, job: Job, worker_for) -> Result:
        try:  # a file refused from its bytes is answered here, without a worker
            kind = modelfile.kind_of(job.path, self.limits.file_bytes)
            modelfile.refuse_format(job.path, kind, job.question.contract.formats)
        except Refused as refusal:
            return Result.refused(job.question, refusal.check, refusal.message).finish(NO_USAGE)
        worker = worker_for()
        outcome = worker.run(job)
        if died_before_taking(outcome):
            worker = worker_for()
            outcome = worker.run(job)
        result = interpret(job.question, self.limits, outcome)
        if worker.usable and not reusable(result, outcome):
            worker.stop()
        return result


def grade_many(jobs: list[Job], limits: Limits | None = None, workers: int = 2,
               on_done=None) -> tuple[list[Result], int]:
    """Grade many files with `workers` warm workers; (results in job order, workers started)."""
    grader = PoolGrader(limits, workers)
    results = grader.grade_all(jobs, on_done)
    return results, grader.started
