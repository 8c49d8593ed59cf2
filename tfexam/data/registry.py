"""Every dataset the questions use: where its files come from, how to verify them, how they are split.

A dataset (what a question names) has one or more files. A file's `name` is its canonical file name, which is
also its path in a mirror and in the cache. Sizes and hashes of the canonical downloads come from the public
sources named in each `note`; where no trustworthy sha256 is known, `sha256` is None and only the structural
check guards the download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tfexam.data.checks import CsvTable, Hdf5File, IdxArray, ImageFolders, JsonRecords, TextLines
from tfexam.errors import ExamError

GCS = "https://storage.googleapis.com"
TF_DATA = f"{GCS}/download.tensorflow.org/data"
COURSE_DATA = f"{GCS}/laurencemoroney-blog.appspot.com"
KERAS_DATA = f"{GCS}/tensorflow/tf-keras-datasets"
ZALANDO = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com"
MNIST_DATA = f"{GCS}/cvdf-datasets/mnist"  # the Keras/TFDS mirror of yann.lecun.com/exdb/mnist (no longer served)
IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz")
HOUSEHOLD_POWER_COLUMNS = ("Global_active_power", "Global_reactive_power", "Voltage", "Global_intensity",
                           "Sub_metering_1", "Sub_metering_2", "Sub_metering_3")
TFDS_NOTE = "size and sha256 from tensorflow/datasets url_checksums"

# Refuse archives that would unpack to more than this: the largest real one (horse-or-human.zip) stays well below.
DEFAULT_UNPACK_LIMIT = 1 << 30


@dataclass(frozen=True)
class DataFile:
    name: str  # canonical file name; also its relative path in a mirror and in the cache
    urls: tuple[str, ...]  # canonical download locations, tried in order
    size: int  # bytes of the canonical file (used for progress when a server sends no length)
    sha256: str | None  # of the canonical download; None = unknown, the structural check alone decides
    kind: str  # "csv", "json", "txt", "idx.gz", "h5" or "zip"
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
class Dataset:
    name: str
    files: tuple[str, ...]
    description: str


def _idx(name: str, shape: tuple[int, ...], size: int, sha256: str, folder: str = "fashion-mnist",
         urls: tuple[str, ...] | None = None, note: str = "") -> DataFile:
    return DataFile(
        name=f"{folder}/{name}",
        urls=urls or (f"{KERAS_DATA}/{name}", f"{ZALANDO}/{name}"),
        size=size,
        sha256=sha256,
        kind="idx.gz",
        check=IdxArray(shape),
        note=note or f"{TFDS_NOTE}; the official MD5 in zalandoresearch/fashion-mnist matches the same bytes",
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
            name="daily-max-temperatures.csv",
            urls=("https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-max-temperatures.csv",),
            size=69359,
            sha256="4f4ab4d6134d9c0f8efb3d6af6edc30a0ad3c56573d0f20f45db010055d0371c",
            kind="csv",
            check=CsvTable(rows=3650, columns=("Date", "Temperature")),
            note="hashed from the canonical repository jbrownlee/Datasets @ d20fcb64 (CRLF, no final newline)",
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
        DataFile(
            name="sonnets.txt",
            urls=(f"{COURSE_DATA}/sonnets.txt",),
            size=93578,
            sha256="f6d859a4c2a07ef47be35d38526aedca95f2e0c68cc4fb94a9f3a0f142c176a7",
            kind="txt",
            check=TextLines(lines=2158),
            note="Shakespeare's sonnets as the course's text-generation lab reads them; sha256 of the byte-identical "
                 "copies in two independent course repositories (not checked against the URL)",
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
            name="household_power.zip",
            urls=(f"{TF_DATA}/certificate/household_power.zip",),
            size=859850,
            sha256=None,
            kind="zip",
            check=CsvTable(rows=86400, columns=("datetime", *HOUSEHOLD_POWER_COLUMNS), member="household_power_consumption.csv"),
            note="the exam's own multivariate data (60 days of minutes); no published hash of the hosted file",
        ),
        DataFile(
            name="keras-applications/mobilenet_2_5_224_tf_no_top.h5",
            urls=(f"{GCS}/tensorflow/keras-applications/mobilenet/mobilenet_2_5_224_tf_no_top.h5",),
            size=2108140,
            sha256="dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
            kind="h5",
            check=Hdf5File(),
            note="ImageNet weights of MobileNet v1, alpha 0.25, no top, as keras.applications downloads them",
        ),
        *(_idx(name, shape, size, sha256, folder="mnist", urls=(f"{MNIST_DATA}/{name}",),
               note="the four official MNIST files; MD5s equal those published with the dataset")
          for name, shape, size, sha256 in (
              ("train-images-idx3-ubyte.gz", (60000, 28, 28), 9912422,
               "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
              ("train-labels-idx1-ubyte.gz", (60000,), 28881,
               "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
              ("t10k-images-idx3-ubyte.gz", (10000, 28, 28), 1648877,
               "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
              ("t10k-labels-idx1-ubyte.gz", (10000,), 4542,
               "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
          )),
    )
}

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("sunspots", ("Sunspots.csv",), "monthly mean sunspot numbers, 1749-2018"),
        Dataset("daily-min-temperatures", ("daily-min-temperatures.csv",),
                "daily minimum temperatures in Melbourne, 1981-1990"),
        Dataset("daily-max-temperatures", ("daily-max-temperatures.csv",),
                "daily maximum temperatures in Melbourne, 1981-1990"),
        Dataset("household-power", ("household_power.zip",),
                "household electric power, 7 measurements a minute for 60 days (2006-12-16 .. 2007-02-14)"),
        Dataset("sarcasm", ("sarcasm.json",), "news headlines labelled sarcastic or not"),
        Dataset("bbc-text", ("bbc-text.csv",), "BBC news articles in five categories"),
        Dataset("sonnets", ("sonnets.txt",), "Shakespeare's 154 sonnets, one verse line per line"),
        Dataset("fashion-mnist", tuple(f"fashion-mnist/{n}" for n in IDX_NAMES), "28x28 greyscale clothing images, 10 classes"),
        Dataset("mnist", tuple(f"mnist/{n}" for n in IDX_NAMES), "28x28 greyscale handwritten digits"),
        Dataset("horse-or-human", ("horse-or-human.zip", "validation-horse-or-human.zip"),
                "300x300 colour images of horses and humans"),
        Dataset("mobilenet-weights", ("keras-applications/mobilenet_2_5_224_tf_no_top.h5",),
                "ImageNet weights of MobileNet v1 (alpha 0.25, no top), for transfer learning"),
    )
}


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
