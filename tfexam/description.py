"""Is a stored model description made of built-in Keras objects only? Decided before any framework reads it.

Every JSON object at every depth is checked (nested models, `build_config`, `compile_config`, HDF5
`training_config`, configs stored as JSON text inside configs): its `class_name` must be a built-in class, a
`module` it names must be Keras' own module for that name, a `registered_name` must be the built-in name, and a
string given for an activation, initializer, regularizer or constraint must be a built-in one. The names come from
tfexam/allowed_names.json, generated from the installed Keras 3 and tf-keras (graders/allowlist.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from tfexam.checks import CheckName
from tfexam.refusal import Refused

# Layers whose config carries Python code: refused for every question, whatever its forbidden_layers say.
CODE_CLASSES = ("Lambda", "TFOpLambda", "SlicingOpLambda", "__lambda__")
# Keras' own markers for plain values (tuples, arrays, tensors, bytes, slices, symbolic inputs): no class is looked up.
VALUE_MARKERS = frozenset({"__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__ellipsis__", "__slice__",
                           "__tuple__"})
MAX_OBJECTS = 1_000_000  # a real description has thousands; the walk stops long before memory is at risk
REBUILD = "rebuild it from tf.keras.layers"


@lru_cache(maxsize=1)
def allowed() -> dict:
    data = json.loads((Path(__file__).with_name("allowed_names.json")).read_text(encoding="utf-8"))
    return {"classes": frozenset(data["classes"]), "objects": frozenset(data["objects"]),
            "strings": {family: frozenset(names) for family, names in data["strings"].items()},
            "string_keys": data["string_keys"]}


def objects(config):
    """Every JSON object in a description, depth first, including those stored as JSON text inside it."""
    stack, seen = [config], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_OBJECTS:
            raise Refused(CheckName.LAYERS, f"the model description has over {MAX_OBJECTS} parts; that is not a model for this exam")
        if isinstance(value, dict):
            yield value
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            try:
                stack.append(json.loads(value))
            except (ValueError, RecursionError):
                pass  # text that is not JSON is only text: nothing resolves it


def layer_classes(config) -> list[tuple[str, str]]:
    """Every (class_name, layer name) in a model config, nested models included."""
    return [(str(o["class_name"]), str(o["config"].get("name", "")))
            for o in objects(config) if "class_name" in o and isinstance(o.get("config"), dict)]


# Built-in classes left out of the allow-list (graders/allowlist.py LEFT_OUT): a learner meets the lookup layers when
# the model tokenises its own text, so the refusal says that in their terms, with the input the question takes.
STRING_LAYERS = ("TextVectorization", "StringLookup", "IntegerLookup")
STRING_INPUT = ("the model takes raw strings through a {cls} layer ('{name}'), but a .h5 file cannot hold its "
                "vocabulary, and the grader feeds token ids; tokenise outside the model (the starter's tokenizer) and "
                "start it with tf.keras.Input(shape={shape})")


def refuse_unsafe(config: dict, forbidden: tuple[str, ...], extra: tuple = (), input_shape: str = "...") -> None:
    """Refuse a description (and `extra` ones, such as an HDF5 training_config) that names anything but built-in
    Keras objects; nothing has been built yet. `input_shape`: the question's, for the advice."""
    every = [o for part in (config, *extra) for o in objects(part)]
    for o in every:  # the Lambda line first: it is the one learners meet, and its wording is known
        cls = o.get("class_name")
        if cls in CODE_CLASSES or (isinstance(o.get("config"), dict) and o["config"].get("function_type") == "lambda"):
            name = str(o["config"].get("name", "")) if isinstance(o.get("config"), dict) else ""
            where = f" ('{name}')" if name and cls != "__lambda__" else ""
            raise Refused(CheckName.LAYERS, f"the model has a Lambda layer{where}, which the grader will not load (it carries "
                                    "Python code); do that step with built-in layers, or before the model")
    for cls, name in layer_classes(config):
        if cls in STRING_LAYERS:
            raise Refused(CheckName.LAYERS, STRING_INPUT.format(cls=cls, name=name, shape=input_shape))
        if cls in forbidden:
            raise Refused(CheckName.LAYERS, f"the model has a {cls} layer ('{name}'), which this question does not accept; use other built-in layers")
    for o in every:
        _check_object(o)


def _check_object(o: dict) -> None:
    names = allowed()
    if "class_name" in o:
        cls = o["class_name"]
        if not isinstance(cls, str):
            raise Refused(CheckName.LAYERS, f"the model description has a class name that is not text ({str(cls)[:60]}); {REBUILD}")
        function = cls == "function"
        named = o.get("config") if function else cls
        registered = o.get("registered_name")  # a built-in's own name, or one the framework registered ("Custom>Adam")
        if registered is not None and registered not in (cls, named) and registered not in names["classes"]:
            raise Refused(CheckName.LAYERS, f"the model uses a custom class or function ({str(registered)[:80]}); the grader "
                                    f"loads only built-in Keras layers: {REBUILD}")
        module = o.get("module")
        if function and module is None:
            raise Refused(CheckName.LAYERS, f"the model description names a function without its module ({str(named)[:60]}); {REBUILD}")
        if module is not None and (not isinstance(module, str) or not isinstance(named, str)
                                   or f"{module}:{named}" not in names["objects"]):
            raise Refused(CheckName.LAYERS, f"the model uses a custom class or function ({str(module)[:60]}.{str(named)[:60]}); "
                                    f"the grader loads only built-in Keras layers: {REBUILD}")
        if not function and cls not in VALUE_MARKERS and cls not in names["classes"]:
            what = "custom class or function" if ">" in cls else "custom or unknown layer class"
            raise Refused(CheckName.LAYERS, f"the model uses a {what} ({cls[:80]}); only built-in Keras layers can be graded")
    elif isinstance(o.get("module"), str) and not _keras_module(o["module"]):
        raise Refused(CheckName.LAYERS, f"the model description names the module {o['module'][:60]}, which is not Keras; {REBUILD}")
    for key, value in o.items():
        family = _string_family(key)
        if family and isinstance(value, str) and value not in names["strings"][family]:
            raise Refused(CheckName.LAYERS, f"the model's {key} is {value[:60]!r}, which is not a built-in Keras "
                                    f"{family[:-1]}; use one of tf.keras.{family}")


def _keras_module(module: str) -> bool:
    return module in ("keras", "tf_keras") or module.startswith(("keras.", "tf_keras."))


def _string_family(key) -> str | None:
    if not isinstance(key, str):
        return None
    for suffix, family in allowed()["string_keys"].items():
        if key == suffix or key.endswith("_" + suffix):
            return family
    return None
