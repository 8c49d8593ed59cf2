"""tfexam report: write report.html (scores, attempts over time, diagnostics and plots) and print the summary."""

from __future__ import annotations

from dataclasses import dataclass

from exam import paths, report, report_page, session
from exam.output import Reply
from exam.report import Summary
from exam.session import Session


@dataclass(frozen=True, kw_only=True)
class ReportWritten(Reply):
    workspace: str
    session: Session
    report: Summary
    ledger_skipped: int
    report_html: str


def run(*, workspace: str | None = None) -> ReportWritten:
    """Write report.html and summarise the session."""
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    reading = report.read_ledger(workspace)
    records = list(reading.records)
    page, named = report_page.publish(workspace, current, records)
    text = "\n".join([f"Exam report - session {current.id}", report.render(current, records), named])
    return ReportWritten(text=text, workspace=str(workspace), session=current,
                         report=report.summary(current, records), ledger_skipped=reading.skipped, report_html=page)
