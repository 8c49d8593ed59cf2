"""The allow-list of names a stored description may use (tfexam/allowed_names.json) is what the installed Keras 3
and tf-keras export, and every model the references and the Keras 2 corpus build passes it."""

from __future__ import annotations

import ast
import types

import pytest
from clirun import REPO_ROOT

from tfexam import description, modelfile

CORPUS = REPO_ROOT / "tests" / "keras2_models.py"


def test_the_committed_allow_list_is_current_for_the_installed_frameworks():
    from graders import allowlist

    committed = allowlist.OUT.read_text(encoding="utf-8")
    assert committed == allowlist.render(allowlist.generate()), "run python -m graders.allowlist --write"


def test_classes_that_carry_code_or_read_files_are_left_out():
    allowed = description.allowed()
    assert not ({"Lambda", "TFOpLambda", "SlicingOpLambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer",
                 "TextVectorization", "DenseFeatures"} & allowed["classes"])
    assert {o.split(":")[0].split(".")[0] for o in allowed["objects"]} == {"keras", "tf_keras"}


def _corpus(keras_module) -> dict:
    """tests/keras2_models.py's builders, run with `keras_module` as tf.keras (Keras 3, or tf-keras itself)."""
    source = CORPUS.read_text(encoding="utf-8").replace('assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"', "pass  #")
    source = source.replace("import tensorflow as tf  # noqa: E402", "")
    namespace = {"__name__": "corpus", "tf": types.SimpleNamespace(keras=keras_module)}
    exec(compile(source, str(CORPUS), "exec"), namespace)
    return namespace["MODELS"]


@pytest.mark.parametrize("framework", ["keras", "tf_keras"])
def test_the_keras_2_corpus_built_and_compiled_by_each_framework_passes(framework, tmp_path):
    import importlib

    keras_module = importlib.import_module(framework)
    for name, (build, _) in _corpus(keras_module).items():
        model, _ = build()
        schedule = keras_module.optimizers.schedules.CosineDecay(5e-3, decay_steps=100)  # as the references compile
        model.compile(optimizer=keras_module.optimizers.Adam(learning_rate=schedule, use_ema=True),
                      loss=keras_module.losses.Huber(), metrics=["mae", "accuracy"])
        saved = [tmp_path / f"{framework}-{name}.h5"] + ([tmp_path / f"{framework}-{name}.keras"] if name in (
            "line", "augmented_cnn", "sarcasm_gru_functional") and framework == "keras" else [])
        for path in saved:
            model.save(path)
            kind = modelfile.kind_of(path)
            modelfile.refuse_oversized(path, kind, 2**29)
            config, extra = modelfile.descriptions(path, kind)
            modelfile.refuse_unsafe(config, (), extra)  # raises Refused with the offending name


KERAS_FAMILIES = {"layers", "initializers", "regularizers", "constraints", "optimizers", "losses", "metrics"}


def test_every_keras_name_in_the_reference_solutions_is_allowed():
    allowed = description.allowed()
    used = set()
    for script in sorted((REPO_ROOT / "solutions").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr in KERAS_FAMILIES:
                used.add((script.name, node.value.attr, node.attr))
            if isinstance(node, ast.keyword) and node.arg == "activation" and isinstance(node.value, ast.Constant):
                assert node.value.value in allowed["strings"]["activations"], (script.name, node.value.value)
    assert len(used) > 20, used
    for script, family, name in used:
        if name[0].isupper():
            assert name in allowed["classes"], (script, family, name)
