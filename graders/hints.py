"""Hints for the mistakes candidates really make: each one a short line added to a refusal or a result.

Kept apart from the graders so that any grader can add one with a single call. Advice is chosen by the question's
kind: a text model never hears about pixel scaling, a forecast never about pictures.
"""

from __future__ import annotations

from tfexam import kinds
from tfexam.result import Advice
from tfexam.questions import format_shape

# A model whose accuracy is within this of always answering the majority class learned (almost) nothing.
NEAR_CHANCE = 0.05


def _preparation(question) -> str:
    """The preparation the grader repeats exactly as the starter does it: the step a training script most often skips."""
    settings = question.settings
    if question.kind == "image_classification":
        return f"check that the training pictures were divided by {settings.pixel_scale:g}, as the grader does"
    if question.kind == "text_classification":
        return ("check that the training texts went through the starter's tokenizer and "
                f"pad_sequences(maxlen={settings.max_length}), as the grader's do")
    return "check the training data"


def same_answer(question, predicted, class_names: list[str]) -> Advice | None:
    """A classifier that gives one answer to every example learned nothing: say so, with advice for its kind."""
    import numpy as np

    answers = np.unique(predicted)
    if len(answers) != 1:
        return None
    return Advice("same_answer", f"the model answers '{class_names[int(answers[0])]}' for every "
                  f"{kinds.registry()[question.kind].example}: it has not learned to tell them apart "
                  f"({_preparation(question)}, train longer, or lower the learning rate)")


# NaN or Inf out of a model fed the grader's own inputs: training diverged. What else to try depends on the kind.
DIVERGED = {
    "image_classification": "lower the learning rate, and scale the training pictures as the starter does",
    "forecasting": "lower the learning rate, and train on the normalised series as the starter does",
}


def diverged(kind: str | None) -> str:
    return f"training diverged ({DIVERGED.get(kind, 'lower the learning rate')})"


def input_shape_fix(got: tuple, need: tuple, kind: str | None = None) -> str:
    """What to change when the model's input (without batch) differs from the declared one, or ''."""
    need = tuple(need)
    if len(got) == len(need) + 1 and got[:-1] == need and got[-1] in (1, None):
        extra = "no channel axis (as the exam did)" if kind == "image_classification" else "no last axis of size 1"
        return (f": the grader feeds {format_shape(need)} arrays with {extra}; start the model "
                f"with tf.keras.Input(shape={format_shape(need)}) and put "
                f"tf.keras.layers.Reshape({format_shape(need + (1,))}) right after it")
    if len(got) == 1 and len(need) > 1 and got[0] == _product(need):
        return (f": the grader feeds {format_shape(need)} arrays, not flattened ones; start the model with "
                f"tf.keras.Input(shape={format_shape(need)}) and put tf.keras.layers.Flatten() right after it")
    if kind == "text_generation":
        return (f": the grader feeds each line's first words as {need[0]} word ids, pre-padded with zeros (all but the "
                f"last id of the longest training line); start the model with tf.keras.Input(shape={format_shape(need)})")
    return f": start the model with tf.keras.Input(shape={format_shape(need)})"


def output_shape_note(kind: str | None) -> str:
    """After a wrong output shape: what the width stands for, where a kind makes it easy to get wrong."""
    if kind == "text_generation":
        return (" with a softmax: one probability per id of the word index built from the training lines only "
                "(total_words = its words + 1 for the padding id; an index of the whole file is larger)")
    return ""


def _product(shape: tuple) -> int:
    total = 1
    for size in shape:
        total *= int(size)
    return total


def frozen_tokenizer(question, accuracy: float, majority: float) -> Advice | None:
    """Text classification near chance: the usual cause is a tokenizer other than the frozen one the grader rebuilds."""
    if accuracy > majority + NEAR_CHANCE:
        return None
    settings, train = question.settings, question.data.train
    fitted = f"the first {train.stop - train.start:,} training texts" if train.stop is not None else "the training texts"
    return Advice("frozen_tokenizer", f"accuracy is close to always answering the majority class: was the model trained on the frozen "
            f"tokenizer? The grader rebuilds Tokenizer(num_words={settings.vocab_size}, oov_token="
            f"'{settings.oov_token}') fitted on {fitted}, then "
            f"pad_sequences(maxlen={settings.max_length}, padding='{settings.padding}', "
            f"truncating='{settings.truncating}'); a different vocabulary size, OOV token, padding or fitting set "
            "gives the model other numbers than it learned")
