"""`tfexam train N` and exam-era Keras: course-era scripts train unchanged after `start --keras 2`, from the PyCharm
run configuration too; the check runs before training and again after a crash; the exit code passes through; the
shipped starters and solutions train under Keras 2 and are graded.

The solutions of Categories 2, 3 and 5 train here with fit() held to one epoch: the test is that their code runs
under tf-keras and the file it saves is graded (a full run costs minutes each); their starters, which share that
code but for a stub model, are not run again. What they score under Keras 2 when
trained in full is measured by `benchmarks/reference_times.py --keras 2` and recorded in CALIBRATION.md."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from clirun import exam, exam_json, needs_real_data, real_data, stderr_lines
from test_check import COURSE_CATEGORY_1
from test_pycharm import click, ledger

from tfexam import questions
from tfexam.scripts import split_header
from exam.paths import DEFAULT_WORKSPACE


def start(workspace: Path, category: int, keras: int) -> None:
    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", str(category), "--no-fetch",
                              "--question", questions.default_for_category(category).id,
                              "--keras", str(keras))
    assert code == 0 and payload["session"]["keras"] == keras, payload


def write_script(workspace: Path, category: int, text: str) -> Path:
    script = workspace / f"Category{category}" / "starter.py"
    script.write_text(text, encoding="utf-8")
    return script


@pytest.fixture()
def project(tmp_path) -> Path:
    """The PyCharm project, copied under a path with a space and a non-ASCII letter, as learners' paths often are."""
    copy = tmp_path / "mes exámenes" / "pycharm_project"
    shutil.copytree(DEFAULT_WORKSPACE, copy, ignore=shutil.ignore_patterns(".tfexam", "Category*"))
    return copy


def test_course_style_category_1_trains_unchanged_from_its_run_configuration_under_keras_2(project):
    start(project, 1, keras=2)
    write_script(project, 1, COURSE_CATEGORY_1)
    trained = click("Category 1 - 1. Train", project)
    assert trained.returncode == 0, trained.stdout[-2000:] + trained.stderr[-2000:]
    assert "under Keras 2 (exam-era: tf.keras is tf-keras)" in trained.stdout
    assert "check: no line of Category1/starter.py will fail under Keras 2" in trained.stdout
    assert (project / "Category1" / "mymodel.h5").is_file()
    submitted = click("Category 1 - 2. Submit and Test", project)
    assert submitted.returncode == 0, submitted.stdout[-2000:] + submitted.stderr[-2000:]
    result = ledger(project)[-1]
    assert result["status"] == "graded" and result["score"] >= 3, result["metric"]
    assert any(c["name"] == "file" and "Keras 2" in c["message"] for c in result["checks"]), result["checks"]
    print(f"\ncourse-style Category 1 under Keras 2: {result['score']}/5, MAE {result['metric']['value']:.4g}")
    code, payload = exam_json("status", "--workspace", str(project))
    assert code == 0 and payload["keras"] == 2


def test_under_keras_3_the_same_script_crashes_and_the_check_is_shown_before_and_after(tmp_path):
    start(tmp_path, 1, keras=3)
    write_script(tmp_path, 1, COURSE_CATEGORY_1)
    done = exam("train", "1", "--workspace", str(tmp_path))
    assert done.returncode == 1, done.stdout
    fix = "RMSprop(lr=...) fails under Keras 3"
    before, after = done.stdout.split("Training stopped (exit code 1).")
    assert f"check: starter.py:8: {fix}" in before and "model.predict([10.0])" in before
    assert fix in after and "model.predict(np.array([10.0]))" in after
    assert "starter.py:8: Keras 3 optimizers take learning_rate=, not lr=: learning_rate=0.05" in after  # the crash, explained
    assert "Argument(s) not recognized: {'lr': 0.05}" in done.stderr  # the script's own traceback, unchanged
    assert not (tmp_path / "Category1" / "mymodel.h5").exists()


def test_the_scripts_exit_code_and_lines_pass_through(tmp_path):
    start(tmp_path, 1, keras=3)
    write_script(tmp_path, 1, "import os\nprint('working in', os.path.basename(os.getcwd()))\nraise SystemExit(7)\n")
    done = exam("train", "1", "--workspace", str(tmp_path))
    assert done.returncode == 7 and "working in Category1" in done.stdout
    assert "Training stopped (exit code 7)." in done.stdout and "no Python traceback was printed" in done.stdout
    code, payload = exam_json("train", "1", "--workspace", str(tmp_path))
    assert code == 7 and payload["exit_code"] == 7 and payload["findings"] == [] and len(payload["crash"]) == 1
    missing = exam("train", "2", "--workspace", str(tmp_path))
    assert missing.returncode == 2 and stderr_lines(missing) == [
        f"tfexam: {tmp_path / 'Category2' / 'starter.py'} does not exist: this session has no category 2 question (it has 1)"]


EXAM_ERA_IMPORTS = textwrap.dedent("""\
    import os
    from pathlib import Path

    import tensorflow as tf
    import keras
    import keras_preprocessing.text
    import tf_keras
    from keras.preprocessing.image import ImageDataGenerator
    from keras_preprocessing.sequence import pad_sequences

    from tfexam.data import training_data

    assert keras is tf_keras and tf.keras.layers.Dense is keras.layers.Dense, (keras, tf.keras)
    assert keras_preprocessing.text.Tokenizer is tf.keras.preprocessing.text.Tokenizer
    ImageDataGenerator(rescale=1 / 255.0)
    (images, labels), (test_images, test_labels) = tf.keras.datasets.fashion_mnist.load_data()
    assert images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
    assert (training_data("c2_fashion_mnist")[0] == images).all()  # the exam's own loader still works, and agrees
    assert not (Path.home() / ".keras" / "datasets").exists(), "tf-keras cached datasets under ~/.keras"
    print("exam-era imports and datasets work")
    open("mymodel.h5", "wb").close()  # what `train` expects a training script to leave behind
""")


@needs_real_data
def test_keras_2_mode_serves_keras_keras_preprocessing_and_datasets_offline(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    start(tmp_path, 2, keras=2)
    write_script(tmp_path, 2, EXAM_ERA_IMPORTS)
    done = exam("train", "2", "--workspace", str(tmp_path), HOME=str(home))
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-3000:]
    assert "exam-era imports and datasets work" in done.stdout
    assert not (home / ".keras" / "datasets").exists()  # keras.json may be there: both Keras generations write it


HELD_TO_ONE_EPOCH = {2, 3, 5}
ONE_EPOCH = """
import tensorflow as _tf

_fit = _tf.keras.Model.fit


def _one_epoch(self, *args, **kwargs):  # added by the test: the code is under test here, not the score
    kwargs["epochs"] = 1
    return _fit(self, *args, **kwargs)


_tf.keras.Model.fit = _one_epoch
"""


def train_and_submit(workspace: Path, category: int, kind: str, trained) -> dict:
    """A shipped starter or solution, trained by `tfexam train` in a Keras 2 session (once per run: the `trained`
    fixture), then Submit and Test in a Keras 2 session of its own."""
    question = questions.default_for_category(category)
    source = (question.starter_path if kind == "starter" else question.solution_path).read_text(encoding="utf-8")
    if kind == "solution" and category in HELD_TO_ONE_EPOCH:
        header, body = split_header(source)
        source = header + ONE_EPOCH + body
    run = trained.script(question.id, source, keras=2)
    assert "under Keras 2" in run.stdout, run.stdout[-1500:]
    assert "fails under Keras" not in run.stdout and "check: no line of" in run.stdout
    start(workspace, category, keras=2)
    shutil.copyfile(run.model, workspace / f"Category{category}" / "mymodel.h5")
    code, payload = exam_json("submit", str(category), "--workspace", str(workspace))
    result = payload["result"]
    assert code == 0 and result["status"] == "graded", result["output"]
    assert any("Keras 2" in c["message"] for c in result["checks"])
    print(f"\nCategory {category} {kind} under Keras 2: {result['score']}/5, {result['output'].splitlines()[0]}")
    return result


def keras2_case(category: int, kind: str):
    marks = [pytest.mark.timeout(1800)] + ([] if category in (1, 4) else [pytest.mark.slow])
    if category != 1:
        marks += real_data
    return pytest.param(category, kind, marks=marks, id=f"category{category}-{kind}")


# A starter is its solution's script with a stub model (tfexam/scripts.py renders one from the other): where the
# solution already trains under Keras 2 with fit() held to one epoch, the starter adds no code worth minutes.
@pytest.mark.parametrize("category,kind", [keras2_case(c, k) for c in questions.available_categories()
                                           for k in ("starter", "solution")
                                           if not (k == "starter" and c in HELD_TO_ONE_EPOCH)])
def test_shipped_scripts_train_under_keras_2_and_are_graded(tmp_path, trained, category, kind):
    result = train_and_submit(tmp_path, category, kind, trained)
    if kind == "solution" and category not in HELD_TO_ONE_EPOCH:
        assert result["score"] >= 4, result["output"]  # calibrated under Keras 3 for 5/5; tf-keras trains its own way
