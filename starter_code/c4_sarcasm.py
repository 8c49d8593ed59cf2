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

from tfexam.data import training_data

# The tokenizer settings are frozen. The grader does not run this file: it builds its own tokenizer with these
# exact settings from the same training headlines and feeds your model the token ids it produces. Change any of
# them and your model is graded on ids that mean something other than the ones it learned.
VOCAB_SIZE = 1000       # ids 0..999: 0 pads, 1 is OOV_TOKEN (any rarer word), 2..999 the 998 most frequent words
OOV_TOKEN = "<OOV>"
MAX_LENGTH = 120        # every headline becomes exactly 120 ids
PADDING = "post"        # zeros are added after the words ...
TRUNCATING = "post"     # ... and a longer headline loses its end
TRAINING_SIZE = 20000   # training_data() returns the first 20,000 headlines; the grader keeps the rest

# Set by the question as well, but only your model uses it: the grader sees token ids in and a probability out.
EMBEDDING_DIM = 16


def fit_tokenizer(sentences):
    """The word index, learned from the training headlines only."""
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=VOCAB_SIZE, oov_token=OOV_TOKEN)
    tokenizer.fit_on_texts(sentences)
    return tokenizer


def to_padded(tokenizer, sentences):
    """Headlines -> an int array of shape (len(sentences), MAX_LENGTH): the input your model receives."""
    sequences = tokenizer.texts_to_sequences(sentences)
    return tf.keras.preprocessing.sequence.pad_sequences(
        sequences, maxlen=MAX_LENGTH, padding=PADDING, truncating=TRUNCATING
    )


def solution_model():
    sentences, labels = training_data("c4_sarcasm")  # list of TRAINING_SIZE strings, int array of 0 (plain) / 1 (sarcastic)
    tokenizer = fit_tokenizer(sentences)
    padded = to_padded(tokenizer, sentences)
    labels = np.asarray(labels)

    # YOUR CODE HERE: a better model and a longer training run.
    # The stub below runs end to end, but one epoch of this small model barely beats guessing.
    # Keep the Input shape and a single sigmoid unit at the end: the grader reads the output as the
    # probability that a headline is sarcastic (above 0.5 counts as sarcastic).
    # Tip: model.fit(..., validation_split=0.1) shows how well the model does on headlines it did not train on.
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(MAX_LENGTH,)),
        tf.keras.layers.Embedding(VOCAB_SIZE, EMBEDDING_DIM),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(padded, labels, epochs=1, verbose=2)
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
