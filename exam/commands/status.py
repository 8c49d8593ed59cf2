"""tfexam status: the clock and the best score so far in each category."""

from __future__ import annotations

from core import questions
from core.errors import ExamError
from exam import paths, report, session

HELP = "show the time left and the best score per category"


def configure(parser):
    parser.add_argument("--live", action="store_true",
                        help="keep the clock and best scores on screen until the time is up or you stop it (Ctrl-C)")


def live(args) -> tuple[int, dict, str]:
    import sys

    from exam import clock

    if args.json:
        raise ExamError("--live keeps a changing display on screen; `tfexam status --json` prints one JSON object")
    workspace = paths.resolve_workspace(args.workspace)
    session.require(workspace)
    code, text = clock.run(workspace, sys.stdout, live_terminal=sys.stdout.isatty())
    return code, {"workspace": str(workspace)}, text


def perform(args) -> tuple[int, dict, str]:
    if getattr(args, "live", False):
        return live(args)
    workspace = paths.resolve_workspace(args.workspace)
    current = session.require(workspace)
    reading = report.read_ledger(args, workspace)
    records = list(reading.records)
    state = "ended" if current.ended else ("over time" if current.time_left() < 0 else "running")
    lines = [f"Session {current.id} in {workspace}: {state}", f"Training runs under {session.keras_label(current.keras)}"]
    lines.append(report.render(current, records))
    payload = {"workspace": str(workspace), "state": state, "time_left_s": round(current.time_left(), 1),
               "session": current.to_json(), "keras": current.keras, "report": report.summary(current, records),
               "questions": {c: questions.get(q).title for c, q in current.questions.items()},
               "ledger_skipped": reading.skipped}
    return 0, payload, "\n".join(lines)
