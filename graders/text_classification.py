"""Text classification (binary or multi-class): held-out texts tokenised with the rebuilt training tokenizer,
scored by accuracy. Binary: one output, the probability of class_names[1]. Multi-class: the largest output wins."""

from __future__ import annotations

import numpy as np

from tfexam.questions import Question
from tfexam.result import Advice, Evaluation
from graders import hints, images, text
from graders.pipeline import predict


def evaluate(model, question: Question, artifacts=None) -> Evaluation:
    from tfexam.data.hidden import hidden_data

    names = list(question.data.class_names)
    sentences, labels = hidden_data(question)
    outputs = predict(model, text.encode(question, sentences), kind=question.kind)
    binary = outputs.reshape(len(labels), -1).shape[1] == 1
    if binary:
        outputs = outputs.reshape(-1)
        predicted = (outputs > question.settings.decision_threshold).astype("int64")
        confidence = np.abs(outputs - 0.5)
        shown_output = [f"p={p:.2f}" for p in outputs]
    else:
        predicted = outputs.argmax(axis=1)
        ordered = np.sort(outputs, axis=1)
        confidence = ordered[:, -1] - ordered[:, -2]
        shown_output = [f"answered {names[p]}" for p in predicted]
    details, diagnostics = images.classification(labels, predicted, names, "held-out texts")
    advice = []
    if binary and (outputs.min() < 0 or outputs.max() > 1):
        advice.append(Advice("output_range", "outputs leave [0, 1]: end the model with Dense(1, activation='sigmoid'); "
                             "the grader reads the output as a probability"))
    advice += filter(None, [hints.same_answer(question, predicted, names)])
    majority = float(np.bincount(labels, minlength=len(names)).max() / len(labels))
    advice += filter(None, [hints.frozen_tokenizer(question, diagnostics["accuracy"], majority)])

    # The most confident mistakes say the most about what the model learned.
    wrong = images.most_confident_mistakes(labels, predicted, confidence, question.settings.misclassified_shown)
    examples = [{"text": sentences[i][:200], "label": names[labels[i]], "output": shown_output[i]} for i in wrong]
    if examples:
        details.append("most confident mistakes:")
        details += [f"  {e['output']} true={e['label']}  {e['text'][:120]}" for e in examples]
    diagnostics["misclassified"] = examples
    return Evaluation(value=diagnostics["accuracy"], details=details, diagnostics=diagnostics, advice=advice,
                      per_example=(predicted == labels).astype("float64"))
