"""The result of a session: best on-time score per category, weighted total, PASS/FAIL, and what the ledger says
about how it was reached (attempts over time, time spent, reference solutions shown).

The text table is for the terminal; exam.report_page renders the same numbers as report.html.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from core import questions
from core.questions import MAX_SCORE
from exam import ledger
from exam.output import progress
from exam.session import Session, format_duration

PASS_MARK = 0.90  # share of the weighted maximum; documented in README and hidden_tests/CALIBRATION.md
REFERENCE_SHOWN = ledger.REFERENCE_SHOWN


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


@dataclass
class Attempt:
    """One Submit and Test as the report shows it."""

    record: dict
    category: int
    at: float  # seconds since the start
    score: int
    status: str
    late: bool
    flagged: bool  # made after the category's reference solution was shown
    best: bool = False  # the attempt that gives the category its best on-time score


def read_ledger(args, workspace) -> ledger.Reading:
    """The ledger's valid records for status, report and end; one warning line on stderr when lines were skipped."""
    reading = ledger.entries(workspace)
    if reading.warning():
        progress(args, f"tfexam: {reading.warning()}")
    return reading


def is_submission(record: dict) -> bool:
    return "event" not in record  # other ledger lines (reference shown) carry an event name


def epoch(iso_time: str | None) -> float | None:
    try:
        return datetime.fromisoformat(iso_time).timestamp()
    except (TypeError, ValueError):
        return None


def attempts(session: Session, records: list[dict]) -> list[Attempt]:
    """The session's submissions in ledger order, each flagged if its category's reference had been shown."""
    shown: set[int] = set()
    found = []
    for record in records:
        if record.get("session") != session.id:
            continue
        category = record.get("category")
        if record.get("event") == REFERENCE_SHOWN:
            shown.add(category)
            continue
        if not is_submission(record):
            continue
        when = epoch(record.get("submitted_at"))
        found.append(Attempt(record=record, category=category,
                             at=(when - session.started_at) if when is not None else 0.0,
                             score=int(record.get("score") or 0), status=record.get("status", "error"),
                             late=bool(record.get("late")), flagged=category in shown))
    for category in {a.category for a in found}:
        counted = [a for a in found if a.category == category and a.status == "graded" and not a.late]
        if counted:
            max(counted, key=lambda a: (a.score, -a.at)).best = True  # the first attempt that reached the best
    return found


def reference_shown(session: Session, records: list[dict]) -> dict[int, dict]:
    """Category -> the first `reference shown` ledger line of this session."""
    shown = {}
    for record in records:
        if record.get("session") == session.id and record.get("event") == REFERENCE_SHOWN:
            shown.setdefault(record.get("category"), record)
    return shown


def time_spent(session: Session, found: list[Attempt]) -> tuple[dict[int, float], float]:
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


def category_lines(session: Session, records: list[dict]) -> list[CategoryLine]:
    found = attempts(session, records)
    spent, _ = time_spent(session, found)
    shown = reference_shown(session, records)
    lines = []
    for key, question_id in sorted(session.questions.items(), key=lambda item: int(item[0])):
        question = questions.get(question_id)
        mine = [a for a in found if a.category == question.category]
        counted = [a.score for a in mine if a.status == "graded" and not a.late]
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
        ))
    return lines


def summary(session: Session, records: list[dict]) -> dict:
    lines = category_lines(session, records)
    earned = sum((line.best or 0) * line.weight for line in lines)
    possible = sum(MAX_SCORE * line.weight for line in lines)
    share = earned / possible if possible else 0.0
    return {
        "session": session.id,
        "categories": [line.__dict__ for line in lines],
        "weighted_score": earned,
        "weighted_max": possible,
        "percent": round(100 * share, 1),
        "pass_mark_percent": round(100 * PASS_MARK),
        "passed": share >= PASS_MARK,
        "reference_shown": [line.category for line in lines if line.reference_shown],
    }


def verdict(data: dict) -> str:
    return "PASS" if data["passed"] else "FAIL"


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


def reference_note(data: dict) -> str:
    shown = data["reference_shown"]
    if not shown:
        return ""
    which = ", ".join(map(str, shown))
    return (f"Reference solution shown during the exam (tfexam solve) for categor{'y' if len(shown) == 1 else 'ies'} "
            f"{which}: submissions made after it still count but are flagged.")


def render(session: Session, records: list[dict], now: float | None = None) -> str:
    data = summary(session, records)
    rows = [f"{'Category':<32} {'question':<30} {'best':>5} {'weight':>6}  tries"]
    for line in category_lines(session, records):
        name = f"{line.category} {questions.CATEGORY_NAMES[line.category]}"
        best = "-" if line.best is None else f"{line.best}/{MAX_SCORE}"
        tries = f"{line.attempts}" + (f" ({line.late_attempts} late)" if line.late_attempts else "")
        flag = "reference shown" if line.reference_shown else ""
        rows.append(f"{name:<32} {line.question:<30} {best:>5} {line.weight:>6}  {tries:<12} {flag}".rstrip())
    rows.append(f"Weighted total: {data['weighted_score']}/{data['weighted_max']} = {data['percent']}% "
                f"(pass mark {data['pass_mark_percent']}%): {verdict(data)}")
    if data["reference_shown"]:
        rows.append(reference_note(data))
    if session.ended:
        rows.append(f"Exam ended {format_duration(session.ended_at - session.started_at)} after the start.")
    elif session.time_left(now) < 0:
        rows.append(time_state(session, now).capitalize() + "; the exam has not been ended.")
    else:
        rows.append(f"Time left: {format_duration(session.time_left(now))}")
    return "\n".join(rows)
