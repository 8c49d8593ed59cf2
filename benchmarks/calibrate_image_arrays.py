"""Measure what a (28, 28)-picture question's rubric gives to the reference, the starter, trivial answers and
simple models (Category 2: every image_classification question whose data are IDX arrays).

    python benchmarks/calibrate_image_arrays.py [--quick] [QUESTION_ID ...]

Prints the tables recorded in hidden_tests/CALIBRATION.md (Category 2). Every model is saved as .h5 and graded
through graders.pipeline.grade, the same path Submit and Test uses. --quick skips the 25-epoch linear model and the
Dense(128) comparison model.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from calibration import graded, train_script  # noqa: E402

from tfexam import questions  # noqa: E402
from tfexam.data import training_data  # noqa: E402
from graders.images import scale_pixels  # noqa: E402

L = tf.keras.layers


def dense(hidden_units: int = 0):
    layers = [tf.keras.Input(shape=(28, 28)), L.Flatten()]
    if hidden_units:
        layers.append(L.Dense(hidden_units, activation="relu"))
    return tf.keras.Sequential([*layers, L.Dense(10, activation="softmax")])


def always(answer: int):
    model = dense()
    bias = np.zeros(10, dtype="float32")
    bias[answer] = 5.0
    model.layers[-1].set_weights([np.zeros((784, 10), dtype="float32"), bias])
    return model


def untrained_cnn(seed: int):
    tf.keras.utils.set_random_seed(seed)
    return tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)), L.Reshape((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
        L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax"),
    ])


def fitted(question, hidden_units: int, epochs: int):
    images, labels = training_data(question.id)
    tf.keras.utils.set_random_seed(0)
    model = dense(hidden_units)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    started = time.monotonic()
    model.fit(scale_pixels(images, question.settings.pixel_scale), labels, epochs=epochs, batch_size=64, verbose=0)
    return model, time.monotonic() - started


def main() -> None:
    chosen = [a for a in sys.argv[1:] if not a.startswith("--")] or [
        q.id for q in questions.all_questions().values() if q.kind == "image_classification" and q.data.format == "idx"]
    for question_id in chosen:
        calibrate(questions.get(question_id))


def calibrate(question) -> None:
    rows = [(f"untrained small CNN, seed {s}", untrained_cnn(s), None) for s in range(3)]
    rows += [("always class 0 (the majority answer)", always(0), None),
             ("starter as shipped (1 epoch of Flatten + Dense(10))", *train_script(question.starter_path)),
             ("linear: Flatten + Dense(10), 10 epochs", *fitted(question, 0, 10))]
    if "--quick" not in sys.argv:
        rows += [("linear: Flatten + Dense(10), 25 epochs", *fitted(question, 0, 25)),
                 ("Flatten + Dense(128) + Dense(10), 10 epochs", *fitted(question, 128, 10))]
    rows.append(("reference solution", *train_script(question.solution_path)))
    print(f"\n{question.id}\n{'model':55} {'accuracy':>8} {'score':>6} {'train s':>7}")
    for name, model, seconds, result in graded(rows, question):
        shown = "-" if seconds is None else f"{seconds:.1f}"
        print(f"{name:55} {result.metric.value:8.4f} {result.score:>4}/5 {shown:>7}", flush=True)


if __name__ == "__main__":
    main()
