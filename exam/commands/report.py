"""tfexam report: write report.html (scores, attempts over time, diagnostics and plots) and print the summary."""

from __future__ import annotations

from exam import paths, report, report_page, session

HELP = "write the session's report.html into the workspace (self-contained, opens offline) and print its path"


def configure(parser):
    pass


def perform(args) -> tuple[int, dict, str]:
    workspace = paths.resolve_workspace(args.workspace)
    current = session.require(workspace)
    reading = report.read_ledger(args, workspace)
    records = list(reading.records)
    payload = {"workspace": str(workspace), "session": current.to_json(), "report": report.summary(current, records),
               "ledger_skipped": reading.skipped}
    text = "\n".join([f"Exam report - session {current.id}", report.render(current, records),
                      report_page.publish(workspace, current, records, payload)])
    return 0, payload, text
