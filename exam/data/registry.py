"""Every dataset the questions use: where its files come from, how to verify them, how they are split.

A dataset (what a question names) has one or more files. A file's `name` is its canonical file name, which is
also its path in a mirror and in the cache. Sizes and hashes of the canonical downloads come from the public
sources named in each `note`; where no trustworthy sha256 is known, `sha256` is None and only the structural
check guards the download.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from exam.data.checks import CsvTable, IdxArray, ImageFolders, JsonRecords, NpzArrays
from exam.errors import ExamError

GCS = "https://storage.googleapis.com"
TF_DATA = f"{GCS}/download.tensorflow.org/data"
COURSE_DATA = f"{GCS}/laurencemoroney-blog.appspot.com"
KERAS_DATA = f"{GCS}/tensorflow/tf-keras-datasets"
ZALANDO = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com"
TFDS_NOTE = "size and sha256 from tensorflow/datasets url_checksums"

# Refuse archives that would unpack to more than this: the largest real one (rps.zip) stays well below.
DEFAULT_UNPACK_LIMIT = 1 << 30


@dataclass(frozen=True)
class DataFile:
    name: str  # canonical file name; also its relative path in a mirror and in the cache
    urls: tuple[str, ...]  # canonical download locations, tried in order
    size: int  # bytes of the canonical file (used for progress when a server sends no length)
    sha256: str | None  # of the canonical download; None = unknown, the structural check alone decides
    kind: str  # "csv", "json", "idx.gz", "npz" or "zip"
    check: Callable  # structural check: raises checks.CheckFailed; zips are checked once extracted
    note: str = ""
    unpack_limit: int = DEFAULT_UNPACK_LIMIT

    @property
    def is_archive(self) -> bool:
        return self.kind == "zip"

    @property
    def extracted_name(self) -> str:
        return self.name.removesuffix(".zip")


@dataclass(frozen=True)
class Split:
    """A named part of a dataset: whole files, records [start, stop) of a file, or named arrays of an .npz."""

    files: tuple[str, ...]
    start: int = 0
    stop: int | None = None
    members: tuple[str, ...] = ()

    @property
    def size(self) -> int | None:
        return None if self.stop is None else self.stop - self.start


def splits_disjoint(a: Split, b: Split) -> bool:
    if not set(a.files) & set(b.files):
        return True
    if a.members and b.members:
        return not set(a.members) & set(b.members)
    a_stop = float("inf") if a.stop is None else a.stop
    b_stop = float("inf") if b.stop is None else b.stop
    return a_stop <= b.start or b_stop <= a.start


@dataclass(frozen=True)
class Dataset:
    name: str
    files: tuple[str, ...]
    description: str
    splits: dict[str, Split] = field(default_factory=dict, hash=False)  # "train": candidate's; "hidden": graders'


def _idx(name: str, shape: tuple[int, ...], size: int, sha256: str) -> DataFile:
    return DataFile(
        name=f"fashion-mnist/{name}",
        urls=(f"{KERAS_DATA}/{name}", f"{ZALANDO}/{name}"),
        size=size,
        sha256=sha256,
        kind="idx.gz",
        check=IdxArray(shape),
        note=f"{TFDS_NOTE}; the official MD5 in zalandoresearch/fashion-mnist matches the same bytes",
    )


FILES: dict[str, DataFile] = {
    f.name: f
    for f in (
        DataFile(
            name="Sunspots.csv",
            urls=(f"{TF_DATA}/Sunspots.csv", f"{COURSE_DATA}/Sunspots.csv"),
            size=70827,
            sha256=None,
            kind="csv",
            check=CsvTable(rows=3235, columns=("", "Date", "Monthly Mean Total Sunspot Number")),
            note="size of the course copy (1749-01..2018-07); no published hash of the hosted file",
        ),
        DataFile(
            name="daily-min-temperatures.csv",
            urls=("https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv",),
            size=67921,
            sha256="8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da",
            kind="csv",
            check=CsvTable(rows=3650, columns=("Date", "Temp")),
            note="hashed from the canonical repository jbrownlee/Datasets @ d20fcb64",
        ),
        DataFile(
            name="sarcasm.json",
            urls=(f"{TF_DATA}/sarcasm.json", f"{COURSE_DATA}/sarcasm.json"),
            size=5643542,
            sha256=None,
            kind="json",
            check=JsonRecords(count=26709, keys=("headline", "is_sarcastic")),
            note="26,709 records (Misra's v1 headlines); size is the mirror's rebuild, the hosted file is unhashed",
        ),
        DataFile(
            name="bbc-text.csv",
            urls=(f"{COURSE_DATA}/bbc-text.csv", f"{GCS}/tensorflow-1-public/course3/bbc-text.csv"),
            size=5057493,
            sha256=None,
            kind="csv",
            check=CsvTable(rows=2225, columns=("category", "text")),
            note="five repositories agree on sha256 fdaee0f7..., but none was checked against the URL",
        ),
        _idx("train-images-idx3-ubyte.gz", (60000, 28, 28), 26421880,
             "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        _idx("train-labels-idx1-ubyte.gz", (60000,), 29515,
             "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        _idx("t10k-images-idx3-ubyte.gz", (10000, 28, 28), 4422102,
             "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        _idx("t10k-labels-idx1-ubyte.gz", (10000,), 5148,
             "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        DataFile(
            name="horse-or-human.zip",
            urls=(f"{TF_DATA}/horse-or-human.zip", f"{COURSE_DATA}/horse-or-human.zip"),
            size=149574867,
            sha256="e2e6f70d3d549c5dd10a57165e55af253ee66ad750403f95c0fb76bb943633a9",
            kind="zip",
            check=ImageFolders(root="", counts=(("horses", 500), ("humans", 527))),
            note=TFDS_NOTE,
        ),
        DataFile(
            name="validation-horse-or-human.zip",
            urls=(f"{TF_DATA}/validation-horse-or-human.zip", f"{COURSE_DATA}/validation-horse-or-human.zip"),
            size=11480187,
            sha256="ae5fff2f4f5554791f05358108e2e05d9801b191f1896ea101402f0e7f6c32c0",
            kind="zip",
            check=ImageFolders(root="", counts=(("horses", 128), ("humans", 128))),
            note=TFDS_NOTE,
        ),
        DataFile(
            name="rps.zip",
            urls=(f"{TF_DATA}/rps.zip", f"{COURSE_DATA}/rps.zip"),
            size=200682221,
            sha256="c2403444395842ad04c53612bad54b574443eae17a0723117a2ff87b9d72194f",
            kind="zip",
            check=ImageFolders(root="rps", counts=(("paper", 840), ("rock", 840), ("scissors", 840))),
            note=TFDS_NOTE,
        ),
        DataFile(
            name="rps-test-set.zip",
            urls=(f"{TF_DATA}/rps-test-set.zip", f"{COURSE_DATA}/rps-test-set.zip"),
            size=29516758,
            sha256="c27ab9fa43ce40b2e453de711365b477f4424586edf0388116674fd320f07503",
            kind="zip",
            check=ImageFolders(root="rps-test-set", counts=(("paper", 124), ("rock", 124), ("scissors", 124))),
            note=TFDS_NOTE,
        ),
        DataFile(
            name="mnist.npz",
            urls=(f"{KERAS_DATA}/mnist.npz",),
            size=11490434,
            sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            kind="npz",
            check=NpzArrays(shapes=(("x_train", (60000, 28, 28)), ("y_train", (60000,)),
                                    ("x_test", (10000, 28, 28)), ("y_test", (10000,)))),
            note="sha256 from keras.datasets.mnist (file_hash); size as served",
        ),
    )
}

FASHION_TRAIN = ("fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz")
FASHION_HIDDEN = ("fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz")

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("sunspots", ("Sunspots.csv",), "monthly mean sunspot numbers, 1749-2018",
                {"train": Split(("Sunspots.csv",), 0, 3000), "hidden": Split(("Sunspots.csv",), 3000)}),
        Dataset("daily-min-temperatures", ("daily-min-temperatures.csv",),
                "daily minimum temperatures in Melbourne, 1981-1990"),
        Dataset("sarcasm", ("sarcasm.json",), "news headlines labelled sarcastic or not",
                {"train": Split(("sarcasm.json",), 0, 20000), "hidden": Split(("sarcasm.json",), 20000)}),
        Dataset("bbc-text", ("bbc-text.csv",), "BBC news articles in five categories"),
        Dataset("fashion-mnist", FASHION_TRAIN + FASHION_HIDDEN, "28x28 greyscale clothing images, 10 classes",
                {"train": Split(FASHION_TRAIN), "hidden": Split(FASHION_HIDDEN)}),
        Dataset("mnist", ("mnist.npz",), "28x28 greyscale handwritten digits",
                {"train": Split(("mnist.npz",), members=("x_train", "y_train")),
                 "hidden": Split(("mnist.npz",), members=("x_test", "y_test"))}),
        Dataset("horse-or-human", ("horse-or-human.zip", "validation-horse-or-human.zip"),
                "300x300 colour images of horses and humans",
                {"train": Split(("horse-or-human.zip",)), "hidden": Split(("validation-horse-or-human.zip",))}),
        Dataset("rps", ("rps.zip", "rps-test-set.zip"), "300x300 colour images of rock, paper, scissors hands",
                {"train": Split(("rps.zip",)), "hidden": Split(("rps-test-set.zip",))}),
    )
}


def split(dataset: str, part: str) -> Split:
    return DATASETS[dataset].splits[part]


def known_names() -> str:
    return ", ".join(DATASETS)


def resolve(name: str) -> tuple[DataFile, ...]:
    """The files a name stands for: a dataset name, a canonical file name, or a file name without its folder."""
    wanted = name.strip().lower()
    for dataset in DATASETS.values():
        if dataset.name == wanted:
            return tuple(FILES[f] for f in dataset.files)
    for file in FILES.values():
        if wanted in (file.name.lower(), file.name.rsplit("/", 1)[-1].lower(), file.extracted_name.lower()):
            return (file,)
    raise ExamError(f"unknown dataset {name!r}; known datasets: {known_names()} (or one of their file names)")


def resolve_all(names) -> list[DataFile]:
    """Files for several names, each once, in registry order."""
    wanted = {file.name for name in names for file in resolve(name)}
    return [file for file in FILES.values() if file.name in wanted]
