"""tfexam status: the clock and the best score so far in each category."""

from __future__ import annotations

from exam import ledger, paths, questions, report, session

HELP = "show the time left and the best score per category"


def configure(parser):
    pass


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    current = session.require(workspace)
    records = ledger.read(workspace)
    state = "ended" if current.ended else ("over time" if current.time_left() < 0 else "running")
    lines = [f"Session {current.id} in {workspace}: {state}", f"Training runs under {session.keras_label(current.keras)}"]
    lines.append(report.render(current, records))
    payload = {"workspace": str(workspace), "state": state, "time_left_s": round(current.time_left(), 1),
               "session": current.to_json(), "keras": current.keras, "report": report.summary(current, records),
               "questions": {c: questions.get(q).title for c, q in current.questions.items()}}
    return 0, payload, "\n".join(lines)
