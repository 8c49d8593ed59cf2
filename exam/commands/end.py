"""tfexam end: close the session (for good) and print the result."""

from __future__ import annotations

import time

from exam import ledger, paths, report, report_page, session

HELP = "end the exam and print the report"


def configure(parser):
    pass


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    current = session.require(workspace)
    note = ""
    if current.ended:
        note = f"This exam already ended at {session.iso(current.ended_at)}."
    else:
        current.ended_at = time.time()
        session.save(workspace, current)
    records = ledger.read(workspace)
    text = "\n".join(filter(None, [note, f"Exam report - session {current.id}", report.render(current, records)]))
    payload = {"workspace": str(workspace), "session": current.to_json(), "report": report.summary(current, records)}
    text += "\n" + report_page.publish(workspace, current, records, payload)
    return 0, payload, text
