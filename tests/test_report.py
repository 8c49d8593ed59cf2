"""The report: best on-time score per category, weighted by category, against the 90% pass mark."""

from __future__ import annotations

from exam import report, session


def make_session(categories):
    ids = {1: "c1_line"}
    return session.new({c: ids[c] for c in categories}, minutes=60, now=1000.0)


def record(current, category, score, late=False, status="graded"):
    return {"session": current.id, "category": category, "score": score, "late": late, "status": status}


def test_best_on_time_score_counts_and_late_or_refused_ones_do_not():
    current = make_session([1])
    records = [record(current, 1, 3), record(current, 1, 5, late=True), record(current, 1, 0, status="refused"),
               record(current, 1, 4), {"session": "another", "category": 1, "score": 5, "late": False, "status": "graded"}]
    line = report.category_lines(current, records)[0]
    assert (line.best, line.attempts, line.late_attempts) == (4, 4, 1)
    summary = report.summary(current, records)
    assert (summary["weighted_score"], summary["weighted_max"], summary["passed"]) == (4, 5, False)


def test_pass_mark_is_ninety_percent():
    current = make_session([1])
    assert report.summary(current, [record(current, 1, 5)])["passed"] is True
    text = report.render(current, [record(current, 1, 5)], now=1000.0)
    assert "5/5 = 100.0% (pass mark 90%): PASS" in text and "Time left: 1:00:00" in text


def test_time_left_is_deadline_minus_now():
    current = make_session([1])
    assert current.time_left(now=1000.0 + 59 * 60) == 60
    assert session.format_duration(-75) == "-0:01:15"
