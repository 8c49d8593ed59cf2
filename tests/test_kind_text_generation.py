"""Every text-generation question (Category 4): the word index equals tf-keras' Tokenizer on the real corpus and the
course's own counts, the declaration's shapes are the ones the training lines give, the starter and the solution
build the grader's inputs, the naive predictors score as CALIBRATION.md states, a wrong output width is refused in
the learner's words, and the reference's continuation of the seed reaches the result and the report.
What every kind shares: tests/test_bank.py."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from bank import bank, grade, script
from clirun import REPO_ROOT

from tfexam import wordindex
from tfexam.result import Continuation

GENERATORS = bank("text_generation")
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))


def test_words_and_ids_follow_the_keras_tokenizer_recipe():
    index = wordindex.WordIndex.fit(["The cat, the HAT!", "a cat's hat\tthe end"])
    assert wordindex.words("Love's fire--heats water.") == ["love's", "fire", "heats", "water"]
    assert index.index == {"the": 1, "hat": 2, "cat": 3, "a": 4, "cat's": 5, "end": 6}  # ties: first seen first
    assert index.sequence("the unknown hat") == [1, 2]  # a word outside the index is dropped, as the Tokenizer drops it
    assert wordindex.ngram_prefixes(index, ["the cat hat"]) == [[1, 3], [1, 3, 2]]
    x, y = wordindex.split_xy(index, ["the cat hat", "a b"], 4)
    np.testing.assert_array_equal(x, [[0, 0, 1], [0, 1, 3]])
    np.testing.assert_array_equal(y, [3, 2])
    np.testing.assert_array_equal(wordindex.pad_pre([[1, 2, 3, 4]], 2), [[3, 4]])  # truncating='pre' keeps the end


@pytest.fixture(scope="module")
def lines():
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    cache = {}
    return lambda q: cache.setdefault(q.id, (training_data(q.id), hidden_data(q)))


@pytest.mark.parametrize("question", GENERATORS)
def test_the_word_index_is_tf_keras_tokenizer_and_gives_the_courses_counts(lines, question):
    from tf_keras.preprocessing.text import Tokenizer

    train, hidden = lines(question)
    whole = [*train, *hidden]
    for part in (train, whole):
        tokenizer = Tokenizer()
        tokenizer.fit_on_texts(part)
        ours = wordindex.WordIndex.fit(part)
        assert list(ours.index.items()) == list(tokenizer.word_index.items())
        assert [ours.sequence(line) for line in whole] == tokenizer.texts_to_sequences(whole)
    if question.data.train.files == ("sonnets.txt",):  # the course notebook's numbers for the whole file
        ours = wordindex.WordIndex.fit(whole)
        assert (ours.total_words, len(wordindex.ngram_prefixes(ours, whole))) == (3211, 15462)


@pytest.mark.parametrize("question", GENERATORS)
def test_the_declared_shapes_are_the_training_lines_and_the_parts_meet(lines, question):
    from graders.text_generation import corpus

    index, length, train, hidden = corpus(question)  # raises when the declaration and the data disagree
    assert (question.contract.input_shape, question.contract.output_shapes) == ((length - 1,), ((index.total_words,),))
    assert len(train) == question.data.train.stop == question.data.hidden.start and hidden
    assert index.sequence(question.settings.seed_text), "the seed phrase needs words of the index"


@pytest.mark.parametrize("which", ["starter", "solution"])
@pytest.mark.parametrize("question", GENERATORS)
def test_the_scripts_build_the_graders_inputs(lines, question, which):
    from graders.text_generation import corpus

    module = script(question, which)
    index, length, train, _ = corpus(question)
    word_index, max_sequence_len, inputs, targets = module.prepare(train)
    assert word_index == index and max_sequence_len == length
    expected = wordindex.split_xy(index, train, length)
    np.testing.assert_array_equal(inputs, expected[0])
    np.testing.assert_array_equal(targets, expected[1])
    assert module.SEED_TEXT == question.settings.seed_text


# What CALIBRATION.md states for each naive predictor (its measured rows): the most frequent word, a constant and an
# untrained model at most 1/5, the bigram table fitted on the training lines at most 3/5.
CEILINGS = {"most frequent word": 1, "bigram table (training n-grams)": 3, "constant (uniform) output": 1,
            "untrained starter layers, seed 0": 1}


@pytest.mark.parametrize("question", GENERATORS)
def test_naive_predictors_score_as_calibrated(tf, tmp_path, question):
    from calibrate_text_generation import naive_models

    for name, model in naive_models(question):
        if name not in CEILINGS:
            continue
        model.save(tmp_path / "naive.h5")
        result = grade(tmp_path / "naive.h5", question)
        assert result.status == "graded" and result.score <= CEILINGS[name], (name, result.output)
        graded = result.diagnostics[question.settings.graded_on]
        assert graded["top1_accuracy"] == pytest.approx(result.metric.value)
        if name == "bigram table (training n-grams)":  # the same predictor, as a model and as the grader's baseline
            assert result.metric.value == pytest.approx(graded["bigram_table"])
        if name == "most frequent word":
            assert result.metric.value == pytest.approx(graded["most_frequent_word"])
        written = Continuation.of(result.diagnostics)
        assert written and written.seed == question.settings.seed_text and f'"{written.text}"' in result.output


@pytest.mark.parametrize("question", GENERATORS)
def test_a_wrong_softmax_width_or_input_length_is_refused_in_the_learners_words(tf, tmp_path, question):
    width = question.contract.output_shapes[0][0]
    model = tf.keras.Sequential([tf.keras.Input(shape=question.contract.input_shape), tf.keras.layers.Embedding(width + 195, 4),
                                 tf.keras.layers.LSTM(4), tf.keras.layers.Dense(width + 195, activation="softmax")])
    model.save(tmp_path / "whole_file_index.h5")
    result = grade(tmp_path / "whole_file_index.h5", question)
    assert result.status == "refused", result.output
    assert f"output shape is (None, {width + 195}); this question needs ({width},)" in result.reason
    assert f"Dense({width})" in result.reason and "word index built from the training lines only" in result.reason
    steps = question.contract.input_shape[0]
    model = tf.keras.Sequential([tf.keras.Input(shape=(steps + 1,)), tf.keras.layers.Embedding(width, 4),
                                 tf.keras.layers.LSTM(4), tf.keras.layers.Dense(width, activation="softmax")])
    model.save(tmp_path / "whole_ngram_as_input.h5")  # the target left in the input
    reason = grade(tmp_path / "whole_ngram_as_input.h5", question).reason
    assert f"input shape is (None, {steps + 1}); this question needs ({steps},)" in reason
    assert "pre-padded with zeros (all but the last id of the longest training line)" in reason


@pytest.mark.slow
@pytest.mark.parametrize("question", GENERATORS)
def test_the_reference_writes_its_continuation_into_the_result_and_the_report(trained, question):
    graded = trained.graded_reference(question.id)
    result = graded.payload["result"]
    assert graded.code == 0 and result["score"] == 5, result["output"]
    written = Continuation.of(result["diagnostics"])
    assert written and len(written.words) == question.settings.continuation_words
    assert "The model writes" in graded.report and " ".join(written.words) in graded.report
    record = json.loads((graded.workspace / ".tfexam" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert Continuation.of(record["diagnostics"]) == written  # the ledger keeps it for the report


def test_a_continuation_is_read_only_in_its_own_shape_and_shown_escaped_on_the_page(tmp_path):
    from exam import attempt, report_page, session

    written = Continuation("Shall I compare thee", ("to", "<b>thee</b>"))
    assert Continuation.of({"continuation": written.to_json()}) == written
    for bad in (None, "to a summer's day", {"seed": 1, "words": []}, {"seed": "a", "words": "b c"},
                {"seed": "a", "words": [1]}, {"seed": "a", "words": [], "more": 1}):
        assert Continuation.of({"continuation": bad}) is None, bad
    assert Continuation.of(["not", "a", "dict"]) is None
    current = session.new({4: "c4_sonnets"}, minutes=60, now=1000.0)
    line = {"session": current.id, "category": 4, "score": 3, "late": False, "status": "graded",
            "submitted_at": session.iso(current.started_at + 60), "diagnostics": {"continuation": written.to_json()},
            "metric": {"name": "next_word_accuracy", "value": 0.3, "higher_is_better": True,
                       "thresholds": [0.03, 0.1, 0.2, 0.35, 0.5]}}
    page = report_page.render(tmp_path, current, [attempt.parse(line)], now=1100.0)
    assert "The model writes" in page and "Shall I compare thee</span> to &lt;b&gt;thee&lt;/b&gt;" in page
    line["diagnostics"]["continuation"] = {"seed": "x", "words": "not a list"}
    assert "The model writes" not in report_page.render(tmp_path, current, [attempt.parse(line)], now=1100.0)


def test_a_text_file_is_checked_and_read_line_by_line(tmp_path):
    from tfexam.data.checks import CheckFailed, TextLines
    from tfexam.data.readers import text_lines

    (tmp_path / "good.txt").write_bytes("From fairest creatures\nwe desire increase,\n".encode())
    TextLines(2)(tmp_path / "good.txt")
    assert text_lines(tmp_path / "good.txt") == ["From fairest creatures", "we desire increase,"]
    for name, body, why in (("short.txt", b"one line\n", "1 newline-terminated lines, expected 2"),
                            ("unended.txt", b"one\ntwo", "the last line does not end with a newline"),
                            ("latin1.txt", b"caf\xe9\nbar\n", "not UTF-8 text")):
        (tmp_path / name).write_bytes(body)
        with pytest.raises(CheckFailed, match=why):
            TextLines(2)(tmp_path / name)
