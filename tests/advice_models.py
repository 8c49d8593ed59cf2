"""Tiny compiled models made to show each output/loss rule of tfexam/model_advice.py, and models that must get none.

write() saves <case>.h5 (and <case>.keras under Keras 3) for every case; `python tests/advice_models.py FOLDER` with
TF_USE_LEGACY_KERAS=1 does it with tf-keras. The test reads their stored descriptions back as the grader does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# case: (kind, output units, output activation, loss, from_logits, a trailing pass-through layer, rules expected)
CASES = {
    "softmax_one_unit": ("text_classification", 1, "softmax", "binary_crossentropy", None, False, {"softmax_one_unit"}),
    "sigmoid_ten": ("image_classification", 10, "sigmoid", "sparse_categorical_crossentropy", None, False,
                    {"sigmoid_many_classes"}),
    "linear_binary": ("text_classification", 1, None, "binary_crossentropy", True, False, {"linear_binary_output"}),
    "mse_for_classes": ("image_classification", 10, "softmax", "mse", None, False, {"regression_loss_for_classes"}),
    "binary_loss_ten": ("image_classification", 10, "softmax", "binary_crossentropy", None, False,
                        {"binary_loss_for_classes"}),
    "logits_twice": ("image_classification", 10, "softmax", "sparse_categorical_crossentropy", True, False,
                     {"from_logits_mismatch"}),
    "logits_unread": ("image_classification", 10, None, "sparse_categorical_crossentropy", False, False,
                      {"from_logits_mismatch"}),
    "softmax_values": ("regression", 1, "softmax", "mse", None, False, {"softmax_for_values"}),
    "crossentropy_values": ("forecasting", 1, None, "binary_crossentropy", None, True, {"classification_loss_for_values"}),
    # what the references and the exam's courses do: no advice
    "softmax_ten": ("image_classification", 10, "softmax", "sparse_categorical_crossentropy", None, False, set()),
    "logits_ten": ("image_classification", 10, None, "sparse_categorical_crossentropy", True, False, set()),
    "sigmoid_one": ("text_classification", 1, "sigmoid", "binary_crossentropy", None, False, set()),
    "linear_mae": ("forecasting", 1, None, "mae", None, True, set()),
    "uncompiled_softmax_ten": ("image_classification", 10, "softmax", None, None, False, set()),
}


def build(tf, units, activation, loss, from_logits, reshaped, functional: bool):
    layers = tf.keras.layers
    inputs = tf.keras.Input(shape=(4,))
    hidden = layers.Dense(3, activation="relu")(inputs)
    output = layers.Dense(units, activation=activation)(hidden)
    if reshaped:
        output = layers.Reshape((units,))(layers.Dropout(0.1)(output))
    if functional:
        model = tf.keras.Model(inputs, output)
    else:
        model = tf.keras.Sequential([inputs, layers.Dense(3, activation="relu"), layers.Dense(units, activation=activation)]
                                    + ([layers.Dropout(0.1), layers.Reshape((units,))] if reshaped else []))
    if loss is not None:
        if from_logits is None:
            model.compile(optimizer="adam", loss=loss)
        else:
            named = {"binary_crossentropy": tf.keras.losses.BinaryCrossentropy,
                     "sparse_categorical_crossentropy": tf.keras.losses.SparseCategoricalCrossentropy}[loss]
            model.compile(optimizer="adam", loss=named(from_logits=from_logits))
    return model


def write(tf, folder: Path, keras3: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, (case, (_, units, activation, loss, logits, reshaped, _)) in enumerate(CASES.items()):
        functional = number % 2 == 1  # half the cases as functional models: the output is found by its inbound node
        model = build(tf, units, activation, loss, logits, reshaped, functional)
        model.save(folder / f"{case}.h5")
        if keras3:
            model.save(folder / f"{case}.keras")


if __name__ == "__main__":
    import tensorflow

    write(tensorflow, Path(sys.argv[1]), keras3=os.environ.get("TF_USE_LEGACY_KERAS") != "1")
