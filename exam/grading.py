"""Grade submissions in watched worker processes: TensorFlow and the submitted file never touch the CLI's process.

Every file is graded the same way: by a worker (exam/workers.py) under a wall-time limit per file, a memory limit on
the worker's whole process tree and the file-size cap (core/limits.py). Submit and Test uses one cold worker for one
file (`grade_in_child`); batch grading keeps warm workers (`grade_many`). A job that hangs, grows past the limit or
kills its worker becomes a result with one clear line and status "error"; `stopped` says which limit or crash.

Both return, per file, a dict = core.result.Result.to_json() plus two extras: `stopped` (None, "timeout",
"memory" or "crash") and `usage` ({"seconds", "peak_mb"}); `Result.from_json(without the extras)` rebuilds it.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

from core import limits as limits_module
from core import modelfile
from core.limits import Limits
from core.questions import Question
from core.refusal import Refused
from core.result import ERROR, GRADED, REFUSED, Check, Result
from exam.workers import Job, Outcome, Pool, Worker, child_env  # noqa: F401  (child_env: used by other commands)

STOPPED_CHECKS = ("timeout", "memory", "crash")
EXTRAS = ("stopped", "usage")

# When may a warm worker take the next file? After a graded file, or a refusal from one of these checks: the file's
# bytes and stored description were refused before Keras built anything (file, file_size, format, layers), or the
# model was built by a safe load of built-in layers only, exactly as for a graded file, and then failed the contract
# (shapes, dtype, NaN outputs). Anything else (a load that failed half way, a grader error, a limit, a crash) could
# have touched the worker's state: that worker is killed and replaced. So is a worker whose own report after the job
# (graders/isolation.py) names a module imported from outside the allowed locations or a grader function that is no
# longer the original, or whose answer lacks that report.
CLEAN_REFUSALS = frozenset({"file", "file_size", "format", "layers", "input_shape", "input_dtype", "output_shape",
                            "output_values"})


def failure(question: Question, check: str, message: str) -> dict:
    """A result the grader never produced (stopped, crashed, or refused before it started), in its own format."""
    return Result(question=question.id, category=question.category, status=ERROR,
                  checks=[Check(check, False, message)], output=message).to_json()


def crash_message(signal_number: int) -> str:
    if signal_number == getattr(signal, "SIGKILL", 9):  # not sent by us: the system's out-of-memory killer, or the learner
        return ("the grader was killed from outside (SIGKILL), most likely by the system running out of memory; "
                "close other programs or make the model smaller, then submit again")
    return (f"the model file crashed the loader ({_signal_name(signal_number)}); save it again with "
            "model.save('mymodel.h5') and submit again")


def _signal_name(number: int) -> str:
    try:
        return f"signal {number}, {signal.Signals(number).name}"
    except ValueError:
        return f"signal {number}"


def grade_in_child(path: Path, question: Question, artifacts: Path | None, limits: Limits | None = None) -> dict:
    """Grade one file in a fresh worker (Submit and Test): the Result dict plus `stopped` and `usage`."""
    limits = limits or limits_module.current()
    with Worker(limits) as worker:
        return interpret(question, limits, worker.run(Job(Path(path), question, artifacts)))


def grade_submission(path: Path, question: Question, artifacts: Path | None, limits: Limits, workspace: Path,
                     keep_warm: bool = True) -> dict:
    """Submit and Test: the workspace's warm worker when one serves these limits (exam/warm.py), else a fresh one;
    then, if `keep_warm`, make sure a warm worker is getting ready for the next submit. Same result as grade_in_child."""
    from exam import warm

    result = warm.ask(workspace, Job(Path(path), question, artifacts), limits)
    if result is None:
        result = grade_in_child(path, question, artifacts, limits)
    if keep_warm:
        warm.ensure(workspace, limits)
    return result


def grade_many(jobs: list[Job], limits: Limits | None = None, workers: int = 2, on_done=None) -> tuple[list[dict], int]:
    """Grade many files with `workers` warm workers; (results in job order, workers started). A file refused from
    its bytes is answered here without a worker. on_done(index, job, result) reports progress as files finish."""
    limits = limits or limits_module.current()
    pool = Pool(limits, workers)

    def grade_one(job: Job, worker_for) -> dict:
        try:
            kind = modelfile.kind_of(job.path, limits.file_bytes)
            modelfile.refuse_format(job.path, kind, job.question.contract.formats)
        except Refused as refusal:
            return failure(job.question, refusal.check, refusal.message) | {"status": REFUSED, "stopped": None,
                                                                               "usage": {"seconds": 0.0, "peak_mb": 0.0}}
        worker = worker_for()
        outcome = worker.run(job)
        if not (outcome.taken or outcome.stopped):  # the worker died before it took the file: not the file's doing
            worker = worker_for()
            outcome = worker.run(job)
        result = interpret(job.question, limits, outcome)
        if worker.usable and not reusable(result, outcome):
            worker.stop()
        return result

    results = pool.run(jobs, grade_one, on_done)
    return results, pool.started


def reusable(result: dict, outcome: Outcome) -> bool:
    """May the worker that produced `result` take another file? (the rule above)"""
    return leaves_worker_clean(result) and reports_itself_clean(outcome.integrity)


def reports_itself_clean(integrity: dict | None) -> bool:
    if not isinstance(integrity, dict) or set(integrity) != {"foreign_modules", "replaced"}:
        return False
    return integrity["foreign_modules"] == [] and integrity["replaced"] == []


def leaves_worker_clean(result: dict) -> bool:
    if result.get("status") == GRADED:
        return True
    failed = [c["name"] for c in result.get("checks", []) if not c.get("passed")]
    return result.get("status") == REFUSED and bool(failed) and set(failed) <= CLEAN_REFUSALS


def interpret(question: Question, limits: Limits, outcome: Outcome) -> dict:
    result = _result(question, limits, outcome)
    failed = next((c["name"] for c in result.get("checks", []) if not c.get("passed")), None)
    result["stopped"] = failed if result.get("status") == ERROR and failed in STOPPED_CHECKS else None
    result["usage"] = outcome.usage
    return result


def _result(question: Question, limits: Limits, outcome: Outcome) -> dict:
    if outcome.stopped == "timeout":
        return failure(question, "timeout", limits_module.timeout_message(limits.seconds))
    if outcome.stopped == "memory":
        return failure(question, "memory", limits_module.memory_message(limits.memory_mb))
    try:
        result = json.loads(outcome.answer or "")
        if isinstance(result, dict) and "status" in result:
            return result
    except ValueError:
        pass
    code = outcome.exit_code
    if code is not None and code < 0:
        return failure(question, "crash", crash_message(-code))
    tail = (outcome.stderr_tail.strip().splitlines() or ["no output"])[-1]
    return failure(question, "crash", f"the grader stopped without a result (exit {code}: {tail[:200]})")
