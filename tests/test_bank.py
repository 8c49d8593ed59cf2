"""Every question of the bank, whatever its kind: the hidden split is declared disjoint from the training data, a
model built for another input shape is refused with the shape the question needs, the starter runs as shipped and
scores no more than a naive answer, and the reference solution scores 5/5 through the real submit, with no advice.
Each model trains once per run (the `trained` fixture); the per-kind checks are in tests/test_kind_<kind>.py."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from bank import bank, calibrated_starter_scores, grade
from clirun import submit_model

from tfexam import questions
from tfexam.questions import format_shape
from exam import advice, runs

BANK = bank()
STARTER_SCORES = calibrated_starter_scores()
# A starter trains for one epoch from a random start, so its score varies from run to run (c3_horses_or_humans':
# 0/5 in CALIBRATION.md, 3/5 in a test run): the test holds it to what a naive answer can reach, persistence's 3/5.
NAIVE_CEILING = 3


def test_kind_tests_cover_every_kind_and_calibration_every_question():
    kinds = {q.kind for q in questions.all_questions().values()}
    assert all((Path(__file__).parent / f"test_kind_{kind}.py").is_file() for kind in kinds)
    assert set(STARTER_SCORES) == set(questions.all_questions()), "CALIBRATION.md: a `starter as shipped` row per question"


# A regression question's points are in its declaration (tests/test_kind_regression.py checks they are new).
@pytest.mark.parametrize("question", bank(where=lambda q: q.data is not None))
def test_the_hidden_split_is_declared_disjoint_from_the_training_data(question):
    assert question.data.train.disjoint(question.data.hidden)
    assert not question.data.hidden.disjoint(question.data.hidden), "disjoint() must be able to say no"


def other_input_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (*shape[:-1], shape[-1] + 1)


@pytest.mark.parametrize("question", BANK)
def test_a_model_built_for_another_input_shape_is_refused_with_the_shape_it_needs(tf, tmp_path, question):
    wrong = other_input_shape(question.contract.input_shape)
    output = question.contract.output_shapes[0]
    model = tf.keras.Sequential([tf.keras.Input(shape=wrong), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(math.prod(output)), tf.keras.layers.Reshape(output)])
    model.save(tmp_path / "other_shape.h5")
    result = grade(tmp_path / "other_shape.h5", question)
    assert result.status == "refused", result.output
    assert f"input shape is (None, {', '.join(map(str, wrong))}); this question needs " \
           f"{format_shape(question.contract.input_shape)}" in result.reason


@pytest.mark.slow
@pytest.mark.parametrize("question", BANK)
def test_the_starter_runs_as_shipped_and_scores_no_more_than_a_naive_answer(tmp_path, trained, question):
    code, payload = submit_model(tmp_path, question.id, trained.starter(question.id).model)
    assert code == 0 and payload["result"]["status"] == "graded", payload["result"]["output"]
    assert payload["result"]["score"] <= NAIVE_CEILING, payload["result"]["output"]
    assert payload["record"]["question"] == question.id


@pytest.mark.slow
@pytest.mark.parametrize("question", BANK)
def test_the_reference_scores_5_through_solve_and_submit_with_no_advice(trained, question):
    """`solve` trains the reference (its run recorded), `submit` in a fresh session matches that run: 5/5, and neither
    the model's advice nor the curves' advice (the report's Training section) has anything to say."""
    graded = trained.graded_reference(question.id)
    code, payload = graded.code, graded.payload
    result = payload["result"]
    assert code == 0 and result["score"] == 5, result["output"]
    assert payload["record"]["question"] == question.id and payload["record"]["score"] == 5
    if question.public_target:  # a public simulation's target for the same data is shown beside ours
        assert f"({question.public_target.beside(result['metric']['value'])})" in result["output"].splitlines()[0]
    assert result["advice"] == [], "a reference solution gets no advice"
    interval = result["metric"]["interval"]
    assert interval["low"] <= result["metric"]["value"] <= interval["high"] and interval["resamples"] == 1000
    assert payload["record"]["run"] == 1, "submit names the run that saved the file"
    assert 'class="trained-by">Trained by run 1, ' in graded.report and "data-rule" not in graded.report, \
        "the curves of a reference's run get no advice"
    (run,), _ = runs.load_all(graded.workspace)
    below_full_marks = dataclasses.replace(advice.target_of(question), score=0)
    # what the curves alone would say at a lower grade: reported, not asserted (a reference may stop still improving)
    print(f"\n{question.id}: {run.describe()}; at 0/5 the rules would say "
          f"{[a.rule for a in advice.advise(run.main_fit, below_full_marks)]}")
