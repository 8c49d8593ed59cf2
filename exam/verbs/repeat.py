"""tfexam train N --repeat K: train the script K times with seeds 1..K and grade each run's file, to see whether the
recipe passes reliably. One line per run as it finishes, then "5/5 in 2 of 3 runs (accuracy 0.91 - 0.93)".

Each run is a recorded training run (exam/runs.py) of one series, holding the grading of a private copy of its
mymodel.h5: repeats are never submissions and never count. The seed is set as Python, NumPy and TensorFlow are
imported (exam/fit_recorder.py); a script that seeds itself afterwards overrides it, its runs come out the same,
and the summary says so. Ctrl-C keeps the runs that finished (and the interrupted one's record).
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace

from tfexam import limits as limits_module
from tfexam import questions
from tfexam.errors import ExamError
from exam import grading, paths, runs, session, training_run
from exam.grading import warm_client
from exam.output import Reply, progress
from exam.runs import Run
from exam.verbs import check, train

INTERRUPTED = 130


@dataclass(frozen=True, kw_only=True)
class Repeated(Reply):
    """A `train --repeat` series: each finished run with its grading, and the summary line."""

    series: str
    runs: tuple[Run, ...]
    requested: int
    summary: str | None  # "5/5 in 2 of 3 runs (...)"; None when no run finished


def run(*, category: int, workspace: str | None, json: bool, times: int, limits=None) -> Repeated:
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    question = questions.get(current.require_question(category))
    script = check.script_of(workspace, category)
    if not script.is_file():
        raise ExamError(check.missing_script(workspace, category))
    keras = check.session_keras(workspace)
    chosen = limits or limits_module.current()
    out = sys.stderr if json else sys.stdout
    series = f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-c{category}"
    print(f"Training {script} {times} times under {session.keras_label(keras)} (seeds 1-{times}); each run is "
          "graded, none is a submission", file=out, flush=True)
    finished: list[Run] = []
    stopped = None
    warm_client.start_server(workspace, chosen)  # starts TensorFlow beside the first training: K gradings, one start
    previous = _interruptible()
    try:
        for seed in range(1, times + 1):
            done = training_run.record(workspace, category, keras, script.parent,
                                       lambda curves, seed: train.run_script(script, keras, out, curves=curves, seed=seed),
                                       seed=seed, series=series)
            for problem in done.problems:
                progress(f"warning: {problem}")
            if done.code != 0 or done.run.model_sha256 is None:
                stopped = (f"run {seed} of {times} (seed {seed}) "
                           + (f"stopped with exit code {done.code}" if done.code else "saved no mymodel.h5")
                           + f": see `tfexam train {category}` for what went wrong")
                break
            graded = replace(done.run, result=_grade(workspace, done.run, question, chosen))
            runs.save(workspace, graded)
            finished.append(graded)
            print(line(graded, seed, times), file=out, flush=True)
    except KeyboardInterrupt:
        stopped = f"interrupted: the {len(finished)} finished run(s) are kept"
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    text = [summary(finished, question)] if finished else []
    if same_every_time(finished):
        text.append("Every run came out the same: the script sets its own seed (tf.random.set_seed, "
                    "keras.utils.set_random_seed, np.random.seed), which overrides the exam's; remove it to see how "
                    "much the recipe varies.")
    if stopped:
        text.append(stopped[0].upper() + stopped[1:])
    code = INTERRUPTED if stopped and stopped.startswith("interrupted") else (1 if stopped or not finished else 0)
    return Repeated(code=code, text="\n".join(text) or "No run finished.", series=series, runs=tuple(finished),
                    requested=times, summary=text[0] if finished else None)


def _interruptible():
    """Ctrl-C raises KeyboardInterrupt even when the process inherited SIGINT as ignored (started in the background by
    a shell, or by a runner that ignores it): the finished runs are then kept. The previous handler, to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.default_int_handler)


def _grade(workspace, run: Run, question, chosen):
    """Grade a private copy of the run's file (the script may overwrite mymodel.h5 in the next run)."""
    folder = runs.runs_dir(workspace) / f"{run.id}-grading"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / training_run.MODEL_NAME
    try:
        shutil.copyfile(check.script_of(workspace, run.category).parent / training_run.MODEL_NAME, copy)
        return grading.grade_submission(grading.Job(copy, question, None), chosen, workspace)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def line(run: Run, seed: int, times: int) -> str:
    result = run.result
    if result is None or not result.graded:
        outcome = f"{result.status if result else 'not graded'}: {result.reason if result else ''}".rstrip(": ")
    else:
        outcome = f"{result.score}/{result.max_score}, {result.metric.name} {result.metric.value:.4g}"
    return f"run {seed} of {times} (seed {seed}): {outcome} ({run.describe()})"


def summary(finished: list[Run], question) -> str:
    """"5/5 in 2 of 3 runs (accuracy 0.91 - 0.93)": the best score, how often it was reached, and the spread."""
    graded = [r.result for r in finished if r.result is not None and r.result.graded]
    if not graded:
        return f"No run of {len(finished)} was graded."
    best = max(r.score for r in graded)
    values = sorted(r.metric.value for r in graded if r.metric and r.metric.value is not None)
    spread = f" ({question.metric.name} {values[0]:.4g} - {values[-1]:.4g})" if values else ""
    return f"{best}/{graded[0].max_score} in {sum(r.score == best for r in graded)} of {len(finished)} runs{spread}"


def same_every_time(finished: list[Run]) -> bool:
    """Two or more graded runs with the same metric value and the same last training loss."""
    if len(finished) < 2 or any(r.result is None or r.result.metric is None for r in finished):
        return False
    marks = {(r.result.metric.value, tuple(r.main_fit.series("loss")[-1:]) if r.main_fit else ()) for r in finished}
    return len(marks) == 1
