"""Image helpers shared by Categories 2 and 3: the grader's preprocessing, class statistics and diagnostic PNGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graders import plots

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
CONFUSION_PNG = "confusion_matrix.png"
MISCLASSIFIED_PNG = "misclassified.png"


def scale_pixels(images: np.ndarray, scale: float) -> np.ndarray:
    """uint8 pixels -> float32 in [0, 1]: what the starters do, so the model sees the same numbers."""
    return np.asarray(images).astype("float32") / np.float32(scale)


def labelled_files(folder: Path, class_names: list[str]) -> tuple[list[Path], np.ndarray]:
    """Image files of each class folder, class by class in the given order and sorted by name within a class."""
    paths, labels = [], []
    for label, name in enumerate(class_names):
        found = sorted(p for p in (Path(folder) / name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not found:
            raise RuntimeError(f"no images in {Path(folder) / name}")
        paths += found
        labels += [label] * len(found)
    return paths, np.array(labels, dtype="int64")


def decode_resized(paths: list[Path], size: tuple[int, int], batch_size: int = 64, method: str = "bilinear") -> np.ndarray:
    """RGB float32 pixels in 0..255, shape (n, height, width, 3), with the same TensorFlow operations as
    tf.keras.utils.image_dataset_from_directory(color_mode="rgb", interpolation="bilinear"): decode with 3
    channels (a PNG's alpha channel is dropped), then bilinear resize without antialiasing (`method`: another
    tf.image.resize method, for the re-scoring under slips)."""
    import tensorflow as tf

    def load(path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        return tf.image.resize(image, size, method=method)

    dataset = tf.data.Dataset.from_tensor_slices([str(p) for p in paths])
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size)
    return np.concatenate([batch.numpy() for batch in dataset])


def answers(outputs: np.ndarray, class_names: list[str], threshold: float) -> tuple[np.ndarray, bool]:
    """(the class each output answers, whether the model is binary): one output per example is the probability of
    class_names[1], counted above `threshold`; several outputs answer their largest."""
    binary = len(class_names) == 2 and outputs.reshape(len(outputs), -1).shape[1] == 1
    if binary:
        return (outputs.reshape(-1) > threshold).astype("int64"), True
    return outputs.reshape(len(outputs), -1).argmax(axis=1), False


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """counts[true, predicted]."""
    counts = np.zeros((classes, classes), dtype="int64")
    np.add.at(counts, (np.asarray(labels, "int64"), np.asarray(predicted, "int64")), 1)
    return counts


def per_class_accuracy(counts: np.ndarray, class_names: list[str]) -> dict[str, float]:
    """Recall of each class: the share of its hidden images the model put in it."""
    totals = counts.sum(axis=1)
    return {name: float(counts[i, i] / totals[i]) if totals[i] else float("nan") for i, name in enumerate(class_names)}


def confusion_lines(counts: np.ndarray, class_names: list[str]) -> list[str]:
    """The matrix as text: one row per true class, one column per predicted class (p0, p1, ... in class order)."""
    rows = [f"{name} (p{i})" for i, name in enumerate(class_names)]
    corner = "true \\ predicted"
    label_width = max(len(corner), *(len(r) for r in rows))
    width = max(5, *(len(str(v)) for v in counts.ravel()))
    lines = [f"{corner:>{label_width}} " + " ".join(f"{f'p{i}':>{width}}" for i in range(len(class_names)))]
    lines += [f"{row:>{label_width}} " + " ".join(f"{v:>{width}}" for v in counts[i]) for i, row in enumerate(rows)]
    return lines


def classification(labels: np.ndarray, predicted: np.ndarray, class_names: list[str], subject: str) -> tuple[list[str], dict]:
    """What every image category reports: (detail lines, diagnostics) for accuracy, per class, confusion matrix."""
    counts = confusion_matrix(labels, predicted, len(class_names))
    by_class = per_class_accuracy(counts, class_names)
    accuracy = float(np.trace(counts) / len(labels))
    majority = float(np.bincount(labels).max() / len(labels))
    lines = [
        f"{len(labels)} {subject}; accuracy {accuracy:.4f} (always answering one class: {majority:.4f})",
        "per-class accuracy: " + ", ".join(f"{name} {value:.3f}" for name, value in by_class.items()),
        "confusion matrix (rows: true class, columns: predicted class p0, p1, ...):",
        *("  " + line for line in confusion_lines(counts, class_names)),
    ]
    diagnostics = {
        "accuracy": accuracy,
        "hidden_examples": len(labels),
        "per_class_accuracy": by_class,
        "confusion_matrix": counts.tolist(),
        "class_names": class_names,
        "majority_accuracy": majority,
    }
    return lines, diagnostics


def worst_classes_line(accuracy: dict[str, float], shown: int = 3) -> str:
    ranked = sorted(accuracy.items(), key=lambda item: item[1])[:shown]
    return "hardest classes: " + ", ".join(f"{name} {value:.3f}" for name, value in ranked)


def save_confusion_png(path: Path, counts: np.ndarray, class_names: list[str], title: str) -> Path:
    plt = plots.pyplot()
    n = len(class_names)
    figure, axes = plt.subplots(figsize=(1.6 + 0.75 * n, 1.2 + 0.65 * n))
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            axes.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                      color="white" if shares[i, j] > 0.5 else "black")
    axes.set_xticks(range(n), class_names, rotation=45, ha="right", fontsize=8)
    axes.set_yticks(range(n), class_names, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return Path(path)


def most_confident_mistakes(labels: np.ndarray, predicted: np.ndarray, confidence: np.ndarray, shown: int) -> np.ndarray:
    """Indices of wrong answers, the most confident first: they say the most about what the model learned."""
    wrong = np.flatnonzero(labels != predicted)
    return wrong[np.argsort(-confidence[wrong], kind="stable")][:shown]


def save_mistakes_png(path: Path, images: np.ndarray, captions: list[str], title: str, columns: int = 5) -> Path:
    """A grid of the given images (uint8, greyscale (n, h, w) or RGB (n, h, w, 3)) with a caption above each.

    One mosaic in one axes: a subplot per picture costs about a second for 25 of them, most of a grading budget.
    """
    plt = plots.pyplot()
    images = np.asarray(images, dtype="uint8")
    if images.ndim == 3:
        images = np.repeat(images[..., np.newaxis], 3, axis=-1)
    count = len(images)
    height, width = (images.shape[1:3] if count else (28, 28))
    caption_band, gap = max(height // 2, 14), max(width // 10, 2)
    rows = max(1, -(-count // columns))
    cell_h, cell_w = height + caption_band, width + gap
    mosaic = np.full((rows * cell_h, columns * cell_w - gap, 3), 255, dtype="uint8")
    for k, image in enumerate(images):
        top, left = (k // columns) * cell_h + caption_band, (k % columns) * cell_w
        mosaic[top : top + height, left : left + width] = image
    inches_per_pixel = 2.0 / cell_w
    figure = plt.figure(figsize=(mosaic.shape[1] * inches_per_pixel, mosaic.shape[0] * inches_per_pixel + 0.4))
    axes = figure.add_axes((0, 0, 1, mosaic.shape[0] * inches_per_pixel / figure.get_figheight()))
    axes.imshow(mosaic, interpolation="nearest")
    axes.axis("off")
    for k, caption in enumerate(captions[:count]):
        axes.text((k % columns) * cell_w + width / 2, (k // columns) * cell_h + caption_band - 1, caption,
                  ha="center", va="bottom", fontsize=7)
    if not count:
        axes.text(width, caption_band, "no mistakes", fontsize=12)
    figure.suptitle(title, fontsize=9)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return Path(path)
