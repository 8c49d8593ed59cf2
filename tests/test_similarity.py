"""The similarity rules (tfexam/similarity.py), the typed Fingerprint and the class's flags (exam/flags.py), without
TensorFlow: fingerprints are made up here, as the grading worker would report them."""

from __future__ import annotations

import pytest

from exam import flags
from tfexam import similarity
from tfexam.result import Fingerprint, Result

A, B, C = "a" * 64, "b" * 64, "c" * 64


def fingerprint(weights=A, rounded=A, parameters=25, sketch=None, architecture=A) -> Fingerprint:
    return Fingerprint(architecture, weights, rounded, parameters, list(sketch if sketch is not None else [0.5] * 25))


def test_the_rules_identical_similar_and_different():
    base = fingerprint()
    assert similarity.relation(base, fingerprint())[0] == similarity.IDENTICAL_WEIGHTS
    assert similarity.relation(base, fingerprint(weights=B))[0] == similarity.SIMILAR_WEIGHTS  # rounded equal
    near = fingerprint(weights=B, rounded=B, sketch=[0.5 + 0.0009] * 25)
    assert similarity.relation(base, near) == (similarity.SIMILAR_WEIGHTS,
                                               "25 sampled weights of 25 differ by at most 0.0009 (threshold 0.001)")
    assert similarity.relation(base, fingerprint(weights=B, rounded=B, sketch=[0.5 + 0.0011] * 25)) is None
    assert similarity.relation(base, fingerprint(architecture=B)) is None
    assert similarity.relation(base, fingerprint(weights=B, parameters=26)) is None


def test_a_model_below_the_minimum_is_flagged_only_when_exactly_equal():
    small = fingerprint(parameters=2, sketch=[3.0, 2.0])
    assert similarity.relation(small, fingerprint(parameters=2, sketch=[3.0, 2.0]))[0] == similarity.IDENTICAL_WEIGHTS
    assert similarity.relation(small, fingerprint(weights=B, parameters=2, sketch=[3.0, 2.0])) is None


def test_a_fingerprint_is_read_strictly():
    good = fingerprint().__dict__
    assert Fingerprint.from_json(dict(good)) == fingerprint()
    for bad in ({**good, "extra": 1}, {**good, "weights": "short"}, {**good, "parameters": True},
                {**good, "sketch": ["x"]}, [], {k: v for k, v in good.items() if k != "rounded"}):
        with pytest.raises(ValueError):
            Fingerprint.from_json(bad)
    result = Result("c1_line", 1, "graded", fingerprint=fingerprint())
    assert Result.from_json(result.to_json()) == result
    assert Result.from_json({k: v for k, v in result.to_json().items() if k != "fingerprint"}).fingerprint is None
    with pytest.raises(ValueError):
        Result.from_json(result.to_json() | {"fingerprint": {"architecture": A}})


def entry(candidate, sha, fp=None, category=1):
    return flags.Entry(candidate, category, f"{candidate}_c{category}.h5", sha, fp)


def test_flags_group_identical_files_then_weights_saved_separately_then_similar():
    same = fingerprint(weights=C)
    found = flags.find([
        entry("ann", A, same), entry("ben", A, same), entry("cy", B, same),  # cy: same weights, other bytes
        entry("dee", C, fingerprint(weights=B, rounded=B, sketch=[9.0] * 25)),
        entry("eli", "d" * 64, fingerprint(weights="e" * 64, rounded=B, sketch=[9.0] * 25)),  # similar to dee
        entry("fox", None, None), entry("gil", None, None),  # unread files never match each other
        entry("ann", "f" * 64, fingerprint(weights="f" * 64, rounded="f" * 64, sketch=[-7.0] * 25), category=4),
    ])
    assert [(f.id, f.kind, f.candidates) for f in found] == [
        ("F1", "identical file", ["ann", "ben"]), ("W1", "identical weights", ["ann", "ben", "cy"]),
        ("S1", "similar weights", ["dee", "eli"])]
    assert found[0].evidence == f"sha256 {A}" and "dee ~ eli: all 25 weights equal after rounding" in found[2].evidence
    assert flags.describe(found[1], "cy") == "W1 identical weights (c1) with ann, ben"


def test_one_candidate_alone_is_never_flagged():
    assert flags.find([entry("ann", A, fingerprint()), entry("ann", A, fingerprint(), category=2)]) == []
