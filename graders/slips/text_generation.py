"""Text generation's slip: n-gram prefixes padded 'post' (zeros after the words) instead of the course's 'pre'.

Not re-scored: a word index fitted on every line, or not lower-cased, changes the vocabulary's size, and the contract
already refuses a softmax of the wrong width with the fix; another maximum length is refused by the input shape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfexam import wordindex
from tfexam.questions import Question
from graders.slips import Feed, Slip

SAMPLE = 2000
noun = "next words"


@dataclass(frozen=True)
class Sample:
    question: Question
    contexts: list[list[int]]  # the ids before each next word
    targets: np.ndarray
    length: int  # the model's input length (max_sequence_len - 1)

    @property
    def size(self) -> int:
        return len(self.targets)

    @property
    def frozen(self) -> Feed:
        return Feed(wordindex.pad_pre(self.contexts, self.length))


def sample(question: Question) -> Sample:
    from graders.text_generation import corpus

    index, length, train, hidden = corpus(question)
    lines = train if question.settings.graded_on == "training_lines" else hidden
    prefixes = wordindex.ngram_prefixes(index, lines)
    chosen = np.sort(np.random.default_rng(0).choice(len(prefixes), size=min(SAMPLE, len(prefixes)), replace=False))
    picked = [prefixes[i] for i in chosen]
    return Sample(question, [p[:-1] for p in picked], np.asarray([p[-1] for p in picked], dtype="int64"), length - 1)


def batch_size(question: Question) -> int:
    return 256


def floor(question: Question, sample: Sample) -> float:
    """Always answering the subsample's most common next word."""
    return float(np.bincount(sample.targets).max() / sample.size)


def per_example(outputs: np.ndarray, question: Question, sample: Sample, feed: Feed) -> np.ndarray:
    """1 for each next word the model ranks first, 0 otherwise (their mean is the top-1 accuracy)."""
    return (outputs.reshape(sample.size, -1).argmax(axis=1) == sample.targets).astype("float64")


def _padded_post(sample: Sample) -> Feed:
    padded = np.zeros((sample.size, sample.length), dtype="int32")
    for row, ids in enumerate(sample.contexts):
        kept = ids[-sample.length:]
        padded[row, :len(kept)] = kept
    return Feed(padded)


SLIPS = [
    Slip("padding", fed=lambda q: "n-gram prefixes padded 'post' (zeros after the words)",
         exam=lambda q: "padding='pre': zeros before the words, the course's recipe",
         fix=lambda q: "pad every prefix with pad_sequences(..., padding='pre') as the starter does: the word to "
                       "continue from is then always the last input",
         feed=_padded_post),
]
