"""tfexam end: close the session (for good) and print the result.

Ending cannot be undone, so a running exam ends only after the learner types END, exactly and in capitals (in
PyCharm's Run console or a terminal), or passes --yes: a deliberate word, not a reflex. Without readable input
(closed stdin, a script) it refuses instead of waiting.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from tfexam.errors import ExamError
from exam import paths, report, report_page, session
from exam.output import Reply, absent_when_none
from exam.report import Summary
from exam.session import Session

CONFIRM_WORD = "END"
PROMPT = (f"Type {CONFIRM_WORD} in capitals and press Enter to end it (anything else, '{CONFIRM_WORD.lower()}' "
          "included, keeps the exam running): ")


@dataclass(frozen=True, kw_only=True)
class Ended(Reply):
    """`ended` is False when the learner did not confirm: then the report's keys are absent."""

    workspace: str
    ended: bool
    session: Session
    report: Summary | None = absent_when_none()
    ledger_skipped: int | None = absent_when_none()
    report_html: str | None = absent_when_none()


def run(*, workspace: str | None = None, yes: bool = False) -> Ended:
    """End the session (after the learner types END, unless `yes`) and write the report."""
    workspace = paths.resolve_workspace(workspace)
    current = session.require(workspace)
    note = ""
    if current.ended:
        note = f"This exam already ended at {session.iso(current.ended_at)}."
    elif not (yes or confirmed(current)):
        text = (f"The exam was NOT ended: it stays open ({report.time_state(current)}). Run End exam (or `tfexam end`) "
                f"again and type {CONFIRM_WORD}, in capitals, when you are sure.")
        return Ended(text=text, workspace=str(workspace), ended=False, session=current)
    else:
        current.ended_at = time.time()
        session.save(workspace, current)
    reading = report.read_ledger(workspace)
    records = list(reading.records)
    text = "\n".join(filter(None, [note, f"Exam report - session {current.id}", report.render(current, records)]))
    page, named = report_page.publish(workspace, current, records)
    return Ended(text=text + "\n" + named, workspace=str(workspace), ended=True, session=current,
                 report=report.summary(current, records), ledger_skipped=reading.skipped, report_html=page)


def confirmed(current: session.Session) -> bool:
    """Ask on stderr (stdout keeps the one result), read one line from stdin."""
    print(f"End the exam now ({report.time_state(current)})? Your best scores so far become final; this cannot be "
          f"undone.\n{PROMPT}", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):  # stdin closed or not readable
        answer = ""
    if not answer or not sys.stdin.isatty():  # a piped answer is not echoed: end the prompt's line ourselves
        print(file=sys.stderr, flush=True)
    if not answer:  # end of input: nobody can answer here
        raise ExamError(f"End exam needs you to type {CONFIRM_WORD}, but there is no input to read from (stdin is "
                        "closed); nothing was changed. Run End exam in PyCharm and type it in the Run window, or use "
                        "`tfexam end --yes`")
    return is_confirmation(answer)


def is_confirmation(answer: str) -> bool:
    """Exactly the word the prompt asks for; the spaces and line end around it do not matter, its case does."""
    return answer.strip() == CONFIRM_WORD
