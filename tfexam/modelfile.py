"""Checks on the submitted file itself, before TensorFlow sees it: what kind of file is it, and is it safe to load?

Nothing here imports TensorFlow or runs anything stored in the file: the CLI uses kind_of() for its cheap refusals,
and the grader reads the architecture and the declared data sizes with h5py/zipfile to refuse code-carrying
layers, foreign names and decompression bombs before Keras builds anything.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

from tfexam import limits
from tfexam.description import layer_classes, refuse_unsafe  # noqa: F401  (callers ask modelfile for the whole check)
from tfexam.description import objects as _objects  # noqa: F401
from tfexam.modelbytes import SAVE_H5, content_kind, not_regular
from tfexam.checks import CheckName
from tfexam.refusal import Refused

MAX_CONFIG_BYTES = 64 * 2**20  # an architecture description; real ones are kilobytes
MAX_ZIP_MEMBERS = 1000  # a .keras archive has three
UNPACK_STEP = 1 << 16  # bytes unpacked at a time: what a hostile member can cost before it is caught
H5Z_DEFLATE, H5Z_SHUFFLE = 1, 2  # HDF5's filter numbers for gzip and byte shuffling
MAX_HDF5_NODES = 100_000  # groups, datasets and links: a MobileNet has a few thousand
SAVE_HINTS = {"h5": "model.save('mymodel.h5')", "keras": "model.save('mymodel.keras')"}
FORMAT_NAMES = {"h5": "an HDF5 (.h5) model", "keras": "a .keras archive", "savedmodel": "a TensorFlow SavedModel folder"}


def kind_of(path: Path, cap: int | None = None, shown: Path | None = None) -> str:
    """'h5', 'keras' or 'savedmodel', decided from all of the file's bytes, or raise Refused with what the learner
    should do. `shown` is the name messages use (the learner's file when `path` is the grader's private copy)."""
    shown = path if shown is None else shown
    return entry_kind(path, cap, shown) or content_kind(path, path.stat().st_size, shown)


def entry_kind(path: Path, cap: int | None = None, shown: Path | None = None) -> str | None:
    """The checks that read nothing of the file: 'savedmodel' for a SavedModel folder, None for a regular file of an
    acceptable size (its kind comes from its content), else raise Refused."""
    cap = limits.current().file_bytes if cap is None else cap
    shown = path if shown is None else shown
    if not path.exists():
        raise Refused(CheckName.FILE, f"{shown} does not exist; run the category's train script first (it saves mymodel.h5)")
    if path.is_dir():  # a SavedModel folder is named so that refuse_format can say what to save instead
        if not (path / "saved_model.pb").is_file():
            raise Refused(CheckName.FILE, f"{shown} is a directory, not a model file; {SAVE_H5}")
        return "savedmodel"
    if not path.is_file():
        raise Refused(CheckName.FILE, not_regular(shown))
    size = path.stat().st_size
    if size == 0:
        raise Refused(CheckName.FILE, f"{shown} is empty (0 bytes); the training run probably stopped before model.save()")
    _check_size(shown, size, cap)
    return None


def refuse_format(path: Path, kind: str, allowed: tuple[str, ...]) -> None:
    """Refuse a file of a kind the question does not take, saying how to save the right one."""
    how = " or ".join(SAVE_HINTS.get(f, f) for f in allowed if f in SAVE_HINTS) or SAVE_HINTS["h5"]
    if kind not in allowed:
        takes = " or ".join("." + f for f in allowed)
        raise Refused(CheckName.FORMAT, f"{path.name} is {FORMAT_NAMES.get(kind, kind)}; this question takes {takes}: save with {how}")


def _check_size(path: Path, size: int, cap: int) -> None:
    if size > cap:
        raise Refused(CheckName.FILE_SIZE, f"{path} is {size / 2**20:.3g} MB, over the {cap / 2**20:.3g} MB cap for a submission; "
                                   "an exam model is far smaller (fewer or smaller layers), or raise the cap with "
                                   "--max-model-mb / TFEXAM_MAX_MODEL_MB")


def _over_cap(name: str, what: str, size: int, cap: int) -> Refused:
    return Refused(CheckName.FILE_SIZE, f"{name} {what} {size / 2**20:.3g} MB when unpacked, over the {cap / 2**20:.3g} MB cap "
                                "for a submission; an exam model is far smaller, or raise the cap with "
                                "--max-model-mb / TFEXAM_MAX_MODEL_MB")


def descriptions(path: Path, kind: str, name: str | None = None) -> tuple[dict, tuple]:
    """The architecture stored in a .h5 or .keras file and any other description in it (an HDF5 file's
    training_config), read without running any of it."""
    name = name or path.name
    if kind == "h5":
        attrs = _h5_attrs(path, name)
        if attrs.get("model_config") is None:
            raise Refused(CheckName.FILE, f"{name} is HDF5 but holds no Keras model (only weights?); save the whole model with model.save('mymodel.h5')")
        extra = () if attrs.get("training_config") is None else (_parse_config(name, attrs["training_config"]),)
        return _parse_config(name, attrs["model_config"]), extra
    return keras_model_config(path, name), ()


def model_config(path: Path, kind: str) -> dict:
    return descriptions(path, kind)[0]


def h5_model_config(path: Path) -> dict:
    return descriptions(path, "h5")[0]


def keras_generation(path: Path, kind: str) -> int:
    """2 for a .h5 written by Keras 2 (tf.keras in TF 2.4-2.15, or tf-keras), else 3. Read from the file's own
    `keras_version` attribute; files so old that they have none were written by Keras 2 as well."""
    if kind != "h5":
        return 3
    version = _h5_attrs(path, path.name).get("keras_version")
    if isinstance(version, bytes):
        version = version.decode("utf-8", "replace")
    major = re.match(r"\s*(\d+)\.", str(version)) if version is not None else None
    return 2 if major is None or int(major.group(1)) < 3 else 3


def _h5_attrs(path: Path, name: str) -> dict:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            return {key: handle.attrs.get(key) for key in ("model_config", "training_config", "keras_version")}
    except (OSError, KeyError, ValueError, RuntimeError, TypeError) as error:
        raise Refused(CheckName.FILE, _damaged_hdf5(name, str(error))) from None


def _damaged_hdf5(name: str, text: str) -> str:
    cut = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", text)
    if cut:
        have, need = int(cut.group(1)), int(cut.group(2))
        return (f"{name} is cut short ({have} of {need} bytes): the save or the copy did not finish; "
                "train again and let model.save('mymodel.h5') complete")
    reason = text.split("(")[-1].rstrip(")").strip() or "unreadable"
    return f"{name} is a damaged HDF5 file ({reason}); train again and let model.save('mymodel.h5') complete"


def keras_model_config(path: Path, name: str | None = None) -> dict:
    name = name or path.name
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > MAX_CONFIG_BYTES:
                raise Refused(CheckName.FILE, f"{name} declares a {info.file_size / 2**20:.0f} MB architecture; that is not a model for this exam")
            with archive.open(info) as member:  # small reads: zipfile unpacks as much as each read asks for
                raw = b"".join(iter(lambda: member.read(UNPACK_STEP), b""))
            if len(raw) > MAX_CONFIG_BYTES:
                raise Refused(CheckName.FILE, f"{name} holds an architecture over {MAX_CONFIG_BYTES // 2**20} MB; that is not a model for this exam")
    except KeyError:
        raise Refused(CheckName.FILE, f"{name} is a zip file but not a Keras archive (no config.json); save with model.save('mymodel.keras')") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise Refused(CheckName.FILE, f"{name} is a damaged .keras archive ({error}); save the model again") from None
    return _parse_config(name, raw)


def _parse_config(name: str, raw) -> dict:
    try:
        config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError, RecursionError, TypeError):  # TypeError: an attribute that is not text
        config = None
    if not isinstance(config, dict):
        raise Refused(CheckName.FILE, f"{name} has an unreadable model description; {SAVE_H5}")
    return config


def refuse_oversized(path: Path, kind: str, cap: int, name: str | None = None) -> None:
    """Refuse a file whose contents unpack past the file-size cap: the sizes a zip declares for its members, the
    shapes x item sizes of an HDF5 file's datasets (compressed ones included), checked before anything is unpacked;
    then each member or compressed chunk is unpacked in small steps to prove it yields no more than it declares."""
    name = name or path.name
    if kind == "keras":
        _refuse_big_zip(path, cap, name)
    else:
        import h5py

        try:
            with h5py.File(path, "r") as handle:
                _refuse_big_hdf5(handle, cap, name)
        except (OSError, KeyError, ValueError, RuntimeError, TypeError, zlib.error) as error:  # h5py's ways of saying "damaged"
            raise Refused(CheckName.FILE, _damaged_hdf5(name, str(error))) from None


def _refuse_big_zip(path: Path, cap: int, name: str) -> None:
    import h5py

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise Refused(CheckName.FILE, f"{name} holds {len(members)} files; a .keras archive holds a few")
            for member in members:
                if member.file_size > cap:
                    raise _over_cap(name, f"declares {member.filename[:60]} as", member.file_size, cap)
            total = sum(member.file_size for member in members)
            if total > cap:
                raise _over_cap(name, "declares its contents as", total, cap)
            with path.open("rb") as raw:
                for member in members:
                    _refuse_lying_member(raw, member, name)
            for member in members:  # the weights file inside is HDF5 too: same rule for its datasets
                if member.filename.endswith(".h5"):
                    with archive.open(member) as stream, h5py.File(stream, "r") as handle:
                        _refuse_big_hdf5(handle, cap, name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, KeyError, TypeError,
            zlib.error) as error:
        raise Refused(CheckName.FILE, f"{name} is a damaged .keras archive ({error}); save the model again") from None


def _refuse_lying_member(raw, member: zipfile.ZipInfo, name: str) -> None:
    """Unpack one member in small steps and refuse it the moment it yields more than it declares: zipfile trusts the
    declared size only to cut what it returns, after unpacking all of it (a 1 MB member can unpack to 1 GB)."""
    raw.seek(member.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise Refused(CheckName.FILE, f"{name} is a damaged .keras archive (no header for {member.filename[:60]}); save the model again")
    name_length, extra_length = struct.unpack("<2H", header[26:30])
    raw.seek(member.header_offset + 30 + name_length + extra_length)
    if member.flag_bits & 0x1 or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(CheckName.FILE, f"{name} stores {member.filename[:60]} encrypted or compressed in a way Keras never "
                              "writes; save the model again with model.save('mymodel.keras')")
    unpacker = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced = member.compress_size, 0
    while left > 0:
        chunk = raw.read(min(UNPACK_STEP, left))
        if not chunk:
            break
        left -= len(chunk)
        while chunk:
            out = unpacker.decompress(chunk, UNPACK_STEP) if unpacker else chunk
            chunk = unpacker.unconsumed_tail if unpacker else b""
            produced += len(out)
            if produced > member.file_size:
                raise Refused(CheckName.FILE_SIZE, f"{name} holds {member.filename[:60]}, which unpacks to more than the "
                                           f"{member.file_size} bytes it declares; save the model again")
            if unpacker and unpacker.eof:
                break


def _refuse_big_hdf5(handle, cap: int, name: str) -> None:
    """Walks the file's own links without following soft links, and refuses what would read outside it."""
    import h5py

    total, nodes, stack = 0, 0, [handle]
    while stack:
        group = stack.pop()
        for key in group:
            nodes += 1
            if nodes > MAX_HDF5_NODES:
                raise Refused(CheckName.FILE, f"{name} has over {MAX_HDF5_NODES} HDF5 objects (or a loop of links); that is not a model for this exam")
            link = group.get(key, getlink=True)
            if isinstance(link, h5py.ExternalLink):
                raise Refused(CheckName.FILE, f"{name} links to another file ({link.filename[:60]}); {SAVE_H5}")
            if isinstance(link, h5py.SoftLink):
                continue
            item = group.get(key)
            if isinstance(item, h5py.Group):
                stack.append(item)
            elif isinstance(item, h5py.Dataset):
                if item.is_virtual or item.external:
                    raise Refused(CheckName.FILE, f"{name} keeps data outside the file ({item.name[:60]}); {SAVE_H5}")
                total += int(item.size or 0) * item.dtype.itemsize
                if total > cap:
                    raise _over_cap(name, "declares its weights as", total, cap)
                nodes += _refuse_lying_chunks(item, name)


def _refuse_lying_chunks(dataset, name: str) -> int:
    """Keras never compresses weights; a compressed dataset is allowed only with gzip (and shuffle), and each stored
    chunk is unpacked here in small steps and refused if it yields more than a chunk holds: HDF5's own gzip filter
    would unpack all of it first. Returns the number of chunks, counted against MAX_HDF5_NODES."""
    plist = dataset.id.get_create_plist()
    filters = {plist.get_filter(i)[0] for i in range(plist.get_nfilters())}
    if not filters:
        return 0
    if not filters <= {H5Z_DEFLATE, H5Z_SHUFFLE}:
        raise Refused(CheckName.FILE, f"{name} stores {dataset.name[:60]} with a compression Keras never writes; {SAVE_H5}")
    chunk_bytes = dataset.dtype.itemsize
    for size in dataset.chunks:
        chunk_bytes *= size
    count = dataset.id.get_num_chunks()
    if count > MAX_HDF5_NODES:
        raise Refused(CheckName.FILE, f"{name} stores {dataset.name[:60]} in over {MAX_HDF5_NODES} pieces; that is not a model for this exam")
    for index in range(count):
        _, raw = dataset.id.read_direct_chunk(dataset.id.get_chunk_info(index).chunk_offset)
        if H5Z_DEFLATE in filters and _unpacked_over(zlib.decompressobj(), raw, chunk_bytes):
            raise Refused(CheckName.FILE_SIZE, f"{name} stores a piece of {dataset.name[:60]} that unpacks to more than the "
                                       f"{chunk_bytes} bytes it may hold; {SAVE_H5}")
    return count


def _unpacked_over(unpacker, data: bytes, limit: int) -> bool:
    """Does `data` unpack to more than `limit` bytes? Found out UNPACK_STEP bytes at a time."""
    produced = 0
    while data and not unpacker.eof:
        produced += len(unpacker.decompress(data, UNPACK_STEP))
        data = unpacker.unconsumed_tail
        if produced > limit:
            return True
    return False
