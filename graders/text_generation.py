"""Text generation, scored by next-word accuracy: each n-gram prefix of a line (the course's recipe, tfexam/wordindex.py)
pre-padded to the declared length; the model's most probable word must be the line's next word.

`graded_on` says which lines the metric counts (the training lines: the fit to the corpus, as the course measured
it; or the held-out lines); the other part, the two naive predictors (the most frequent word, a bigram table fitted
on the training lines) and the model's greedy continuation of the seed phrase are shown beside it.
"""

from __future__ import annotations

import numpy as np

from tfexam import wordindex
from tfexam.questions import Question
from tfexam.result import Continuation, Evaluation
from graders.pipeline import predict

CHUNK = 2048  # n-grams per predict call: a (CHUNK, vocabulary) float64 block stays small


def corpus(question: Question):
    """(word index, max_sequence_len, training lines, hidden lines), rebuilt from the declaration, checked against it."""
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    train, hidden = training_data(question.id), hidden_data(question)
    index = wordindex.WordIndex.fit(train)
    length = wordindex.longest_line(index, train)
    declared = (question.contract.input_shape, question.contract.output_shapes)
    if declared != ((length - 1,), ((index.total_words,),)):
        raise RuntimeError(f"the declaration says input {declared[0]} and outputs {declared[1]}, the training lines give "
                           f"({length - 1},) and ({index.total_words},)")
    return index, length, train, hidden


def ranked(model, inputs, kind: str, top: int = 5) -> np.ndarray:
    """The `top` most probable word ids for each input row, best first."""
    best = []
    for start in range(0, len(inputs), CHUNK):
        output = predict(model, inputs[start:start + CHUNK], kind=kind).reshape(len(inputs[start:start + CHUNK]), -1)
        candidates = np.argpartition(-output, top, axis=1)[:, :top]
        order = np.argsort(-np.take_along_axis(output, candidates, axis=1), axis=1, kind="stable")
        best.append(np.take_along_axis(candidates, order, axis=1))
    return np.concatenate(best) if best else np.zeros((0, top), dtype="int64")


def naive_predictors(train_inputs, train_targets, vocabulary: int) -> tuple[int, np.ndarray]:
    """(the most frequent training next word, for each previous word the word that most often followed it in the
    training n-grams: the most frequent word after a word never seen before another)."""
    frequent = int(np.bincount(train_targets, minlength=vocabulary).argmax())
    table = np.zeros((vocabulary, vocabulary), dtype="int32")
    np.add.at(table, (train_inputs[:, -1], train_targets), 1)
    return frequent, np.where(table.max(axis=1) > 0, table.argmax(axis=1), frequent)


def baselines(predictors: tuple[int, np.ndarray], inputs, targets) -> dict[str, float]:
    """Top-1 accuracy of the two naive predictors on (inputs, targets)."""
    frequent, following = predictors
    return {"most_frequent_word": float(np.mean(targets == frequent)),
            "bigram_table": float(np.mean(following[inputs[:, -1]] == targets))}


def continuation(model, question: Question, index, length: int) -> Continuation:
    """The seed phrase and the model's most probable next word, again and again (ends early at the padding id)."""
    settings, names = question.settings, index.words_of()
    words: list[str] = []
    for _ in range(settings.continuation_words):
        ids = index.sequence(" ".join((settings.seed_text, *words)))
        output = predict(model, wordindex.pad_pre([ids], length - 1), kind=question.kind).reshape(-1)
        chosen = int(output.argmax())
        if chosen == 0:
            break
        words.append(names[chosen])
    return Continuation(settings.seed_text, tuple(words))


def evaluate(model, question: Question, artifacts=None) -> Evaluation:
    index, length, train, hidden = corpus(question)
    parts = {"training_lines": wordindex.split_xy(index, train, length),
             "hidden_lines": wordindex.split_xy(index, hidden, length)}
    predictors = naive_predictors(*parts["training_lines"], index.total_words)
    diagnostics: dict = {"vocabulary": index.total_words, "max_sequence_len": length}
    accuracy, right = {}, {}
    for name, (inputs, targets) in parts.items():
        best = ranked(model, inputs, question.kind)
        right[name] = (best[:, 0] == targets).astype(float)
        accuracy[name] = float(np.mean(right[name]))
        diagnostics[name] = {"ngrams": len(targets), "top1_accuracy": accuracy[name],
                             "top5_accuracy": float(np.mean((best == targets[:, None]).any(axis=1))),
                             **baselines(predictors, inputs, targets)}
    graded = question.settings.graded_on
    shown = {n: d for n, d in diagnostics.items() if isinstance(d, dict)}
    details = [f"{p.replace('_', ' ')}{' (graded)' if p == graded else ''}: {d['ngrams']} next words, top-1 {d['top1_accuracy']:.1%}, "
               f"top-5 {d['top5_accuracy']:.1%}; most frequent word {d['most_frequent_word']:.1%}, bigram table "
               f"{d['bigram_table']:.1%}" for p, d in shown.items()]
    written = continuation(model, question, index, length)
    diagnostics[Continuation.KEY] = written.to_json()
    details.append(f"continues the seed: \"{written.text}\"" + ("" if len(written.words) == question.settings.continuation_words
                                                                else " (stopped: the model chose the padding id 0)"))
    # each next word is one example of the interval's bootstrap (graders/interval.py)
    return Evaluation(value=accuracy[graded], details=details, diagnostics=diagnostics, per_example=right[graded])
