"""tfexam train N: check CategoryN/starter.py, then run it (cwd CategoryN, this interpreter) under the session's Keras.

The check never stops training; its lines are shown again after a crash, right under the traceback. Output is
printed as it comes (PyCharm's Run console has no terminal), and the script's exit code is the command's.
"""

from __future__ import annotations

import subprocess
import sys

from core import questions
from core.errors import ExamError
from exam import grading, legacy_keras, paths, session
from exam.commands import check

HELP = "check CategoryN/starter.py, then train it (it saves CategoryN/mymodel.h5) under the session's Keras"


def configure(parser):
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")


def child_env(keras: int) -> dict:
    env = grading.child_env()
    env["PYTHONUNBUFFERED"] = "1"
    if keras == 2:
        return legacy_keras.child_env(env)
    env.pop("TF_USE_LEGACY_KERAS", None)  # a Keras 3 session trains under Keras 3 whatever the shell says
    return env


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    script = check.script_of(workspace, args.category)
    if not script.is_file():
        raise ExamError(check.missing_script(workspace, args.category))
    keras = check.session_keras(workspace)
    out = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the one object
    found = check.findings(script, keras)
    print(f"Training {script} under {session.keras_label(keras)}", file=out, flush=True)
    for line in found:
        print(f"check: {line}", file=out, flush=True)
    done = subprocess.run([sys.executable, script.name], cwd=script.parent, env=child_env(keras), stdout=out, stderr=sys.stderr)
    code = done.returncode if done.returncode >= 0 else 128 - done.returncode
    payload = {"script": str(script), "keras": keras, "exit_code": code, "findings": found}
    model = script.parent / "mymodel.h5"
    if code == 0 and not model.is_file():
        return 1, payload, f"{script.name} finished but saved no mymodel.h5 next to it; check its last lines"
    if code == 0:
        return 0, payload, (f"Training finished; saved {model}. Next: Category {args.category} - 2. Submit and Test "
                            f"(or `tfexam submit {args.category}`)")
    found = check.findings(script, keras)  # the learner may have edited the file while it trained
    payload["findings"] = found
    lines = [f"Training stopped (exit code {code})."]
    if found:
        lines += ["These lines will fail under this session's Keras; fix them and train again:", *found]
    else:
        lines.append("The traceback above shows where; the check found no Keras 2/3 incompatibility.")
    return code, payload, "\n".join(lines)
