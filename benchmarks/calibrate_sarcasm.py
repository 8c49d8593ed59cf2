"""Measure what the Category 4 rubric gives to the reference, the starter, trivial answers and the classic model.

    python benchmarks/calibrate_sarcasm.py [--quick]

Prints the table recorded in hidden_tests/CALIBRATION.md (Category 4) and the sampling noise of accuracy on the
hidden headlines. Every model is saved as .h5 and graded through graders.pipeline.grade, the same path Submit and
Test uses. --quick skips the average-embedding comparison model (reference and starter are always trained).
"""

from __future__ import annotations

import os
import runpy
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

QUESTION = questions.get("c4_sarcasm")
L = tf.keras.layers


def average_embedding(hidden_units: int = 0):
    layers = [tf.keras.Input(shape=(QUESTION.settings.max_length,)), L.Embedding(QUESTION.settings.vocab_size, 16),
              L.GlobalAveragePooling1D()]
    if hidden_units:
        layers.append(L.Dense(hidden_units, activation="relu"))
    return tf.keras.Sequential([*layers, L.Dense(1, activation="sigmoid")])


def constant(bias: float):
    model = average_embedding()
    model.layers[-1].set_weights([np.zeros((16, 1)), np.array([bias])])
    return model


def classic(epochs: int):
    """The average-of-embeddings model most course notebooks use for this data set."""
    starter = runpy.run_path(str(QUESTION.starter_path))
    sentences, labels = training_data(QUESTION.id)
    padded = starter["to_padded"](starter["fit_tokenizer"](sentences), sentences)
    tf.keras.utils.set_random_seed(42)
    model = average_embedding(24)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    started = time.monotonic()
    model.fit(padded, np.asarray(labels), epochs=epochs, batch_size=128, verbose=0)
    return model, time.monotonic() - started


def main() -> None:
    rows = []
    for seed in range(3):
        tf.keras.utils.set_random_seed(seed)
        rows.append((f"untrained average-embedding model, seed {seed}", average_embedding(), None))
    rows += [("constant 0.5 (counts as 'plain')", constant(0.0), None),
             ("majority class: always 'plain'", constant(-8.0), None),
             ("always 'sarcastic'", constant(8.0), None),
             ("starter as shipped (1 epoch)", *train_script(QUESTION.starter_path)),
             ("reference solution", *train_script(QUESTION.solution_path))]
    if "--quick" not in sys.argv:
        rows += [(f"average-embedding + Dense(24), {e} epochs", *classic(e)) for e in (10, 30)]
    print(f"{'model':48} {'accuracy':>8} {'score':>6} {'train s':>7}")
    for name, model, seconds, result in graded(rows, QUESTION):
        train = "" if seconds is None else f"{seconds:.1f}"
        print(f"{name:48} {result.metric.value:>8.4f} {result.score:>4}/5 {train:>7}")
        n = result.diagnostics["hidden_examples"]
    p = 0.8
    print(f"\nNoise: {n} hidden headlines, so an accuracy near {p} has a standard error of {np.sqrt(p * (1 - p) / n):.4f}")


if __name__ == "__main__":
    main()
