"""tfexam solve N: train the reference solution of the session's category-N question into CategoryN/mymodel.h5."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

from tfexam.errors import ExamError
from exam import ledger, paths, report, session, training_run
from exam.output import Reply, progress
from exam.verbs import check, train


@dataclass(frozen=True, kw_only=True)
class Solved(Reply):
    question: str
    model: str
    train_seconds: float
    reference_shown: bool  # recorded in the ledger: it ran during a running sitting


def run(*, category: int, workspace: str | None = None, json: bool = False, quiet: bool = False) -> Solved:
    """Train the reference solution into CategoryN/mymodel.h5 (recorded as shown during a running sitting)."""
    workspace = paths.resolve_workspace(workspace)
    current = session.load(workspace)
    question = session.question_in(current, category)
    if question is None:
        raise ExamError(f"category {category} has no question yet")
    if not question.solution_path.exists():
        raise ExamError(f"question {question.id} has no reference solution ({question.solution_path} is missing)")
    folder = paths.category_dir(workspace, category)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "mymodel.h5"
    before = target.stat().st_mtime_ns if target.exists() else None
    shown = bool(current and not current.ended and current.time_left() > 0)
    if shown:
        mark_reference_shown(workspace, current, question)
        progress(f"Recorded in the ledger: the reference solution for category {category} was shown during "
                       "the exam; later submissions in this category are flagged in the report.")
    keras = check.session_keras(workspace)  # the reference trains under the Keras the learner sits the exam with
    progress(f"Training the reference solution for {question.id} in {folder} under {session.keras_label(keras)} ...")
    started = time.monotonic()

    def run_reference(curves, seed):
        # --json keeps stdout for the one object; the demo keeps TensorFlow's start-up chatter out of its transcript
        if json or quiet:
            done = subprocess.run([sys.executable, str(question.solution_path)], cwd=folder,
                                  env=train.child_env(keras, curves), capture_output=True, text=True)
            return done.returncode, done.stderr
        # shown as `train` shows a script: TensorFlow's start-up once, no advice against the .h5 the exam grades
        return train.run_script(question.solution_path, keras, sys.stdout, cwd=folder, curves=curves)

    recorded = training_run.record(workspace, category, keras, folder, run_reference)  # submit names the run, too
    code, stderr = recorded.code, recorded.stderr
    seconds = round(time.monotonic() - started, 1)
    if code != 0:
        last = (stderr or "").strip().splitlines()[-1:]
        reason = f": {last[0][:200]}" if last else ""
        raise ExamError(f"the reference solution for {question.id} failed (exit {code}{reason}); run it by hand: "
                        f"cd {folder} && {sys.executable} {question.solution_path}")
    if not target.exists() or target.stat().st_mtime_ns == before:
        raise ExamError(f"the reference solution for {question.id} finished but did not save {target}")
    return Solved(text=f"Saved {target} ({seconds:.1f} s of training). {next_step(current, question, target)}",
                  question=question.id, model=str(target), train_seconds=seconds, reference_shown=shown)


def next_step(current, question, target) -> str:
    """Submit and Test needs a session; without one, the grader itself grades the file (a session's own question)."""
    if current is None:
        return (f"No exam session here, so nothing is recorded: grade it with `python -m graders {question.category} "
                f"{target} --question {question.id}`, or run Start exam (or `tfexam start`) to sit the exam")
    return (f"Submit it with Category {question.category} - 2. Submit and Test (or `tfexam submit {question.category}`)"
            + ("; the exam has ended, so it is recorded as late" if current.ended else ""))


def mark_reference_shown(workspace, current, question) -> dict:
    """Recorded before training starts: once the command ran, the reference model may be on disk."""
    now = time.time()
    return ledger.append(workspace, {"event": report.REFERENCE_SHOWN, "session": current.id,
                                     "category": question.category, "question": question.id,
                                     "shown_at": session.iso(now), "time_left_s": round(current.time_left(now), 1),
                                     **ledger.who()})
