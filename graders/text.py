"""The frozen tokenizer of a text question, rebuilt from its declaration and its training texts (never from learner code).

`Tokenising` names every choice the starter freezes; the graders use `frozen(question)`, the counterfactual
re-scoring (graders/slips/text_classification.py) the same code with one choice changed."""

from __future__ import annotations

import copy
import dataclasses
import functools
from dataclasses import dataclass

from tfexam.questions import Question

TRAINING, ALL_TEXTS = "training", "all"  # what the tokenizer is fitted on


@dataclass(frozen=True)
class Tokenising:
    vocab_size: int | None  # Tokenizer(num_words=...); None keeps every word
    oov_token: str | None
    max_length: int
    padding: str
    truncating: str
    fitted_on: str = TRAINING

    def replace(self, **changes) -> Tokenising:
        return dataclasses.replace(self, **changes)


def frozen(question: Question) -> Tokenising:
    """What the starter builds: the declared vocabulary, OOV token and padding, fitted on the training texts."""
    s = question.settings
    return Tokenising(s.vocab_size, s.oov_token, s.max_length, s.padding, s.truncating)


@functools.cache
def _texts(question_id: str, fitted_on: str, train_records: int) -> tuple[str, ...]:
    from tfexam import questions
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    sentences, _ = training_data(question_id)
    if len(sentences) != train_records:
        raise RuntimeError(f"the training loader returned {len(sentences)} texts, the declaration says {train_records}")
    if fitted_on == ALL_TEXTS:
        sentences = [*sentences, *hidden_data(questions.get(question_id))[0]]
    return tuple(sentences)


@functools.cache
def _tokenizer(question_id: str, vocab_size: int | None, oov_token: str | None, fitted_on: str, train_records: int):
    import tensorflow as tf

    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=vocab_size, oov_token=oov_token)
    tokenizer.fit_on_texts(list(_texts(question_id, fitted_on, train_records)))
    return tokenizer


def _with_vocabulary(tokenizer, vocab_size: int | None):
    """The same fitted tokenizer keeping another number of words: num_words only acts in texts_to_sequences."""
    if tokenizer.num_words == vocab_size:
        return tokenizer
    other = copy.copy(tokenizer)
    other.num_words = vocab_size
    return other


def texts_fitted(question: Question, fitted_on: str) -> int:
    return len(_texts(question.id, fitted_on, _train_records(question)))


def _train_records(question: Question) -> int:
    return question.data.train.stop - question.data.train.start


def tokenizer_for(question: Question, tokenising: Tokenising | None = None):
    """The tokenizer the starter builds (or the one `tokenising` describes), fitted once per worker."""
    t = tokenising or frozen(question)
    fitted = _tokenizer(question.id, question.settings.vocab_size, t.oov_token, t.fitted_on, _train_records(question))
    return _with_vocabulary(fitted, t.vocab_size)


def encode(question: Question, sentences: list[str], tokenising: Tokenising | None = None):
    """Padded token ids (len(sentences), max_length), exactly as the starter prepares its training data."""
    import tensorflow as tf

    t = tokenising or frozen(question)
    sequences = tokenizer_for(question, t).texts_to_sequences(sentences)
    return tf.keras.preprocessing.sequence.pad_sequences(sequences, maxlen=t.max_length, padding=t.padding,
                                                         truncating=t.truncating)
