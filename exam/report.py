"""The result of a session: best on-time score per category, weighted total, PASS/FAIL, and what the ledger says
about how it was reached (attempts over time, time spent, reference solutions shown).

The text table is for the terminal; exam.report_page renders the same numbers as report.html.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from tfexam import questions
from tfexam.questions import MAX_SCORE
from exam import ledger
from exam.attempt import REFERENCE_SHOWN, Attempt, ReferenceShown  # noqa: F401  (REFERENCE_SHOWN: re-exported)
from exam.output import progress
from exam.session import Session, format_duration

PASS_MARK = 0.90  # share of the weighted maximum; documented in README and hidden_tests/CALIBRATION.md


@dataclass
class CategoryLine:
    category: int
    question: str
    weight: int
    best: int | None  # None: nothing graded on time yet
    attempts: int
    late_attempts: int
    reference_shown: bool = False  # `solve N` ran during the sitting: the reference model was on disk
    flagged_attempts: int = 0  # submissions made after that; they still count, marked
    seconds_spent: float = 0.0  # see time_spent()
    margin: str = ""  # the best attempt's value, interval and distance to the thresholds around it (tfexam.margin)


@dataclass
class Timed:
    """One Submit and Test as the report shows it: the ledger's Attempt placed on the sitting's time line."""

    record: Attempt
    at: float  # seconds since the start
    flagged: bool  # made after the category's reference solution was shown
    best: bool = False  # the attempt that gives the category its best on-time score

    @property
    def category(self) -> int:
        return self.record.category

    @property
    def score(self) -> int:
        return self.record.score

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def late(self) -> bool:
        return self.record.late


def read_ledger(workspace) -> ledger.Reading:
    """The ledger's valid records for status, report and end; one warning line on stderr when lines were skipped."""
    reading = ledger.entries(workspace)
    if reading.warning():
        progress(f"tfexam: {reading.warning()}")
    return reading


Record = Attempt | ReferenceShown  # what ledger.entries() reads


def is_submission(record: Record) -> bool:
    return isinstance(record, Attempt)  # the other ledger records are events (reference shown)


def attempts(session: Session, records: list[Record]) -> list[Timed]:
    """The session's submissions in ledger order, each flagged if its category's reference had been shown."""
    shown: set[int] = set()
    found = []
    for record in records:
        if record.session != session.id:
            continue
        if isinstance(record, ReferenceShown):
            shown.add(record.category)
            continue
        found.append(Timed(record=record, at=record.at - session.started_at, flagged=record.category in shown))
    for category in {a.category for a in found}:
        counted = [a for a in found if a.category == category and a.record.counts]
        if counted:
            max(counted, key=lambda a: (a.score, -a.at)).best = True  # the first attempt that reached the best
    return found


def reference_shown(session: Session, records: list[Record]) -> dict[int, ReferenceShown]:
    """Category -> the first `reference shown` ledger line of this session."""
    shown = {}
    for record in records:
        if isinstance(record, ReferenceShown) and record.session == session.id:
            shown.setdefault(record.category, record)
    return shown


def time_spent(session: Session, found: list[Timed]) -> tuple[dict[int, float], float]:
    """(seconds per category, seconds after the last submission).

    The ledger knows when each file was submitted, not what was edited: the time between one submission (or the
    start) and the next is counted for the category of the next one.
    """
    end = session.ended_at if session.ended else min(session.deadline, max(session.started_at, time.time()))
    end_at = min(end, session.deadline) - session.started_at
    spent: dict[int, float] = {}
    last = 0.0
    for attempt in sorted(found, key=lambda a: a.at):
        at = min(max(attempt.at, 0.0), end_at)
        spent[attempt.category] = spent.get(attempt.category, 0.0) + max(0.0, at - last)
        last = max(last, at)
    return spent, max(0.0, end_at - last)


def category_lines(session: Session, records: list[Record]) -> list[CategoryLine]:
    found = attempts(session, records)
    spent, _ = time_spent(session, found)
    shown = reference_shown(session, records)
    lines = []
    for key, question_id in sorted(session.questions.items(), key=lambda item: int(item[0])):
        question = questions.get(question_id)
        mine = [a for a in found if a.category == question.category]
        counted = [a.score for a in mine if a.record.counts]
        best = next((a for a in mine if a.best), None)
        metric = best.record.result.metric if best else None
        lines.append(CategoryLine(
            category=question.category,
            question=question_id,
            weight=question.weight,
            best=max(counted) if counted else None,
            attempts=len(mine),
            late_attempts=sum(1 for a in mine if a.late),
            reference_shown=question.category in shown,
            flagged_attempts=sum(1 for a in mine if a.flagged),
            seconds_spent=round(spent.get(question.category, 0.0), 1),
            margin=metric.safety_text() if metric and metric.value is not None else "",
        ))
    return lines


@dataclass(frozen=True)
class Summary:
    """The session's totals as status, report and end give them (in --json too, key by key)."""

    session: str
    categories: tuple[CategoryLine, ...]
    weighted_score: int
    weighted_max: int
    percent: float
    pass_mark_percent: int
    passed: bool
    reference_shown: tuple[int, ...]


def summary(session: Session, records: list[Record]) -> Summary:
    lines = category_lines(session, records)
    earned = sum((line.best or 0) * line.weight for line in lines)
    possible = sum(MAX_SCORE * line.weight for line in lines)
    share = earned / possible if possible else 0.0
    return Summary(
        session=session.id,
        categories=tuple(lines),
        weighted_score=earned,
        weighted_max=possible,
        percent=round(100 * share, 1),
        pass_mark_percent=round(100 * PASS_MARK),
        passed=share >= PASS_MARK,
        reference_shown=tuple(line.category for line in lines if line.reference_shown),
    )


def verdict(data: Summary) -> str:
    return "PASS" if data.passed else "FAIL"


def late_reason(session: Session, at: float) -> str | None:
    """Why a submission made at `at` does not count, or None when it is on time. Ended early and out of time are
    different events: the words say which one happened."""
    if session.ended and session.ended_at < session.deadline:
        left = format_duration(session.deadline - session.ended_at)
        return f"the exam had been ended at {_clock_time(session.ended_at)}, with {left} still on its clock"
    if session.ended or at > session.deadline:
        return f"the exam clock had run out at {_clock_time(session.deadline)}"
    return None


def time_state(session: Session, now: float | None = None) -> str:
    """Where the sitting stands: "time left 1:02:03", "time is up: ..." or "the exam has ended" (never a negative time)."""
    if session.ended:
        return "the exam has ended"
    left = session.time_left(now)
    if left < 0:
        return f"time is up: the deadline passed {format_duration(-left)} ago"
    return f"time left {format_duration(left)}"


def _clock_time(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%H:%M")


def reference_note(data: Summary) -> str:
    shown = data.reference_shown
    if not shown:
        return ""
    which = ", ".join(map(str, shown))
    return (f"Reference solution shown during the exam (tfexam solve) for categor{'y' if len(shown) == 1 else 'ies'} "
            f"{which}: submissions made after it still count but are flagged.")


def render(session: Session, records: list[Record], now: float | None = None) -> str:
    data = summary(session, records)
    rows = [f"{'Category':<32} {'question':<30} {'best':>5} {'weight':>6}  tries"]
    for line in category_lines(session, records):
        name = f"{line.category} {questions.CATEGORY_NAMES[line.category]}"
        best = "-" if line.best is None else f"{line.best}/{MAX_SCORE}"
        tries = f"{line.attempts}" + (f" ({line.late_attempts} late)" if line.late_attempts else "")
        flag = "reference shown" if line.reference_shown else ""
        rows.append(f"{name:<32} {line.question:<30} {best:>5} {line.weight:>6}  {tries:<12} {flag}".rstrip())
        if line.margin:
            rows.append(f"{'':<33}{line.margin}")
    rows.append(f"Weighted total: {data.weighted_score}/{data.weighted_max} = {data.percent}% "
                f"(pass mark {data.pass_mark_percent}%): {verdict(data)}")
    if data.reference_shown:
        rows.append(reference_note(data))
    if session.ended:
        rows.append(f"Exam ended {format_duration(session.ended_at - session.started_at)} after the start.")
    elif session.time_left(now) < 0:
        rows.append(time_state(session, now).capitalize() + "; the exam has not been ended.")
    else:
        rows.append(f"Time left: {format_duration(session.time_left(now))}")
    return "\n".join(rows)
