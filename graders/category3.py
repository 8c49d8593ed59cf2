"""Category 3: the validation horses and humans, decoded and resized as the starter's pipeline does, scored by accuracy."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from exam.questions import Question
from graders import images
from graders.core import predict
from graders.result import Evaluation


def hidden_pictures(question: Question) -> tuple[np.ndarray, np.ndarray, list[Path]]:
    """(RGB float32 pixels 0..255 at the declared size, labels, files) of the hidden validation pictures."""
    from exam.data.hidden import horse_or_human_hidden_dir

    hidden = question.hidden
    paths, labels = images.labelled_files(horse_or_human_hidden_dir(), list(hidden["class_names"]))
    if len(paths) != int(hidden["validation_images"]):
        raise RuntimeError(f"expected {hidden['validation_images']} hidden pictures, found {len(paths)}")
    return images.decode_resized(paths, tuple(hidden["image_size"])), labels, paths


def evaluate(model, question: Question, artifacts: Path | None = None) -> Evaluation:
    hidden = question.hidden
    names = list(hidden["class_names"])
    pixels, labels, paths = hidden_pictures(question)
    outputs = predict(model, pixels / np.float32(hidden["pixel_scale"]), batch_size=64).reshape(-1)
    threshold = float(hidden["decision_threshold"])
    predicted = (outputs > threshold).astype("int64")
    details, diagnostics = images.classification(labels, predicted, names, "hidden validation pictures")
    accuracy, by_class = diagnostics["accuracy"], diagnostics["per_class_accuracy"]
    counts = np.array(diagnostics["confusion_matrix"])
    if outputs.min() < 0 or outputs.max() > 1:
        details.append("outputs leave [0, 1]: end the model with Dense(1, activation='sigmoid'); "
                       f"the grader reads the output as the probability of '{names[1]}' (above {threshold:g})")
    hint = images.same_answer_line(predicted, names)
    if hint:
        details.append(hint)
    elif min(by_class.values()) < 0.5 <= max(by_class.values()):
        weak = min(by_class, key=by_class.get)
        details.append(f"the model calls most {weak} {names[1 - names.index(weak)]}: it may rely on the scenery of "
                       "the training pictures more than on the figures (augmentation helps)")
    written = []
    if artifacts is not None:
        artifacts = Path(artifacts)
        written.append(str(images.save_confusion_png(
            artifacts / images.CONFUSION_PNG, counts, names, f"{question.title}: accuracy {accuracy:.4f}")))
        shown = images.most_confident_mistakes(labels, predicted, np.abs(outputs - threshold),
                                               int(hidden["misclassified_shown"]))
        captions = [f"{paths[i].name}\n{names[labels[i]]}, p({names[1]})={outputs[i]:.2f}" for i in shown]
        thumbnails = pixels[shown, ::2, ::2].astype("uint8")  # half size keeps the PNG small
        written.append(str(images.save_mistakes_png(
            artifacts / images.MISCLASSIFIED_PNG, thumbnails, captions,
            "most confident mistakes (file, true class, the model's output)")))
    return Evaluation(value=accuracy, details=details, diagnostics=diagnostics, artifacts=written)
