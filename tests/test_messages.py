"""Every message true in its context: advice chosen by the question's kind, late lines that say whether the clock ran
out or the exam was ended, a missing --model path named as the learner's typo, and an END prompt its check obeys.
TensorFlow-free: the message functions themselves, and the CLI where nothing is graded."""

from __future__ import annotations

import json

import numpy as np
import pytest
from clirun import exam, exam_json, start_practice

from tfexam import kinds, questions
from tfexam.result import Result
from exam import clock, report, session
from exam.verbs import check, end, solve, submit
from graders import hints

BANK = sorted(questions.all_questions().values(), key=lambda q: q.id)
CLASSIFIERS = [q for q in BANK if q.kind in ("image_classification", "text_classification")]
# Words that belong to one kind of question only: seeing one under another kind is advice from the wrong exam question.
OWN_WORDS = {"image_classification": ("pixel", "picture"), "text_classification": ("tokenizer", "text"),
             "forecasting": ("series",)}


def foreign_words(kind: str, line: str) -> list[str]:
    return [w for other, words in OWN_WORDS.items() if other != kind for w in words if w in line.lower()]


@pytest.mark.parametrize("question", CLASSIFIERS, ids=lambda q: q.id)
def test_one_answer_for_everything_gets_advice_of_the_questions_own_kind(question):
    names = list(question.data.class_names)
    advice = hints.same_answer(question, np.zeros(20, dtype="int64"), names)
    line = advice.text
    assert advice.rule == "same_answer"
    assert f"answers '{names[0]}' for every hidden" in line
    assert foreign_words(question.kind, line) == [], line
    if question.kind == "image_classification":
        assert "divided by 255" in line
    else:
        assert "tokenizer" in line and f"maxlen={question.settings.max_length}" in line
    assert hints.same_answer(question, np.arange(20) % len(names), names) is None, "several answers: no hint"


@pytest.mark.parametrize("kind", kinds.names())
def test_diverged_training_advice_fits_the_kind(kind):
    line = hints.diverged(kind)
    assert "lower the learning rate" in line and foreign_words(kind, line) == [], line
    assert "normalise inputs" not in line, "a text or image model's inputs are the grader's, not the learner's"


def sitting(minutes=60.0, ended_after=None):
    current = session.new({1: "c1_line"}, minutes=minutes, now=1000.0)
    if ended_after is not None:
        current.ended_at = 1000.0 + ended_after
    return current


def test_late_says_whether_the_exam_was_ended_or_the_clock_ran_out():
    ended_early = report.late_reason(sitting(ended_after=600), at=1000.0 + 700)
    assert "had been ended at " in ended_early and "0:50:00 still on its clock" in ended_early
    assert "run out" not in ended_early
    for current, at in ((sitting(), 1000.0 + 3700), (sitting(ended_after=3700), 1000.0 + 3800)):
        reason = report.late_reason(current, at)
        assert "clock had run out" in reason and "ended" not in reason
    assert report.late_reason(sitting(), at=1000.0 + 60) is None


def test_submit_prints_the_late_reason_and_never_a_negative_time_left():
    graded = Result(question="c1_line", category=1, status="graded", score=5, output="mae 0.1: 5/5")
    question = questions.get("c1_line")
    ended = sitting(ended_after=600)
    text = submit.render(question, graded, ended, report.late_reason(ended, 1000.0 + 700))
    assert "Recorded as LATE: the exam had been ended at " in text and "run out" not in text
    assert text.splitlines()[-1] == "The exam has ended"
    overtime = sitting(minutes=1)  # started at t=1000 s: its deadline passed long ago
    text = submit.render(question, graded, overtime, report.late_reason(overtime, 1000.0 + 120))
    assert "Recorded as LATE: the exam clock had run out" in text
    assert text.splitlines()[-1].startswith("Time is up: the deadline passed ") and "-" not in text.splitlines()[-1]
    refused = Result(question="c1_line", category=1, status="refused", output="nope")
    assert "(time is up: the deadline passed " in submit.render(question, refused, overtime, None)


def test_report_over_time_says_time_is_up_not_a_negative_time_left():
    text = report.render(sitting(), [], now=1000.0 + 3660)
    assert "Time is up: the deadline passed 0:01:00 ago; the exam has not been ended." in text
    assert "Time left" not in text


def test_missing_file_advice_depends_on_whether_a_path_was_given(tmp_path):
    given = submit.missing_file(tmp_path / "missing.h5", 1, given=True)
    assert "missing.h5 does not exist (the path given with --model)" in given and "Train" not in given
    default = submit.missing_file(tmp_path / "mymodel.h5", 1, given=False)
    assert "run Category 1 - 1. Train (or `tfexam train 1`)" in default


def test_submit_of_a_missing_model_path_names_the_path_and_grades_nothing(tmp_path):
    start_practice(tmp_path, 1)
    done = exam("submit", "1", "--model", str(tmp_path / "missing.h5"), "--workspace", str(tmp_path))
    line, = done.stdout.strip().splitlines()
    assert done.returncode == 1 and "missing.h5 does not exist (the path given with --model)" in line
    assert "Train" not in line and "time left" in line
    record, = [json.loads(r) for r in (tmp_path / ".tfexam" / "ledger.jsonl").read_text().splitlines()]
    assert (record["status"], record["checks"][0]["name"], "model_copy" in record) == ("refused", "file", False)
    assert not (tmp_path / ".tfexam" / "submissions").exists(), "nothing was copied, nothing was graded"


def test_only_end_in_capitals_ends_the_exam_as_the_prompt_says(tmp_path):
    assert "in capitals" in end.PROMPT and "'end' included" in end.PROMPT
    assert [end.is_confirmation(a) for a in ("END\n", "  END \n", "end\n", "End\n", "ENDE\n")] == [
        True, True, False, False, False]
    start_practice(tmp_path, 1)
    code, payload = exam_json("end", "--workspace", str(tmp_path), input="end\n")
    assert code == 0 and payload["ended"] is False
    assert json.loads((tmp_path / ".tfexam" / "session.json").read_text())["ended_at"] is None


def test_a_missing_starter_is_explained_by_the_session_not_by_start_exam(tmp_path):
    assert "run Start exam" in check.missing_script(tmp_path, 1), "no session: Start exam copies the starters"
    start_practice(tmp_path, 1)
    (tmp_path / "Category1" / "starter.py").unlink()
    done = exam("train", "1", "--workspace", str(tmp_path))
    assert done.returncode == 2 and "moved or deleted" in done.stderr and "Start exam" not in done.stderr
    assert str(questions.get("c1_line").starter_path) in done.stderr
    given = exam("check", "1", "--file", str(tmp_path / "mine.py"), "--workspace", str(tmp_path))
    assert given.returncode == 2 and "mine.py does not exist (the path given with --file)" in given.stderr


def test_an_extra_axis_is_a_channel_axis_only_for_pictures():
    assert "no channel axis" in hints.input_shape_fix((28, 28, 1), (28, 28), "image_classification")
    series = hints.input_shape_fix((30, 1, 1), (30, 1), "forecasting")
    assert "channel" not in series and "no last axis of size 1" in series and "Reshape((30, 1, 1))" in series


def test_stopping_the_clock_says_the_exams_real_state():
    assert clock.stopped_line(sitting(), 1000.0 + 60) == "Clock stopped; the exam goes on (time left 0:59:00)."
    assert "time is up" in clock.stopped_line(sitting(), 1000.0 + 3700)
    assert clock.stopped_line(sitting(ended_after=60), 1000.0 + 120) == "Clock stopped; the exam has ended."


def test_after_solve_the_next_step_exists_in_the_context():
    question, target = questions.get("c1_line"), "Category1/mymodel.h5"
    alone = solve.next_step(None, question, target)
    assert "`python -m graders 1 Category1/mymodel.h5 --question c1_line`" in alone and "Submit and Test" not in alone
    assert solve.next_step(sitting(), question, target).startswith("Submit it with Category 1 - 2. Submit and Test")
    assert "recorded as late" in solve.next_step(sitting(ended_after=60), question, target)


def test_a_keras_2_load_failure_names_no_tfexam_command():
    from graders import keras2  # tf-keras itself is imported only to load a file

    for text in ("Unknown layer: 'Foo'", "ValueError: units"):
        assert "tfexam" not in keras2.failure(text, "ValueError"), "also read on Gradescope and in batch grading"


def test_solve_shows_the_reference_training_as_train_shows_a_script(tmp_path):
    """No advice against the .h5 the exam grades, TensorFlow's start-up lines at most once (as `train`)."""
    start_practice(tmp_path, "c1_line")
    done = exam("solve", "1", "--workspace", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    shown = done.stdout + done.stderr
    assert "my_model.keras" not in shown and shown.count("keep saving it as .h5") == 1, shown[-2000:]
    assert shown.count("oneDNN custom operations") <= 1
    assert "Saved " in done.stdout and (tmp_path / "Category1" / "mymodel.h5").is_file()
