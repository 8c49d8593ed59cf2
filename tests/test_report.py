"""The report: best on-time score per category, weighted by category, against the 90% pass mark."""

from __future__ import annotations

from exam import attempt, report, session


def make_session(categories):
    ids = {1: "c1_line"}
    return session.new({c: ids[c] for c in categories}, minutes=60, now=1000.0)


def record(current, category, score, late=False, status="graded"):
    """A ledger line as the previous version wrote it (no version): still read."""
    return {"session": current.id, "category": category, "score": score, "late": late, "status": status,
            "submitted_at": session.iso(current.started_at)}


def typed(lines):
    """What ledger.entries() gives the report: each line parsed into its record."""
    return [attempt.parse(line) for line in lines]


def test_best_on_time_score_counts_and_late_or_refused_ones_do_not():
    current = make_session([1])
    records = [record(current, 1, 3), record(current, 1, 5, late=True), record(current, 1, 0, status="refused"),
               record(current, 1, 4), record(current, 1, 5) | {"session": "another"}]
    line = report.category_lines(current, typed(records))[0]
    assert (line.best, line.attempts, line.late_attempts) == (4, 4, 1)
    summary = report.summary(current, typed(records))
    assert (summary.weighted_score, summary.weighted_max, summary.passed) == (4, 5, False)


def test_pass_mark_is_ninety_percent():
    current = make_session([1])
    assert report.summary(current, typed([record(current, 1, 5)])).passed is True
    text = report.render(current, typed([record(current, 1, 5)]), now=1000.0)
    assert "5/5 = 100.0% (pass mark 90%): PASS" in text and "Time left: 1:00:00" in text


def test_time_left_is_deadline_minus_now():
    current = make_session([1])
    assert current.time_left(now=1000.0 + 59 * 60) == 60
    assert session.format_duration(-75) == "-0:01:15"


def at(current, seconds):
    return session.iso(current.started_at + seconds)


def test_reference_shown_flags_later_submissions_and_is_not_an_attempt():
    current = make_session([1])
    records = [record(current, 1, 2) | {"submitted_at": at(current, 60)},
               {"event": report.REFERENCE_SHOWN, "session": current.id, "category": 1, "shown_at": at(current, 90)},
               record(current, 1, 5) | {"submitted_at": at(current, 120)}]
    line = report.category_lines(current, typed(records))[0]
    assert (line.best, line.attempts, line.reference_shown, line.flagged_attempts) == (5, 2, True, 1)
    assert [a.flagged for a in report.attempts(current, typed(records))] == [False, True]
    assert "reference shown" in report.render(current, typed(records), now=1000.0)
    assert report.summary(current, typed(records)).reference_shown == (1,)


def test_time_between_submissions_is_counted_for_the_next_ones_category():
    current = session.new({1: "c1_line", 2: "c2_fashion_mnist"}, minutes=60, now=1000.0)
    current.ended_at = 1000.0 + 1000
    records = [record(current, 2, 3) | {"submitted_at": at(current, 300)},
               record(current, 1, 5) | {"submitted_at": at(current, 400)},
               record(current, 2, 4) | {"submitted_at": at(current, 900)}]
    spent, after = report.time_spent(current, report.attempts(current, typed(records)))
    assert spent == {2: 300 + 500, 1: 100} and after == 100


def test_page_escapes_what_the_ledger_holds_and_says_when_a_plot_is_gone(tmp_path):
    from exam import report_page

    current = make_session([1])
    hostile = '<script>alert(1)</script>"><img src=x>'
    records = [record(current, 1, 0, status="refused") | {"submitted_at": at(current, 5),
                                                          "checks": [{"name": "file", "passed": False, "message": hostile}]},
               record(current, 1, 4) | {"submitted_at": at(current, 50), "artifacts": [str(tmp_path / "gone.png")],
                                        "metric": {"name": "mae", "value": 0.3, "higher_is_better": False,
                                                   "thresholds": [4, 2, 1, 0.5, 0.25]}}]
    text = report_page.render(tmp_path, current, typed(records), now=1100.0)
    assert hostile not in text and "&lt;script&gt;" in text and "<img" not in text
    assert "gone.png is missing or not a PNG" in text
    assert "4/5" in text and "running, 0:58:20 left" in text
