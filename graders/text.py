"""The frozen tokenizer of a text question, rebuilt from its declaration and its training texts (never from learner code)."""

from __future__ import annotations

import functools

from tfexam.questions import Question


@functools.cache
def _training_tokenizer(question_id: str, vocab_size: int, oov_token: str, train_records: int):
    import tensorflow as tf

    from tfexam.data import training_data

    sentences, _ = training_data(question_id)
    if len(sentences) != train_records:
        raise RuntimeError(f"the training loader returned {len(sentences)} texts, the declaration says {train_records}")
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=vocab_size, oov_token=oov_token)
    tokenizer.fit_on_texts(sentences)
    return tokenizer


def tokenizer_for(question: Question):
    """The tokenizer the starter builds: fit on the training texts with the declared vocabulary and OOV token."""
    settings = question.settings
    return _training_tokenizer(question.id, settings.vocab_size, settings.oov_token,
                               question.data.train.stop - question.data.train.start)


def encode(question: Question, sentences: list[str]):
    """Padded token ids (len(sentences), max_length), exactly as the starter prepares its training data."""
    import tensorflow as tf

    settings = question.settings
    sequences = tokenizer_for(question).texts_to_sequences(sentences)
    return tf.keras.preprocessing.sequence.pad_sequences(
        sequences, maxlen=settings.max_length, padding=settings.padding, truncating=settings.truncating
    )
