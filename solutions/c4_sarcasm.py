"""
Category 4 (Natural language processing) - Sarcastic headlines
Question id: c4_sarcasm. Weight in the total: 4.

News headlines, each labelled sarcastic (1) or not (0). Train a model that reads a headline as a
padded sequence of 120 token ids and returns the probability that it is sarcastic. The tokenizer is
fixed: the grader rebuilds exactly the one in this file from the same training headlines and scores
accuracy on headlines the training loader never returns.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (120,) (the batch dimension is not counted),
  - output shape (1,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: accuracy (higher is better); scores 1/5: 0.62, 2/5: 0.7, 3/5: 0.75, 4/5: 0.78, 5/5: 0.8.

(Generated from hidden_tests/c4_sarcasm.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

from core.data import training_data

VOCAB_SIZE = 1000
OOV_TOKEN = "<OOV>"
MAX_LENGTH = 120
PADDING = "post"
TRUNCATING = "post"
EMBEDDING_DIM = 16
TRAINING_SIZE = 20000


def fit_tokenizer(sentences):
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=VOCAB_SIZE, oov_token=OOV_TOKEN)
    tokenizer.fit_on_texts(sentences)
    return tokenizer


def to_padded(tokenizer, sentences):
    sequences = tokenizer.texts_to_sequences(sentences)
    return tf.keras.preprocessing.sequence.pad_sequences(
        sequences, maxlen=MAX_LENGTH, padding=PADDING, truncating=TRUNCATING
    )


def solution_model():
    sentences, labels = training_data("c4_sarcasm")
    tokenizer = fit_tokenizer(sentences)
    padded = to_padded(tokenizer, sentences)
    labels = np.asarray(labels)

    # A 5-word convolution catches short phrases ("area man", "nation's"), and max pooling keeps the strongest
    # one wherever it sits in the headline. With only 1000 words the held-out accuracy levels off near 0.82
    # after 3-4 epochs; more epochs only overfit.
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(MAX_LENGTH,)),
        tf.keras.layers.Embedding(VOCAB_SIZE, EMBEDDING_DIM),
        tf.keras.layers.Conv1D(64, 5, activation="relu"),
        tf.keras.layers.GlobalMaxPooling1D(),
        tf.keras.layers.Dropout(0.3),
        tf.keras.layers.Dense(24, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(padded, labels, epochs=4, batch_size=128, verbose=2)
    return model


if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
