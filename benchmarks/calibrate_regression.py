"""Measure what a regression question's rubric gives to the reference, the starter as shipped, and trivial baselines.

    python benchmarks/calibrate_regression.py [QUESTION_ID ...]   (default: every regression question)

Prints the tables recorded in hidden_tests/CALIBRATION.md (Category 1). Every model is saved as .h5 and graded
through graders.pipeline.grade, the same path Submit and Test uses.
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

from tfexam import questions  # noqa: E402


def linear(weights=None):
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    if weights is not None:
        model.layers[-1].set_weights([np.array([[weights[0]]]), np.array([weights[1]])])
    return model


def main() -> None:
    chosen = sys.argv[1:] or [q.id for q in questions.all_questions().values() if q.kind == "regression"]
    for question_id in chosen:
        calibrate(questions.get(question_id))


def calibrate(question) -> None:
    settings = question.settings
    mean_y = float(np.mean([settings.slope * x + settings.intercept for x in settings.train_x]))
    rows = []
    for seed in range(5):
        tf.keras.utils.set_random_seed(seed)
        rows.append((f"untrained Dense(1), seed {seed}", linear(), None))
    rows.append(("constant: mean of the training ys", linear((0.0, mean_y)), None))
    rows.append(("starter as shipped (1 epoch)", *train_script(question.starter_path)))
    rows.append(("reference solution", *train_script(question.solution_path)))
    print(f"\n{question.id}\n{'model':40} {'mae':>10} {'score':>6} {'train s':>8}")
    for name, model, seconds, result in graded(rows, question):
        train = "" if seconds is None else f"{seconds:.1f}"
        print(f"{name:40} {result.metric.value:>10.4g} {result.score:>4}/5 {train:>8}")


if __name__ == "__main__":
    main()
