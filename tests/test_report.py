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


def graded(current, category, score, seconds, metric, advice=(), diagnostics=None):
    """A graded ledger line of this version: the metric with its interval, the grader's advice."""
    return record(current, category, score) | {
        "version": attempt.VERSION, "submitted_at": at(current, seconds), "checks": [], "metric": metric,
        "advice": [{"rule": rule, "text": text} for rule, text in advice], "diagnostics": diagnostics or {}}


def tutor_sitting():
    """Category 1 at 5/5 with its interval reaching past nothing; Category 2 at 1/5 with advice; Category 4 refused."""
    current = session.new({1: "c1_line", 2: "c2_mnist", 4: "c4_sarcasm"}, minutes=60, now=1000.0)
    mae = {"name": "mae", "value": 0.093, "higher_is_better": False, "thresholds": [4, 2, 1, 0.5, 0.25],
           "interval": {"low": 0.055, "high": 0.133, "level": 0.95, "resamples": 1000}}
    accuracy = {"name": "accuracy", "value": 0.81, "higher_is_better": True, "thresholds": [0.8, 0.95, 0.965, 0.975, 0.98],
                "interval": {"low": 0.802, "high": 0.818, "level": 0.95, "resamples": 1000}}
    names = ["zero", "one", "two"]
    records = [graded(current, 1, 5, 60, mae),
               graded(current, 2, 1, 120, accuracy, [("regression_loss_for_classes", "use sparse_categorical_crossentropy")],
                      {"class_names": names, "confusion_matrix": [[3779, 0, 1], [2930, 0, 0], [5, 6, 7]]}),
               record(current, 4, 0, status="refused") | {"submitted_at": at(current, 130),
                                                          "checks": [{"name": "input_shape", "passed": False,
                                                                      "message": "input shape is (None, 100); this question needs (120,)"}]}]
    return current, typed(records)


def test_status_shows_how_far_the_best_score_is_from_the_thresholds_around_it():
    current, records = tutor_sitting()
    text = report.render(current, records, now=1000.0)
    assert "mae 0.093, 95% interval 0.055-0.133: 5/5 held at 0.25 (margin 0.157)" in text
    assert "accuracy 0.81, 95% interval 0.802-0.818: 2/5 needs 0.95 (+0.14 to go); 1/5 held at 0.8 (margin 0.01)" in text
    assert [line.margin for line in report.summary(current, records).categories][2] == ""  # nothing graded


def test_practice_plans_list_the_weakest_categories_first_with_their_first_step_and_skills_in_words():
    from exam import practice

    current, records = tutor_sitting()
    plans = practice.plans(current, records)
    weakest = practice.to_practise(plans)
    assert [p.category for p in weakest] == [4, 2], "nothing graded counts as 0, then 1/5; 5/5 is left out"
    assert weakest[0].first_step.startswith("fix what refused the last submission: input shape is (None, 100)")
    assert weakest[1].steps == ["use sparse_categorical_crossentropy", "raise accuracy from 0.81 to 0.95 for 2/5"]
    assert "Learning-rate choice and schedules" not in weakest[1].skills
    assert weakest[1].skills[0] == "build sequential models of several layers"  # the checklist's words (tfexam/checklist.toml)
    assert plans[0].steps == [] and plans[0].score == 5


def test_a_score_whose_interval_reaches_past_its_threshold_is_said_to_be_within_the_noise():
    from exam import practice

    current = session.new({2: "c2_mnist"}, minutes=60, now=1000.0)
    near = {"name": "accuracy", "value": 0.981, "higher_is_better": True, "thresholds": [0.8, 0.95, 0.965, 0.975, 0.98],
            "interval": {"low": 0.978, "high": 0.984, "level": 0.95, "resamples": 1000}}
    plan = practice.plans(current, typed([graded(current, 2, 5, 60, near)]))[0]
    assert plan.steps == ["5/5 is within the noise of the hidden data (95% interval 0.978-0.984 reaches past 0.98): "
                          "a more accurate model keeps it safe"]
