"""tfexam report: write report.html (scores, attempts over time, diagnostics and plots) and print the summary."""

from __future__ import annotations

from exam.output import Reply, untyped
from exam import paths, report, report_page, session


def run(*, workspace: str | None = None) -> Reply:
    """Write report.html and summarise the session."""
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    reading = report.read_ledger(workspace)
    records = list(reading.records)
    payload = {"workspace": str(workspace), "session": current.to_json(), "report": report.summary(current, records),
               "ledger_skipped": reading.skipped}
    text = "\n".join([f"Exam report - session {current.id}", report.render(current, records),
                      report_page.publish(workspace, current, records, payload)])
    return untyped(0, payload, text)
