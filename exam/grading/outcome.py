"""What a worker's job became, as a Result: its answer line parsed, or the limit or crash that ended it."""

from __future__ import annotations

import json
import signal

from tfexam import limits as limits_module
from tfexam.checks import CheckName
from tfexam.limits import Limits
from tfexam.questions import Question
from tfexam.result import Result
from exam.workers import Outcome


def interpret(question: Question, limits: Limits, outcome: Outcome) -> Result:
    if outcome.stopped == "timeout":
        return Result.stopped_by(question, CheckName.TIMEOUT, limits_module.timeout_message(limits.seconds),
                                 outcome.usage)
    if outcome.stopped == "memory":
        return Result.stopped_by(question, CheckName.MEMORY, limits_module.memory_message(limits.memory_mb),
                                 outcome.usage)
    try:
        return Result.from_json(json.loads(outcome.answer or "")).finish(outcome.usage)
    except ValueError:
        pass
    code = outcome.exit_code
    if code is not None and code < 0:
        return Result.stopped_by(question, CheckName.CRASH, crash_message(-code), outcome.usage)
    tail = (outcome.stderr_tail.strip().splitlines() or ["no output"])[-1]
    return Result.stopped_by(question, CheckName.CRASH,
                             f"the grader stopped without a result (exit {code}: {tail[:200]})", outcome.usage)


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
