"""Category 4: sarcasm of held-out headlines, tokenised with the rebuilt training tokenizer, scored by accuracy."""

from __future__ import annotations

import numpy as np

from exam.questions import Question
from graders import hints, text
from graders.core import predict
from graders.result import Evaluation


def confusion(labels: np.ndarray, predicted: np.ndarray) -> dict[str, int]:
    return {
        "true_sarcastic": int(((predicted == 1) & (labels == 1)).sum()),
        "false_sarcastic": int(((predicted == 1) & (labels == 0)).sum()),
        "true_plain": int(((predicted == 0) & (labels == 0)).sum()),
        "false_plain": int(((predicted == 0) & (labels == 1)).sum()),
    }


def evaluate(model, question: Question, artifacts=None) -> Evaluation:
    from exam.data.hidden import sarcasm_hidden

    sentences, labels = sarcasm_hidden()
    probabilities = predict(model, text.encode(question, sentences)).reshape(-1)
    predicted = (probabilities > float(question.hidden["decision_threshold"])).astype(labels.dtype)
    correct = predicted == labels
    accuracy = float(correct.mean())
    counts = confusion(labels, predicted)
    majority = float(max(labels.mean(), 1 - labels.mean()))

    # The most confident mistakes say the most about what the model learned.
    wrong = np.flatnonzero(~correct)
    wrong = wrong[np.argsort(-np.abs(probabilities[wrong] - 0.5))][: int(question.hidden["misclassified_shown"])]
    examples = [{"headline": sentences[i], "label": int(labels[i]), "probability": round(float(probabilities[i]), 4)}
                for i in wrong]

    details = [
        f"{len(labels)} held-out headlines; accuracy {accuracy:.4f} (always answering the majority class: {majority:.4f})",
        f"sarcastic found {counts['true_sarcastic']}, missed {counts['false_plain']}; "
        f"plain kept {counts['true_plain']}, called sarcastic {counts['false_sarcastic']}",
    ]
    if probabilities.min() < 0 or probabilities.max() > 1:
        details.append("outputs leave [0, 1]: end the model with Dense(1, activation='sigmoid'); "
                       "the grader reads the output as a probability")
    details += filter(None, [hints.frozen_tokenizer(question.hidden, accuracy, majority)])
    if examples:
        details.append("most confident mistakes:")
        details += [f"  p={e['probability']:.2f} label={e['label']}  {e['headline']}" for e in examples]
    diagnostics = {
        "accuracy": accuracy,
        "hidden_records": len(labels),
        "confusion": counts,
        "majority_accuracy": majority,
        "misclassified": examples,
    }
    return Evaluation(value=accuracy, details=details, diagnostics=diagnostics)
