"""tfexam demo: the whole loop offline in a temporary workspace: start, train Category 1, submit, end."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from core import questions
from core.errors import ExamError
from exam import arguments
from exam.commands import end, solve, start, submit
from exam.output import transcript

HELP = "run a complete Category 1 exam in a temporary workspace and print the report"


def configure(parser):
    parser.add_argument("--keep-in", metavar="DIR", type=arguments.folder_option,
                        help="use this folder instead of a new temporary one")


def perform(args) -> tuple[int, dict, str]:
    chosen = args.workspace or args.keep_in
    if chosen and Path(chosen).expanduser().is_dir() and any(Path(chosen).expanduser().iterdir()):
        raise ExamError(f"{chosen} is not empty; the demo starts (and would archive) a session there: give a new or "
                        "empty folder, or leave the option out for a temporary one")
    workspace = chosen or tempfile.mkdtemp(prefix="tfexam-demo-")
    step = argparse.Namespace(workspace=workspace, json=args.json, minutes=300, restart=True, categories=[1],
                              question=[questions.default_for_category(1).id], seed=None, no_fetch=True, category=1,
                              model=None, quiet=True, yes=True)
    steps = {}
    for name, command in (("start", start), ("solve", solve), ("submit", submit), ("end", end)):
        transcript(args, f"\n$ tfexam {name}{' 1' if name in ('solve', 'submit') else ''} --workspace {workspace}")
        code, payload, text = command.perform(step)
        steps[name] = payload
        transcript(args, text)
        if code != 0:
            return code, {"workspace": workspace, "steps": steps}, f"The demo stopped at `{name}` (exit {code})."
    return 0, {"workspace": workspace, "steps": steps}, f"\nDemo workspace (ledger, submitted copies): {workspace}"
