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

import tensorflow as tf

from tfexam.data import training_data

# The tokenizer settings are frozen. The grader does not run this file: it builds its own tokenizer with these
# exact settings from the same training articles and feeds your model the token ids it produces. Change any of
# them and your model is graded on ids that mean something other than the ones it learned.
VOCAB_SIZE = 1000       # ids 0..999: 0 pads, 1 is OOV_TOKEN (any rarer word), 2..999 the 998 most frequent words
OOV_TOKEN = "<OOV>"
MAX_LENGTH = 120        # every article becomes exactly 120 ids: the articles are longer (390 words on average),
PADDING = "post"        # so short ones get zeros after their words ...
TRUNCATING = "post"     # ... and long ones keep their first 120 words
TRAINING_SIZE = 1780    # training_data() returns the first 1,780 articles; the grader keeps the other 445
# The label of an article is the position of its desk in this alphabetical list: business 0 ... tech 4.
CATEGORIES = ["business", "entertainment", "politics", "sport", "tech"]

# Set by the question as well, but only your model uses it: the grader sees token ids in and five scores out.
EMBEDDING_DIM = 16


def fit_tokenizer(texts):
    """The word index, learned from the training articles only."""
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=VOCAB_SIZE, oov_token=OOV_TOKEN)
    tokenizer.fit_on_texts(texts)
    return tokenizer


def to_padded(tokenizer, texts):
    """Articles -> an int array of shape (len(texts), MAX_LENGTH): the input your model receives."""
    sequences = tokenizer.texts_to_sequences(texts)
    return tf.keras.preprocessing.sequence.pad_sequences(
        sequences, maxlen=MAX_LENGTH, padding=PADDING, truncating=TRUNCATING
    )


def solution_model():
    texts, labels = training_data("c4_bbc_news")  # TRAINING_SIZE articles, int labels 0..4 in CATEGORIES order
    tokenizer = fit_tokenizer(texts)
    padded = to_padded(tokenizer, texts)

    # YOUR CODE HERE: a better model and a longer training run.
    # The stub below runs end to end, but one epoch of it has barely started to learn.
    # Keep the Input shape and end with 5 units, one per desk in the order of CATEGORIES: the grader takes the
    # largest of the five as the model's answer, so softmax probabilities and raw scores (logits) both work.
    # With integer labels, the loss for five classes is "sparse_categorical_crossentropy".
    # Tip: model.fit(..., validation_split=0.2) shows how well the model does on articles it did not train on;
    # with only 1,780 articles, watch for the point where that number stops improving.
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(MAX_LENGTH,)),
        tf.keras.layers.Embedding(VOCAB_SIZE, EMBEDDING_DIM),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(len(CATEGORIES), activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(padded, labels, epochs=1, verbose=2)
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
