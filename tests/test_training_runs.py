"""Training runs recorded through the real command line: `tfexam train` records every fit without changing the
script's output (Keras 3 and exam-era Keras 2), `submit` names the run, the report draws its curves with the right
advice (a Category 2 model made to overfit, one made to underfit), `train --repeat` grades seeded runs (that the
reference solutions get no advice: tests/test_bank.py)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from clirun import REPO_ROOT, env, exam, exam_json, needs_real_data, report_page, start_practice

from exam import runs

C2_DATA = """\
    import numpy as np
    import tensorflow as tf
    from tfexam.data import training_data

    images, labels = training_data("c2_fashion_mnist")
    images = images.astype("float32") / 255.0
"""
# 512 pictures and a wide network: training loss keeps falling while validation loss turns up after a few epochs
OVERFITTING = textwrap.dedent(C2_DATA + """\
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(512, activation="relu"), tf.keras.layers.Dense(512, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.002), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(images[:512], labels[:512], epochs=25, batch_size=64, verbose=0,
              validation_data=(images[-2000:], labels[-2000:]))
    model.save("mymodel.h5")
""")
# one Dense layer, a slow optimizer and three epochs: still learning when it stops, weak even on its training data
UNDERFITTING = textwrap.dedent(C2_DATA + """\
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(images[:3000], labels[:3000], epochs=3, batch_size=32, verbose=0, validation_split=0.2)
    model.save("mymodel.h5")
""")
# the course's Category 1 recipe, without a seed of its own, and its calls as learners write them
CATEGORY_1 = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf

    xs = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
    ys = np.array([-4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0], dtype=float)

    class Quiet(tf.keras.callbacks.Callback):
        pass

    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(units=1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss="mean_squared_error")
    model.fit(xs, ys, 7, 15, 0, (Quiet(),))
    history = model.fit(np.tile(xs, 4), np.tile(ys, 4), epochs=40, verbose=0, callbacks=[Quiet()])
    print("epochs", len(history.history["loss"]), "callbacks", len(history.model.history.history))
    model.save("mymodel.h5")
""")


def train_and_submit(workspace: Path, script: str, keras: int) -> tuple[str, str]:
    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", "2", "--no-fetch",
                              "--question", "c2_fashion_mnist", "--keras", str(keras))
    assert code == 0, payload
    (workspace / "Category2" / "starter.py").write_text(script, encoding="utf-8")
    trained = exam("train", "2", "--workspace", str(workspace), timeout=600)
    assert trained.returncode == 0, trained.stdout[-2000:] + trained.stderr[-2000:]
    assert re.search(r"Training finished \(run 1, \d+ epochs, \d+ s\)", trained.stdout), trained.stdout
    submitted = exam("submit", "2", "--workspace", str(workspace))
    assert submitted.returncode == 0 and "Trained by run 1, " in submitted.stdout, submitted.stdout + submitted.stderr
    return submitted.stdout, report_page(workspace)


@pytest.mark.parametrize("script, keras, rules", [
    (OVERFITTING, 3, ["overfitting"]),
    (UNDERFITTING, 2, ["weak_on_training_data", "still_improving"]),
], ids=["overfitting-keras3", "underfitting-keras2"])
@needs_real_data
def test_category_2_curves_and_their_advice_reach_the_terminal_and_the_report(tmp_path, script, keras, rules):
    workspace = tmp_path / "mon examen" / "ws"
    submitted, page = train_and_submit(workspace, script, keras)
    run = runs.load_all(workspace)[0][0]
    fit = run.main_fit
    assert run.keras == keras and fit.keras == str(keras) and {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(fit.names)
    assert all(e.lr and e.seconds > 0 for e in fit.epochs) and len(fit.epochs) == fit.planned_epochs
    assert [line.split(":")[0] for line in submitted.splitlines() if line.startswith("advice:")] == ["advice"] * len(rules)
    assert re.findall(r'data-rule="(\w+)"', page) == rules, submitted
    assert page.count('<svg class="curve"') == 2 and "Trained by run 1, " in page
    ledger = [json.loads(line) for line in (workspace / ".tfexam" / "ledger.jsonl").read_text().splitlines()]
    assert ledger[-1]["run"] == 1 and ledger[-1]["version"] == 3
    print(f"\n{rules}: {ledger[-1]['score']}/5, accuracy {ledger[-1]['metric']['value']:.3f}, {run.describe()}")


def test_every_fit_under_exam_era_keras_is_recorded_whatever_the_callbacks_and_the_history_is_the_learners(tmp_path):
    """Keras 2 here; the --repeat test below runs the same script under Keras 3."""
    keras = 2
    workspace = tmp_path / "a b"
    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--no-fetch",
                              "--question", "c1_line", "--keras", str(keras))
    assert code == 0, payload
    script = workspace / "Category1" / "starter.py"
    script.write_text(CATEGORY_1, encoding="utf-8")
    trained = exam("train", "1", "--workspace", str(workspace))
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert "epochs 40 callbacks 1\n" in trained.stdout  # the learner's History is theirs, untouched
    (run,), problems = runs.load_all(workspace)
    assert not problems and [len(f.epochs) for f in run.fits] == [15, 40] and run.fits[0].keras == str(keras)
    assert run.model_sha256 and run.exit_code == 0 and not run.notes
    assert not list(runs.runs_dir(workspace).glob("*.curves.jsonl"))  # read into the record, then removed


def test_repeat_trains_and_grades_three_seeded_runs_and_the_report_shows_the_series(tmp_path):
    workspace = tmp_path / "rép é"
    start_practice(workspace, "c1_line")
    (workspace / "Category1" / "starter.py").write_text(CATEGORY_1, encoding="utf-8")
    started = time.monotonic()
    done = exam("train", "1", "--repeat", "3", "--workspace", str(workspace), timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("run ")]
    assert [line[:19] for line in lines] == [f"run {k} of 3 (seed {k})" for k in (1, 2, 3)], done.stdout
    summary = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[0-5]/5 in [123] of 3 runs \(mae [0-9.e-]+ - [0-9.e-]+\)", summary), summary
    assert "came out the same" not in done.stdout
    recorded, _ = runs.load_all(workspace)
    assert [r.seed for r in recorded] == [1, 2, 3] and all(r.result.graded for r in recorded)
    assert [[len(f.epochs) for f in r.fits] for r in recorded] == [[15, 40]] * 3 and recorded[0].fits[0].keras == "3"
    assert "epochs 40 callbacks 1\n" in done.stdout  # the learner's History is theirs, untouched
    assert len({r.result.metric.value for r in recorded}) == 3  # different seeds, different models
    assert not (workspace / ".tfexam" / "ledger.jsonl").exists() or "graded" not in (
        workspace / ".tfexam" / "ledger.jsonl").read_text()  # repeats are never submissions
    page = report_page(workspace)
    assert page.count("<tr><td class=\"num\">") >= 3 and summary in page.replace("&nbsp;", " ")
    print(f"\n{summary} in {time.monotonic() - started:.0f} s")


@pytest.mark.slow
def test_a_script_that_seeds_itself_is_told_its_runs_are_the_same_and_ctrl_c_keeps_the_finished_ones(tmp_path):
    workspace = tmp_path / "ws"
    start_practice(workspace, "c1_line")
    seeded = CATEGORY_1.replace("import tensorflow as tf\n", "import tensorflow as tf\ntf.keras.utils.set_random_seed(5)\n")
    (workspace / "Category1" / "starter.py").write_text(seeded, encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "exam", "train", "1", "--repeat", "5", "--workspace",
                              str(workspace)], cwd=REPO_ROOT, env=env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    seen = []
    for line in child.stdout:
        seen.append(line)
        if line.startswith("run 2 of 5"):
            child.send_signal(signal.SIGINT)  # what Ctrl-C sends; the third run is under way or about to be
            break
    rest, errors = child.communicate(timeout=300)
    out = "".join(seen) + rest
    assert child.returncode == 130, out + errors
    assert "Traceback" not in errors and "Every run came out the same" in out, out + errors
    assert "Interrupted: the 2 finished run(s) are kept" in out and re.search(r"\d/5 in 2 of 2 runs", out), out
    graded = [r for r in runs.load_all(workspace)[0] if r.result is not None]
    assert [r.seed for r in graded] == [1, 2]
