"""After `tfexam train` saw a learner's script crash: read its traceback and say, in one line at the learner's line,
what went wrong and the fix.

Every rule below was derived from the error text Keras 3.15 and tf-keras 2.21 really raise on the construct
(benchmarks/keras_crashes.py runs them; tests/test_crashes.py checks each rule against that real text). A crash no
rule knows is said to be unknown, with the traceback's last line: never "nothing found". TensorFlow-free.
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FRAME = re.compile(r'^  File "(?P<file>.+)", line (?P<line>\d+)(?:, in .*)?$')
KERAS2_MODE = ("`tfexam start --keras 2` sits the exam with exam-era Keras (tf.keras = tf-keras), where this line runs; "
               "during a running exam that is `tfexam start --restart --keras 2`, which archives this sitting and "
               "starts a new one")


@dataclass(frozen=True)
class CrashRule:
    name: str
    raised_by: tuple[int, ...]  # the Keras generations that raise it on this construct (probed)
    pattern: str                # searched in the exception's text (ANSI colours removed)
    fix: str                    # str.format()ed with the pattern's named groups
    keras2_habit: bool = False  # runs under exam-era Keras 2: a Keras 3 session is told about `start --keras 2`
    line_has: str = ""          # for a generic error: the learner's line must contain this (a regex)


_WEIGHTS = "ModelCheckpoint(..., save_weights_only=True)"
RULES = (
    CrashRule("predict on a list", (3,), r"Unrecognized data type: x=(?P<data>\[.*?\]) \(of type <class 'list'>\)",
              "Keras 3 takes no Python list as data; wrap it in np.array(...), e.g. model.predict(np.array({data}))",
              keras2_habit=True),
    CrashRule("ModelCheckpoint weights path", (3,), r"When using `save_weights_only=True` in `ModelCheckpoint`, the "
              r"filepath provided must end in `\.weights\.h5`.*Received: filepath=(?P<path>\S+)",
              f"under Keras 3, {_WEIGHTS} needs a file name ending in .weights.h5 (got {{path}})", keras2_habit=True),
    CrashRule("save_weights path", (3,), r"The filename must end in `\.weights\.h5`\. Received: filepath=(?P<path>\S+)",
              "under Keras 3, save_weights() needs a file name ending in .weights.h5 (got {path})", keras2_habit=True),
    CrashRule("save without a suffix", (3,), r"Invalid filepath extension for saving\..*Received: filepath=(?P<path>.*?)\.?$",
              "Keras 3 needs a file extension: save the model as 'mymodel.h5' (what the exam grades), not {path!r}",
              keras2_habit=True),
    CrashRule("shape given as a number", (3,), r"Cannot convert '(?P<size>\d+)' to a shape",
              "a shape is a tuple: write ({size},) with the comma; ({size}) is just the number {size}"),
    CrashRule("input_shape given as a number", (2,), r"TypeError: 'int' object is not iterable",
              "a shape is a tuple: write input_shape=(n,) with the comma; (n) is just the number n",
              line_has=r"input_shape|shape\s*="),
    CrashRule("optimizer lr=", (3,), r"Argument\(s\) not recognized: \{'lr': (?P<rate>[^,}]+)",
              "Keras 3 optimizers take learning_rate=, not lr=: learning_rate={rate}", keras2_habit=True),
    CrashRule("optimizer .lr", (3,), r"'(?P<optimizer>\w+)' object has no attribute 'lr'",
              "Keras 3 optimizers have no .lr; use .learning_rate", keras2_habit=True),
    CrashRule("fit_generator and friends", (3,), r"object has no attribute '(?P<method>(?P<verb>fit|evaluate|predict)_generator)'",
              "Keras 3 has no {method}(); call {verb}() with the same arguments", keras2_habit=True),
    CrashRule("predict_classes", (2, 3), r"object has no attribute 'predict_classes'",
              "predict_classes() was removed (TensorFlow 2.6): use np.argmax(model.predict(x), axis=-1), or "
              "(model.predict(x) > 0.5).astype(int) for one sigmoid output"),
    CrashRule("metrics as a bare string", (3,), r"Expected `metrics` argument to be a list, tuple, or dict\. "
              r"Received instead: metrics=(?P<metric>\S+) of type <class 'str'>",
              "Keras 3 needs a list: metrics=['{metric}']", keras2_habit=True),
    CrashRule("keras_preprocessing", (3,), r"No module named 'keras_preprocessing",
              "the keras_preprocessing package is gone; use tf.keras.preprocessing (import tensorflow as tf)",
              keras2_habit=True),
    CrashRule("keras.preprocessing module", (3,), r"No module named 'keras\.preprocessing\.(?P<module>\w+)'",
              "the keras package of Keras 3 has no preprocessing.{module}; use tf.keras.preprocessing.{module} "
              "(import tensorflow as tf)", keras2_habit=True),
    CrashRule("keras.preprocessing name", (3,), r"cannot import name '(?P<name>\w+)' from 'keras\.preprocessing\.(?P<module>\w+)'",
              "the keras package of Keras 3 has no preprocessing.{module}.{name}; use "
              "tf.keras.preprocessing.{module}.{name} (import tensorflow as tf)", keras2_habit=True),
    CrashRule("layers.experimental", (3,), r"module '[\w.]*keras\.layers' has no attribute 'experimental'",
              "Keras 3 has no layers.experimental; the layers are in tf.keras.layers now (e.g. tf.keras.layers.Rescaling)",
              keras2_habit=True),
    CrashRule("Keras 2 name", (3,), r"module '(?:keras\._tf_keras\.keras|keras)(?P<module>(?:\.[\w.]+)?)' has no attribute '(?P<name>\w+)'",
              "Keras 3 has no keras{module}.{name} (Keras 2 had it); `tfexam check` names the Keras 3 spelling",
              keras2_habit=True),
    CrashRule("Keras 3 name", (2,), r"module 'tf_keras(?:\.api\._v2\.keras)?(?:\.(?P<module>[\w.]+))?' has no attribute '(?P<name>\w+)'",
              "{name} exists only in Keras 3, and this session trains under Keras 2 (tf-keras); remove it, "
              "or start the exam with --keras 3"),
    CrashRule("optimizer decay=", (2,), r"decay is deprecated in the new TF-Keras optimizer",
              "tf-keras optimizers take no decay=; use tf.keras.optimizers.legacy.Adam(..., decay=...) (or that "
              "optimizer's legacy version), or a learning-rate schedule"),
    CrashRule("input shape mismatch", (2, 3), r"is incompatible with the layer: expected (?P<expected>.*?), but "
              r"received input with shape (?P<received>\([^)]*\))",
              "the data does not fit the model's input: the model expected {expected}, the data had shape {received}; "
              "make input_shape / Input(shape=...) equal to one sample's shape (x.shape[1:])"),
    CrashRule("label shape mismatch", (3,), r"Arguments `target` and `output` must have the same shape\. "
              r"Received: target\.shape=(?P<target>\([^)]*\)), output\.shape=(?P<output>\([^)]*\))",
              "the labels have shape {target} but the model outputs {output}: match the last layer's units to the "
              "labels, or use sparse_categorical_crossentropy for integer class labels"),
    CrashRule("out of memory", (2, 3), r"OOM when allocating tensor|Unable to allocate .* for an array|^MemoryError"
              r"|_ArrayMemoryError|ResourceExhaustedError",
              "the script ran out of memory: use a smaller batch_size, smaller images or model, or load less data at once"),
)
KILLED = ("the script was killed (SIGKILL); unless you stopped it, that is the system running out of memory: use a "
          "smaller batch_size, smaller images or model, or load less data at once")
ENDED = "the script was ended by signal {signal}, with no Python traceback; its last lines above show how far it got"


@dataclass(frozen=True)
class Crash:
    """The last traceback a script printed: its exception text and the deepest frame in the learner's script."""
    exception: str        # from the exception's first line to the end of the output
    line: int | None      # in the learner's script, when a frame is there
    source: str           # that line's code, as the traceback shows it

    @property
    def headline(self) -> str:
        return self.exception.splitlines()[0].strip() if self.exception else ""


def read_traceback(stderr: str, script: Path) -> Crash | None:
    lines = ANSI.sub("", stderr).splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    if not starts:
        return None
    position, line_number, source = starts[-1] + 1, None, ""
    while position < len(lines) and lines[position].startswith("  "):
        frame = FRAME.match(lines[position])
        position += 1
        if frame and _same_file(frame["file"], script):
            line_number = int(frame["line"])
            follows = lines[position] if position < len(lines) else ""
            source = follows.strip() if follows.startswith("    ") and not set(follows.strip()) <= set("^~") else ""
    return Crash("\n".join(lines[position:]).strip(), line_number, source)


def _same_file(shown: str, script: Path) -> bool:
    try:
        return (script.parent / shown).resolve() == script.resolve()
    except (OSError, ValueError):
        return False


def rule_for(crash: Crash, keras: int) -> tuple[CrashRule, dict] | None:
    for rule in RULES:
        if keras not in rule.raised_by or rule.line_has and not re.search(rule.line_has, crash.source):
            continue
        found = re.search(rule.pattern, crash.exception, re.MULTILINE | re.DOTALL)
        if found:
            return rule, {key: value or "" for key, value in found.groupdict().items()}
    return None


def explain(stderr: str, script: Path, keras: int, killed_by: int | None = None) -> list[str]:
    """What to tell the learner after `script` stopped under Keras `keras` (2 or 3), killed by signal `killed_by` or not."""
    crash = read_traceback(stderr, script)
    if crash is None:
        if killed_by:
            return [KILLED if killed_by == getattr(signal, "SIGKILL", None) else ENDED.format(signal=_signal_name(killed_by))]
        return ["no Python traceback was printed; the script's last lines above say why it stopped"]
    where = f"{script.name}:{crash.line}: " if crash.line else ""
    found = rule_for(crash, keras)
    if found is None:
        return [f"{where}tfexam does not recognise this error; the traceback's last line: {crash.headline}"]
    rule, groups = found
    lines = [f"{where}{rule.fix.format(**groups)}"]
    if keras == 3 and rule.keras2_habit:
        lines.append(f"This is a Keras 2 habit: {KERAS2_MODE}.")
    return lines


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
