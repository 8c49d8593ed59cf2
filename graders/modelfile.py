"""Checks on the submitted file itself, before TensorFlow sees it: what kind of file is it?"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from graders.refusal import Refused

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
MAX_BYTES = 512 * 1024 * 1024


def kind_of(path: Path) -> str:
    """'h5', 'keras', 'savedmodel', or raise Refused with what the learner should do."""
    if not path.exists():
        raise Refused("file", f"{path} does not exist; run the category's train script first (it saves mymodel.h5)")
    if path.is_dir():
        if (path / "saved_model.pb").exists():
            return "savedmodel"
        raise Refused("file", f"{path} is a directory, not a model file; save with model.save('mymodel.h5')")
    size = path.stat().st_size
    if size == 0:
        raise Refused("file", f"{path} is empty (0 bytes); the training run probably stopped before model.save()")
    if size > MAX_BYTES:
        raise Refused("file", f"{path} is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB cap; a model for this exam is far smaller")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == HDF5_MAGIC:
        return "h5"
    if head.startswith(ZIP_MAGIC) and zipfile.is_zipfile(path):
        return "keras"
    raise Refused("file", f"{path} is not a Keras model file (no HDF5 signature); save with model.save('mymodel.h5')")


def h5_model_config(path: Path) -> dict:
    """The architecture stored in a Keras .h5 file, read with h5py only (no layer code runs)."""
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
    except OSError as error:
        reason = str(error).split("(")[0].strip() or "unreadable"
        raise Refused("file", f"{path.name} is a damaged HDF5 file ({reason}); train again and let model.save() finish") from None
    if raw is None:
        raise Refused("file", f"{path.name} is HDF5 but holds no Keras model (only weights?); save the whole model with model.save('mymodel.h5')")
    try:
        return json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused("file", f"{path.name} has an unreadable model config; save the model again with model.save('mymodel.h5')") from None


def layer_classes(config) -> list[tuple[str, str]]:
    """Every (class_name, layer name) in a model config, nested models included."""
    found = []
    if isinstance(config, dict):
        if "class_name" in config and isinstance(config.get("config"), dict):
            found.append((config["class_name"], config["config"].get("name", "")))
        for value in config.values():
            found.extend(layer_classes(value))
    elif isinstance(config, list):
        for value in config:
            found.extend(layer_classes(value))
    return found
