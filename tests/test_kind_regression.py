"""Every regression question (Category 1): the scripts' points lie on the declared relation and the hidden inputs are
new; untrained models score at most 1/5 and the training mean 0/5 (CALIBRATION.md); the exact relation scores 5/5.
What every kind shares (shapes refused, the starter, the reference through submit): tests/test_bank.py."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from bank import bank, grade

BANK = bank("regression")


def literal_arrays(path) -> list[list[float]]:
    """The module-level np.array([...]) literals of a starter or solution, in order: inputs, then targets."""
    found = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "attr", "") == "array":
            found.append(ast.literal_eval(node.value.args[0]))
    return found


def relation(question, x):
    return question.settings.slope * np.asarray(x, dtype="float64") + question.settings.intercept


@pytest.mark.parametrize("question", BANK)
def test_scripts_show_points_on_the_declared_relation_and_hidden_inputs_are_new(question):
    hidden = question.settings
    for path in (question.starter_path, question.solution_path):
        xs, ys = literal_arrays(path)[:2]
        assert xs == list(hidden.train_x), path
        np.testing.assert_allclose(ys, relation(question, xs), atol=1e-9)
    assert not set(hidden.x) & set(hidden.train_x)
    assert max(hidden.x) > max(hidden.train_x) and min(hidden.x) < min(hidden.train_x)


def save(tf, tmp_path, name, weights=None):
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    if weights is not None:
        model.layers[-1].set_weights([np.array([[weights[0]]]), np.array([weights[1]])])
    path = tmp_path / f"{name}.h5"
    model.save(path)
    return path


@pytest.mark.parametrize("question", BANK)
def test_trivial_models_score_at_most_1_and_the_exact_relation_5(tf, tmp_path, question):
    for seed in range(5):
        tf.keras.utils.set_random_seed(seed)
        result = grade(save(tf, tmp_path, f"untrained{seed}"), question)
        assert result.status == "graded" and result.score <= 1, (seed, result.output)
    mean_y = float(relation(question, question.settings.train_x).mean())
    constant = grade(save(tf, tmp_path, "constant", (0.0, mean_y)), question)
    assert constant.status == "graded" and constant.score == 0, constant.output
    exact = grade(save(tf, tmp_path, "exact", (question.settings.slope, question.settings.intercept)), question)
    assert exact.score == 5 and exact.metric.value < 1e-4
