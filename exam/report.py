"""The result of a session: best on-time score per category, weighted total, PASS/FAIL."""

from __future__ import annotations

from dataclasses import dataclass

from exam import questions
from exam.questions import MAX_SCORE
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


def category_lines(session: Session, records: list[dict]) -> list[CategoryLine]:
    lines = []
    for key, question_id in sorted(session.questions.items(), key=lambda item: int(item[0])):
        question = questions.get(question_id)
        mine = [r for r in records if r.get("session") == session.id and r.get("category") == question.category]
        counted = [r["score"] for r in mine if r.get("status") == "graded" and not r.get("late")]
        lines.append(CategoryLine(
            category=question.category,
            question=question_id,
            weight=question.weight,
            best=max(counted) if counted else None,
            attempts=len(mine),
            late_attempts=sum(1 for r in mine if r.get("late")),
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
    }


def render(session: Session, records: list[dict], now: float | None = None) -> str:
    data = summary(session, records)
    rows = [f"{'Category':<32} {'question':<30} {'best':>5} {'weight':>6} {'tries':>6}"]
    for line in category_lines(session, records):
        name = f"{line.category} {questions.CATEGORY_NAMES[line.category]}"
        best = "-" if line.best is None else f"{line.best}/{MAX_SCORE}"
        tries = f"{line.attempts}" + (f" ({line.late_attempts} late)" if line.late_attempts else "")
        rows.append(f"{name:<32} {line.question:<30} {best:>5} {line.weight:>6} {tries:>6}")
    verdict = "PASS" if data["passed"] else "FAIL"
    rows.append(f"Weighted total: {data['weighted_score']}/{data['weighted_max']} = {data['percent']}% "
                f"(pass mark {data['pass_mark_percent']}%): {verdict}")
    if session.ended:
        rows.append(f"Exam ended {format_duration(session.ended_at - session.started_at)} after the start.")
    else:
        rows.append(f"Time left: {format_duration(session.time_left(now))}")
    return "\n".join(rows)
