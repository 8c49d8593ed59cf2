"""The grading pipeline every kind of question goes through: safe load, contract checks, hidden test, rubric, one Result."""

from __future__ import annotations

import importlib
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tfexam import limits, model_advice, modelbytes, modelfile  # noqa: E402
from tfexam.questions import MAX_SCORE, Question, format_shape  # noqa: E402
from tfexam.checks import CheckName  # noqa: E402
from tfexam.refusal import Refused  # noqa: E402
from tfexam.result import ERROR, GRADED, REFUSED, Check, MetricResult, Result  # noqa: E402
from graders import fingerprint as fingerprints, hints, interval, keras2, rubric, slips  # noqa: E402


def grade(path: Path | str, question: Question, artifacts: Path | None = None, fingerprint: bool = False) -> Result:
    """Grade one file for one question. Never raises for anything the submitted file does. `fingerprint`: also
    describe the loaded model for the class's similarity check (grade DIR asks for it)."""
    started = time.monotonic()
    result = Result(question=question.id, category=question.category, status=GRADED, max_score=MAX_SCORE)
    try:
        model, description = load(Path(path), question, result.checks)
        check_contract(model, question, result.checks)
        if fingerprint:
            result.fingerprint = fingerprints.of(model)
        grader = importlib.import_module(question.grader_module)
        for check in getattr(grader, "preflight", lambda m, q: [])(model, question):
            _require(result.checks, check)
        if artifacts is not None:
            artifacts.mkdir(parents=True, exist_ok=True)
        evaluation = grader.evaluate(model, question, artifacts)
        value = float(evaluation.value)
        result.score = question.metric.score(value)
        result.metric = MetricResult(question.metric.name, value, question.metric.higher_is_better,
                                     list(question.metric.thresholds), interval.of(evaluation, question.kind))
        result.diagnostics = evaluation.diagnostics
        result.artifacts = [str(a) for a in evaluation.artifacts]
        result.advice = advice(model, question, description, evaluation)
        if result.score < MAX_SCORE:
            result.rescoring = rescore(model, question)
        slip_line = [result.rescoring.slip.line] if result.rescoring and result.rescoring.slip else []
        result.output = "\n".join([rubric.explain(question.metric, value, question.public_target), *slip_line,
                                   *evaluation.details, *(f"advice: {a.text}" for a in result.advice)])
    except Refused as refusal:
        result.status = REFUSED
        result.checks.append(Check(refusal.check, False, refusal.message))
        result.output = refusal.message
    except Exception as error:  # a grader bug must still end as one line and a record, not a traceback
        result.status = ERROR
        if out_of_memory(error):
            check, message = CheckName.MEMORY, limits.memory_message(limits.current().memory_mb)
        else:
            check = CheckName.GRADER
            message = f"the grader failed ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); please report it"
        result.checks.append(Check(check, False, message))
        result.output = message
    result.elapsed = round(time.monotonic() - started, 3)
    return result


def advice(model, question: Question, description: tuple[dict, tuple], evaluation) -> list:
    """The model's own advice (its stored output activation and loss against the task) and the grader's, once each."""
    config, extra = description
    units = _single_shape(model.output_shape, CheckName.OUTPUT)[-1]
    found = model_advice.advise(config, model_advice.compile_settings(config, extra), question.kind,
                                len(question.data.class_names) if question.data else 0, units)
    rules = {a.rule for a in found}
    # the stored activation already says why the outputs leave [0, 1]
    covered = {"output_range"} if rules & {"linear_binary_output", "softmax_one_unit"} else set()
    return found + [a for a in evaluation.advice if a.rule not in rules | covered]


def rescore(model, question: Question, budget: float = slips.BUDGET_SECONDS):
    """The model's metric under the usual preprocessing slips (graders/slips/): only predict() on arrays runs.
    It only explains a score: if it fails, the score stands without it."""
    try:
        return slips.rescore(lambda inputs, batch_size=256: predict(model, inputs, batch_size, question.kind), question,
                             out_of_memory, budget)
    except Exception as error:
        if out_of_memory(error):
            raise
        return None


def out_of_memory(error: BaseException) -> bool:
    """MemoryError, or TensorFlow failing an allocation (the data-size backstop in graders/isolation.py)."""
    return isinstance(error, MemoryError) or type(error).__name__ == "ResourceExhaustedError" or "OOM when allocating" in str(error)


def _require(checks: list[Check], check: Check) -> None:
    if not check.passed:
        raise Refused(check.name, check.message)  # grade() records the failed check with the refusal
    checks.append(check)


def load(path: Path, question: Question, checks: list[Check]):
    """Check the file, then load a private copy of exactly the checked bytes, named for the format they were found
    to be: the learner cannot change the file in between, and Keras cannot choose another reading of it."""
    cap = limits.current().file_bytes
    folder = modelfile.entry_kind(path, cap)  # what needs no reading; the content is judged once, on the copy
    if folder:
        modelfile.refuse_format(path, folder, question.contract.formats)
    with tempfile.TemporaryDirectory(prefix="tfexam-load-") as private:
        copy, digest = modelbytes.private_copy(path, Path(private), cap, path)
        kind = modelfile.kind_of(copy, cap, shown=path)
        modelfile.refuse_format(path, kind, question.contract.formats)
        copy = copy.rename(copy.with_name(f"model.{kind}"))
        modelfile.refuse_oversized(copy, kind, cap, path.name)
        config, extra = modelfile.descriptions(copy, kind, path.name)
        modelfile.refuse_unsafe(config, question.contract.forbidden_layers, extra,
                                input_shape=format_shape(question.contract.input_shape))
        generation = modelfile.keras_generation(copy, kind)
        checks.append(Check(CheckName.FILE, True, f"{path.name} is a Keras {generation} {kind} file with only built-in layers "
                                          f"(sha256 {digest[:12]})"))
        model = _build(copy, generation)
    checks.append(Check(CheckName.LOAD, True, f"loaded with {keras2.WRITER if generation == 2 else 'Keras 3'}, compile=False, safe_mode=True"))
    return model, (config, extra)


def _build(copy: Path, generation: int):
    try:
        if generation == 2:  # loaded by the framework that wrote it: same layers, same numbers
            return keras2.load(copy)
        import tensorflow as tf

        return tf.keras.models.load_model(copy, compile=False, safe_mode=True)
    except Exception as error:
        if out_of_memory(error):
            raise
        text = " ".join(str(error).split())
        explain = keras2.failure if generation == 2 else _load_failure
        raise Refused(CheckName.LOAD, explain(text, type(error).__name__)) from None


def _load_failure(text: str, error_name: str) -> str:
    if "Could not locate class" in text or "Unknown layer" in text:
        name = text.split("'")[1] if "'" in text else "a custom class"
        return f"the model uses a custom or unknown layer class ({name}); only built-in Keras layers can be graded"
    if "Lambda" in text:
        return "the model has a Lambda layer, which the grader will not load (it carries Python code); use built-in layers instead"
    return f"the file could not be loaded as a Keras model ({error_name}: {text[:160]}); save it again with model.save('mymodel.h5')"


def _single_shape(shape, what: CheckName) -> tuple:
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        if len(shape) != 1:
            raise Refused(what, f"the model has {len(shape)} {what}s; this question needs exactly one")
        shape = shape[0]
    return tuple(shape)


def check_contract(model, question: Question, checks: list[Check]) -> None:
    contract = question.contract
    try:
        input_shape = _single_shape(model.input_shape, CheckName.INPUT)
        output_shape = _single_shape(model.output_shape, CheckName.OUTPUT)
    except (AttributeError, ValueError):
        raise Refused(CheckName.INPUT_SHAPE, "the model has no defined input shape; begin it with tf.keras.Input(shape=...)") from None
    need_in = format_shape(contract.input_shape)
    if any(str(getattr(t, "dtype", "")) == "string" for t in getattr(model, "inputs", None) or []):
        raise Refused(CheckName.INPUT_DTYPE, "the model takes raw strings, but a .h5 file cannot hold a TextVectorization "
                      f"vocabulary; tokenise outside the model and start it with tf.keras.Input(shape={need_in})")
    if contract.exact_input and None in input_shape[1:] and _fits(input_shape[1:], contract.input_shape):
        raise Refused(CheckName.INPUT_SHAPE, f"input shape is {_show(input_shape)}; this question needs exactly {need_in} "
                                     f"(batch dimension not counted): start the model with tf.keras.Input(shape={need_in})")
    if not _fits(input_shape[1:], contract.input_shape):
        raise Refused(CheckName.INPUT_SHAPE, f"input shape is {_show(input_shape)}; this question needs {need_in} (batch dimension "
                                     f"not counted){hints.input_shape_fix(input_shape[1:], contract.input_shape, question.kind)}")
    if not any(_fits(output_shape[1:], s) for s in contract.output_shapes):
        need_out = " or ".join(format_shape(s) for s in contract.output_shapes)
        raise Refused(CheckName.OUTPUT_SHAPE, f"output shape is {_show(output_shape)}; this question needs {need_out} "
                                      f"(batch dimension not counted){_units_hint(output_shape, contract.output_shapes)}"
                                      f"{hints.output_shape_note(question.kind)}")
    if None in input_shape[1:] or None in output_shape[1:]:
        output_shape = _probe(model, input_shape, contract)
        checks.append(Check(CheckName.INPUT_SHAPE, True, f"input shape {_show(input_shape)} runs on {need_in} (probed with one batch)"))
    else:
        checks.append(Check(CheckName.INPUT_SHAPE, True, f"input shape {_show(input_shape)} matches {need_in}"))
    checks.append(Check(CheckName.OUTPUT_SHAPE, True, f"output shape {_show(output_shape)} accepted"))


def _fits(shape: tuple, declared) -> bool:
    """Same rank, and every size equal to the declared one or left open (None)."""
    declared = tuple(declared)
    return len(shape) == len(declared) and all(s is None or s == d for s, d in zip(shape, declared))


def _probe(model, input_shape: tuple, contract) -> tuple:
    """Run one batch of the declared shape through a model with open sizes; the output shape it really gives."""
    import numpy as np

    batch = input_shape[0] or 1
    need_in = format_shape(contract.input_shape)
    try:
        output = np.asarray(model.predict(np.zeros((batch, *contract.input_shape), dtype="float32"), verbose=0))
    except Exception as error:
        if out_of_memory(error):
            raise
        raise Refused(CheckName.INPUT_SHAPE, f"input shape is {_show(input_shape)}, but the model does not run on {need_in} "
                                     f"({type(error).__name__}); start it with tf.keras.Input(shape={need_in})") from None
    produced = (None, *output.shape[1:])
    if output.shape[1:] not in contract.output_shapes:
        need_out = " or ".join(format_shape(s) for s in contract.output_shapes)
        raise Refused(CheckName.OUTPUT_SHAPE, f"on {need_in} inputs the model outputs {_show(produced)}; this question needs "
                                      f"{need_out} (batch dimension not counted)")
    return produced


def _units_hint(output_shape: tuple, accepted) -> str:
    units = sorted({s[0] for s in accepted if len(s) == 1})
    if len(output_shape) == 2 and units:
        return f": end the model with Dense({' or '.join(map(str, units))})"
    return ""


def _show(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def predict(model, x, batch_size: int = 256, kind: str | None = None):
    """Predictions as float64, refusing NaN/Inf (with advice for the question's kind). Honours a batch size baked
    into the model's input shape."""
    import numpy as np

    fixed = _single_shape(model.input_shape, CheckName.INPUT)[0]
    n = len(x)
    if fixed is not None:
        pad = (-n) % fixed
        if pad:
            x = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)])
        batch_size = fixed
    y = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), dtype="float64")[:n]
    bad = ~np.isfinite(y).reshape(n, -1).all(axis=1)
    if bad.any():
        raise Refused(CheckName.OUTPUT_VALUES, f"the model outputs NaN or Inf for {int(bad.sum())} of {n} hidden examples; "
                                        f"{hints.diverged(kind)}")
    return y
