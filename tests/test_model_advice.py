"""Advice from the stored model: each output/loss rule fires on a tiny model made to show it, under Keras 3 (.h5 and
.keras) and tf-keras (.h5), and stays silent on models built the way the references are; the grader's result
carries it typed, once, and the terminal shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from advice_models import CASES
from clirun import REPO_ROOT

from tfexam import model_advice, modelfile, questions

CLASSES = {"image_classification": 10, "text_classification": 2, "regression": 0, "forecasting": 0}


@pytest.fixture(scope="module")
def models(tf, tmp_path_factory) -> dict[int, Path]:
    """Keras 3 files written in this process while a tf-keras process writes the Keras 2 ones."""
    import advice_models

    root = tmp_path_factory.mktemp("advice models")
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    keras2 = subprocess.Popen([sys.executable, str(REPO_ROOT / "tests" / "advice_models.py"), str(root / "keras2")],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    advice_models.write(tf, root / "keras3", keras3=True)
    _, errors = keras2.communicate(timeout=300)
    assert keras2.returncode == 0, errors[-2000:]
    return {3: root / "keras3", 2: root / "keras2"}


def rules_for(path: Path, case: str) -> set[str]:
    kind, units, *_ = CASES[case]
    config, extra = modelfile.descriptions(path, "keras" if path.suffix == ".keras" else "h5")
    advice = model_advice.advise(config, model_advice.compile_settings(config, extra), kind, CLASSES[kind], units)
    assert all(a.text and a.rule for a in advice)
    return {a.rule for a in advice}


@pytest.mark.parametrize("case", CASES)
def test_each_rule_fires_on_the_model_made_to_show_it_and_on_no_other(models, case):
    expected = CASES[case][-1]
    for path in (models[3] / f"{case}.h5", models[3] / f"{case}.keras", models[2] / f"{case}.h5"):
        assert rules_for(path, case) == expected, path


def test_a_kind_without_a_task_gets_no_model_advice():
    config = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 1, "activation": "softmax"}}]}}
    assert model_advice.advise(config, {"loss": "mse"}, "no_such_kind", 0, 1) == []
    assert model_advice.advise(config, {"loss": "mse"}, "regression", 0, 1)  # the same model under a task: advice


def test_an_unfollowable_or_hostile_description_gives_no_advice_and_no_error():
    for config in ({}, {"class_name": "Functional", "config": {"layers": "x", "output_layers": [[1, 2]]}},
                   {"class_name": "Functional", "config": {"layers": [{"class_name": "Reshape", "config": {"name": "a"},
                                                                       "inbound_nodes": [[["a", 0, 0, {}]]]}],
                                                           "output_layers": [["a", 0, 0]]}}):
        assert model_advice.output_activation(config) is None
    assert model_advice.stored_loss({"loss": ["mse", 3]}) == (None, None)


def test_the_graded_result_carries_the_advice_once_and_the_output_shows_it(tf, tmp_path):
    from bank import grade

    layers = tf.keras.layers
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), layers.Dense(1, activation="softmax")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.save(tmp_path / "softmax line.h5")
    result = grade(tmp_path / "softmax line.h5", questions.get("c1_line"))
    assert result.graded
    assert [a.rule for a in result.advice] == ["softmax_for_values", "classification_loss_for_values"]
    assert [line for line in result.output.splitlines() if line.startswith("advice: ")] == [
        f"advice: {a.text}" for a in result.advice]
