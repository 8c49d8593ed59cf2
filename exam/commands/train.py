"""tfexam train N: run CategoryN/starter.py (it trains and saves mymodel.h5), as the "1. Train" configuration does."""

from __future__ import annotations

import subprocess
import sys

from exam import paths
from exam.errors import ExamError
from exam.questions import CATEGORIES

HELP = "run CategoryN/starter.py, which trains your model and saves CategoryN/mymodel.h5"


def configure(parser):
    parser.add_argument("category", type=int, choices=CATEGORIES, help="category number 1-5")


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    folder = paths.category_dir(workspace, args.category)
    script = folder / "starter.py"
    if not script.is_file():
        raise ExamError(f"{script} does not exist; run Start exam (or `tfexam start`) first")
    # the learner's script writes to our stdout/stderr directly: its output streams as it trains
    code = subprocess.call([sys.executable, script.name], cwd=folder)
    model = folder / "mymodel.h5"
    payload = {"workspace": str(workspace), "category": args.category, "exit_code": code, "model": str(model)}
    name = script.relative_to(workspace)
    if code != 0:
        return code, payload, f"{name} stopped with exit code {code}"
    if not model.is_file():
        return 1, payload, f"{name} finished but saved no mymodel.h5 next to it; check its last lines"
    return 0, payload, (f"Saved {model.relative_to(workspace)}. Next: Category {args.category} - 2. Submit and Test "
                        f"(or `tfexam submit {args.category}`)")
