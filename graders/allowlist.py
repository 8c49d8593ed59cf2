"""Write tfexam/allowed_names.json: what a stored model description may name, read from the installed frameworks.

    python -m graders.allowlist --write     (after a Keras 3 or tf-keras upgrade; tests/test_allowlist.py says when)

The grader checks descriptions in tfexam (TensorFlow-free), so the names exported by the public modules of Keras 3
and tf-keras are committed as data. Classes that read files or carry code are left out even though Keras exports
them: their configs name a path (TFSMLayer, the lookup layers' vocabularies) or a function (Lambda, the JAX/Flax
and Torch wrappers, DenseFeatures' feature columns).
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tfexam" / "allowed_names.json"
FAMILIES = ("layers", "initializers", "regularizers", "constraints", "activations", "optimizers",
            "optimizers.schedules", "losses", "metrics", "dtype_policies", "mixed_precision")
# string-valued config keys resolved by name: key suffix -> the family whose functions and classes they may name
STRING_FAMILIES = {"activation": "activations", "initializer": "initializers", "regularizer": "regularizers",
                   "constraint": "constraints"}
TOP_LEVEL = ("Sequential", "Model", "DTypePolicy", "FloatDTypePolicy")
LEFT_OUT = {"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TextVectorization", "StringLookup",
            "IntegerLookup", "DenseFeatures"}
NOT_NAMES = {"get", "serialize", "deserialize"}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def generate() -> dict:
    import keras
    import tf_keras
    from keras.src.models.functional import Functional
    from tf_keras.src.engine.functional import Functional as Functional2
    from tf_keras.src.saving import object_registration

    classes, objects, strings = set(), set(), {family: set() for family in STRING_FAMILIES.values()}

    def allow(module: str, name: str, obj) -> None:
        if name.startswith("_") or name in NOT_NAMES or name in LEFT_OUT or inspect.ismodule(obj):
            return
        if not (inspect.isclass(obj) or inspect.isfunction(obj) or callable(obj)):
            return
        spellings = {module, module.replace("tf_keras", "keras", 1)}
        spellings |= {obj.__module__, obj.__module__.replace("tf_keras", "keras", 1)} if hasattr(obj, "__module__") else set()
        for spelled in spellings:
            objects.add(f"{spelled}:{name}")
            objects.add(f"{spelled}:{getattr(obj, '__name__', name)}")
        if inspect.isclass(obj):
            classes.update({name, obj.__name__})

    for framework in (keras, tf_keras):
        for family in FAMILIES:
            module = framework
            try:
                for part in family.split("."):
                    module = getattr(module, part)
            except AttributeError:
                continue
            for name in dir(module):
                obj = getattr(module, name)
                if family in ("layers", "dtype_policies", "mixed_precision", "optimizers.schedules") and not inspect.isclass(obj):
                    continue
                allow(f"{framework.__name__}.{family}", name, obj)
                if family in strings and not name.startswith("_") and name not in NOT_NAMES | LEFT_OUT:
                    strings[family].update({name, _snake(name)})
        for name in TOP_LEVEL:
            if hasattr(framework, name):
                allow(framework.__name__, name, getattr(framework, name))
    for functional in (Functional, Functional2):
        allow(functional.__module__, "Functional", functional)
    # tf-keras registers its own optimizers as "Custom>Adam"...: the class name Keras 2 files store for them
    for registered, obj in object_registration._GLOBAL_CUSTOM_OBJECTS.items():
        if obj.__module__.startswith("tf_keras.src.optimizers."):
            classes.add(registered)
    return {"generated_by": "python -m graders.allowlist --write",
            "frameworks": {"keras": keras.__version__, "tf_keras": tf_keras.__version__},
            "classes": sorted(classes), "objects": sorted(objects),
            "strings": {family: sorted(names) for family, names in sorted(strings.items())},
            "string_keys": STRING_FAMILIES}


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render(generate())
    if argv == ["--write"]:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}")
        return 0
    current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    print("current" if current == text else f"{OUT} is out of date: run python -m graders.allowlist --write")
    return 0 if current == text else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
