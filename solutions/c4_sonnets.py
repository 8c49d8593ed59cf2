"""
Category 4 (Natural language processing) - Shakespeare's sonnets: write the next word
Question id: c4_sonnets. Weight in the total: 4.

Shakespeare's sonnets, one verse line per line. Train a model that reads the word ids of the start
of a line, pre-padded to 10 ids, and returns a softmax over the 3,016 ids of the frozen word index:
the probability of each word being the next one. The grader rebuilds the word index from the
training lines, feeds every prefix of every training line and counts how often the most probable
word is the line's next word (the fit to the corpus, as the course measured it: next words of
held-out lines are too hard to separate a trained model from a bigram table). The last 200 lines are
held out and shown, with the model's continuation of a fixed seed phrase.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (10,) (the batch dimension is not counted),
  - output shape (3016,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on every next word of the training lines: next_word_accuracy (higher is better); scores 1/5: 0.03, 2/5: 0.1, 3/5: 0.2, 4/5: 0.35, 5/5: 0.5.

(Generated from hidden_tests/c4_sonnets.toml; your code goes below this docstring.)
"""

import tensorflow as tf

from tfexam.data import training_data
from tfexam.wordindex import WordIndex, longest_line, pad_pre, split_xy

# BEGIN STARTER: the starter also has these lines
# # The word index is frozen. The grader does not run this file: it rebuilds the same index from the same
# # training lines with tfexam.wordindex and feeds your model those ids. tfexam.wordindex is the course's keras
# # Tokenizer() without TensorFlow (lower-case, punctuation but the apostrophe removed, ids from 1 by falling word
# # count, 0 pads): under Keras 2, tf.keras.preprocessing.text.Tokenizer() fitted on the same lines gives the same
# # ids; Keras 3 has no Tokenizer. Fit it on the whole file instead and your ids mean other words.
# END STARTER
SEED_TEXT = "Shall I compare thee"  # the grader shows your model's continuation of it
# BEGIN SOLUTION
EMBEDDING_DIM = 100
LSTM_UNITS = 150
# END SOLUTION


def prepare(lines):
    # BEGIN STARTER: the starter also has these lines
    # """The course's recipe: every prefix of every line ([w1, w2], [w1, w2, w3], ...) pre-padded to the longest
    # line; the input is all but the last id, the target the last one."""
    # END STARTER
    word_index = WordIndex.fit(lines)          # word_index.index: {"and": 1, "the": 2, ...}
    max_sequence_len = longest_line(word_index, lines)
    inputs, targets = split_xy(word_index, lines, max_sequence_len)
    return word_index, max_sequence_len, inputs, targets


def continue_text(model, word_index, max_sequence_len, seed_text, words=10):
    # BEGIN STARTER: the starter also has these lines
    # """Add the most probable next word, again and again: the grader shows this continuation in your result."""
    # END STARTER
    names = word_index.words_of()
    for _ in range(words):
        padded = pad_pre([word_index.sequence(seed_text)], max_sequence_len - 1)
        chosen = int(model.predict(padded, verbose=0).argmax())
        if chosen == 0:
            break
        seed_text += " " + names[chosen]
    return seed_text


def solution_model():
    lines = training_data("c4_sonnets")  # the first 1,958 lines of the sonnets, as strings
    word_index, max_sequence_len, inputs, targets = prepare(lines)
    total_words = word_index.total_words   # 3,016: the softmax's width (ids 0..3015)

    # BEGIN SOLUTION
    # One LSTM of the course's width and a learning rate ten times Adam's default learn the corpus by heart in
    # about 20 epochs: the running accuracy climbs slowly for 10 epochs, then fast.
    tf.keras.utils.set_random_seed(42)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: a bigger model and a longer training run.
    # # The stub below runs end to end, but one epoch of this small model only learns the most frequent words.
    # # Keep the Input shape and the softmax over total_words at the end: the grader takes the most probable
    # # id as the model's next word and counts how often it is the real next word of a training line.
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(max_sequence_len - 1,)),
        # BEGIN SOLUTION
        tf.keras.layers.Embedding(total_words, EMBEDDING_DIM),
        tf.keras.layers.LSTM(LSTM_UNITS),
        # END SOLUTION
        # BEGIN STARTER: what the starter has here instead
        # tf.keras.layers.Embedding(total_words, 16),
        # tf.keras.layers.LSTM(20),
        # END STARTER
        tf.keras.layers.Dense(total_words, activation="softmax"),
    ])
    # BEGIN SOLUTION
    # steps_per_execution: TensorFlow runs 50 batches per call instead of one (the same training, a little faster)
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=50)
    model.fit(inputs, targets, epochs=20, batch_size=128, verbose=2)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # model.fit(inputs, targets, epochs=1, verbose=2)
    # END STARTER
    print(continue_text(model, word_index, max_sequence_len, SEED_TEXT))
    return model


# BEGIN STARTER: the starter also has these lines
# # Run this file to train and save the model; then use "Submit and Test".
# # Keep the file name mymodel.h5: that is the file the grader reads.
# END STARTER
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
