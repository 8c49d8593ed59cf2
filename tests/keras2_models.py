"""Build the Keras 2 corpus for real: run as `python tests/keras2_models.py FOLDER` with TF_USE_LEGACY_KERAS=1.

Each model is written by tf-keras exactly as a course-era script would (`model.save('x.h5')`), next to
`predictions.npz`: for every model, a probe input and what tf-keras itself predicts for it. The grader has to load
each file and predict the same numbers. The Lambda model writes a marker whenever its code runs; the marker is
deleted after saving, so its existence after grading means the grader ran the file's code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

assert os.environ.get("TF_USE_LEGACY_KERAS") == "1", "run with TF_USE_LEGACY_KERAS=1: this corpus is Keras 2"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

layers = tf.keras.layers


def line():
    """Category 1 as the course wrote it: no Input layer, input_shape on the first layer, trained to the line."""
    model = tf.keras.Sequential([layers.Dense(units=1, input_shape=[1])])
    model.layers[0].set_weights([np.array([[3.0]]), np.array([2.0])])  # y = 3x + 2: hidden_tests/c1_line.toml
    return model, np.linspace(-5, 5, 11, dtype="float32").reshape(-1, 1)


def fashion_dense():
    model = tf.keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(32, activation="relu"),
                                 layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    return model, pictures((4, 28, 28))


def fashion_cnn():
    model = tf.keras.Sequential([
        layers.Reshape((28, 28, 1), input_shape=(28, 28)),
        layers.Conv2D(8, 3, activation="relu"), layers.BatchNormalization(), layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, activation="relu"), layers.GlobalMaxPooling2D(),
        layers.Dense(10, activation="softmax"),
    ])
    # moving statistics other than 0/1, so that inference-mode batch normalisation really changes the numbers
    bn = model.layers[2]
    bn.set_weights([w + np.random.default_rng(1).uniform(0.2, 0.8, w.shape).astype("float32") for w in bn.get_weights()])
    return model, pictures((4, 28, 28))


def augmented_cnn():
    """Category 3 as the course taught it: preprocessing and augmentation layers inside the model."""
    model = tf.keras.Sequential([
        layers.Rescaling(1.0 / 255, input_shape=(150, 150, 3)),
        layers.RandomFlip("horizontal"), layers.RandomRotation(0.2), layers.RandomZoom(0.2),
        layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, activation="relu"), layers.GlobalAveragePooling2D(),
        layers.Dense(1, activation="sigmoid"),
    ])
    return model, pictures((2, 150, 150, 3)) * 255


def mobilenet_transfer():
    """A functional transfer model on MobileNet (weights=None: no download; small alpha keeps the file small)."""
    base = tf.keras.applications.MobileNet(input_shape=(150, 150, 3), alpha=0.25, include_top=False, weights=None)
    base.trainable = False
    inputs = tf.keras.Input(shape=(150, 150, 3))
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs), pictures((2, 150, 150, 3))


def sarcasm_lstm():
    model = tf.keras.Sequential([
        layers.Embedding(1000, 16, input_length=120),
        layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
        layers.GlobalMaxPooling1D(),
        layers.Dense(8, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    return model, tokens((4, 120))


def sarcasm_gru_functional():
    inputs = tf.keras.Input(shape=(120,))
    x = layers.Embedding(1000, 16)(inputs)
    x = layers.Conv1D(16, 5, activation="relu")(x)
    x = layers.Bidirectional(layers.GRU(8))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs), tokens((4, 120))


def sarcasm_pooled():
    model = tf.keras.Sequential([
        layers.Embedding(1000, 16, input_length=120),
        layers.GlobalAveragePooling1D(),
        layers.Dense(24, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    return model, tokens((4, 120))


def sunspots_lstm():
    """The exam's time-series starter: 'the input shape will be [None, 1]'; causal Conv1D, LSTMs, a Dense head."""
    model = tf.keras.Sequential([
        layers.Conv1D(16, 5, padding="causal", activation="relu", input_shape=[None, 1]),
        layers.LSTM(16, return_sequences=True),
        layers.LSTM(16),
        layers.Dense(8, activation="relu"),
        layers.Dense(1),
    ])
    return model, series((4, 30, 1))


def sunspots_seq2seq():
    """Sequence to sequence: an output per time step, (None, None, 1); the grader reads the last step."""
    model = tf.keras.Sequential([
        layers.SimpleRNN(16, return_sequences=True, input_shape=[None, 1]),
        layers.GRU(8, return_sequences=True),
        layers.Dense(1),
    ])
    return model, series((4, 30, 1))


def lambda_planted(marker: Path):
    code = eval(f"lambda x: (open({str(marker)!r}, 'w').write('the lambda ran'), x)[1]")  # no closure: marshal-able
    model = tf.keras.Sequential([layers.Dense(1, input_shape=[1]), layers.Lambda(code)])
    return model, np.zeros((2, 1), dtype="float32")


def pictures(shape):
    return np.random.default_rng(2).uniform(0, 1, shape).astype("float32")


def tokens(shape):
    return np.random.default_rng(3).integers(0, 1000, shape).astype("float32")


def series(shape):
    return np.random.default_rng(4).uniform(0, 1, shape).astype("float32")


# name -> (builder, category it is graded in)
MODELS = {
    "line": (line, 1),
    "fashion_dense": (fashion_dense, 2),
    "fashion_cnn": (fashion_cnn, 2),
    "augmented_cnn": (augmented_cnn, 3),
    "mobilenet_transfer": (mobilenet_transfer, 3),
    "sarcasm_lstm": (sarcasm_lstm, 4),
    "sarcasm_gru_functional": (sarcasm_gru_functional, 4),
    "sarcasm_pooled": (sarcasm_pooled, 4),
    "sunspots_lstm": (sunspots_lstm, 5),
    "sunspots_seq2seq": (sunspots_seq2seq, 5),
}


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tf.keras.utils.set_random_seed(0)
    probes, index = {}, {}
    for name, (build, category) in MODELS.items():
        model, x = build()
        model.save(folder / f"{name}.h5")
        probes[f"{name}_x"], probes[f"{name}_y"] = x, model.predict(x, verbose=0)
        index[name] = {"category": category, "layers": sorted({type(layer).__name__ for layer in _walk(model)})}
    marker = folder / "lambda-ran"
    model, _ = lambda_planted(marker)
    model(np.zeros((1, 1), dtype="float32"))
    model.save(folder / "lambda.h5")
    marker.unlink(missing_ok=True)
    np.savez(folder / "predictions.npz", **probes)
    (folder / "index.json").write_text(json.dumps({"keras": tf.keras.__name__, "models": index}, indent=1))


def _walk(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layer"):  # Bidirectional
            yield layer.layer
        if isinstance(layer, tf.keras.Model):
            yield from _walk(layer)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
