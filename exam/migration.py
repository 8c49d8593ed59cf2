"""Read a learner's training script (never run it) and name each construct that will fail under the session's Keras.

Course material for this exam was written for TensorFlow 2.4-2.15, where tf.keras was Keras 2; Keras 3 rejects much
of it, and tf-keras (exam-era mode) rejects what only Keras 3 has. Every rule below was checked by running the
construct under Keras 3.15 and tf-keras 2.21 (tests/test_check.py keeps the name tables honest against the installed
packages). Simple names are seen through (exam/bindings.py): `Input(shape=(max_length))` with `max_length = 120` is
judged as `Input(shape=120)`. TensorFlow-free: `ast` only, so `tfexam check` answers at once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from exam.bindings import UNKNOWN, Bindings

OPTIMIZERS = {"SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"}
STRING_FOR = {"mean_absolute_error": "mae", "mean_squared_error": "mse", "mean_absolute_percentage_error": "mape",
              "mean_squared_logarithmic_error": "msle", "log_cosh": "log_cosh", "kl_divergence": "kl_divergence"}
# Names tf.keras has under tf-keras but not under Keras 3 (module -> names), with the Keras 3 spelling where one exists.
KERAS2_ONLY = {
    "metrics": {"mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
                "mean_squared_logarithmic_error", "log_cosh", "kl_divergence", "MeanRelativeError", "MeanTensor",
                "experimental"},
    "losses": {"mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
               "mean_squared_logarithmic_error", "log_cosh", "kl_divergence"},
    "layers": {"experimental", "DenseFeatures", "LocallyConnected1D", "LocallyConnected2D", "AbstractRNNCell"},
    "optimizers": {"experimental", "legacy"},
    "models": {"model_from_yaml", "model_from_config", "experimental"},
    "callbacks": {"BaseLogger"},
    "utils": {"GeneratorEnqueuer", "OrderedEnqueuer", "SequenceEnqueuer", "to_ordinal"},
    "backend": {"function", "placeholder", "learning_phase", "set_learning_phase", "print_tensor"},
}
# keras.preprocessing.* names that the standalone Keras 3 package dropped (tf.keras.preprocessing still has them)
KERAS3_PREPROCESSING_DROPPED = {
    "image": {"ImageDataGenerator", "DirectoryIterator", "Iterator", "NumpyArrayIterator", "apply_affine_transform",
              "apply_brightness_shift", "apply_channel_shift", "random_brightness", "random_channel_shift",
              "random_rotation", "random_shear", "random_shift", "random_zoom"},
    "text": None,  # the whole module
    "sequence": {"TimeseriesGenerator", "make_sampling_table", "skipgrams"},
}
# Names only Keras 3 has (module -> names; "" is keras / tf.keras itself), and what to use under tf-keras instead.
KERAS3_ONLY = {
    "": {"ops", "random", "config", "tree", "distribution", "dtype_policies", "quantizers", "visualization",
         "wrappers", "Layer", "Loss", "Metric", "Optimizer", "Initializer", "Regularizer", "Variable", "InputSpec",
         "KerasTensor", "DTypePolicy", "RematScope", "remat", "device", "name_scope", "version"},
    "layers": {"AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
               "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AugMix", "AutoContrast",
               "CutMix", "Equalization", "GroupQueryAttention", "MelSpectrogram", "MixUp", "Pipeline",
               "RMSNormalization", "RandAugment", "RandomColorDegeneration", "RandomColorJitter",
               "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomGrayscale", "RandomHue",
               "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomSaturation", "RandomSharpness",
               "RandomShear", "ReversibleEmbedding", "STFTSpectrogram", "Solarization", "TFSMLayer",
               "TorchModuleWrapper", "JaxLayer", "FlaxLayer"},
    "optimizers": {"Lamb", "LossScaleOptimizer", "Muon", "ScheduleFreeAdamW"},
    "callbacks": {"SwapEMAWeights"},
    "utils": {"PyDataset", "clear_session", "is_keras_tensor", "Config"},
    "losses": {"Dice", "Tversky", "Circle", "CTC", "dice", "tversky", "circle", "ctc"},
    "metrics": {"PearsonCorrelation", "ConcordanceCorrelation", "pearson_correlation", "concordance_correlation"},
    "datasets": {"california_housing"},
}
KERAS2_INSTEAD = {"utils.PyDataset": "tf.keras.utils.Sequence", "utils.clear_session": "tf.keras.backend.clear_session()",
                  "Layer": "tf.keras.layers.Layer", "ops": "TensorFlow's own ops (tf.math, tf.reshape, ...)",
                  "random": "tf.random", "Loss": "tf.keras.losses.Loss", "Metric": "tf.keras.metrics.Metric",
                  "Optimizer": "tf.keras.optimizers.Optimizer"}


# rule -> the Keras generations it applies to (`check N` says how many it checked)
RULES = {
    "keras_preprocessing package": (3,), "keras.preprocessing names dropped": (3,), "layers.experimental": (3,),
    "optimizers.legacy and experimental": (3,), "Keras 2 metric and loss functions": (3,), "other Keras 2-only names": (3,),
    "optimizer.lr": (3,), "predict_classes": (2, 3), "fit_generator and friends": (3,), "predict on a list": (3,),
    "optimizer lr=": (3,), "metrics as a bare string": (3,), "Input(shape=number)": (3,),
    "ModelCheckpoint weights path": (3,), "save_weights path": (3,), "save without an extension": (3,),
    "input_shape=number": (2, 3), "Keras 3-only names": (2,), "optimizer decay=": (2,),
}


def rule_count(keras: int) -> int:
    return sum(keras in generations for generations in RULES.values())


@dataclass(frozen=True)
class Finding:
    line: int
    construct: str
    fix: str

    def render(self, name: str, keras: int) -> str:
        return f"{name}:{self.line}: {self.construct} fails under Keras {keras}: {self.fix}"


def check_file(path: Path, keras: int) -> list[str]:
    """One line per construct in the script at `path` that fails under Keras `keras` (2 or 3)."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [f"{path.name}: cannot be read ({error}); nothing was checked"]
    try:
        findings = check_source(source, keras)
    except SyntaxError as error:
        return [f"{path.name}:{error.lineno}: Python cannot read this line ({error.msg}); fix it before training"]
    return [f.render(path.name, keras) for f in findings]


def check_source(source: str, keras: int) -> list[Finding]:
    tree = ast.parse(source)
    reader = _Reader(keras, Bindings(tree), tree)
    reader.visit(tree)
    unique = {(f.line, f.construct): f for f in reader.findings}
    return sorted(unique.values(), key=lambda f: (f.line, f.construct))


class _Reader(ast.NodeVisitor):
    def __init__(self, keras: int, bindings: Bindings, tree: ast.Module):
        self.keras = keras
        self.bindings = bindings
        self.scopes: list[ast.AST] = [tree]  # the module, then the functions (and classes) being read
        self.aliases: dict[str, str] = {}  # local name -> dotted origin, e.g. tf -> tensorflow, layers -> tensorflow.keras.layers
        self.findings: list[Finding] = []

    def add(self, node, rule: str, construct: str, fix: str):
        assert self.keras in RULES[rule], rule
        self.findings.append(Finding(node.lineno, construct, fix))

    def value(self, node):
        """What `node` holds when the script reaches it (names followed to their one binding), or UNKNOWN."""
        return UNKNOWN if node is None else self.bindings.value(node, self.scopes[-1])

    def _scope(self, node):
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _scope

    # --- imports -------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            self.aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            self._module_used(node, alias.name, None)

    def visit_ImportFrom(self, node: ast.ImportFrom):
        module = node.module or ""
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
            self._module_used(node, module, alias.name)

    def _module_used(self, node, module: str, name: str | None):
        shown = f"from {module} import {name}" if name else f"import {module}"
        if module.split(".")[0] == "keras_preprocessing":
            if self.keras == 3:
                sub = (module.split(".") + [""])[1] or (name or "image")
                self.add(node, "keras_preprocessing package", shown,
                         f"that package is gone; use tf.keras.preprocessing.{sub} (import tensorflow as tf), "
                         "or start the exam with --keras 2")
            return
        if name is not None:
            self._qualified(node, f"{module}.{name}", shown)

    # --- names and attributes ------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute):
        dotted = self._dotted(node)
        if dotted:
            self._qualified(node, dotted, ast.unparse(node))
            return  # the chain is judged as a whole, not each of its prefixes
        if node.attr == "lr" and isinstance(node.value, ast.Attribute) and node.value.attr == "optimizer" and self.keras == 3:
            self.add(node, "optimizer.lr", ast.unparse(node),
                     f"optimizers have no .lr in Keras 3; use {ast.unparse(node.value)}.learning_rate")
        if node.attr == "predict_classes":
            self.add(node, "predict_classes", ast.unparse(node), "predict_classes() was removed (TensorFlow 2.6); use "
                     "np.argmax(model.predict(x), axis=-1), or (model.predict(x) > 0.5) for one sigmoid output")
        elif node.attr in ("fit_generator", "evaluate_generator", "predict_generator") and self.keras == 3:
            self.add(node, "fit_generator and friends", ast.unparse(node),
                     f"Keras 3 has no {node.attr}(); call {node.attr.split('_')[0]}() with the same arguments")
        self.generic_visit(node)

    def _dotted(self, node) -> str | None:
        """'tf.keras.metrics.mae' for a chain that starts at an imported Keras name, with aliases resolved."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.aliases:
            return None
        origin = self.aliases[node.id]
        if not origin.split(".")[0] in ("tensorflow", "keras"):
            return None
        return ".".join([origin, *reversed(parts)])

    def _qualified(self, node, dotted: str, shown: str):
        """Judge a fully qualified Keras name: tensorflow.keras.X.Y (tf.keras) or keras.X.Y (the keras package)."""
        parts = dotted.split(".")
        if parts[:2] == ["tensorflow", "keras"]:
            rest, package = parts[2:], "tf.keras"
        elif parts[0] == "keras":
            rest, package = parts[1:], "keras"
        else:
            return
        if not rest:
            return
        module, name = (rest[0], rest[1]) if len(rest) > 1 else ("", rest[0])
        if self.keras == 3:
            self._keras3(node, package, module, name, rest, shown)
        else:
            self._keras2(node, module, name, shown)

    def _keras3(self, node, package: str, module: str, name: str, rest: list[str], shown: str):
        if package == "keras" and module == "preprocessing":
            sub = rest[1]
            dropped = KERAS3_PREPROCESSING_DROPPED.get(sub, set())
            if sub in KERAS3_PREPROCESSING_DROPPED and (dropped is None or (len(rest) > 2 and rest[2] in dropped)):
                what = ".".join(rest[1:])
                self.add(node, "keras.preprocessing names dropped", shown,
                         f"the keras package of Keras 3 has no preprocessing.{what}; use "
                         f"tf.keras.preprocessing.{what} (import tensorflow as tf), or start the exam with --keras 2")
            return
        if package != "tf.keras" or name not in KERAS2_ONLY.get(module, ()):
            return
        if module == "layers" and name == "experimental":
            tail = rest[-1] if rest[-1] not in ("experimental", "preprocessing") else "<the layer>"
            self.add(node, "layers.experimental", shown,
                     f"Keras 3 has no layers.experimental; the layers are in tf.keras.layers now: tf.keras.layers.{tail}")
        elif module == "optimizers" and name in ("legacy", "experimental"):
            tail = rest[-1] if len(rest) > 2 else "Adam"
            self.add(node, "optimizers.legacy and experimental", shown,
                     f"Keras 3 has no optimizers.{name}; use tf.keras.optimizers.{tail}(learning_rate=...)")
        elif name in STRING_FOR:
            self.add(node, "Keras 2 metric and loss functions", shown,
                     f"tf.keras.{module}.{name} is gone in Keras 3; pass the string '{STRING_FOR[name]}' "
                     f"(e.g. metrics=['{STRING_FOR[name]}'], loss='{STRING_FOR[name]}')")
        else:
            self.add(node, "other Keras 2-only names", shown,
                     f"tf.keras.{module}.{name} does not exist in Keras 3; remove it, or start the exam with --keras 2")

    def _keras2(self, node, module: str, name: str, shown: str):
        key = f"{module}.{name}" if module else name
        if module and name in KERAS3_ONLY.get(module, ()) or not module and name in KERAS3_ONLY[""]:
            instead = KERAS2_INSTEAD.get(key) or KERAS2_INSTEAD.get(module)
            fix = f"use {instead}" if instead else "remove it, or start the exam with --keras 3"
            self.add(node, "Keras 3-only names", shown,
                     f"{key} exists only in Keras 3, and this session trains under Keras 2 (tf-keras); {fix}")
        elif module in KERAS3_ONLY[""] and module:
            instead = KERAS2_INSTEAD.get(module)
            fix = f"use {instead}" if instead else "remove it, or start the exam with --keras 3"
            self.add(node, "Keras 3-only names", shown,
                     f"keras.{module} exists only in Keras 3, and this session trains under Keras 2 (tf-keras); {fix}")

    # --- calls ---------------------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call):
        if isinstance(node.func, ast.Name):
            callee, origin = node.func.id, self.aliases.get(node.func.id, "")
        elif isinstance(node.func, ast.Attribute):
            callee, origin = node.func.attr, self._dotted(node.func) or ""
        else:
            callee, origin = "", ""
        last = origin.split(".")[-1] if origin else callee
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if self.keras == 3:
            self._call_keras3(node, callee, last, keywords)
        else:
            self._call_keras2(node, last, origin, keywords)
        if last != "Input" and _integer(self.value(keywords.get("input_shape"))):
            size = ast.unparse(keywords["input_shape"])
            self.add(node, "input_shape=number", f"input_shape={size}",
                     f"a shape is a tuple in Keras 2 and 3 alike: write input_shape=({size},)")
        self.generic_visit(node)

    def _call_keras3(self, node: ast.Call, callee: str, last: str, keywords: dict):
        data = node.args[0] if node.args else None
        if callee in ("predict", "predict_on_batch") and _numbers(self.value(data)):
            self.add(node, "predict on a list", ast.unparse(node),
                     f"Keras 3 does not accept a Python list; use {ast.unparse(node.func)}(np.array({ast.unparse(data)}))")
        if last in OPTIMIZERS and "lr" in keywords:
            self.add(node, "optimizer lr=", f"{last}(lr=...)", f"Keras 3 optimizers take learning_rate=, not lr=: "
                                                               f"{last}(learning_rate={ast.unparse(keywords['lr'])})")
        metric = self.value(keywords.get("metrics"))
        if callee == "compile" and isinstance(metric, str):
            self.add(node, "metrics as a bare string", f"compile(metrics={ast.unparse(keywords['metrics'])})",
                     f"Keras 3 needs a list: metrics=[{ast.unparse(keywords['metrics'])}]")
        shape = keywords.get("shape", node.args[0] if node.args else None)
        if last == "Input" and _integer(self.value(shape)):
            self.add(node, "Input(shape=number)", f"Input(shape={ast.unparse(shape)})",
                     f"Keras 3 needs a tuple: Input(shape=({ast.unparse(shape)},))")
        path_node = keywords.get("filepath", node.args[0] if node.args else None)
        path = self.value(path_node)
        if not isinstance(path, str):
            return
        shown = ast.unparse(path_node)
        held = "" if isinstance(path_node, ast.Constant) else f" ({shown} is {path!r})"
        if (last == "ModelCheckpoint" and self.value(keywords.get("save_weights_only")) is True
                and not path.endswith(".weights.h5")):
            self.add(node, "ModelCheckpoint weights path", f"ModelCheckpoint({shown}, save_weights_only=True)",
                     f"Keras 3 saves weights only to a name ending in .weights.h5{held}: "
                     f"ModelCheckpoint({_weights_name(path)!r}, save_weights_only=True)")
        if callee == "save_weights" and not path.endswith(".weights.h5"):
            self.add(node, "save_weights path", f"save_weights({shown})",
                     f"Keras 3 needs a name ending in .weights.h5{held}: save_weights({_weights_name(path)!r})")
        if callee == "save" and self._on_a_model(node.func) and "." not in Path(path).name:
            self.add(node, "save without an extension", f"save({shown})",
                     f"Keras 3 needs a file extension{held}: save('{path}.h5') (the exam grades mymodel.h5)")

    def _on_a_model(self, func) -> bool:
        """A method call on an object of the script's own (a model), not a function of an imported module (np.save)."""
        return isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id in self.aliases)

    def _call_keras2(self, node: ast.Call, last: str, origin: str, keywords: dict):
        if last in OPTIMIZERS and "decay" in keywords and ".legacy." not in origin:
            self.add(node, "optimizer decay=", f"{last}(decay=...)", "tf-keras optimizers no longer take decay=; use "
                                                 f"tf.keras.optimizers.legacy.{last}(..., decay=...) or a learning-rate schedule")


def _numbers(value) -> bool:
    """A Python list of numbers (or of such lists), as in model.predict([10.0]); not a list of arrays (multi-input)."""
    return isinstance(value, list) and bool(value) and all(_integer(v) or isinstance(v, float) or _numbers(v) for v in value)


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _weights_name(path: str) -> str:
    stem = path
    for suffix in (".weights.h5", ".h5", ".hdf5", ".ckpt", ".keras"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem + ".weights.h5"
