"""tfexam train N: check CategoryN/starter.py, then run it (cwd CategoryN, this interpreter) under the session's Keras.

The check never stops training; after a crash, the traceback is read (exam/crashes.py) and its fix is shown at
the learner's line, with the check's lines again. Output is printed as it comes (PyCharm's Run console has no
terminal); stderr passes through exam/train_output.py, which leaves out repeated TensorFlow start-up lines and
Keras' advice against .h5. The script's exit code is the command's.

Every run is recorded (exam/training_run.py): each fit's curves, by exam/fit_recorder.py inside the child, and the
mymodel.h5 it saved; the advice its curves give (exam/advice.py) follows the last line. `--repeat K` is
exam/verbs/repeat.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tfexam.errors import ExamError
from exam.output import Reply, absent_when_none
from exam import advice, crashes, fit_recorder, grading, legacy_keras, paths, session, training_run
from exam.verbs import check
from exam.train_output import Relay

FIT_HOOK_DIR = Path(__file__).resolve().parent.parent / "fit_hook"

@dataclass(frozen=True, kw_only=True)
class Trained(Reply):
    """The script's exit code (the command's, but for a script that saved no model); `crash` once it failed."""

    script: str
    keras: int
    exit_code: int
    findings: tuple[str, ...]
    run: int | None  # the recorded training run (.tfexam/runs/<id>.json); None outside an exam workspace
    advice: tuple[str, ...] | None = absent_when_none()  # what the run's curves advise, once it saved a model
    crash: tuple[str, ...] | None = absent_when_none()

def child_env(keras: int, curves: Path | None = None, seed: int | None = None) -> dict:
    """The training child's environment; with `curves`, its fits are recorded there (and seeded with `seed`)."""
    env = grading.child_env()
    env["PYTHONUNBUFFERED"] = "1"
    for name in (fit_recorder.CURVES_ENV, fit_recorder.SEED_ENV):
        env.pop(name, None)
    if keras == 2:
        env = legacy_keras.child_env(env)
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)  # a Keras 3 session trains under Keras 3 whatever the shell says
    if curves is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(FIT_HOOK_DIR), env["PYTHONPATH"]])
        env[fit_recorder.CURVES_ENV] = str(Path(curves).resolve())
        if seed is not None:
            env[fit_recorder.SEED_ENV] = str(seed)
    return env


def run_script(script, keras: int, out, cwd=None, curves: Path | None = None, seed: int | None = None) -> tuple[int, str]:
    """Run a training script (in its own folder, or `cwd`); its stdout goes straight to `out`, its stderr through
    the Relay. (return code: negative when a signal ended it, stderr tail)"""
    where = cwd or script.parent
    command = [sys.executable, script.name if where == script.parent else str(script)]
    child = subprocess.Popen(command, cwd=where, env=child_env(keras, curves, seed), stdout=out,
                             stderr=subprocess.PIPE)
    relay = Relay()
    try:
        relay.pump(child.stderr.fileno(), _write)
        code = child.wait()
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        child.stderr.close()
    return code, relay.stderr_tail()


def _write(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def run(*, category: int, workspace: str | None = None, json: bool = False) -> Trained:
    """Run the category's training script under the session's Keras; explain a crash."""
    workspace = paths.resolve_workspace(workspace)
    script = check.script_of(workspace, category)
    if not script.is_file():
        raise ExamError(check.missing_script(workspace, category))
    keras = check.session_keras(workspace)
    out = sys.stderr if json else sys.stdout  # --json keeps stdout for the one object
    found = check.findings(script, keras)
    print(f"Training {script} under {session.keras_label(keras)}", file=out, flush=True)
    for line in found or [check.nothing_found(script, keras)]:
        print(f"check: {line}", file=out, flush=True)
    done = training_run.record(workspace, category, keras, script.parent,
                               lambda curves, seed: run_script(script, keras, out, curves=curves))
    returned, stderr = done.code, done.stderr
    for problem in done.problems:
        print(f"warning: {problem}", file=sys.stderr, flush=True)
    code = returned if returned >= 0 else 128 - returned
    run_id = done.run.id if done.run else None
    model = script.parent / "mymodel.h5"
    if code == 0 and not model.is_file():
        return Trained(code=1, text=f"{script.name} finished but saved no mymodel.h5 next to it; check its last lines",
                       script=str(script), keras=keras, exit_code=code, findings=tuple(found), run=run_id)
    if code == 0:
        tips = next_steps(done.run, workspace, category) if done.run else []
        return Trained(text="\n".join([
            f"Training finished{f' ({done.run.describe()})' if done.run else ''}; saved {model}.",
            *(f"advice: {tip.text}" for tip in tips),
            f"Next: Category {category} - 2. Submit and Test (or `tfexam submit {category}`)"]),
            script=str(script), keras=keras, exit_code=code, findings=tuple(found), run=run_id,
            advice=tuple(tip.text for tip in tips))
    found = check.findings(script, keras)  # the learner may have edited the file while it trained
    explained = crashes.explain(stderr, script, keras, killed_by=-returned if returned < 0 else None)
    lines = [f"Training stopped (exit code {code}).", *explained]
    if found:
        lines += ["The check also names these lines, which fail under this session's Keras:", *found]
    return Trained(code=code, text="\n".join(lines), script=str(script), keras=keras, exit_code=code,
                   findings=tuple(found), run=run_id, crash=tuple(explained))


def next_steps(run, workspace: Path, category: int, result=None) -> list[advice.Advice]:
    """What the run's curves advise, measured against the session's question for this category."""
    question = session.question_in(session.load(workspace), category)
    return advice.advise(run.main_fit, advice.target_of(question, result)) if question else []
