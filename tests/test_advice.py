"""Advice from training curves (exam/advice.py), on curves made to show each case, and the curves file and run
records read as hostile (exam/curves.py, exam/runs.py). No TensorFlow, no child process."""

from __future__ import annotations

import json
import math

import pytest

from tfexam import questions
from tfexam.result import MetricResult, Result
from exam import advice, curves, report_curves, runs
from exam.curves import Epoch, Fit
from exam.runs import Run

C2 = questions.get("c2_fashion_mnist")


def fit_of(**series) -> Fit:
    length = len(next(iter(series.values())))
    return Fit(keras="3", planned_epochs=length, seconds=1.0,
               epochs=tuple(Epoch(epoch=i + 1, logs={k: v[i] for k, v in series.items()}, lr=0.001, seconds=0.1)
                            for i in range(length)))


def graded(score: int) -> advice.Target:
    return advice.target_of(C2, Result(question=C2.id, category=2, status="graded", score=score,
                                       metric=MetricResult("accuracy", 0.8, True, [0.75, 0.86, 0.87, 0.88, 0.89])))


OVERFIT = fit_of(loss=[0.9, 0.6, 0.45, 0.35, 0.27, 0.2, 0.15, 0.11], accuracy=[.7, .8, .85, .88, .9, .93, .95, .97],
                 val_loss=[0.8, 0.6, 0.5, 0.48, 0.52, 0.58, 0.66, 0.75], val_accuracy=[.72, .8, .83, .84, .84, .83, .83, .82])
UNDERFIT = fit_of(loss=[2.0, 1.6, 1.3, 1.1, 0.95], accuracy=[0.3, 0.45, 0.55, 0.62, 0.66],
                  val_loss=[1.8, 1.5, 1.25, 1.05, 0.92], val_accuracy=[0.35, 0.5, 0.58, 0.63, 0.67])
GOOD = fit_of(loss=[0.6, 0.4, 0.33, 0.3, 0.29, 0.285], accuracy=[.8, .86, .89, .9, .905, .91],
              val_loss=[0.45, 0.37, 0.34, 0.33, 0.33, 0.331], val_accuracy=[.84, .87, .88, .89, .895, .895])


def rules(fit: Fit, target: advice.Target) -> list[str]:
    return [a.rule for a in advice.advise(fit, target)]


def test_overfitting_names_the_epoch_of_the_lowest_validation_loss_and_how_to_stop_there():
    found = advice.advise(OVERFIT, graded(3))
    assert [a.rule for a in found] == ["overfitting"]  # never also "train longer"
    assert "lowest at epoch 4 (0.48)" in found[0].text and "rose to 0.75 by epoch 8" in found[0].text
    assert "EarlyStopping" in found[0].text and "Dropout" in found[0].text


def test_underfitting_says_train_longer_and_that_even_the_training_accuracy_is_short_of_5_of_5():
    found = advice.advise(UNDERFIT, graded(1))
    assert [a.rule for a in found] == ["weak_on_training_data", "still_improving"]
    assert "accuracy 0.66" in found[0].text and "0.89" in found[0].text
    assert "from 1.05 to 0.92" in found[1].text and "epochs=" in found[1].text


def test_a_diverged_loss_names_the_epoch_and_a_lower_learning_rate_even_before_grading():
    nan = fit_of(loss=[2.3, 5.1, None, None], accuracy=[0.1, 0.1, None, None])
    found = advice.advise(nan, advice.target_of(C2))
    assert [a.rule for a in found] == ["learning_rate_too_high"]
    assert "epoch 3" in found[0].text and "0.0001" in found[0].text  # a tenth of the recorded 0.001
    rising = fit_of(loss=[0.7, 0.9, 1.6, 2.4], accuracy=[0.5, 0.4, 0.3, 0.2])
    assert rules(rising, graded(0))[0] == "learning_rate_too_high"


def test_the_rules_stay_silent_on_a_good_curve_at_any_score_and_on_everything_at_full_marks_or_before_grading():
    for score in range(0, 6):
        assert advice.advise(GOOD, graded(score)) == [], score
    for fit in (OVERFIT, UNDERFIT):
        assert advice.advise(fit, graded(5)) == []
        assert advice.advise(fit, advice.target_of(C2)) == []  # not graded: `train` stays quiet about these


def test_weak_on_training_data_speaks_only_of_accuracies_whose_scale_the_grade_shares():
    c1 = questions.get("c1_line")
    regression = fit_of(loss=[5.0, 4.0, 3.9, 3.9], mae=[3.0, 2.5, 2.4, 2.4])
    target = advice.target_of(c1, Result(question=c1.id, category=1, status="graded", score=1))
    assert "weak_on_training_data" not in rules(regression, target)
    assert advice.advise(None, target) == [] and advice.advise(Fit("3", 0), target) == []


def recorder_lines(*events) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


BEGIN = {"event": "begin", "fit": 1, "keras": "3", "epochs": 2, "steps": 10}
EPOCH = {"event": "epoch", "fit": 1, "epoch": 1, "logs": {"loss": 0.5, "val_loss": "nan"}, "lr": 0.01, "seconds": 0.2}
END = {"event": "end", "fit": 1, "seconds": 0.4}


def test_a_recorders_file_reads_into_typed_fits_with_notes_and_not_a_number_kept_as_none(tmp_path):
    path = tmp_path / "1.curves.jsonl"
    path.write_text(recorder_lines(BEGIN, EPOCH, {"event": "note", "text": "fit was not recorded"}, END))
    fits, notes = curves.read(path)
    assert fits == [Fit("3", 2, (Epoch(1, {"loss": 0.5, "val_loss": None}, 0.01, 0.2),), 0.4)]
    assert notes == ["fit was not recorded"] and curves.read(tmp_path / "absent") == ([], [])


@pytest.mark.parametrize("content", [
    b"\xff\xfe not utf-8",
    b"[1, 2]\n",
    b"NaN\n",
    recorder_lines(EPOCH).encode(),  # an epoch before its fit began
    recorder_lines(BEGIN, BEGIN).encode(),
    recorder_lines(BEGIN, EPOCH | {"logs": {"loss": "0.5"}}).encode(),
    recorder_lines(BEGIN, EPOCH | {"logs": {"<script>" * 20: 1.0}}).encode(),
    recorder_lines(BEGIN, EPOCH | {"extra": 1}).encode(),
    recorder_lines(BEGIN, EPOCH | {"epoch": True}).encode(),
    recorder_lines(BEGIN, {"event": "rm -rf"}).encode(),
    b" " * (curves.MAX_BYTES + 1),
], ids=["binary", "not-object", "bare-nan", "orphan", "repeated-begin", "string-value", "long-name", "extra-field",
        "bool-epoch", "unknown-event", "huge"])
def test_a_curves_file_that_breaks_a_rule_is_unreadable_with_a_reason(tmp_path, content):
    path = tmp_path / "1.curves.jsonl"
    path.write_bytes(content)
    with pytest.raises(curves.Unreadable) as raised:
        curves.read(path)
    assert str(raised.value) and "\n" not in str(raised.value)


def a_run(**changes) -> Run:
    fields = dict(id=3, category=2, started_at="2026-12-05T09:00:00+00:00", seconds=41.0, keras=3, exit_code=0,
                  fits=(OVERFIT,), model_sha256="a" * 64)
    return Run(**(fields | changes))


def test_a_run_record_round_trips_and_a_damaged_one_is_skipped_with_one_line(tmp_path):
    result = Result(question=C2.id, category=2, status="graded", score=4,
                    metric=MetricResult("accuracy", 0.885, True, [0.75, 0.86, 0.87, 0.88, 0.89]))
    run = a_run(result=result, seed=2, series="s1", notes=("a note",))
    runs.save(tmp_path, run)
    runs.save(tmp_path, a_run(id=4, model_sha256=None))
    folder = runs.runs_dir(tmp_path)
    (folder / "5.json").write_text(json.dumps(a_run(id=5).to_json() | {"keras": "3"}))
    (folder / "6.json").write_text(json.dumps(a_run(id=7).to_json()))  # an id that is not its file name
    (folder / "8.json").write_text("{" * 100000)
    (folder / "notes.txt").write_text("ignored: not a record's name")
    found, problems = runs.load_all(tmp_path)
    assert [r.id for r in found] == [3, 4] and found[0] == run and run.describe() == "run 3, 8 epochs, 41 s"
    assert len(problems) == 3 and all(p.startswith("skipped the training record ") for p in problems), problems
    assert runs.matching(tmp_path, "a" * 64, 2) == run and runs.matching(tmp_path, "a" * 64, 1) is None
    assert runs.reserve(tmp_path)[0] == 9  # past every name in the folder, damaged ones too


def test_the_report_chart_draws_numbers_only_and_escapes_what_the_learners_process_named():
    hostile = fit_of(**{"loss": [1.0, None, 0.5], "<img src=x onerror=alert(1)>": [0.1, 0.2, 0.3]})
    svg = report_curves.chart(hostile, "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>")
    assert "<img" not in svg and "&lt;img" in svg
    loss = report_curves.chart(hostile, "loss", "Loss")
    assert loss.count("<circle") == 2 and "training not a number from here" in loss  # one dot each side of NaN
    assert report_curves.chart(fit_of(loss=[None, None]), "loss", "Loss") == ""
    logarithmic = report_curves.chart(fit_of(loss=[60.0, 2.0, 0.3]), "loss", "Loss")
    assert "(log scale)" in logarithmic and not math.isnan(float(logarithmic.split("points=\"")[1].split(",")[1].split()[0]))


def test_the_report_shows_the_run_its_curves_and_its_advice_or_says_no_run_saved_the_file():
    result = Result(question=C2.id, category=2, status="graded", score=3,
                    metric=MetricResult("accuracy", 0.87, True, [0.75, 0.86, 0.87, 0.88, 0.89]))
    page = "".join(report_curves.run_section(a_run(), C2, result))
    assert "Trained by run 3, 8 epochs, 41 s" in page and page.count("<svg") == 2
    assert 'data-rule="overfitting"' in page and "validation (dashed)" in page
    assert "No recorded training run" in "".join(report_curves.run_section(None, C2, result))


class FakeModel:
    """A Model whose fit returns what it was given: what the recorder passes on, without TensorFlow."""

    def fit(self, *args, **kwargs):
        return args, kwargs


def test_the_recorder_appends_its_callback_however_callbacks_are_given_and_a_failure_of_its_own_is_only_a_note(
        tmp_path, monkeypatch):
    from types import ModuleType

    from exam import fit_recorder

    notes = tmp_path / "curves.jsonl"
    monkeypatch.setenv(fit_recorder.CURVES_ENV, str(notes))
    module = ModuleType("keras.src.models.model")
    module.Model = type("Model", (FakeModel,), {})
    fit_recorder._patch_fit(module)
    fit_recorder._patch_fit(module)  # patched once, however often the module is executed
    mine = object()
    monkeypatch.setattr(fit_recorder, "_recorder_class", lambda keras: lambda: "recorder")
    model = module.Model()
    assert model.fit(1, 2)[1] == {"callbacks": ["recorder"]}
    assert model.fit(1, callbacks=(mine,))[1] == {"callbacks": [mine, "recorder"]}
    assert model.fit(1, 2, 32, 5, 0, [mine])[0] == (1, 2, 32, 5, 0, [mine, "recorder"])  # positional, as in old courses
    listed = type("CallbackList", (), {"append": lambda self, c: setattr(self, "added", c)})()
    assert model.fit(1, callbacks=listed)[1]["callbacks"].added == "recorder"
    assert model.fit(1, callbacks="odd")[1] == {"callbacks": "odd"}  # left as given, and noted

    def broken(keras):
        raise ImportError("no Keras here")

    monkeypatch.setattr(fit_recorder, "_recorder_class", broken)
    assert model.fit(1, 2, callbacks=[mine]) == ((1, 2), {"callbacks": [mine]})  # the learner's fit runs untouched
    assert model.fit.__name__ == "fit" and model.fit.__wrapped__ is FakeModel.fit
    written = [json.loads(line) for line in notes.read_text().splitlines()]
    assert [w["event"] for w in written] == ["note", "note"] and "no Keras here" in written[1]["text"]
    assert curves.read(notes) == ([], [w["text"] for w in written])
    monkeypatch.setenv(fit_recorder.CURVES_ENV, str(tmp_path / "missing folder" / "c.jsonl"))
    fit_recorder.note("a full disk or a removed folder is not the learner's problem")  # silently dropped
