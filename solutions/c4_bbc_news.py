"""
Category 4 (Natural language processing) - BBC news desks
Question id: c4_bbc_news. Weight in the total: 4.

Articles from the BBC news website, each filed under one of five desks: business, entertainment,
politics, sport, tech. Train a model that reads an article as a padded sequence of 120 token ids and
returns one score per desk: the largest one is its answer. The tokenizer is fixed: the grader
rebuilds exactly the one in this file from the same training articles and scores accuracy on the
articles the training loader never returns.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (120,) (the batch dimension is not counted),
  - output shape (5,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: accuracy (higher is better); scores 1/5: 0.5, 2/5: 0.7, 3/5: 0.8, 4/5: 0.85, 5/5: 0.9.

(Generated from hidden_tests/c4_bbc_news.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

from core.data import training_data

VOCAB_SIZE = 1000
OOV_TOKEN = "<OOV>"
MAX_LENGTH = 120
PADDING = "post"
TRUNCATING = "post"
TRAINING_SIZE = 1780
CATEGORIES = ["business", "entertainment", "politics", "sport", "tech"]
EMBEDDING_DIM = 16
SEED = 0


def fit_tokenizer(texts):
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=VOCAB_SIZE, oov_token=OOV_TOKEN)
    tokenizer.fit_on_texts(texts)
    return tokenizer


def to_padded(tokenizer, texts):
    sequences = tokenizer.texts_to_sequences(texts)
    return tf.keras.preprocessing.sequence.pad_sequences(
        sequences, maxlen=MAX_LENGTH, padding=PADDING, truncating=TRUNCATING
    )


def solution_model():
    texts, labels = training_data("c4_bbc_news")
    tokenizer = fit_tokenizer(texts)
    padded = to_padded(tokenizer, texts)

    # The first 120 words of an article already name its subject (clubs, ministers, shares, films): a bag of
    # embedded words, averaged, separates the five desks. 1780 articles are few, so the model stays small,
    # dropout keeps the embedding from memorising single articles, and the learning rate decays to zero so the
    # last epochs settle instead of wandering (the same run lands in the same place for every seed).
    tf.keras.utils.set_random_seed(SEED)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(MAX_LENGTH,)),
        tf.keras.layers.Embedding(VOCAB_SIZE, EMBEDDING_DIM),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(24, activation="relu"),
        tf.keras.layers.Dense(len(CATEGORIES), activation="softmax"),
    ])
    epochs, batch_size = 40, 32
    steps = epochs * int(np.ceil(len(labels) / batch_size))
    schedule = tf.keras.optimizers.schedules.CosineDecay(5e-3, decay_steps=steps)
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(padded, labels, epochs=epochs, batch_size=batch_size, verbose=2)
    return model


if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
