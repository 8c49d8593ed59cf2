"""tfexam train N: check CategoryN/starter.py, then run it (cwd CategoryN, this interpreter) under the session's Keras.

The check never stops training; after a crash, the traceback is read (exam/crashes.py) and its fix is shown at
the learner's line, with the check's lines again. Output is printed as it comes (PyCharm's Run console has no
terminal); stderr passes through exam/train_output.py, which leaves out repeated TensorFlow start-up lines and
Keras' advice against .h5. The script's exit code is the command's.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from tfexam.errors import ExamError
from exam.output import Reply, absent_when_none
from exam import crashes, grading, legacy_keras, paths, session
from exam.verbs import check
from exam.train_output import Relay


@dataclass(frozen=True, kw_only=True)
class Trained(Reply):
    """The script's exit code (the command's, but for a script that saved no model); `crash` once it failed."""

    script: str
    keras: int
    exit_code: int
    findings: tuple[str, ...]
    crash: tuple[str, ...] | None = absent_when_none()


def child_env(keras: int) -> dict:
    env = grading.child_env()
    env["PYTHONUNBUFFERED"] = "1"
    if keras == 2:
        return legacy_keras.child_env(env)
    env.pop("TF_USE_LEGACY_KERAS", None)  # a Keras 3 session trains under Keras 3 whatever the shell says
    return env


def run_script(script, keras: int, out, cwd=None) -> tuple[int, str]:
    """Run a training script (in its own folder, or `cwd`); its stdout goes straight to `out`, its stderr through
    the Relay. (return code: negative when a signal ended it, stderr tail)"""
    where = cwd or script.parent
    command = [sys.executable, script.name if where == script.parent else str(script)]
    child = subprocess.Popen(command, cwd=where, env=child_env(keras), stdout=out, stderr=subprocess.PIPE)
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
    returned, stderr = run_script(script, keras, out)
    code = returned if returned >= 0 else 128 - returned
    model = script.parent / "mymodel.h5"
    if code == 0 and not model.is_file():
        return Trained(code=1, text=f"{script.name} finished but saved no mymodel.h5 next to it; check its last lines",
                       script=str(script), keras=keras, exit_code=code, findings=tuple(found))
    if code == 0:
        return Trained(text=f"Training finished; saved {model}. Next: Category {category} - 2. Submit and Test "
                            f"(or `tfexam submit {category}`)",
                       script=str(script), keras=keras, exit_code=code, findings=tuple(found))
    found = check.findings(script, keras)  # the learner may have edited the file while it trained
    explained = crashes.explain(stderr, script, keras, killed_by=-returned if returned < 0 else None)
    lines = [f"Training stopped (exit code {code}).", *explained]
    if found:
        lines += ["The check also names these lines, which fail under this session's Keras:", *found]
    return Trained(code=code, text="\n".join(lines), script=str(script), keras=keras, exit_code=code,
                   findings=tuple(found), crash=tuple(explained))
