"""Image classification (binary or multi-class): the hidden pictures, prepared as the starter's pipeline does,
scored by accuracy. Arrays (format idx) are scaled; picture folders are decoded and resized first.

Multi-class: the model returns one output per class and its largest output is the answer (softmax or logits).
Binary: the model returns one number, the probability of class_names[1]; above decision_threshold counts as it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tfexam.questions import Question
from tfexam.result import Advice, Check, Evaluation
from graders import hints, images
from graders.pipeline import predict


def hidden_pictures(question: Question) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(float32 pixels 0..255 shaped like the model's input, int64 labels, a name per picture for captions)."""
    from tfexam.data.hidden import hidden_data

    data, settings = question.data, question.settings
    if data.format == "idx":
        pixels, labels = hidden_data(question)
        names = [f"#{i}" for i in range(len(labels))]
    else:
        paths, labels = images.labelled_files(hidden_data(question), list(data.class_names))
        pixels = images.decode_resized(paths, settings.image_size)
        names = [p.name for p in paths]
    if len(labels) != settings.hidden_images:
        raise RuntimeError(f"expected {settings.hidden_images} hidden pictures, the dataset layer returned {len(labels)}")
    return pixels, np.asarray(labels, dtype="int64"), names


def preflight(model, question: Question) -> list[Check]:
    """A question may require a layer type (e.g. the depthwise convolutions of a MobileNet backbone)."""
    required = question.settings.required_layer
    if not required:
        return []
    found = {type(layer).__name__ for layer in _all_layers(model)}
    if required not in found:
        return [Check("backbone", False, question.settings.required_layer_message)]
    return [Check("backbone", True, f"the model contains {required} layers")]


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def evaluate(model, question: Question, artifacts: Path | None = None) -> Evaluation:
    settings = question.settings
    names = list(question.data.class_names)
    pixels, labels, picture_names = hidden_pictures(question)
    outputs = predict(model, images.scale_pixels(pixels, settings.pixel_scale),
                      batch_size=settings.batch_size, kind=question.kind)
    binary = len(names) == 2 and outputs.reshape(len(labels), -1).shape[1] == 1
    advice = []
    if binary:
        outputs = outputs.reshape(-1)
        threshold = settings.decision_threshold
        predicted = (outputs > threshold).astype("int64")
        confidence = np.abs(outputs - threshold)
        captions = [f"{picture_names[i]}\n{names[labels[i]]}, p({names[1]})={outputs[i]:.2f}" for i in range(len(labels))]
        if outputs.min() < 0 or outputs.max() > 1:
            advice.append(Advice("output_range", "outputs leave [0, 1]: end the model with Dense(1, activation='sigmoid'); "
                                 f"the grader reads the output as the probability of '{names[1]}' (above {threshold:g})"))
    else:
        predicted = outputs.argmax(axis=1)
        ordered = np.sort(outputs, axis=1)
        confidence = ordered[:, -1] - ordered[:, -2]  # works for probabilities and logits alike
        captions = [f"{picture_names[i]} {names[labels[i]]}\nanswered {names[predicted[i]]}" for i in range(len(labels))]
    details, diagnostics = images.classification(labels, predicted, names, "hidden pictures")
    accuracy, by_class = diagnostics["accuracy"], diagnostics["per_class_accuracy"]
    if len(names) > 2:
        details.insert(1, images.worst_classes_line(by_class))
    hint = hints.same_answer(question, predicted, names)
    if hint:
        advice.append(hint)
    elif binary and min(by_class.values()) < 0.5 <= max(by_class.values()):
        weak = min(by_class, key=by_class.get)
        advice.append(Advice("one_class_missed", f"the model calls most {weak} {names[1 - names.index(weak)]}: it may "
                             "rely on the scenery of the training pictures more than on the subject (augmentation helps)"))
    written = []
    if artifacts is not None:
        artifacts = Path(artifacts)
        counts = np.array(diagnostics["confusion_matrix"])
        written.append(str(images.save_confusion_png(
            artifacts / images.CONFUSION_PNG, counts, names, f"{question.title}: accuracy {accuracy:.4f}")))
        shown = images.most_confident_mistakes(labels, predicted, confidence, settings.misclassified_shown)
        step = max(1, pixels.shape[1] // 75)  # large pictures shrink to thumbnails: the PNG stays small
        written.append(str(images.save_mistakes_png(
            artifacts / images.MISCLASSIFIED_PNG, pixels[shown, ::step, ::step].astype("uint8"), [captions[i] for i in shown],
            "most confident mistakes (picture, true class, the model's answer)")))
    return Evaluation(value=accuracy, details=details, diagnostics=diagnostics, artifacts=written, advice=advice,
                      per_example=(predicted == labels).astype("float64"))
