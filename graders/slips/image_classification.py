"""Image classification's slips: pixels left 0-255, scaled to [-1, 1] (MobileNet's preprocess_input), BGR channel
order (OpenCV), nearest-neighbour resizing (ImageDataGenerator's default). A channel axis needs no re-scoring: the
contract refuses that model with the Reshape that fixes it (graders/hints.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfexam.questions import Question
from graders import images
from graders.slips import Feed, Slip

SAMPLE = 2000
noun = "hidden pictures"


@dataclass(frozen=True)
class Sample:
    pixels: np.ndarray  # float32 0..255, the subsample, as the grader decodes them
    labels: np.ndarray
    paths: list | None  # picture folders: the files, to decode another way
    scale: float

    @property
    def size(self) -> int:
        return len(self.labels)

    @property
    def frozen(self) -> Feed:
        return Feed(images.scale_pixels(self.pixels, self.scale))


def sample(question: Question) -> Sample:
    from graders.image_classification import hidden_pictures
    from tfexam.data.hidden import hidden_data

    pixels, labels, _ = hidden_pictures(question)
    chosen = np.sort(np.random.default_rng(0).choice(len(labels), size=min(SAMPLE, len(labels)), replace=False))
    paths = None
    if question.data.format == "image_folders":
        every, _ = images.labelled_files(hidden_data(question), list(question.data.class_names))
        paths = [every[i] for i in chosen]
    return Sample(pixels[chosen], labels[chosen], paths, question.settings.pixel_scale)


def batch_size(question: Question) -> int:
    return question.settings.batch_size


def floor(question: Question, sample: Sample) -> float:
    """Always answering the subsample's most common class."""
    return float(np.bincount(sample.labels).max() / sample.size)


def per_example(outputs: np.ndarray, question: Question, sample: Sample, feed: Feed) -> np.ndarray:
    """1 for each picture answered right, 0 otherwise (their mean is the accuracy)."""
    predicted, _ = images.answers(outputs, list(question.data.class_names), question.settings.decision_threshold)
    return (predicted == sample.labels).astype("float64")


def _nearest(sample: Sample) -> Feed:
    size = sample.pixels.shape[1:3]
    return Feed(images.scale_pixels(images.decode_resized(sample.paths, size, method="nearest"), sample.scale))


def _divided(question: Question) -> str:
    return f"pixels divided by {question.settings.pixel_scale:g}"


SLIPS = [
    Slip("unscaled_pixels", fed=lambda q: "0-255 pixels", exam=_divided,
         fix=lambda q: f"divide your training pictures by {q.settings.pixel_scale:g} as the exam does",
         feed=lambda s: Feed(s.pixels.astype("float32")), applies=lambda q: q.settings.pixel_scale != 1),
    Slip("minus_one_to_one", fed=lambda q: "pixels scaled to [-1, 1] (x / 127.5 - 1, MobileNet's preprocess_input)",
         exam=_divided,
         fix=lambda q: f"train on pictures divided by {q.settings.pixel_scale:g}, not on preprocess_input's [-1, 1]",
         feed=lambda s: Feed(s.pixels.astype("float32") / np.float32(127.5) - 1)),
    Slip("bgr_order", fed=lambda q: "pictures in BGR channel order (as OpenCV reads them)",
         exam=lambda q: "RGB order", fix=lambda q: "convert your training pictures to RGB (cv2.cvtColor(image, "
                                                    "cv2.COLOR_BGR2RGB)) or load them with Keras",
         feed=lambda s: Feed(images.scale_pixels(s.pixels[..., ::-1], s.scale)),
         applies=lambda q: q.data.format == "image_folders"),
    Slip("nearest_resize", fed=lambda q: "pictures resized by nearest neighbour (ImageDataGenerator's default)",
         exam=lambda q: "bilinear resizing, as image_dataset_from_directory does",
         fix=lambda q: "resize your training pictures bilinearly (image_dataset_from_directory, or "
                       "flow_from_directory(..., interpolation='bilinear'))",
         feed=_nearest, applies=lambda q: q.data.format == "image_folders"),
]
