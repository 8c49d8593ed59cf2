"""Measure what the Category 3 rubric gives to the reference, the starter, trivial answers and simple models.

    python benchmarks/calibrate_horses_or_humans.py [--quick] [--seeds N]

Prints the table recorded in hidden_tests/CALIBRATION.md (Category 3). Every model is saved as .h5 and graded
through graders.pipeline.grade, the same path Submit and Test uses. The comparison models (a linear model on the
pixels, the classic four-block CNN without augmentation) are graded after every epoch, because on these 256
validation pictures their accuracy swings from one epoch to the next; --quick skips them. --seeds N also trains
the reference with N seeds (default 1: only its own seed).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tfexam import questions  # noqa: E402
from tfexam.data import training_data  # noqa: E402
from graders.pipeline import grade  # noqa: E402

QUESTION = questions.get("c3_horses_or_humans")
SHAPE = QUESTION.settings.image_size + (3,)
L = tf.keras.layers
FOLDER = tempfile.mkdtemp(prefix="calibrate3-")


def score(model) -> tuple[float, int]:
    path = Path(FOLDER) / "model.h5"
    model.save(path)
    result = grade(path, QUESTION)
    return result.metric.value, result.score


def conv_blocks(seed: int, augment: bool = False):
    tf.keras.utils.set_random_seed(seed)
    layers = [tf.keras.Input(shape=SHAPE)]
    for filters in (16, 32, 64, 64):
        layers += [L.Conv2D(filters, 3, activation="relu"), L.MaxPooling2D()]
    return tf.keras.Sequential([*layers, L.Flatten(), L.Dense(512, activation="relu"), L.Dense(1, activation="sigmoid")])


def constant(bias: float):
    model = tf.keras.Sequential([tf.keras.Input(shape=SHAPE), L.Flatten(), L.Dense(1, activation="sigmoid")])
    model.layers[-1].set_weights([np.zeros((int(np.prod(SHAPE)), 1)), np.array([bias])])
    return model


def training_pictures():
    return runpy.run_path(str(QUESTION.starter_path))["load_pictures"](training_data(QUESTION.id)).cache()


def per_epoch(name: str, model, epochs: int, learning_rate: float) -> list[tuple]:
    """One row per epoch: (name after e epochs, accuracy, score, seconds of training so far)."""
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    data, rows, spent = training_pictures(), [], 0.0
    for epoch in range(1, epochs + 1):
        started = time.monotonic()
        model.fit(data, epochs=1, shuffle=False, verbose=0)
        spent += time.monotonic() - started
        rows.append((f"{name}, epoch {epoch}", *score(model), spent))
    return rows


def script(path: Path, seed: int | None = None):
    namespace = runpy.run_path(str(path))
    run = namespace["solution_model"]
    if seed is not None:  # the reference seeds itself with its SEED constant; replace it for a seed study
        run.__globals__["SEED"] = seed
    tf.keras.utils.set_random_seed(0)  # fixes the starter, which sets no seed
    started = time.monotonic()
    model = run()
    seconds = time.monotonic() - started
    return (*score(model), seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    print(f"{'model':62} {'accuracy':>8} {'score':>6} {'train s':>7}", flush=True)

    def show(name, accuracy, points, seconds=None):
        shown = "-" if seconds is None else f"{seconds:.1f}"
        print(f"{name:62} {accuracy:8.4f} {points:>4}/5 {shown:>7}", flush=True)

    for seed in range(3):
        show(f"untrained four-block CNN, seed {seed}", *score(conv_blocks(seed)))
    show("always 'horses' (majority: the classes are 128 + 128)", *score(constant(-8.0)))
    show("always 'humans'", *score(constant(8.0)))
    tf.keras.utils.set_random_seed(0)
    colour = tf.keras.Sequential([tf.keras.Input(shape=SHAPE), L.GlobalAveragePooling2D(), L.Dense(1, activation="sigmoid")])
    for row in per_epoch("mean colour only: GlobalAveragePooling2D + Dense(1)", colour, 10, 0.05)[-1:]:
        show(*row)
    show("starter as shipped (1 epoch)", *script(QUESTION.starter_path))
    if not args.quick:
        tf.keras.utils.set_random_seed(0)
        linear = tf.keras.Sequential([tf.keras.Input(shape=SHAPE), L.Flatten(), L.Dense(1, activation="sigmoid")])
        for row in per_epoch("linear on the pixels: Flatten + Dense(1), Adam 1e-4", linear, 15, 1e-4):
            show(*row)
        for seed in range(2):
            for row in per_epoch(f"four-block CNN, no augmentation, seed {seed}", conv_blocks(seed), 8, 1e-3):
                show(*row)
    show("reference solution", *script(QUESTION.solution_path))
    for seed in range(1, args.seeds):
        show(f"reference solution with seed {seed}", *script(QUESTION.solution_path, seed))


if __name__ == "__main__":
    main()
