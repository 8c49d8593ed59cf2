"""tfexam's API: one plain keyword function per verb, each returning its own typed Reply (exam/output.py): the
fields of its --json object, the exit code and the text for people.

The command line (exam/cli.py) parses options with exam/commands/<verb>.py, calls the function of the same name with
them and prints the Reply; the demo, the benchmarks and the tests call these functions directly and read the reply's
attributes. A bad value is an ExamError (one line, an exit code), never a traceback.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from tfexam import questions as bank
from tfexam.errors import ExamError
from tfexam.limits import Limits
from exam.output import Reply, transcript
from exam.verbs.autograder import run as autograder
from exam.verbs.check import run as check
from exam.verbs.doctor import run as doctor
from exam.verbs.end import run as end
from exam.verbs.fetch import run as fetch
from exam.verbs.grade import run as grade
from exam.verbs.questions import run as questions
from exam.verbs.report import run as report
from exam.verbs.solve import run as solve
from exam.verbs.start import run as start
from exam.verbs.status import run as status
from exam.verbs.submit import run as submit
from exam.verbs.train import Trained, run as train_once
from exam.verbs import repeat as repeated
from exam.verbs.repeat import Repeated

__all__ = ["DemoRun", "Reply", "autograder", "check", "demo", "doctor", "end", "fetch", "grade", "questions", "report",
           "solve", "start", "status", "submit", "train"]


@dataclass(frozen=True, kw_only=True)
class DemoRun(Reply):
    """The demo's workspace and each step's own reply, by step name, in the order they ran."""

    workspace: str
    steps: dict[str, Reply]


def demo(*, workspace: str | None = None, keep_in: str | None = None, json: bool = False) -> DemoRun:
    """The whole loop offline in a temporary workspace: start, train the Category 1 reference, submit, end."""
    chosen = workspace or keep_in
    if chosen and Path(chosen).expanduser().is_dir() and any(Path(chosen).expanduser().iterdir()):
        raise ExamError(f"{chosen} is not empty; the demo starts (and would archive) a session there: give a new or "
                        "empty folder, or leave the option out for a temporary one")
    workspace = chosen or tempfile.mkdtemp(prefix="tfexam-demo-")
    steps = {
        "start": lambda: start(workspace=workspace, restart=True, categories=[1],
                               question=[bank.default_for_category(1).id], no_fetch=True),
        "solve": lambda: solve(category=1, workspace=workspace, json=json, quiet=True),
        "submit": lambda: submit(category=1, workspace=workspace),
        "end": lambda: end(workspace=workspace, yes=True),
    }
    done = {}
    for name, step in steps.items():
        transcript(json, f"\n$ tfexam {name}{' 1' if name in ('solve', 'submit') else ''} --workspace {workspace}")
        reply = step()
        done[name] = reply
        transcript(json, reply.text)
        if reply.code != 0:
            return DemoRun(code=reply.code, text=f"The demo stopped at `{name}` (exit {reply.code}).",
                           workspace=workspace, steps=done)
    return DemoRun(text=f"\nDemo workspace (ledger, submitted copies): {workspace}", workspace=workspace, steps=done)


def train(*, category: int, workspace: str | None = None, json: bool = False, repeat: int | None = None,
          limits: Limits | None = None) -> Trained | Repeated:
    """Train the category's script once (recorded, with advice), or `repeat` times with seeds 1..K, each graded."""
    if repeat is None:
        return train_once(category=category, workspace=workspace, json=json)
    return repeated.run(category=category, workspace=workspace, json=json, times=repeat, limits=limits)
