"""Text classification's slips: the tokenizer fitted on every text (training and held-out), another vocabulary size,
no OOV token, 'pre' padding or truncating. Each rebuilds the tokenizer with graders/text.py, one choice changed.

Not re-scored: another OOV token string (Keras' Tokenizer gives any OOV token id 1, so the ids are the same), and
another maximum length (the contract already refuses a model whose input length is not the declared one)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfexam.questions import Question
from graders import images, text
from graders.slips import Feed, Slip

SAMPLE = 1000
VOCABULARY_SIZES = (1000, 10000)  # the sizes the exam's courses used
noun = "held-out texts"


@dataclass(frozen=True)
class Sample:
    question: Question
    sentences: list[str]
    labels: np.ndarray

    @property
    def size(self) -> int:
        return len(self.labels)

    @property
    def frozen(self) -> Feed:
        return self.encoded(text.frozen(self.question))

    def encoded(self, tokenising: text.Tokenising) -> Feed:
        return Feed(text.encode(self.question, self.sentences, tokenising))


def sample(question: Question) -> Sample:
    from tfexam.data.hidden import hidden_data

    sentences, labels = hidden_data(question)
    chosen = np.sort(np.random.default_rng(0).choice(len(labels), size=min(SAMPLE, len(labels)), replace=False))
    return Sample(question, [sentences[i] for i in chosen], np.asarray(labels, dtype="int64")[chosen])


def batch_size(question: Question) -> int:
    return 256


def floor(question: Question, sample: Sample) -> float:
    """Always answering the subsample's most common class."""
    return float(np.bincount(sample.labels).max() / sample.size)


def per_example(outputs: np.ndarray, question: Question, sample: Sample, feed: Feed) -> np.ndarray:
    """1 for each text answered right, 0 otherwise (their mean is the accuracy)."""
    predicted, _ = images.answers(outputs, list(question.data.class_names), question.settings.decision_threshold)
    return (predicted == sample.labels).astype("float64")


def _changed(**change):
    return lambda s: s.encoded(text.frozen(s.question).replace(**change))


def _fitted_on(question: Question) -> str:
    return f"the ids of the tokenizer fitted on the first {text.texts_fitted(question, text.TRAINING):,} training texts"


def _other_size(question: Question) -> int:
    return next(v for v in VOCABULARY_SIZES if v != question.settings.vocab_size)


def _other(value: str) -> str:
    return "pre" if value == "post" else "post"


SLIPS = [
    Slip("tokenizer_on_all_texts",
         fed=lambda q: f"the ids of a tokenizer fitted on all {text.texts_fitted(q, text.ALL_TEXTS):,} texts of the dataset",
         exam=_fitted_on,
         fix=lambda q: "fit the tokenizer on the training texts only, as the starter does: every word id shifts otherwise",
         feed=_changed(fitted_on=text.ALL_TEXTS)),
    Slip("vocabulary_size", fed=lambda q: f"the ids of a tokenizer keeping {_other_size(q):,} words",
         exam=lambda q: f"Tokenizer(num_words={q.settings.vocab_size})",
         fix=lambda q: f"keep the starter's vocab_size = {q.settings.vocab_size}",
         feed=lambda s: _changed(vocab_size=_other_size(s.question))(s)),
    Slip("no_oov_token", fed=lambda q: "the ids of a tokenizer without an OOV token",
         exam=lambda q: f"oov_token='{q.settings.oov_token}'",
         fix=lambda q: f"build the tokenizer with oov_token='{q.settings.oov_token}', as the starter does",
         feed=_changed(oov_token=None), applies=lambda q: bool(q.settings.oov_token)),
    Slip("padding", fed=lambda q: f"sequences padded '{_other(q.settings.padding)}'",
         exam=lambda q: f"padding='{q.settings.padding}'",
         fix=lambda q: f"pad with pad_sequences(..., padding='{q.settings.padding}') as the starter does",
         feed=lambda s: _changed(padding=_other(s.question.settings.padding))(s)),
    Slip("truncating", fed=lambda q: f"sequences truncated '{_other(q.settings.truncating)}'",
         exam=lambda q: f"truncating='{q.settings.truncating}'",
         fix=lambda q: f"truncate with pad_sequences(..., truncating='{q.settings.truncating}') as the starter does",
         feed=lambda s: _changed(truncating=_other(s.question.settings.truncating))(s)),
]
