"""A loaded model's Fingerprint (tfexam/result.py): computed in the grading worker, compared by the CLI, which never
loads a model (the rules and sizes are tfexam/similarity.py's)."""

from __future__ import annotations

import hashlib
import json

from tfexam.result import Fingerprint
from tfexam.similarity import ROUND_DECIMALS, SKETCH_SIZE


def of(model) -> Fingerprint:
    import numpy as np

    arrays = [np.asarray(w) for w in model.get_weights()]
    exact, rounded = hashlib.sha256(), hashlib.sha256()
    for array in arrays:
        header = f"{array.shape}|{array.dtype.str}|".encode()
        array = np.ascontiguousarray(array)
        exact.update(header)
        exact.update(memoryview(array).cast("B"))  # hashed in place, never copied to bytes
        if array.dtype.kind == "f":  # rounded in its own precision: + 0.0 makes -0.0 and 0.0 one value
            array = np.round(array, ROUND_DECIMALS)
            array += array.dtype.type(0)
        rounded.update(header)
        rounded.update(memoryview(array).cast("B"))
    return Fingerprint(architecture=architecture(model), weights=exact.hexdigest(), rounded=rounded.hexdigest(),
                       parameters=sum(int(a.size) for a in arrays), sketch=sketch(arrays))


def sketch(arrays: list) -> list[float]:
    """SKETCH_SIZE weights at evenly spaced positions of all weights in order (all of them when there are fewer),
    read in place: a model's weights are never copied whole."""
    import numpy as np

    total = sum(int(a.size) for a in arrays)
    if total == 0:
        return []
    positions = np.linspace(0, total - 1, min(total, SKETCH_SIZE)).astype(np.int64)
    starts = np.cumsum([0] + [int(a.size) for a in arrays])
    values = []
    for position in positions:
        index = int(np.searchsorted(starts, position, side="right")) - 1
        values.append(float(arrays[index].reshape(-1)[position - starts[index]]))
    return values

def architecture(model) -> str:
    """sha256 of the model's configuration as canonical JSON, every name (of the model, its layers and its input
    layer, wherever a config says `name`) replaced by its order of appearance: Keras names layers per process
    (dense_3), so the same architecture saved twice must not differ by them."""
    config = model.get_config()
    names: dict[str, str] = {model.name: "#model"}

    def collect(value):
        if isinstance(value, dict):
            if isinstance(value.get("name"), str):
                names.setdefault(value["name"], f"#{len(names)}")
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    def canonical(value):
        if isinstance(value, dict):
            return {key: canonical(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [canonical(item) for item in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    collect(config)
    text = json.dumps(canonical(config), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
