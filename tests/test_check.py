"""`tfexam check N`: each migration rule names a construct that really fails under one Keras and runs under the other
(both proven by running the snippets under Keras 3 and under the exam-era mode `tfexam train` uses), and nothing is
said about the shipped starters and solutions."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from clirun import env, exam, exam_json, start_practice
from exam import legacy_keras, migration
from exam.paths import SOLUTION_DIR, STARTER_DIR

PRELUDE = """\
import numpy as np
import tensorflow as tf
"""
# name -> (snippet, the Keras it fails under, words of the fix)
CASES = {
    "predict on a list": ("model.predict([10.0])", 3, "model.predict(np.array([10.0]))"),
    "optimizer lr=": ("tf.keras.optimizers.RMSprop(lr=0.001)", 3, "RMSprop(learning_rate=0.001)"),
    "metrics as a bare string": ("model.compile(optimizer='sgd', loss='mse', metrics='accuracy')\n"
                                 "model.fit(xs, ys, epochs=1, verbose=0)", 3, "metrics=['accuracy']"),
    "Input(shape=int)": ("tf.keras.Input(shape=120)", 3, "Input(shape=(120,))"),
    "ModelCheckpoint to .ckpt": ("tf.keras.callbacks.ModelCheckpoint('x.ckpt', save_weights_only=True)", 3,
                                 "ModelCheckpoint('x.weights.h5', save_weights_only=True)"),
    "metrics.mean_absolute_error": ("metric = tf.keras.metrics.mean_absolute_error", 3, "'mae'"),
    "keras.preprocessing.image": ("from keras.preprocessing.image import ImageDataGenerator", 3,
                                  "tf.keras.preprocessing.image.ImageDataGenerator"),
    "keras_preprocessing": ("import keras_preprocessing", 3, "tf.keras.preprocessing"),
    "fit_generator": ("fit = model.fit_generator", 3, "call fit() with the same arguments"),
    "layers.experimental": ("tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255.0)", 3, "tf.keras.layers.Rescaling"),
    "optimizer.lr": ("rate = model.optimizer.lr", 3, "model.optimizer.learning_rate"),
    "save without extension": ("model.save('saved')", 3, "save('saved.h5')"),
    "save_weights to .ckpt": ("model.save_weights('w.ckpt')", 3, "save_weights('w.weights.h5')"),
    "optimizers.legacy": ("tf.keras.optimizers.legacy.Adam(learning_rate=0.001)", 3, "tf.keras.optimizers.Adam"),
    "decay=": ("tf.keras.optimizers.Adam(learning_rate=0.001, decay=1e-6)", 2, "tf.keras.optimizers.legacy.Adam"),
    "RandomGrayscale": ("tf.keras.layers.RandomGrayscale(factor=0.5)", 2, "start the exam with --keras 3"),
    "keras.ops": ("import keras\nkeras.ops.sum(np.ones(3))", 2, "TensorFlow's own ops"),
    "PyDataset": ("base = tf.keras.utils.PyDataset", 2, "tf.keras.utils.Sequence"),
    # the same rules seen through names bound once (exam/bindings.py), as candidates' scripts have them
    "predict on a list of a name": ("new_y = 7.0\nmodel.predict([new_y])", 3, "model.predict(np.array([new_y]))"),
    "predict on a name bound to a list": ("data = [[1.0], [2.0]]\nmodel.predict(data)", 3, "model.predict(np.array(data))"),
    "ModelCheckpoint path in a variable": ("checkpointpath = 'training/cp.ckpt'\n"
                                           "tf.keras.callbacks.ModelCheckpoint(checkpointpath, save_weights_only=True)", 3,
                                           "(checkpointpath is 'training/cp.ckpt'): ModelCheckpoint('training/cp.weights.h5'"),
    "ModelCheckpoint path in an f-string": ("folder = 'training'\nepochs = 5\ntf.keras.callbacks.ModelCheckpoint("
                                            "f'{folder}/cp-{epochs}.ckpt', save_weights_only=True)", 3,
                                            "ModelCheckpoint('training/cp-5.weights.h5'"),
    "ModelCheckpoint path by os.path.join": ("import os\npath = os.path.join('training', 'best.h5')\n"
                                             "tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True)", 3,
                                             "'training/best.weights.h5'"),
    "Input(shape=(n)) with n a name": ("max_length = 120\ninputs = tf.keras.Input(shape=(max_length))", 3,
                                       "Input(shape=(max_length,))"),
    "Input shape from a function's own name": ("def build():\n    size = 3\n    return tf.keras.Input(shape=size)\n"
                                               "build()", 3, "Input(shape=(size,))"),
    "save to a name in a variable": ("name = 'saved'\nmodel.save(name)", 3, "save('saved.h5')"),
    "metrics in a variable": ("metric = 'mae'\nmodel.compile(optimizer='sgd', loss='mse', metrics=metric)\n"
                              "model.fit(xs, ys, epochs=1, verbose=0)", 3, "metrics=[metric]"),
}
# constructs the variable-following rules must stay silent on: they run under both Keras generations
RUNS_UNDER_BOTH = {
    "predict on a list of an array": "x = np.array([[10.0]])\nmodel.predict([x], verbose=0)",
    "a name bound twice": "size = (1,)\nsize = (2,)\ntf.keras.Input(shape=size)",
    "a function's parameter": "def build(size):\n    return tf.keras.Input(shape=size)\nbuild((3,))",
    "a local name shadowing the module's": ("path = 'cp.ckpt'\ndef callback():\n    path = 'cp.weights.h5'\n"
                                            "    return tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True)\n"
                                            "callback()"),
}
RUNNER = """
import json, sys
import numpy as np
import tensorflow as tf
cases = json.loads(open(sys.argv[1]).read())
outcome = {}
for name, code in cases.items():
    xs = np.array([0.0, 1.0, 2.0]); ys = 2 * xs
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    try:
        exec(code, {"np": np, "tf": tf, "xs": xs, "ys": ys, "model": model})
        outcome[name] = "runs"
    except Exception as error:
        outcome[name] = f"{type(error).__name__}: {error}"[:200]
print(json.dumps(outcome))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[int, dict[str, str]]:
    """Every snippet run under Keras 3 and under exam-era Keras 2 (the environment `tfexam train` gives a script)."""
    folder = tmp_path_factory.mktemp("snippets")
    (folder / "cases.json").write_text(json.dumps({**{name: case[0] for name, case in CASES.items()}, **RUNS_UNDER_BOTH}))
    keras3 = env()
    keras3.pop("TF_USE_LEGACY_KERAS", None)
    found = {}
    for keras, environment in ((3, keras3), (2, legacy_keras.child_env(env()))):
        done = subprocess.run([sys.executable, "-c", RUNNER, str(folder / "cases.json")], cwd=folder, env=environment,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        found[keras] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("name", CASES)
def test_each_rule_names_a_construct_that_fails_under_one_keras_and_runs_under_the_other(outcomes, name):
    code, fails_under, fix = CASES[name]
    other = 5 - fails_under
    assert outcomes[fails_under][name] != "runs", f"{name} runs under Keras {fails_under}: the rule is wrong"
    assert outcomes[other][name] == "runs", f"{name} fails under Keras {other} too: {outcomes[other][name]}"
    found = migration.check_source(PRELUDE + code, fails_under)
    assert len(found) == 1 and fix in found[0].fix, found
    assert migration.check_source(PRELUDE + code, other) == [], f"Keras {other} would be warned needlessly"


@pytest.mark.parametrize("name", RUNS_UNDER_BOTH)
def test_names_that_hold_no_known_constant_are_left_alone(outcomes, name):
    assert outcomes[3][name] == outcomes[2][name] == "runs", (outcomes[3][name], outcomes[2][name])
    for keras in (2, 3):
        assert migration.check_source(PRELUDE + RUNS_UNDER_BOTH[name], keras) == [], name


def test_hostile_bindings_end_quickly_and_say_nothing():
    code = PRELUDE + textwrap.dedent("""\
        a = b
        b = a
        tf.keras.Input(shape=a)
        big = 99999999999
        bigger = big * big * big
        tf.keras.Input(shape=bigger)
        text = "x" * 100000
        model.save(text)
        for step in range(3):
            count = step
        tf.keras.Input(shape=count)
        global_name = 4
        def change():
            global global_name
            global_name = (4,)
        tf.keras.Input(shape=global_name)
    """)
    fan_out = "".join(f"level{n + 1} = [{', '.join([f'level{n}'] * 10)}]\n" for n in range(12))
    code += "level0 = 1.0\n" + fan_out + "model.predict(level12)\n"  # 10**12 numbers if nothing bounded the reading
    assert migration.check_source(code, 3) == []


def test_removed_everywhere_constructs_are_named_under_both():
    for keras in (2, 3):
        found = migration.check_source(PRELUDE + "model.predict_classes(xs)\nlayer = tf.keras.layers.Dense(1, input_shape=120)\n"
                                       "max_length = 120\nlayer = tf.keras.layers.Dense(1, input_shape=(max_length))", keras)
        assert [f.line for f in found] == [3, 4, 6], found
        assert "np.argmax(model.predict(x), axis=-1)" in found[0].fix and "input_shape=(120,)" in found[1].fix
        assert "input_shape=(max_length,)" in found[2].fix


def test_look_alikes_are_left_alone():
    code = PRELUDE + "np.save('array', xs)\nlayer = tf.keras.layers.Dense(1)\nmodel.predict(np.array([10.0]))\n"
    assert migration.check_source(code, 3) == migration.check_source(code, 2) == []


def test_the_name_tables_match_the_installed_packages():
    import keras
    import keras._tf_keras.keras as tf_keras_3
    import tf_keras

    for module, names in migration.KERAS3_ONLY.items():
        mine, theirs = (getattr(keras, module), getattr(tf_keras, module)) if module else (keras, tf_keras)
        for name in names:
            assert hasattr(mine, name) and not hasattr(theirs, name), f"{module}.{name}"
    for module, names in migration.KERAS2_ONLY.items():
        for name in names - {"legacy"}:  # tf.keras.optimizers.legacy exists in Keras 3 only to raise on use
            assert hasattr(getattr(tf_keras, module), name) and not hasattr(getattr(tf_keras_3, module), name), f"{module}.{name}"
    for module, names in migration.KERAS3_PREPROCESSING_DROPPED.items():
        theirs = getattr(keras.preprocessing, module, None)
        assert theirs is None if names is None else not any(hasattr(theirs, n) for n in names), module


@pytest.mark.parametrize("keras", [2, 3])
def test_nothing_is_said_about_the_shipped_starters_and_solutions(keras):
    scripts = sorted(STARTER_DIR.glob("*.py")) + sorted(SOLUTION_DIR.glob("*.py"))
    assert len(scripts) >= 10
    for script in scripts:
        assert migration.check_file(script, keras) == [], script


COURSE_CATEGORY_1 = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf

    xs = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
    ys = np.array([-4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0], dtype=float)

    model = tf.keras.Sequential([tf.keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer=tf.keras.optimizers.RMSprop(lr=0.05), loss="mean_squared_error")
    model.fit(xs, ys, epochs=500, verbose=0)
    print(model.predict([10.0]))
    model.save("mymodel.h5")
""")


def test_check_1_under_keras_3_names_both_fixes(tmp_path):
    start_practice(tmp_path, 1)
    (tmp_path / "Category1" / "starter.py").write_text(COURSE_CATEGORY_1)
    done = exam("check", "1", "--workspace", str(tmp_path))
    assert done.returncode == 0
    lines = done.stdout.strip().splitlines()
    assert lines == [
        "starter.py:8: RMSprop(lr=...) fails under Keras 3: Keras 3 optimizers take learning_rate=, not lr=: "
        "RMSprop(learning_rate=0.05)",
        "starter.py:10: model.predict([10.0]) fails under Keras 3: Keras 3 does not accept a Python list; "
        "use model.predict(np.array([10.0]))",
    ], lines
    code, payload = exam_json("check", "1", "--workspace", str(tmp_path), "--keras", "2")
    assert code == 0 and payload == {"script": str(tmp_path / "Category1" / "starter.py"), "keras": 2, "findings": []}
    clean = exam("check", "1", "--workspace", str(tmp_path), "--keras", "2")
    assert clean.returncode == 0 and clean.stdout.strip().splitlines() == [
        f"check: no line of Category1/starter.py will fail under Keras 2 ({migration.rule_count(2)} rules checked)"]


def test_check_says_in_one_line_that_a_clean_script_passed(tmp_path):
    start_practice(tmp_path, 1)
    done = exam("check", "1", "--workspace", str(tmp_path))
    assert done.returncode == 0 and done.stdout.strip().splitlines() == [
        f"check: no line of Category1/starter.py will fail under Keras 3 ({migration.rule_count(3)} rules checked)"]
    assert migration.rule_count(3) == sum(3 in keras for keras in migration.RULES.values()) > migration.rule_count(2) > 0


def test_check_never_blocks_and_says_what_it_could_not_read(tmp_path):
    start_practice(tmp_path, 1)
    (tmp_path / "Category1" / "starter.py").write_text("def solution_model(:\n")
    done = exam("check", "1", "--workspace", str(tmp_path))
    assert done.returncode == 0 and "starter.py:1: Python cannot read this line" in done.stdout
    missing = exam("check", "2", "--workspace", str(tmp_path))
    assert missing.returncode == 2 and "Category2/starter.py does not exist" in missing.stderr


def test_check_follows_the_session_and_old_sessions_mean_keras_3(tmp_path):
    from exam import session

    code, payload = exam_json("start", "--workspace", str(tmp_path), "--categories", "1", "--no-fetch", "--keras", "2")
    assert code == 0 and payload["session"]["keras"] == 2
    assert session.load(tmp_path).keras == 2
    data = json.loads(session.session_file(tmp_path).read_text())
    del data["keras"]
    data["checksum"] = session.checksum(data)
    session.session_file(tmp_path).write_text(json.dumps(data))
    assert session.load(tmp_path).keras == 3  # written before the field existed
    code, status = exam_json("status", "--workspace", str(tmp_path))
    assert code == 0 and status["keras"] == 3
    assert "Training runs under Keras 3" in exam("status", "--workspace", str(tmp_path)).stdout
    data["keras"] = 4
    data["checksum"] = session.checksum(data)
    session.session_file(tmp_path).write_text(json.dumps(data))
    broken = exam("status", "--workspace", str(tmp_path))
    assert broken.returncode == 2 and "keras is 4, not one of 2, 3" in broken.stderr
