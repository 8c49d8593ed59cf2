"""tfexam submit N: Submit and Test. Grade CategoryN/mymodel.h5 on hidden data and record the attempt."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from tfexam import files, modelfile, questions
from tfexam import limits as limits_module
from tfexam.limits import Limits
from tfexam.errors import REFUSED
from tfexam.checks import CheckName
from tfexam.refusal import Refused
from tfexam.result import Result
from exam import advice, grading, ledger, paths, report, runs, session
from exam.attempt import Attempt
from exam.grading import warm_client
from exam.output import Reply, progress


@dataclass(frozen=True, kw_only=True)
class Submitted(Reply):
    """The recorded Attempt (as the ledger holds it) and the grader's Result."""

    record: Attempt
    result: Result


def run(*, category: int, workspace: str | None = None, model: str | None = None,
        limits: Limits | None = None) -> Submitted:
    """Submit and Test: grade the category's file on hidden data, record the Attempt, then keep a worker warm."""
    chosen = limits or limits_module.current()
    given = bool(model)
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    question = questions.get(current.require_question(category))
    model = Path(model).expanduser() if model else paths.category_dir(workspace, category) / "mymodel.h5"
    model = model.resolve()

    submitted_at = time.time()
    late_reason = report.late_reason(current, submitted_at)
    late = late_reason is not None
    label = f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime(submitted_at))}-c{category}-{os.getpid()}"
    kept = {}  # the kept copy's sha256 and place, once there is one
    graded_here = False
    try:
        # cheap refusals (missing, empty, not a model file, wrong format) without starting TensorFlow
        if not model.exists():
            raise Refused(CheckName.FILE, missing_file(model, category, given=given))
        modelfile.refuse_format(model, modelfile.kind_of(model, chosen.file_bytes), question.contract.formats)
        copy = ledger.keep_copy(workspace, model, label)
    except Refused as refusal:
        result = Result.refused(question, refusal.check, refusal.message)
    except OSError as error:  # unreadable, or removed between the check and the copy
        message = f"{model} could not be read ({error.strerror or error}); check the file and submit again"
        result = Result.refused(question, CheckName.FILE, message)
    else:
        kept = {"model_sha256": files.sha256_file(copy) if copy.is_file() else None,
                "model_copy": str(copy.relative_to(workspace))}
        progress(f"Grading {model.name} for category {category} ({question.title})...")
        result = grading.grade_submission(grading.Job(copy, question, copy.parent / "artifacts"), chosen, workspace)
        graded_here = True
    trained_by = runs.matching(workspace, kept.get("model_sha256"), category)
    attempt = Attempt(session=current.id, category=category, question=question.id,
                      submitted_at=session.iso(submitted_at), submitted_path=str(model), late=late,
                      time_left_s=round(current.time_left(submitted_at), 1), result=result, **ledger.who(), **kept,
                      run=trained_by.id if trained_by else None)
    attempt = replace(attempt, seq=ledger.append(workspace, attempt.to_line())["seq"])
    if graded_here and not late:  # recorded first; then the next submit of this sitting finds TensorFlow started
        warm_client.start_server(workspace, chosen)
    text = render(question, result, current, late_reason) + trained_lines(trained_by, question, result)
    return Submitted(code=0 if result.graded else REFUSED, text=text, record=attempt, result=result)


def missing_file(model: Path, category: int, given: bool) -> str:
    """A path the learner typed is a typo to fix; the default file is made by training (name the button and the command)."""
    if given:
        return f"{model} does not exist (the path given with --model); check the path and submit again"
    return (f"{model} does not exist; run Category {category} - 1. Train (or `tfexam train {category}`) first: "
            f"your script saves {model.name}")


def render(question, result: Result, current, late_reason: str | None) -> str:
    if result.graded:
        lines = [f"Category {question.category} - {question.title} ({question.id}): {result.score}/{result.max_score}"]
        output = result.output.splitlines()
        lines += ["  " + line for line in output[:1]]
        if result.metric and result.metric.value is not None:
            lines.append("  how safe: " + result.metric.safety_text())
        lines += ["  " + line for line in output[1:]]
        lines += [f"  diagnostic: {a}" for a in result.artifacts]
    else:  # a refusal is one line: what is wrong, what to do, and the clock
        return f"Category {question.category} {result.status}: {result.reason} ({report.time_state(current)})"
    if late_reason:
        lines.append(f"  Recorded as LATE: {late_reason}, so this attempt does not count.")
    lines.append(report.time_state(current).capitalize())
    return "\n".join(lines)



def trained_lines(run, question, result: Result) -> str:
    """Which training run saved the file, and what its curves advise given the score (nothing when no run matches)."""
    if run is None:
        return ""
    tips = advice.advise(run.main_fit, advice.target_of(question, result)) if result.graded else []
    return "\n".join(["", f"Trained by {run.describe()} (started {run.started_at[11:16]} UTC)",
                      *(f"advice: {tip.text}" for tip in tips)])
