"""Counterfactual re-scoring (graders/slips/): a model made with one usual preprocessing slip (real training, small)
gets the one line naming it with both numbers; the references trigger none; the rule, the record and the page."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest
from bank import bank
from clirun import needs_real_data, report_page, submit_model

from tfexam import questions
from tfexam.result import Rescoring, Result, Slip


# --- the rule and the record, without TensorFlow -------------------------------------------------------------------

def test_a_slip_is_clear_only_beyond_the_noise_and_the_ladders_finest_rung():
    from graders import slips

    question = questions.get("c2_fashion_mnist")  # accuracy; finest rung 0.01
    rng = np.random.default_rng(1)
    frozen = (rng.random(2000) < 0.10).astype(float)
    assert slips.margin(question) == pytest.approx(0.01)
    assert slips.clear_gain(question, frozen, (rng.random(2000) < 0.60).astype(float)) == pytest.approx(0.5, abs=0.05)
    noisy = frozen.copy()
    noisy[rng.choice(2000, 30, replace=False)] = 1  # +1.5 points at most, within the noise at 99%
    assert slips.clear_gain(question, frozen, noisy) is None
    assert slips.clear_gain(question, frozen, frozen) is None


def test_a_lower_error_is_the_better_direction_for_mae():
    from graders import slips

    question = questions.get("c5_sunspots")
    rng = np.random.default_rng(2)
    frozen = rng.gamma(2.0, 0.03, 300)
    assert slips.clear_gain(question, frozen, frozen * 0.5) == pytest.approx(frozen.mean() * 0.5)
    assert slips.clear_gain(question, frozen, frozen * 1.5) is None


def test_every_kind_but_regression_declares_its_slips():
    from graders import slips

    declared = {kind: [s.name for s in slips.kind_of(q).SLIPS] if slips.kind_of(q) else []
                for kind, q in {q.kind: q for q in questions.all_questions().values()}.items()}
    assert declared["regression"] == []
    assert {"unscaled_pixels", "bgr_order", "nearest_resize"} <= set(declared["image_classification"])
    assert {"tokenizer_on_all_texts", "vocabulary_size", "no_oov_token", "padding", "truncating"} <= set(
        declared["text_classification"])
    assert {"normalisation_zscore_training_part", "normalisation_range_training_part", "normalisation_none",
            "window_one_step_early"} <= set(declared["forecasting"])
    greyscale = [s.name for s in slips.slips_for(questions.get("c2_fashion_mnist"))]
    assert "bgr_order" not in greyscale and "nearest_resize" not in greyscale


FOUND = Rescoring(examples=2000, seconds=1.5, frozen_value=0.105, values={"unscaled_pixels": 0.6045}, left_out=["x"],
                  slip=Slip("unscaled_pixels", 0.6045, 0.105, "your model scores 0.605 when fed 0-255 pixels, ..."))


def test_the_rescoring_crosses_the_process_boundary_typed_and_is_read_strictly():
    result = Result(question="c2_fashion_mnist", category=2, status="graded", rescoring=FOUND)
    again = Result.from_json(json.loads(json.dumps(result.to_json())))
    assert again.rescoring == FOUND
    assert Result.from_json({"question": "q", "category": 2, "status": "graded"}).rescoring is None
    for bad in ({**FOUND.__dict__, "slip": None, "extra": 1}, {**json.loads(json.dumps(result.to_json()))["rescoring"],
                                                              "values": {"a": "0.9"}}):
        with pytest.raises(ValueError):
            Rescoring.from_json(bad)


def test_the_ledger_keeps_the_slip_and_still_reads_lines_without_one():
    from exam import attempt

    result = Result(question="c2_fashion_mnist", category=2, status="graded", score=0, rescoring=FOUND)
    record = attempt.Attempt(session="s", category=2, submitted_at="2026-12-05T09:00:00+00:00", late=False, result=result)
    line = json.loads(json.dumps(record.to_line()))
    assert attempt.parse(line).result.rescoring == FOUND
    del line["rescoring"]
    assert attempt.parse(line).result.rescoring is None
    with pytest.raises(attempt.Damaged):
        attempt.parse({**line, "rescoring": {"slip": "<script>"}})


# --- made-up models, each with one slip (real training, small) ------------------------------------------------------

def _fit(model, loss, x, y, epochs, batch_size=64):
    model.compile("adam", loss)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


@needs_real_data
def test_a_fashion_model_trained_on_unscaled_pixels_is_told_so_through_submit(tf, tmp_path):
    from tfexam.data import training_data

    pixels, labels = training_data("c2_fashion_mnist")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(pixels[:6000].astype("float32"), labels[:6000], epochs=3, batch_size=64, verbose=0)  # 0-255: the slip
    model.save(tmp_path / "raw pixels.h5")
    workspace = tmp_path / "work space"
    code, payload = submit_model(workspace, "c2_fashion_mnist", tmp_path / "raw pixels.h5")
    assert code == 0, payload
    result = Result.from_json(payload["result"])
    slip = result.rescoring.slip
    assert result.score < 5 and slip.name == "unscaled_pixels" and slip.value > slip.frozen_value + 0.2, result.rescoring
    assert (f"scores {slip.value:.3f} when fed 0-255 pixels, against {slip.frozen_value:.3f} as the exam feeds it "
            "(pixels divided by 255)") in slip.line
    assert slip.line in result.output.splitlines()
    assert Rescoring.from_json(payload["record"]["rescoring"]) == result.rescoring  # as the ledger holds it
    page = report_page(workspace)
    assert "Preprocessing slip:</strong> " + html.escape(slip.line) in page


@needs_real_data
def test_a_sarcasm_model_whose_tokenizer_saw_every_headline_is_told_so(tf, tmp_path):
    from bank import grade
    from tfexam.data import training_data
    from tfexam.data.hidden import hidden_data

    question = questions.get("c4_sarcasm")
    texts, labels = training_data(question.id)
    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=1000, oov_token="<OOV>")
    tokenizer.fit_on_texts(list(texts) + list(hidden_data(question)[0]))  # every headline: the slip
    ids = tf.keras.preprocessing.sequence.pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=120,
                                                        padding="post", truncating="post")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((120,)), tf.keras.layers.Embedding(1000, 16),
                                 tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(24, activation="relu"),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    _fit(model, "binary_crossentropy", ids, np.asarray(labels), epochs=8, batch_size=256).save(tmp_path / "all headlines.h5")
    result = grade(tmp_path / "all headlines.h5", question)
    slip = result.rescoring.slip
    assert result.score < 5 and slip and slip.name == "tokenizer_on_all_texts", result.rescoring
    assert "fitted on all 26,709 texts" in slip.line and "first 20,000 training texts" in slip.line
    assert slip.line in result.output.splitlines()


@needs_real_data
def test_a_sunspots_model_trained_on_z_scored_data_is_told_so(tf, tmp_path):
    from bank import grade
    from tfexam.data import training_data

    question = questions.get("c5_sunspots")
    series = np.asarray(training_data(question.id), dtype="float32").reshape(-1)
    z = (series - series.mean()) / series.std()  # the training part's statistics: the slip
    x = np.stack([z[i : i + 30] for i in range(len(z) - 30)])[..., None]
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((30, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)])
    _fit(model, "mae", x, z[30:], epochs=20).save(tmp_path / "z scored.h5")
    result = grade(tmp_path / "z scored.h5", question)
    slip = result.rescoring.slip
    assert result.score < 5 and slip and slip.name.startswith("normalisation_zscore"), result.rescoring
    assert slip.value < slip.frozen_value and "(v - mean) / standard deviation" in slip.line


# --- the references: no slip ----------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("question", bank(where=lambda q: q.kind != "regression"))
def test_no_reference_triggers_a_slip(tf, trained, question):
    """Re-scoring runs only below 5/5; forced on each reference here, it must find nothing to blame."""
    from graders import pipeline

    model, _ = pipeline.load(trained.reference(question.id).model, question, [])
    rescoring = pipeline.rescore(model, question, budget=600)  # every slip, however loaded the machine
    assert rescoring is not None and rescoring.slip is None, rescoring
    assert not rescoring.left_out or question.kind == "text_classification", rescoring  # ids beyond a vocabulary


def test_each_normalisation_maps_back_to_the_values_it_came_from():
    from graders import series

    values = np.array([[3.0, 10.0], [5.0, 30.0], [9.0, 20.0], [1.0, 40.0]])
    for how in ("range", "min_over_max", "zscore", "none"):
        for rows in (None, 2):
            scaling = series.scaling(values, how, rows)
            np.testing.assert_allclose(scaling.invert(scaling.apply(values)), values)
    np.testing.assert_allclose(series.scaling(values, "range", 2).apply(values)[:2], [[0, 0], [1, 1]])
    np.testing.assert_allclose(series.normalise(values, "range"), series.scaling(values, "range").apply(values))
    with pytest.raises(ValueError):
        series.normalise(values, "zscore")  # not a declared normalisation: only a slip's


def test_a_question_may_narrow_its_kinds_slips_by_name():
    import dataclasses

    from graders import slips

    question = questions.get("c4_sarcasm")
    narrowed = dataclasses.replace(question, settings=dataclasses.replace(question.settings, slips=("padding",)))
    assert [s.name for s in slips.slips_for(narrowed)] == ["padding"]
    assert len(slips.slips_for(question)) == 5
    typo = dataclasses.replace(question, settings=dataclasses.replace(question.settings, slips=("paddding",)))
    with pytest.raises(ValueError, match="paddding"):
        slips.slips_for(typo)
    for declared in questions.all_questions().values():  # the bank's own narrowing, if any, names real slips
        slips.slips_for(declared)


@needs_real_data
def test_an_untrained_network_is_not_said_to_have_a_slip(tf, tmp_path):
    """Fed z-scored values, an untrained network answers near the mean and beats its own frozen answers: the slip
    must also beat what needs no skill (the training mean's forecast), so nothing is named."""
    from bank import grade

    question = questions.get("c5_sunspots")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((30, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)])
    model.save(tmp_path / "untrained.h5")
    result = grade(tmp_path / "untrained.h5", question)
    rescoring = result.rescoring
    assert result.score == 0 and rescoring.slip is None, rescoring
    assert rescoring.values["normalisation_zscore_training_part"] < rescoring.frozen_value  # lower, yet not named


@needs_real_data
@pytest.mark.parametrize(("slip", "prepare", "gap"), [
    ("normalisation_none", lambda s: (s, float(s.std())), 0),  # raw values: a learning rate for their scale
])
def test_a_sunspots_model_with_another_slip_is_told_which(tf, tmp_path, slip, prepare, gap):
    from bank import grade
    from tfexam.data import training_data

    question = questions.get("c5_sunspots")
    series = np.asarray(training_data(question.id), dtype="float32").reshape(-1)
    values, unit = prepare(series)
    count = len(values) - 30 - gap
    x = np.stack([values[i : i + 30] for i in range(count)])[..., None]
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((30, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.Adam(1e-3 * unit), "mae")
    model.fit(x, values[30 + gap : 30 + gap + count], epochs=20, batch_size=32, verbose=0)
    model.save(tmp_path / "slipped.h5")
    result = grade(tmp_path / "slipped.h5", question)
    assert result.rescoring and result.rescoring.slip and result.rescoring.slip.name == slip, result.rescoring


@needs_real_data
def test_a_fashion_model_trained_on_pixels_in_minus_one_to_one_is_told_so(tf, tmp_path):
    from bank import grade
    from tfexam.data import training_data

    pixels, labels = training_data("c2_fashion_mnist")
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(10)])
    _fit(model, tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
         pixels[:6000].astype("float32") / 127.5 - 1, labels[:6000], epochs=3)  # MobileNet's preprocess_input
    model.save(tmp_path / "symmetric.h5")
    result = grade(tmp_path / "symmetric.h5", questions.get("c2_fashion_mnist"))
    assert result.rescoring.slip and result.rescoring.slip.name == "minus_one_to_one", result.rescoring


@needs_real_data
def test_a_sarcasm_model_trained_on_pre_padded_headlines_is_told_so(tf, tmp_path):
    from bank import grade
    from graders import text
    from tfexam.data import training_data

    question = questions.get("c4_sarcasm")
    texts, labels = training_data(question.id)
    ids = text.encode(question, list(texts), text.frozen(question).replace(padding="pre"))  # the slip
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((120,)), tf.keras.layers.Embedding(1000, 8), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    _fit(model, "binary_crossentropy", ids, np.asarray(labels), epochs=4, batch_size=256).save(tmp_path / "pre.h5")
    result = grade(tmp_path / "pre.h5", question)
    assert result.rescoring.slip and result.rescoring.slip.name == "padding", result.rescoring
    assert "sequences padded 'pre'" in result.rescoring.slip.line and "padding='post'" in result.rescoring.slip.line


def test_a_text_generation_model_trained_on_post_padded_prefixes_is_told_so(tf, tmp_path):
    from bank import grade
    from graders.slips import text_generation as slip_kind
    from tfexam import wordindex
    from tfexam.data import training_data

    question = questions.get("c4_sonnets")
    lines = training_data(question.id)
    index = wordindex.WordIndex.fit(lines)
    length = wordindex.longest_line(index, lines)
    prefixes = wordindex.ngram_prefixes(index, lines)
    posted = slip_kind._padded_post(slip_kind.Sample(question, [p[:-1] for p in prefixes],
                                                     np.asarray([p[-1] for p in prefixes]), length - 1))  # the slip
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((length - 1,)), tf.keras.layers.Embedding(index.total_words, 16),
                                 tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(index.total_words, activation="softmax")])
    model.compile(tf.keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    model.fit(posted.inputs, np.asarray([p[-1] for p in prefixes]), epochs=12, batch_size=256, verbose=0)
    model.save(tmp_path / "post.h5")
    result = grade(tmp_path / "post.h5", question)
    assert result.rescoring.slip and result.rescoring.slip.name == "padding", result.rescoring
    assert "padded 'post'" in result.rescoring.slip.line and "padding='pre'" in result.rescoring.slip.line
