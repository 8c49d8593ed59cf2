"""Measure what a text-generation rubric gives to the reference, the starter and naive predictors.

    python benchmarks/calibrate_text_generation.py [question id] [--quick]

Prints the table recorded in hidden_tests/CALIBRATION.md (Category 4, sonnets): next-word top-1 accuracy on the
training lines (the graded part) and on the held-out lines, with a bootstrap interval over lines, for each model.
The naive predictors are real Keras models built from the word index (no training): the most frequent word, a
bigram table fitted on the training n-grams, a constant (uniform) output and untrained starter-sized models. Every
model is saved as .h5 and graded through graders.pipeline.grade, the path Submit and Test uses. --quick skips the
reference and the starter (the two trained rows).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from calibration import graded, train_script  # noqa: E402

from tfexam import questions, wordindex  # noqa: E402
from graders.text_generation import corpus, naive_predictors  # noqa: E402

L = tf.keras.layers
CONFIDENT = 8.0  # a logit this far above the others makes the chosen word the argmax by far
BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED = 1000, 0


def most_frequent_word(question):
    """Always the most frequent training next word: a constant softmax peaked on it."""
    frequent, _ = _predictors(question)
    model = constant(question)
    kernel, bias = model.layers[-1].get_weights()
    bias[frequent] = CONFIDENT
    model.layers[-1].set_weights([kernel, bias])
    return model


def constant(question):
    """The same (uniform) softmax for every input: its argmax is id 0, the padding id."""
    vocabulary = question.contract.output_shapes[0][0]
    model = tf.keras.Sequential([tf.keras.Input(shape=question.contract.input_shape), L.Embedding(vocabulary, 4),
                                 L.GlobalAveragePooling1D(), L.Dense(vocabulary, activation="softmax")])
    model.layers[-1].set_weights([np.zeros((4, vocabulary), "float32"), np.zeros(vocabulary, "float32")])
    return model


def bigram_table(question):
    """The grader's bigram predictor as a model: an Embedding row per previous word, read at the last position,
    peaked on the word that most often followed it in the training n-grams."""
    _, following = _predictors(question)
    vocabulary = len(following)
    weights = np.zeros((vocabulary, vocabulary), dtype="float32")
    weights[np.arange(vocabulary), following] = CONFIDENT
    steps = question.contract.input_shape[0]
    model = tf.keras.Sequential([tf.keras.Input(shape=question.contract.input_shape), L.Embedding(vocabulary, vocabulary),
                                 L.Cropping1D((steps - 1, 0)), L.Flatten(), L.Activation("softmax")])
    model.layers[0].set_weights([weights])
    return model


def _predictors(question):
    index, length, train, _ = corpus(question)
    return naive_predictors(*wordindex.split_xy(index, train, length), index.total_words)


def untrained(question, seed: int):
    """The starter's layers, freshly initialised."""
    vocabulary = question.contract.output_shapes[0][0]
    tf.keras.utils.set_random_seed(seed)
    return tf.keras.Sequential([tf.keras.Input(shape=question.contract.input_shape), L.Embedding(vocabulary, 16),
                                L.LSTM(20), L.Dense(vocabulary, activation="softmax")])


def naive_models(question) -> list[tuple[str, object]]:
    return [("most frequent word", most_frequent_word(question)), ("bigram table (training n-grams)", bigram_table(question)),
            ("constant (uniform) output", constant(question)),
            *((f"untrained starter layers, seed {s}", untrained(question, s)) for s in range(2))]


def bootstrap_over_lines(model, question, part: str) -> tuple[float, float]:
    """95% interval of the top-1 accuracy when the lines of `part` are resampled (n-grams of a line stay together)."""
    index, length, train, hidden = corpus(question)
    lines = train if part == "training_lines" else hidden
    per_line = [wordindex.split_xy(index, [line], length) for line in lines]
    per_line = [(x, y) for x, y in per_line if len(y)]
    x = np.concatenate([p[0] for p in per_line])
    hits = model.predict(x, batch_size=1024, verbose=0).argmax(axis=1) == np.concatenate([p[1] for p in per_line])
    bounds = np.cumsum([0] + [len(p[1]) for p in per_line])
    right = np.array([hits[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:])])
    count = np.diff(bounds)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.integers(0, len(count), size=(BOOTSTRAP_SAMPLES, len(count)))
    rates = right[draws].sum(axis=1) / count[draws].sum(axis=1)
    return float(np.quantile(rates, 0.025)), float(np.quantile(rates, 0.975))


def main() -> None:
    ids = [a for a in sys.argv[1:] if not a.startswith("--")]
    question = questions.get(ids[0] if ids else "c4_sonnets")
    rows = [(name, model, None) for name, model in naive_models(question)]
    if "--quick" not in sys.argv:
        rows += [("starter as shipped", *train_script(question.starter_path)),
                 ("reference solution", *train_script(question.solution_path))]
    print(f"{'model':36} {'graded top-1':>12} {'95% (lines)':>15} {'score':>6} {'held-out top-1':>14} {'95% (lines)':>15} {'train s':>7}")
    for name, model, seconds, result in graded(rows, question):
        graded_on = question.settings.graded_on
        other = "hidden_lines" if graded_on == "training_lines" else "training_lines"
        low, high = bootstrap_over_lines(model, question, graded_on)
        other_low, other_high = bootstrap_over_lines(model, question, other)
        train = "" if seconds is None else f"{seconds:.1f}"
        print(f"{name:36} {result.metric.value:>12.4f} {low:>7.3f}..{high:.3f} {result.score:>4}/5 "
              f"{result.diagnostics[other]['top1_accuracy']:>14.4f} {other_low:>7.3f}..{other_high:.3f} {train:>7}")
        print(f"{'':36} continues: {result.output.splitlines()[-1]}")


if __name__ == "__main__":
    main()
