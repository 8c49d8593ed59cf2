"""A crashed `tfexam train` is explained: each rule of exam/crashes.py against the traceback its construct really
produces under Keras 3 and under exam-era Keras 2 (benchmarks/keras_crashes.py runs them, one Python per Keras), and
the whole path through `tfexam train` (the traceback read from the child's stderr, the learner's line, the advice,
TensorFlow's start-up lines once, Keras' advice against .h5 replaced, the learner's own lines untouched)."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from clirun import REPO_ROOT, exam, exam_json

from exam import crashes, train_output

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import keras_crashes  # noqa: E402

# construct of the probe -> {Keras: the rule that must explain its crash, or None: it must run}
EXPECTED = {
    "predict on a literal list": {3: "predict on a list", 2: None},
    "predict on a list of a name": {3: "predict on a list", 2: None},
    "predict on a list of an array": {3: None, 2: None},
    "ModelCheckpoint path in a variable": {3: "ModelCheckpoint weights path", 2: None},
    "ModelCheckpoint to .h5, weights only": {3: "ModelCheckpoint weights path", 2: None},
    "Input(shape=(n)) with n a name": {3: "shape given as a number", 2: None},
    "input_shape=(n) with n a name": {3: "shape given as a number", 2: "input_shape given as a number"},
    "optimizer lr=": {3: "optimizer lr=", 2: None},
    "fit_generator": {3: "fit_generator and friends", 2: None},
    "predict_classes": {3: "predict_classes", 2: "predict_classes"},
    "metrics as a bare string": {3: "metrics as a bare string", 2: None},
    "Adam(decay=...)": {3: None, 2: "optimizer decay="},  # Keras 3 ignores decay= with a warning
    "keras.preprocessing.text.Tokenizer": {3: "keras.preprocessing module", 2: None},
    "tf.keras.preprocessing.text.Tokenizer": {3: None, 2: None},  # what the fix says to use
    "keras_preprocessing": {3: "keras_preprocessing", 2: None},
    "keras.preprocessing.image": {3: "keras.preprocessing name", 2: None},
    "save without a suffix": {3: "save without a suffix", 2: None},
    "save_weights to .ckpt": {3: "save_weights path", 2: None},
    "layers.experimental": {3: "layers.experimental", 2: None},
    "optimizer.lr": {3: "optimizer .lr", 2: None},
    "metrics.mean_absolute_error": {3: "Keras 2 name", 2: None},
    "Sequential with input_shape": {3: None, 2: None},  # a warning, not a crash
    "save to .h5": {3: None, 2: None},
    "input shape mismatch in fit": {3: "input shape mismatch", 2: "input shape mismatch"},
    "label shape mismatch in fit": {3: "label shape mismatch", 2: None},
    "out of memory (numpy)": {3: "out of memory", 2: "out of memory"},
    "RandomGrayscale": {3: None, 2: "Keras 3 name"},
    "keras.ops": {3: None, 2: "Keras 3 name"},
    "PyDataset": {3: None, 2: "Keras 3 name"},
}
SLOW = {"out of memory (TensorFlow)"}  # TensorFlow spends ~10 s before it gives up; its text is in the benchmark's table


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict[int, tuple[dict, dict]]:
    """Keras -> (construct -> outcome, construct -> its script): every construct run as `tfexam train` runs a script."""
    constructs = {name: code for name, code in keras_crashes.CONSTRUCTS.items() if name not in SLOW}
    folders = {keras: tmp_path_factory.mktemp(f"keras{keras}") for keras in (3, 2)}
    with ThreadPoolExecutor(2) as pool:  # the two Pythons side by side: each waits on TensorFlow's import
        outcomes = dict(zip(folders, pool.map(lambda keras: keras_crashes.probe(keras, folders[keras], constructs), folders)))
    return {keras: (outcomes[keras], keras_crashes.write_cases(folders[keras], constructs)) for keras in folders}


def test_every_construct_and_every_rule_is_covered():
    assert set(EXPECTED) == set(keras_crashes.CONSTRUCTS) - SLOW
    used = {rule for by_keras in EXPECTED.values() for rule in by_keras.values() if rule}
    assert used == {rule.name for rule in crashes.RULES}
    for name, by_keras in EXPECTED.items():
        for keras, rule in by_keras.items():
            assert rule is None or keras in _rule(rule).raised_by, (name, keras)


@pytest.mark.parametrize("keras", [3, 2])
@pytest.mark.parametrize("name", EXPECTED)
def test_each_crash_is_explained_at_the_learners_line(probed, name, keras):
    outcomes, scripts = probed[keras]
    outcome, expected = outcomes[name], EXPECTED[name][keras]
    if expected is None:
        assert outcome["runs"], outcome["traceback"][-1500:]
        return
    assert not outcome["runs"], f"{name} runs under Keras {keras}"
    script = scripts[name]
    crash = crashes.read_traceback(outcome["traceback"], script)
    learner_line = len(script.read_text().splitlines())  # each construct ends with the line that fails
    assert crash is not None and crash.line == learner_line, outcome["traceback"][-1500:]
    rule, _ = crashes.rule_for(crash, keras)
    assert rule.name == expected, outcome["traceback"][-1500:]
    told = crashes.explain(outcome["traceback"], script, keras)
    assert told[0].startswith(f"{script.name}:{learner_line}: ") and "{" not in told[0], told
    habit = keras == 3 and rule.keras2_habit
    assert (len(told) == 2 and "tfexam start --keras 2" in told[1]) if habit else len(told) == 1, told
    if habit:  # said only of what really runs under exam-era Keras
        assert probed[2][0][name]["runs"], f"{name} is called a Keras 2 habit but fails under Keras 2 too"


# The last lines of "out of memory (TensorFlow)" as benchmarks/keras_crashes.py recorded them under both Keras (the
# allocator retries for ~10 s before it gives up, too slow to run here).
TENSORFLOW_OOM = """\
Traceback (most recent call last):
  File "/tmp/probe/case_26.py", line 8, in <module>
    big = tf.ones((10**6, 10**6))
          ^^^^^^^^^^^^^^^^^^^^^^^
tensorflow.python.framework.errors_impl.ResourceExhaustedError: {{function_node __wrapped__Fill_device_/job:localhost/\
replica:0/task:0/device:CPU:0}} OOM when allocating tensor with shape[1000000,1000000] and type float on \
/job:localhost/replica:0/task:0/device:CPU:0 by allocator mklcpu [Op:Fill] name:
"""


@pytest.mark.parametrize("keras", [3, 2])
def test_tensorflow_running_out_of_memory_is_explained(keras):
    told = crashes.explain(TENSORFLOW_OOM, Path("/tmp/probe/case_26.py"), keras)
    assert told == ["case_26.py:8: the script ran out of memory: use a smaller batch_size, smaller images or model, "
                    "or load less data at once"], told


def test_the_warnings_that_are_not_crashes(probed):
    warned = probed[3][0]["Sequential with input_shape"]["warnings"]
    assert any("Do not pass an `input_shape`" in w for w in warned), warned
    assert any("`decay` is no longer supported" in w for w in probed[3][0]["Adam(decay=...)"]["warnings"])
    assert any("considered legacy" in w for w in probed[2][0]["save to .h5"]["warnings"])


def _rule(name: str) -> crashes.CrashRule:
    return next(rule for rule in crashes.RULES if rule.name == name)


def start(workspace: Path, keras: int) -> None:
    code, payload = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--no-fetch",
                              "--keras", str(keras))
    assert code == 0, payload


def train(workspace: Path, script: str):
    (workspace / "Category1" / "starter.py").write_text(textwrap.dedent(script), encoding="utf-8")
    return exam("train", "1", "--workspace", str(workspace))


KERAS3_CRASH = """\
    import sys

    import tensorflow as tf

    print("my own line on stdout")
    print("WARNING: my own warning, printed twice", file=sys.stderr)
    print("WARNING: my own warning, printed twice", file=sys.stderr)


    def solution_model():
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        model.compile(optimizer="sgd", loss="mse")
        model.save("mymodel.h5")
        model.save("mymodel.h5")
        checkpointpath = "training/cp.ckpt"
        callback = tf.keras.callbacks.ModelCheckpoint(checkpointpath, save_weights_only=True)
        return model


    if __name__ == "__main__":
        solution_model()
"""


def test_a_keras_3_crash_through_train_is_explained_at_the_learners_line(tmp_path):
    start(tmp_path, 3)
    done = train(tmp_path, KERAS3_CRASH)
    assert done.returncode == 1, done.stderr[-2000:]
    before, after = done.stdout.split("Training stopped (exit code 1).")
    assert "my own line on stdout" in before
    assert ("check: starter.py:16: ModelCheckpoint(checkpointpath, save_weights_only=True) fails under Keras 3: "
            "Keras 3 saves weights only to a name ending in .weights.h5 (checkpointpath is 'training/cp.ckpt')") in before
    told = after.strip().splitlines()
    assert told[0] == ("starter.py:16: under Keras 3, ModelCheckpoint(..., save_weights_only=True) needs a file name "
                       "ending in .weights.h5 (got training/cp.ckpt)"), told
    assert "`tfexam start --keras 2` sits the exam with exam-era Keras" in told[1]
    assert "`tfexam start --restart --keras 2`, which archives this sitting" in told[1]
    assert "starter.py:16: ModelCheckpoint(checkpointpath" in told[3]  # the check's line, again
    assert "incompatibility" not in done.stdout
    stderr = done.stderr
    assert "ValueError: When using `save_weights_only=True` in `ModelCheckpoint`" in stderr  # the traceback, unchanged
    assert stderr.count("WARNING: my own warning, printed twice") == 2  # the learner's own lines are never filtered
    assert stderr.count("Do not pass an `input_shape`") == 1  # Keras' own warning stays
    for start_up in ("oneDNN custom operations are on", "before absl::InitializeLog() is called"):
        assert stderr.count(start_up) <= 1, stderr[:3000]
    assert "considered legacy" not in stderr and stderr.count(train_output.OURS_HDF5) == 1, stderr[-3000:]


def test_a_keras_2_crash_gets_no_keras_2_advice_and_tf_keras_h5_advice_is_replaced(tmp_path):
    start(tmp_path, 2)
    done = train(tmp_path, """\
        import tensorflow as tf

        model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
        model.save("mymodel.h5")
        optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, decay=1e-6)
    """)
    assert done.returncode == 1, done.stderr[-2000:]
    told = done.stdout.split("Training stopped (exit code 1).")[1].strip().splitlines()
    assert told[0].startswith("starter.py:5: tf-keras optimizers take no decay=; use tf.keras.optimizers.legacy.Adam")
    assert "--keras 2" not in done.stdout.split("Training stopped")[1]
    assert "considered legacy" not in done.stderr and "saving_api.save_model(" not in done.stderr
    assert done.stderr.count(train_output.OURS_HDF5) == 1


def test_an_error_no_rule_knows_is_said_to_be_unknown_with_its_last_line(tmp_path):
    start(tmp_path, 3)
    done = train(tmp_path, """\
        def solution_model():
            raise RuntimeError("my own mistake")


        solution_model()
    """)
    assert done.returncode == 1
    told = done.stdout.split("Training stopped (exit code 1).")[1].strip().splitlines()
    assert told == ["starter.py:2: tfexam does not recognise this error; the traceback's last line: "
                    "RuntimeError: my own mistake"], told
    assert "RuntimeError: my own mistake" in done.stderr
    code, payload = exam_json("train", "1", "--workspace", str(tmp_path))
    assert code == 1 and payload["crash"] == told and payload["findings"] == []


@pytest.mark.skipif(os.name != "posix", reason="a POSIX signal")
def test_a_script_killed_by_the_system_is_said_to_be_killed(tmp_path):
    start(tmp_path, 3)
    done = train(tmp_path, f"""\
        import os
        print("loading a lot of data", flush=True)
        os.kill(os.getpid(), {int(signal.SIGKILL)})
    """)
    assert done.returncode == 137 and "loading a lot of data" in done.stdout
    assert "the script was killed (SIGKILL); unless you stopped it, that is the system running out of memory" in done.stdout
    assert crashes.explain("", Path("starter.py"), 3, killed_by=int(signal.SIGSEGV)) == [
        "the script was ended by signal SIGSEGV, with no Python traceback; its last lines above show how far it got"]


def test_the_relay_shows_start_up_lines_once_and_nothing_else_is_touched():
    relay = train_output.Relay()
    start_up = ["WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
                "I0000 00:00:1796451911.002798    7011 cpu_feature_guard.cc:210] This TensorFlow binary is optimized.",
                "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the "
                "appropriate compiler flags."]
    again = [start_up[0], start_up[1].replace("1911.002798", "1912.628030"), start_up[2]]
    mine = ["I0000 my own line that looks like a log", "WARNING:absl:You are saving your model as an HDF5 file",
            "  saving_api.save_model("]
    assert [relay.shown(line) for line in start_up + again + mine] == start_up + [None] * 3 + mine


def test_the_relay_reads_a_real_pipe_lines_in_any_encoding_and_progress_bars_without_a_newline():
    start_up = "I0000 00:00:1796451911.002798    7011 port.cc:153] oneDNN custom operations are on.\n"
    read_end, write_end = os.pipe()
    os.write(write_end, (start_up * 2).encode() + "café\n".encode("latin-1") + "epoch 1/2 ▮\repoch 2/2 ▮▮\r".encode())
    os.close(write_end)
    written: list[str] = []
    relay = train_output.Relay()
    relay.pump(read_end, written.append)
    os.close(read_end)
    assert len(written) == 3 and written[0] == start_up and written[2] == "epoch 1/2 ▮\repoch 2/2 ▮▮\r", written
    assert written[1].startswith("caf") and written[1].endswith("\n") and len(written[1]) == 5, written


@pytest.mark.parametrize("site", ["/home/ana/.venv/lib/python3.11/site-packages",
                                  "/work/ma copie é/.venv/lib/python3.11/site-packages",
                                  r"C:\Users\Jane Doe\tf exam\.venv\Lib\site-packages"])
def test_tf_keras_hdf5_advice_is_replaced_wherever_the_environment_lives(site):
    """The warning names tf-keras' own file: a virtual environment under a path with spaces or accents counts too."""
    sep = "\\" if site.startswith("C:") else "/"
    line = (f"{site}{sep}tf_keras{sep}src{sep}engine{sep}training.py:3098: UserWarning: You are saving your model as "
            "an HDF5 file via `model.save()`. This file format is considered legacy. We recommend using instead the "
            "native TF-Keras format, e.g. `model.save('my_model.keras')`.")
    relay = train_output.Relay()
    assert [relay.shown(line), relay.shown(train_output.TF_KERAS_HDF5_SOURCE)] == [train_output.OURS_HDF5, None]
