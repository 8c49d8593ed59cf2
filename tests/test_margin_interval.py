"""How safe a score is: the margin to the thresholds around a value (tfexam.margin), the bootstrap interval of the
metric (graders/interval.py, numpy only), and both carried typed through the grading result and the ledger, with
results and ledger lines written before them still read."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from graders import interval
from tfexam.margin import margin
from tfexam.result import Advice, Evaluation, Interval, MetricResult, Result

ACCURACY = [0.5, 0.7, 0.8, 0.87, 0.89]
MAE = [4.0, 2.0, 1.0, 0.5, 0.2]


def test_margin_names_the_next_threshold_and_the_one_held_in_both_directions():
    found = margin(0.88, ACCURACY, True)
    assert (found.score, found.next.score, found.next.threshold, found.held.score, found.held.threshold) == (4, 5, 0.89, 4, 0.87)
    assert math.isclose(found.next.distance, 0.01) and math.isclose(found.held.distance, 0.01)
    assert found.text("accuracy") == "accuracy 0.88: 5/5 needs 0.89 (+0.01 to go); 4/5 held at 0.87 (margin 0.01)"
    lower = margin(0.3, MAE, False)
    assert lower.text("mae") == "mae 0.3: 5/5 needs 0.2 (-0.1 to go); 4/5 held at 0.5 (margin 0.2)"
    top = margin(0.912, ACCURACY, True)
    assert top.next is None and top.text("accuracy") == "accuracy 0.912: 5/5 held at 0.89 (margin 0.022)"
    bottom = margin(0.3, ACCURACY, True)
    assert bottom.held is None and bottom.text() == "0.3: 1/5 needs 0.5 (+0.2 to go)"
    exact = margin(0.89, ACCURACY, True)  # a value on a threshold holds it with no margin
    assert exact.score == 5 and exact.held.distance == 0
    nan = margin(float("nan"), ACCURACY, True)
    assert nan.score == 0 and nan.next is None and nan.held is None


def test_the_safety_line_joins_value_interval_and_margin():
    metric = MetricResult("accuracy", 0.912, True, ACCURACY, Interval(0.906, 0.918, 0.95, 1000))
    assert metric.safety_text() == "accuracy 0.912, 95% interval 0.906-0.918: 5/5 held at 0.89 (margin 0.022)"
    assert MetricResult("mae", 0.3, False, MAE).safety_text() == "mae 0.3: 5/5 needs 0.2 (-0.1 to go); 4/5 held at 0.5 (margin 0.2)"


def test_interval_and_advice_cross_the_process_boundary_typed_and_strictly():
    result = Result("c2_mnist", 2, "graded", 5, metric=MetricResult("accuracy", 0.99, True, ACCURACY,
                                                                    Interval(0.98, 0.995, 0.95, 1000)),
                    advice=[Advice("same_answer", "train longer")])
    data = json.loads(json.dumps(result.to_json()))
    assert Result.from_json(data) == result
    old = json.loads(json.dumps(data))
    del old["advice"], old["metric"]["interval"]
    assert Result.from_json(old).metric.interval is None and Result.from_json(old).advice == []
    for bad in ({"low": 0.99, "high": 0.98, "level": 0.95, "resamples": 1000}, {"low": 0.9, "high": 1, "level": 95, "resamples": 1000},
                {"low": 0.9, "high": 1, "level": 0.95, "resamples": 1.5}, {"low": "a", "high": 1, "level": 0.95, "resamples": 9},
                {"low": 0.9, "high": 1, "level": 0.95, "resamples": 9, "extra": 1}, [0.9, 1]):
        with pytest.raises(ValueError):
            Result.from_json(data | {"metric": data["metric"] | {"interval": bad}})
    for bad in ([{"rule": "x"}], [{"rule": "x", "text": ""}], ["text"], "text", [{"rule": 1, "text": "t"}]):
        with pytest.raises(ValueError):
            Result.from_json(data | {"advice": bad})


def test_ledger_lines_carry_them_and_lines_without_them_still_read():
    from exam import attempt, ledger

    result = Result("c1_line", 1, "graded", 4, metric=MetricResult("mae", 0.3, False, MAE, Interval(0.2, 0.41, 0.95, 1000)),
                    advice=[Advice("softmax_for_values", "end with a Dense layer without activation")])
    line = attempt.Attempt(session="s", category=1, submitted_at="2026-01-01T00:00:00+00:00", late=False,
                           result=result, question="c1_line").to_line()
    line = json.loads(json.dumps(line))
    parsed = attempt.parse(line)
    assert parsed.result.metric.interval == result.metric.interval and parsed.result.advice == result.advice
    assert parsed.to_line() == line
    before = {k: v for k, v in line.items() if k != "advice"} | {"metric": {k: v for k, v in line["metric"].items() if k != "interval"}}
    assert ledger.problem(before) is None and attempt.parse(before).result.metric.interval is None
    for damage in ({"advice": "x"}, {"advice": [{"rule": "r"}]}, {"metric": line["metric"] | {"interval": {"low": 1}}}):
        assert ledger.problem(line | damage) is not None, damage


def generic_bootstrap(values, resamples, seed):
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def test_right_wrong_answers_get_the_interval_of_resampling_them():
    """The binomial shortcut is the same distribution as drawing the answers again: the intervals agree."""
    answers = (np.random.default_rng(1).random(2000) < 0.9).astype("float64")
    low, high = interval.percentile_bootstrap(answers, resamples=4000)
    expected = generic_bootstrap(answers, 4000, 2)
    assert abs(low - expected[0]) < 0.004 and abs(high - expected[1]) < 0.004
    assert low < answers.mean() < high


def test_the_interval_is_seeded_narrows_with_more_examples_and_resamples_runs_together():
    errors = np.random.default_rng(3).exponential(1.0, 400)
    first = interval.percentile_bootstrap(errors)
    assert first == interval.percentile_bootstrap(errors) and first[0] < errors.mean() < first[1]
    more = np.random.default_rng(3).exponential(1.0, 20_000)
    wide, narrow = first[1] - first[0], np.subtract(*interval.percentile_bootstrap(more)[::-1])
    assert narrow < wide / 5
    # overlapping windows repeat the same error: resampling runs of them gives the honest, wider interval
    repeated = np.repeat(errors, 24)
    iid, runs = interval.percentile_bootstrap(repeated), interval.percentile_bootstrap(repeated, block=24)
    assert (runs[1] - runs[0]) > 3 * (iid[1] - iid[0])


def test_a_kind_without_per_example_values_is_named_with_what_to_add():
    with pytest.raises(interval.NoPerExample, match=r"graders/text_generation\.py .*Evaluation\.per_example"):
        interval.of(Evaluation(value=0.5), "text_generation")
    with pytest.raises(interval.NoPerExample, match="average 0.5, not its metric 0.7"):
        interval.of(Evaluation(value=0.7, per_example=np.array([0.0, 1.0])), "regression")
    found = interval.of(Evaluation(value=0.5, per_example=np.array([0.0, 1.0] * 50)), "image_classification")
    assert (found.level, found.resamples) == (interval.LEVEL, interval.RESAMPLES) and found.low < 0.5 < found.high
