"""tfexam status: the clock and the best score so far in each category."""

from __future__ import annotations

from dataclasses import dataclass

from tfexam import questions
from tfexam.errors import ExamError
from exam import paths, report, session
from exam.output import Reply
from exam.report import Summary
from exam.session import Session


@dataclass(frozen=True, kw_only=True)
class Status(Reply):
    workspace: str
    state: str  # running | over time | ended
    time_left_s: float
    session: Session
    keras: int
    report: Summary
    questions: dict[str, str]  # category (as text, like the session's keys): question title
    ledger_skipped: int


@dataclass(frozen=True, kw_only=True)
class ClockShown(Reply):
    """`status --live` ran until stopped (it has no --json)."""

    workspace: str


def _live(workspace: str | None, json: bool) -> ClockShown:
    import sys

    from exam import clock

    if json:
        raise ExamError("--live keeps a changing display on screen; `tfexam status --json` prints one JSON object")
    workspace = paths.resolve_workspace(workspace)
    session.require(workspace)
    code, text = clock.run(workspace, sys.stdout, live_terminal=sys.stdout.isatty())
    return ClockShown(code=code, text=text, workspace=str(workspace))


def run(*, workspace: str | None = None, live: bool = False, json: bool = False) -> Status | ClockShown:
    """The clock and the best score so far per category; `live` keeps it on screen until stopped."""
    if live:
        return _live(workspace, json)
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    reading = report.read_ledger(workspace)
    records = list(reading.records)
    state = "ended" if current.ended else ("over time" if current.time_left() < 0 else "running")
    lines = [f"Session {current.id} in {workspace}: {state}", f"Training runs under {session.keras_label(current.keras)}"]
    lines.append(report.render(current, records))
    return Status(text="\n".join(lines), workspace=str(workspace), state=state,
                  time_left_s=round(current.time_left(), 1), session=current, keras=current.keras,
                  report=report.summary(current, records),
                  questions={c: questions.get(q).title for c, q in current.questions.items()},
                  ledger_skipped=reading.skipped)
