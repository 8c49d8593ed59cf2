"""Category 2: Fashion-MNIST test pictures, scaled as the starter says, scored by accuracy of the argmax."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from exam.questions import Question
from graders import images
from graders.core import predict
from graders.result import Evaluation


def evaluate(model, question: Question, artifacts: Path | None = None) -> Evaluation:
    from exam.data.hidden import fashion_mnist_hidden

    hidden = question.hidden
    names = list(hidden["class_names"])
    pixels, labels = fashion_mnist_hidden()
    if len(labels) != int(hidden["test_images"]):
        raise RuntimeError(f"expected {hidden['test_images']} hidden pictures, the dataset layer returned {len(labels)}")
    outputs = predict(model, images.scale_pixels(pixels, float(hidden["pixel_scale"])), batch_size=1000)
    predicted = outputs.argmax(axis=1)
    labels = labels.astype("int64")
    details, diagnostics = images.classification(labels, predicted, names, "hidden test pictures")
    accuracy, by_class = diagnostics["accuracy"], diagnostics["per_class_accuracy"]
    counts = np.array(diagnostics["confusion_matrix"])
    details.insert(1, images.worst_classes_line(by_class))
    hint = images.same_answer_line(predicted, names)
    if hint:
        details.append(hint)
    written = []
    if artifacts is not None:
        artifacts = Path(artifacts)
        written.append(str(images.save_confusion_png(
            artifacts / images.CONFUSION_PNG, counts, names, f"{question.title}: accuracy {accuracy:.4f}")))
        shown = images.most_confident_mistakes(labels, predicted, _confidence(outputs, predicted),
                                               int(hidden["misclassified_shown"]))
        captions = [f"#{i} {names[labels[i]]}\nanswered {names[predicted[i]]}" for i in shown]
        written.append(str(images.save_mistakes_png(
            artifacts / images.MISCLASSIFIED_PNG, pixels[shown], captions,
            "most confident mistakes (hidden picture number, true class, the model's answer)")))
    return Evaluation(value=accuracy, details=details, diagnostics=diagnostics, artifacts=written)


def _confidence(outputs: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """How far the chosen output stands above the runner-up: works for probabilities and logits alike."""
    ordered = np.sort(outputs, axis=1)
    return ordered[:, -1] - ordered[:, -2]
