"""Hostile submissions, built at test time with small real models (nothing binary is committed).

Each builder writes one file (or folder) into `folder` and returns its path. Builders that plant code (a Lambda,
a custom layer) make that code create `marker` when it runs; the builder deletes the marker after saving, so a
marker that exists after grading means the grader ran code from the file.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import h5py
import numpy as np
import tensorflow as tf

SLOPE, INTERCEPT = 3.0, 2.0  # hidden_tests/c1_line.toml: the exact line scores 5/5


def line_model(input_shape=(1,), units: int = 1, weights=None):
    model = tf.keras.Sequential([tf.keras.Input(shape=input_shape), tf.keras.layers.Dense(units)])
    kernel, bias = model.layers[-1].get_weights()
    if weights is None and kernel.shape == (1, 1):
        weights = [np.array([[SLOPE]]), np.array([INTERCEPT])]
    if weights is not None:
        model.layers[-1].set_weights(weights)
    return model


def good(folder: Path) -> Path:
    path = folder / "good.h5"
    line_model().save(path)
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "random.h5"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    return path


def truncated(folder: Path) -> Path:
    whole = good(folder).read_bytes()
    path = folder / "truncated.h5"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def weights_only(folder: Path) -> Path:
    """A real HDF5 file from Keras that holds weights but no architecture."""
    weights = folder / "only.weights.h5"
    line_model().save_weights(weights)
    return weights.rename(folder / "weights_only.h5")


def plain_hdf5(folder: Path) -> Path:
    path = folder / "plain.h5"
    with h5py.File(path, "w") as handle:
        handle["numbers"] = np.arange(10)
    return path


def lambda_layer(folder: Path, marker: Path) -> Path:
    """A Lambda whose code writes `marker` whenever it runs (also once while the model is built here)."""
    code = eval(f"lambda x: (open({str(marker)!r}, 'w').write('the lambda ran'), x)[1]")  # no closure: marshal-able
    inputs = tf.keras.Input(shape=(1,))
    outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Lambda(code, output_shape=(1,), name="lambda")(inputs))
    path = folder / "lambda.h5"
    tf.keras.Model(inputs, outputs).save(path)
    marker.unlink(missing_ok=True)
    return path


@tf.keras.utils.register_keras_serializable(package="hostile")
class MarkerLayer(tf.keras.layers.Layer):
    """A custom layer registered in this (test) process: if Keras deserialises it here, its code runs."""

    def __init__(self, marker: str = "", **kwargs):
        super().__init__(**kwargs)
        self.marker = marker
        if marker:
            Path(marker).write_text("the custom layer was built")

    def call(self, x):
        return x

    def get_config(self):
        return {**super().get_config(), "marker": self.marker}


def custom_layer(folder: Path, marker: Path) -> Path:
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), MarkerLayer(str(marker)), tf.keras.layers.Dense(1)])
    path = folder / "custom.h5"
    model.save(path)
    marker.unlink(missing_ok=True)
    return path


def edited_config(folder: Path, name: str, edit) -> Path:
    """The good model with its stored architecture changed by `edit(config) -> config` (as an attacker would)."""
    path = good(folder).rename(folder / name)
    with h5py.File(path, "r+") as handle:
        config = json.loads(handle.attrs["model_config"])
        handle.attrs["model_config"] = json.dumps(edit(config))
    return path


def _dense(config: dict) -> dict:
    return next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")


def unknown_class(folder: Path) -> Path:
    def rename(config):
        _dense(config)["class_name"] = "NoSuchLayer"
        return config

    return edited_config(folder, "unknown.h5", rename)


def unbuildable(folder: Path) -> Path:
    """Only built-in names, so the description passes; Keras starts building it and fails half way."""
    def break_units(config):
        _dense(config)["config"]["units"] = "many"
        return config

    return edited_config(folder, "unbuildable.h5", break_units)


def foreign_module(folder: Path) -> Path:
    """An initializer that names a module outside Keras: loading it would import and call that module's code."""
    def point_outside(config):
        _dense(config)["config"]["kernel_initializer"] = {"module": "subprocess", "class_name": "Popen",
                                                          "config": {"args": ["touch", "/tmp/owned"]}, "registered_name": None}
        return config

    return edited_config(folder, "foreign.h5", point_outside)


def huge_layer(folder: Path, units: int) -> Path:
    """A tiny file whose architecture declares a Dense layer of `units`: building it allocates 8 x units bytes."""
    def inflate(config):
        _dense(config)["config"]["units"] = units
        return config

    return edited_config(folder, "huge.h5", inflate)


def keras_archive(folder: Path, name: str = "model.keras") -> Path:
    path = folder / name
    line_model().save(path.with_suffix(".keras"))
    return path.with_suffix(".keras").rename(path) if path.suffix != ".keras" else path


def saved_model(folder: Path) -> Path:
    path = folder / "saved_model_dir"
    line_model().export(str(path), verbose=False)
    return path


def wrong_input(folder: Path) -> Path:
    path = folder / "wrong_input.h5"
    line_model(input_shape=(2,)).save(path)
    return path


def wrong_units(folder: Path) -> Path:
    path = folder / "wrong_units.h5"
    line_model(units=3).save(path)
    return path


def nan_output(folder: Path) -> Path:
    path = folder / "nan.h5"
    line_model(weights=[np.full((1, 1), np.nan), np.zeros(1)]).save(path)
    return path


def inf_output(folder: Path) -> Path:
    path = folder / "inf.h5"
    line_model(weights=[np.full((1, 1), 3e38), np.zeros(1)]).save(path)
    return path


def sparse_file(folder: Path, megabytes: int) -> Path:
    """An HDF5-signed file of the given apparent size that takes no disk space."""
    path = folder / "big.h5"
    with open(path, "wb") as handle:
        handle.write(b"\x89HDF\r\n\x1a\n")
        handle.truncate(megabytes * 2**20)
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.h5"
    os.mkfifo(path)
    return path


# ---- two formats in one file, and archives that unpack to more than they weigh ----

def keras_config_zip(config_edit=None) -> bytes:
    """The bytes of a real .keras archive of the line model, its config.json changed by `config_edit`."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_line_archive())) as original, zipfile.ZipFile(out, "w") as rewritten:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "config.json" and config_edit is not None:
                data = json.dumps(config_edit(json.loads(data))).encode()
            rewritten.writestr(info, data)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _line_archive() -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "line.keras"
        line_model().save(source)
        return source.read_bytes()


def polyglot(folder: Path, name: str, config_edit=None, keras_version: str | None = None) -> Path:
    """A valid HDF5 model (the good line) with a .keras archive appended, named .keras: the HDF5 part is harmless,
    the zip part is what a loader choosing by suffix would build. `keras_version` relabels the HDF5 part."""
    path = good(folder).rename(folder / f"{name}.h5")
    if keras_version is not None:
        with h5py.File(path, "r+") as handle:
            handle.attrs["keras_version"] = keras_version
    target = path.with_name(f"{name}.keras")
    target.write_bytes(path.read_bytes() + keras_config_zip(config_edit))
    path.unlink()
    return target


def _zip_dense(config: dict) -> dict:
    return next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")


def with_lambda(config: dict) -> dict:
    config["config"]["layers"].append({"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                                       "config": {"name": "planted", "function": {"class_name": "__lambda__",
                                                                                  "config": {"value": "AAAA"}}}})
    return config


def naming_module(module: str, class_name: str, config: dict | None = None):
    """An edit that makes the Dense layer's kernel initializer come from `module`.`class_name`."""
    def edit(description: dict) -> dict:
        _zip_dense(description)["config"]["kernel_initializer"] = {"module": module, "class_name": class_name,
                                                                   "config": config or {}, "registered_name": None}
        return description

    return edit


def marker_module(folder: Path, marker: Path) -> str:
    """A module planted next to the submission: importing it creates `marker`."""
    (folder / "marker_mod.py").write_text(f"open({str(marker)!r}, 'w').write('marker_mod was imported')\n")
    return "marker_mod"


def prepended_zip(folder: Path) -> Path:
    path = folder / "prepended.keras"
    path.write_bytes(b"not a model " * 100 + keras_config_zip())
    return path


def zip_bomb(folder: Path, megabytes: int) -> Path:
    """A real .keras archive plus a member of `megabytes` MB of zeros, deflated to a few kB per MB."""
    import zipfile

    path = folder / "bomb.keras"
    path.write_bytes(keras_config_zip())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("assets/zeros.bin", "w", force_zip64=True) as member:
            block = bytes(2**20)
            for _ in range(megabytes):
                member.write(block)
    return path


def lying_zip(folder: Path, megabytes: int) -> Path:
    """A .keras archive whose config.json declares 2 bytes (with their CRC) but unpacks to `megabytes` MB: zipfile
    unpacks all of it, cuts it to the declared 2 bytes and finds nothing wrong."""
    import struct
    import zipfile
    import zlib

    path = folder / "lying.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", b"{" + b" " * (megabytes * 2**20) + b"}")
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    crc = zlib.crc32(b"{ ")
    struct.pack_into("<L", data, local + 14, crc)  # local header: CRC-32, then at +22 the uncompressed size
    struct.pack_into("<L", data, local + 22, 2)
    struct.pack_into("<L", data, central + 16, crc)  # central directory: CRC-32, then at +24 the uncompressed size
    struct.pack_into("<L", data, central + 24, 2)
    path.write_bytes(bytes(data))
    return path


def hdf5_bomb(folder: Path, megabytes: int) -> Path:
    """The good model plus a gzip-compressed dataset of `megabytes` MB of zeros (a few kB on disk)."""
    path = good(folder).rename(folder / "hdf5_bomb.h5")
    with h5py.File(path, "r+") as handle:
        handle.create_dataset("padding", shape=(megabytes * 2**18,), dtype="float32", chunks=(2**18,),
                              compression="gzip", fillvalue=0)
        handle["padding"][: 2**18] = np.zeros(2**18, dtype="float32")
    return path


def external_link(folder: Path, target: Path) -> Path:
    path = good(folder).rename(folder / "external.h5")
    with h5py.File(path, "r+") as handle:
        handle["elsewhere"] = h5py.ExternalLink(str(target), "/")
    return path


def lying_hdf5_chunk(folder: Path, megabytes: int) -> Path:
    """The good model plus a gzip dataset of 1024 floats (4 kB declared) whose one stored chunk unpacks to
    `megabytes` MB: HDF5's filter would unpack all of it on reading."""
    import zlib

    path = good(folder).rename(folder / "lying_chunk.h5")
    with h5py.File(path, "r+") as handle:
        dataset = handle.create_dataset("padding", shape=(1024,), dtype="float32", chunks=(1024,), compression="gzip")
        dataset.id.write_direct_chunk((0,), zlib.compress(bytes(megabytes * 2**20)))
    return path
