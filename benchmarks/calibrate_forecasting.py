"""Measure what a univariate forecasting question's rubric gives to the reference, the starter, the baselines,
and other simple models.

    python benchmarks/calibrate_forecasting.py [--quick] [QUESTION_ID]   (default: c5_sunspots)

Prints the table recorded in hidden_tests/CALIBRATION.md (Category 5), with the retired exam's published formula
min(5, ceil(17 - 100 * MAE)) beside our score, then the noise of the hidden months: the bootstrap spread of
(model MAE - persistence MAE) on the same resampled months, for independent months and for 12-month blocks.
Every model is saved as .h5 and graded through graders.pipeline.grade, the same path Submit and Test uses.
--quick skips the three trained comparison models (reference and starter are always trained).
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
from tfexam.data.hidden import hidden_data  # noqa: E402
from graders import series as ts  # noqa: E402
from graders.pipeline import predict  # noqa: E402

QUESTION = questions.get(next((a for a in sys.argv[1:] if not a.startswith("--")), "c5_sunspots"))
WINDOW, SPLIT = QUESTION.settings.window, QUESTION.data.train.stop
L = tf.keras.layers


def window_weights(kernel, bias=0.0):
    """Flatten -> Dense(1) with fixed weights: an exact persistence, moving-average or constant forecaster."""
    model = tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), L.Flatten(), L.Dense(1)])
    model.layers[-1].set_weights([np.asarray(kernel, "float32").reshape(WINDOW, 1), np.array([bias], "float32")])
    return model


def last(k):
    kernel = np.zeros(WINDOW)
    kernel[-k:] = 1.0 / k
    return kernel


def conv_lstm():
    return [L.Conv1D(32, 5, padding="causal", activation="relu"), L.LSTM(32), L.Dense(16, activation="relu"), L.Dense(1)]


def fit(layers, learning_rate, epochs=40, seed=7):
    reference = runpy.run_path(str(QUESTION.solution_path))
    train_set = reference["windowed_dataset"](reference["normalise"](training_data(QUESTION.id)))
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), *layers])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mae")
    started = time.monotonic()
    model.fit(train_set, epochs=epochs, verbose=0)
    return model, time.monotonic() - started


def block_bootstrap_sd(difference: np.ndarray, block: int, samples: int = 4000, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    n = len(difference)
    starts = rng.integers(0, n - block + 1, size=(samples, -(-n // block)))
    index = (starts[..., None] + np.arange(block)).reshape(samples, -1)[:, :n]
    return float(difference[index].mean(axis=1).std())


def main() -> None:
    quick = "--quick" in sys.argv
    series = ts.normalise(hidden_data(QUESTION, start=0), QUESTION.settings.normalise)
    mean = float(series[:SPLIT].mean())
    rows = [("training mean (constant)", window_weights(np.zeros(WINDOW), mean), None),
            ("constant 0", window_weights(np.zeros(WINDOW), 0.0), None)]
    for seed in range(3):
        tf.keras.utils.set_random_seed(seed)
        rows.append((f"untrained Conv1D+LSTM, seed {seed}", tf.keras.Sequential([tf.keras.Input(shape=(WINDOW, 1)), *conv_lstm()]), None))
    rows.append(("naive persistence (last value)", window_weights(last(1)), None))
    for k in (2, 3, 4, 6, 12):
        rows.append((f"moving average of the last {k}", window_weights(last(k)), None))
    rows.append(("starter as shipped (1 epoch)", *train_script(QUESTION.starter_path)))
    rows.append(("reference solution", *train_script(QUESTION.solution_path)))
    if not quick:
        rows.append(("same network, constant lr 1e-3, 40 epochs", *fit(conv_lstm(), 1e-3)))
        rows.append(("linear autoregression, cosine lr, 40 epochs",
                     *fit([L.Flatten(), L.Dense(1)], tf.keras.optimizers.schedules.CosineDecay(3e-3, 40 * -(-(SPLIT - WINDOW) // 32)))))

    targets = range(SPLIT, len(series))
    inputs, actual = ts.windows(series, targets, WINDOW), series[SPLIT:]
    persistence_errors = np.abs(series[SPLIT - 1 : -1] - actual)
    print(f"{'model':46} {'MAE':>7} {'x pers.':>7} {'95% CI of MAE - persistence':>28} {'ours':>5} {'retired':>7} {'train s':>7}")
    noise = []
    for name, model, seconds, result in graded(rows, QUESTION):
        d = result.diagnostics
        low, high = d["difference_to_persistence_ci95"]
        train = "" if seconds is None else f"{seconds:.1f}"
        print(f"{name:46} {result.metric.value:>7.4f} {d['ratio_to_persistence']:>7.3f} {low:>+13.4f} .. {high:>+8.4f}   "
              f"{result.score:>2}/5 {ts.retired_exam_score(result.metric.value):>5}/5 {train:>7}")
        if seconds is not None and name != "starter as shipped (1 epoch)":
            forecast = predict(model, inputs)[:, 0]
            noise.append((name, np.abs(forecast - actual) - persistence_errors))
    print("\nNoise of the hidden steps: standard deviation of mean(model error - persistence error) over resamples")
    for name, difference in noise:
        spreads = ", ".join(f"blocks of {b}: {block_bootstrap_sd(difference, b):.5f}" for b in (1, 6, 12, 24))
        print(f"  {name}: {spreads}")


if __name__ == "__main__":
    main()
