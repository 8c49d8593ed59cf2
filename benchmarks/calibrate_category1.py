"""Measure what the Category 1 rubric gives to the reference, the starter as shipped, and trivial baselines.

    python benchmarks/calibrate_category1.py

Prints the table recorded in hidden_tests/CALIBRATION.md (Category 1). Every model is saved as .h5 and graded
through graders.core.grade, the same path Submit and Test uses.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from calibration import graded, train_script  # noqa: E402
from exam import questions  # noqa: E402

QUESTION = questions.get("c1_line")


def linear(weights=None):
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    if weights is not None:
        model.layers[-1].set_weights([np.array([[weights[0]]]), np.array([weights[1]])])
    return model


def main() -> None:
    hidden = QUESTION.hidden
    mean_y = float(np.mean([hidden["slope"] * x + hidden["intercept"] for x in hidden["train_x"]]))
    rows = []
    for seed in range(5):
        tf.keras.utils.set_random_seed(seed)
        rows.append((f"untrained Dense(1), seed {seed}", linear(), None))
    rows.append(("constant: mean of the training ys", linear((0.0, mean_y)), None))
    rows.append(("starter as shipped (1 epoch)", *train_script(QUESTION.starter_path)))
    rows.append(("reference solution", *train_script(QUESTION.solution_path)))
    print(f"{'model':40} {'mae':>10} {'score':>6} {'train s':>8}")
    for name, model, seconds, result in graded(rows, QUESTION):
        train = "" if seconds is None else f"{seconds:.1f}"
        print(f"{name:40} {result.metric.value:>10.4g} {result.score:>4}/5 {train:>8}")


if __name__ == "__main__":
    main()
