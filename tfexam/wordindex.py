"""The course's word index and n-gram recipe for next-word prediction, without TensorFlow.

keras.preprocessing.text.Tokenizer (tf-keras only; Keras 3 has none) with its defaults: lower-case, the punctuation
below replaced by spaces, split on spaces; words indexed from 1 by falling count, ties in order of first appearance.
A word the index does not hold is dropped from a sequence (no OOV token), as the Tokenizer drops it. The starter
and the grader both use this module, so the learner's ids are the grader's ids; tests/test_kind_text_generation.py
checks it against tf-keras' Tokenizer on the real corpus.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

# Tokenizer(filters=...)'s default: every ASCII punctuation mark except the apostrophe, plus tab and newline.
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_SPACES = str.maketrans({c: " " for c in FILTERS})


def words(text: str) -> list[str]:
    """keras' text_to_word_sequence with its defaults."""
    return text.lower().translate(_SPACES).split()


@dataclass(frozen=True)
class WordIndex:
    index: dict[str, int]  # word -> id (1 = the most frequent word); 0 is left for padding

    @classmethod
    def fit(cls, lines: list[str]) -> WordIndex:
        counts = Counter()
        for line in lines:
            counts.update(words(line))  # a Counter keeps first-appearance order; the sort below is stable
        ordered = sorted(counts, key=counts.__getitem__, reverse=True)
        return cls({word: i for i, word in enumerate(ordered, start=1)})

    @property
    def total_words(self) -> int:
        """The softmax's width: every id plus the padding id 0."""
        return len(self.index) + 1

    def words_of(self) -> list[str]:
        """Id -> word ('' for the padding id 0)."""
        shown = [""] * self.total_words
        for word, i in self.index.items():
            shown[i] = word
        return shown

    def sequence(self, line: str) -> list[int]:
        return [self.index[w] for w in words(line) if w in self.index]


def ngram_prefixes(word_index: WordIndex, lines: list[str]) -> list[list[int]]:
    """Every prefix of at least two ids of every line, in order: [w1, w2], [w1, w2, w3], ..."""
    prefixes = []
    for line in lines:
        ids = word_index.sequence(line)
        prefixes += [ids[: end + 1] for end in range(1, len(ids))]
    return prefixes


def pad_pre(sequences: list[list[int]], length: int):
    """int32 array (len(sequences), length): zeros before each sequence; a longer one keeps its last `length` ids
    (pad_sequences(padding='pre', truncating='pre'))."""
    import numpy as np

    padded = np.zeros((len(sequences), length), dtype="int32")
    for row, ids in enumerate(sequences):
        kept = ids[-length:] if length else []
        if kept:
            padded[row, length - len(kept):] = kept
    return padded


def split_xy(word_index: WordIndex, lines: list[str], max_sequence_len: int):
    """(inputs (n, max_sequence_len - 1), next-word ids (n,)): the course's recipe for training and for grading."""
    padded = pad_pre(ngram_prefixes(word_index, lines), max_sequence_len)
    return padded[:, :-1], padded[:, -1]


def longest_line(word_index: WordIndex, lines: list[str]) -> int:
    """max_sequence_len: the most ids any line has."""
    return max((len(word_index.sequence(line)) for line in lines), default=0)
