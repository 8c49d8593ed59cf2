"""Advice read from the stored model description: an output activation or a loss that does not fit the task.

Pure data: the architecture (model_config / config.json) and the compile settings (an HDF5 file's training_config,
a .keras archive's compile_config) are read as JSON, never compiled or built. The task comes from the question's
kind (Kind.task). Each rule stays silent when what it needs is not stored (a model saved without compile, an output
layer it cannot follow): advice must never be spurious.
"""

from __future__ import annotations

from tfexam import kinds
from tfexam.result import Advice

# Layers that pass their input's values through unchanged in meaning: the output activation is before them.
PASS_THROUGH = {"Reshape", "Flatten", "Dropout", "Permute", "RepeatVector", "TimeDistributed", "Identity",
                "GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D", "ActivityRegularization"}
REGRESSION_LOSSES = {"mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error", "huber", "huber_loss",
                     "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "log_cosh", "logcosh"}
CROSS_ENTROPIES = {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
                   "binary_focal_crossentropy", "categorical_focal_crossentropy"}


def advise(config: dict, compile_config: dict | None, kind: str, classes: int, units: int | None) -> list[Advice]:
    """Advice for a model of `units` outputs answering a question of `kind` (with `classes` classes)."""
    task = getattr(kinds.registry().get(kind), "task", "")
    activation = output_activation(config)
    loss, from_logits = stored_loss(compile_config)
    if task == "classification":
        found = _classification(activation, loss, from_logits, classes, units)
    elif task == "regression":
        found = _regression(activation, loss)
    else:
        found = []
    return [Advice(rule, text) for rule, text in found]


def _classification(activation, loss, from_logits, classes, units):
    if activation == "softmax" and units == 1:
        yield "softmax_one_unit", ("the output is a softmax over 1 unit, which is always 1.0 whatever the input: "
                                   "end with Dense(1, activation='sigmoid') and binary_crossentropy")
    elif activation == "sigmoid" and units and units > 1:
        yield "sigmoid_many_classes", (f"the output is a sigmoid over {units} units, which scores each class on its "
                                       f"own; one answer among {classes} classes needs Dense({units}, "
                                       "activation='softmax') with sparse_categorical_crossentropy")
    elif activation == "linear" and units == 1:
        yield "linear_binary_output", ("the output has no activation, but the grader reads it as a probability "
                                       "(above 0.5 is the second class): end with Dense(1, activation='sigmoid')")
    if loss in REGRESSION_LOSSES:
        yield "regression_loss_for_classes", (f"the model was trained with {loss}, a regression loss, to choose "
                                              "between classes: use binary_crossentropy (one output) or "
                                              "sparse_categorical_crossentropy (one output per class)")
    elif loss and loss.startswith("binary") and units and units > 2:
        yield "binary_loss_for_classes", (f"the model was trained with {loss} on {units} outputs: for one answer "
                                          f"among {classes} classes use sparse_categorical_crossentropy")
    if loss in CROSS_ENTROPIES and from_logits is not None:
        if from_logits and activation in ("softmax", "sigmoid"):
            yield "from_logits_mismatch", (f"the loss has from_logits=True but the model already ends with "
                                           f"{activation}: the loss applies it a second time; drop from_logits=True")
        elif not from_logits and activation == "linear" and units and units > 1:
            yield "from_logits_mismatch", ("the output has no activation (logits) but the loss reads it as "
                                           "probabilities: end with activation='softmax' or pass from_logits=True")


def _regression(activation, loss):
    if activation == "softmax":
        yield "softmax_for_values", ("the output is a softmax, which makes the outputs sum to 1 instead of "
                                     "predicting values: end with a Dense layer without activation")
    if loss in CROSS_ENTROPIES:
        yield "classification_loss_for_values", (f"the model was trained with {loss}, a classification loss, to "
                                                 "predict values: use mse, mae or huber")


def output_activation(config: dict) -> str | None:
    """The activation of the layer that makes the model's output ('linear' for none), or None if not found."""
    layer = _output_layer(config)
    for _ in range(100):
        if not isinstance(layer, dict):
            return None
        name, inner = layer.get("class_name"), layer.get("config") or {}
        if name == "Softmax":
            return "softmax"
        if name == "Activation" or "activation" in inner:
            return _activation_name(inner.get("activation"))
        if name not in PASS_THROUGH:
            return None
        layer = _previous(config, layer)
    return None


def _activation_name(value) -> str | None:
    if value is None:
        return "linear"
    if isinstance(value, dict):  # a serialized function or layer: its name
        value = (value.get("config") or {}).get("name") if isinstance(value.get("config"), dict) else value.get("class_name")
    return str(value).lower() if isinstance(value, str) else None


def _layers(config: dict) -> list:
    layers = (config.get("config") or {}).get("layers") if isinstance(config.get("config"), dict) else None
    return layers if isinstance(layers, list) else []


def _output_layer(config: dict):
    layers = _layers(config)
    if not layers:
        return None
    if config.get("class_name") == "Sequential":
        return layers[-1]
    outputs = config["config"].get("output_layers")
    names = _history_names(outputs)
    if len(names) != 1:
        return None
    return _by_name(layers, names[0])


def _previous(config: dict, layer: dict):
    layers = _layers(config)
    if config.get("class_name") == "Sequential":
        index = next((i for i, item in enumerate(layers) if item is layer), 0)
        return layers[index - 1] if index > 0 else None
    names = _history_names(layer.get("inbound_nodes"))
    return _by_name(layers, names[0]) if len(names) == 1 else None


def _by_name(layers: list, name: str):
    return next((item for item in layers if isinstance(item, dict) and (item.get("config") or {}).get("name") == name), None)


def _history_names(value, depth: int = 0) -> list[str]:
    """Layer names a Keras 2 node ([name, node, tensor, ...]) or Keras 3 keras_history refers to."""
    if depth > 20:
        return []
    if isinstance(value, dict):
        history = value.get("keras_history") if isinstance(value.get("keras_history"), list) else None
        if history:
            return _history_names(history, depth + 1)
        return [n for item in value.values() for n in _history_names(item, depth + 1)]
    if isinstance(value, list):
        if len(value) >= 3 and isinstance(value[0], str) and all(isinstance(v, int) for v in value[1:3]):
            return [value[0]]
        return [n for item in value for n in _history_names(item, depth + 1)]
    return []


def stored_loss(compile_config: dict | None) -> tuple[str | None, bool | None]:
    """(the loss's name in snake case, its from_logits or None when not stored)."""
    if not isinstance(compile_config, dict):
        return None, None
    loss = compile_config.get("loss")
    if isinstance(loss, str):
        return loss.lower(), (False if loss.lower() in CROSS_ENTROPIES else None)
    if isinstance(loss, dict) and isinstance(loss.get("config"), dict):
        inner = loss["config"]
        name = inner.get("name") or inner.get("fn") or _snake(str(loss.get("class_name", "")))
        logits = inner.get("from_logits")
        return (str(name).lower() or None), (logits if isinstance(logits, bool) else None)
    return None, None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def compile_settings(config: dict, extra: tuple) -> dict | None:
    """The compile settings a file stored: a .keras archive's compile_config, an HDF5 file's training_config."""
    stored = config.get("compile_config")
    if isinstance(stored, dict):
        return stored
    return next((item for item in extra if isinstance(item, dict) and "loss" in item), None)
