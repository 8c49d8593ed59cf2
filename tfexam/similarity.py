"""When two graded models count as the same work: the rules, in one place (no TensorFlow).

The grading worker computes a Fingerprint per loaded model (graders/fingerprint.py); the class batch compares them
here and never loads a model itself.
- identical file: the same sha256 of the file's bytes.
- identical weights: the same architecture digest (the layer configuration with layer names replaced by their
  position) and the same digest of every weight array (shape, dtype and exact values, in order): the same model saved
  twice, or saved as .h5 and re-saved.
- similar weights: the same architecture, at least SIMILAR_MIN_PARAMETERS weights, and either every weight equal after
  rounding to ROUND_DECIMALS decimals, or the SKETCH_SIZE weights sampled at fixed positions (all of them for a smaller
  model) within TOLERANCE of each other. Rounding alone misses copies whose weights straddle a rounding boundary
  (on 25 weights, noise of 1e-5 already does), hence the sketch; honest models trained apart differ by far more than
  TOLERANCE (benchmarks/fingerprint_cost.py prints both). Below SIMILAR_MIN_PARAMETERS, honest models of a fixed relation
  (Category 1's single neuron) converge to the same numbers, so only exact equality is flagged there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfexam.result import Fingerprint

ROUND_DECIMALS = 4
SKETCH_SIZE = 256
TOLERANCE = 1e-3
SIMILAR_MIN_PARAMETERS = 20

IDENTICAL_FILE, IDENTICAL_WEIGHTS, SIMILAR_WEIGHTS = "identical file", "identical weights", "similar weights"
RULES = {
    IDENTICAL_FILE: "byte-identical files (same sha256)",
    IDENTICAL_WEIGHTS: "same architecture and every weight array exactly equal (files saved separately)",
    SIMILAR_WEIGHTS: (f"same architecture, at least {SIMILAR_MIN_PARAMETERS} weights, and every weight equal after "
                      f"rounding to {ROUND_DECIMALS} decimals or {SKETCH_SIZE} weights sampled at fixed positions "
                      f"within {TOLERANCE:g} of each other"),
}


def sketch_distance(a: Fingerprint, b: Fingerprint, limit: float = TOLERANCE) -> float | None:
    """The largest difference between the two sketches when it is at most `limit`; None when it is more (found at
    the first such weight: most pairs in a class differ at once) or the sketches do not cover the same positions."""
    if a.parameters != b.parameters or len(a.sketch) != len(b.sketch) or not a.sketch:
        return None
    largest = 0.0
    for x, y in zip(a.sketch, b.sketch):
        difference = abs(x - y)
        if difference > limit:
            return None
        largest = max(largest, difference)
    return largest


def relation(a: Fingerprint, b: Fingerprint) -> tuple[str, str] | None:
    """(IDENTICAL_WEIGHTS or SIMILAR_WEIGHTS, the evidence in words), or None when the models differ."""
    if a.architecture != b.architecture or a.parameters != b.parameters:
        return None
    if a.weights == b.weights:
        return IDENTICAL_WEIGHTS, f"same architecture, all {a.parameters} weights equal (digest {a.weights[:12]})"
    if a.parameters < SIMILAR_MIN_PARAMETERS:
        return None
    if a.rounded == b.rounded:
        return SIMILAR_WEIGHTS, f"all {a.parameters} weights equal after rounding to {ROUND_DECIMALS} decimals"
    distance = sketch_distance(a, b)
    if distance is not None:
        return SIMILAR_WEIGHTS, (f"{len(a.sketch)} sampled weights of {a.parameters} differ by at most {distance:.2g} "
                                 f"(threshold {TOLERANCE:g})")
    return None
