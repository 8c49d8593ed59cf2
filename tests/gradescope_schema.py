"""Gradescope's documented results.json format, as a checker written from the specification, not from our builder.

Source: gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format"): a top-level object with optional
score (required when the tests carry no scores), execution_time (seconds), output, output_format, test_output_format,
test_name_format, visibility, stdout_visibility, extra_data, tests and leaderboard; each test has optional score,
max_score, status ("passed"/"failed"), name, name_format, number, output, output_format, tags, visibility and
extra_data. Visibility is one of hidden, after_due_date, after_published, visible.
"""

from __future__ import annotations

import json
import math

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP = {"score": "number", "execution_time": "number", "output": "str", "output_format": "format",
       "test_output_format": "format", "test_name_format": "format", "visibility": "visibility",
       "stdout_visibility": "visibility", "extra_data": "dict", "tests": "list", "leaderboard": "list"}
TEST = {"score": "number", "max_score": "number", "status": "status", "name": "str", "name_format": "format",
        "number": "str", "output": "str", "output_format": "format", "tags": "tags", "visibility": "visibility",
        "extra_data": "dict"}


def _bad(value, kind: str) -> bool:
    if kind == "number":
        return isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
    return {"str": lambda: not isinstance(value, str), "dict": lambda: not isinstance(value, dict),
            "list": lambda: not isinstance(value, list), "visibility": lambda: value not in VISIBILITY,
            "format": lambda: value not in FORMATS, "status": lambda: value not in {"passed", "failed"},
            "tags": lambda: not (isinstance(value, list) and all(isinstance(t, str) for t in value))}[kind]()


def problems(results) -> list[str]:
    """Every way `results` departs from the documented format (an empty list when it conforms)."""
    try:
        json.dumps(results, allow_nan=False)
    except ValueError as error:
        return [f"not strict JSON: {error}"]
    if not isinstance(results, dict):
        return ["the top level is not an object"]
    found = [f"unknown top-level key {k!r}" for k in results if k not in TOP]
    found += [f"{k} = {results[k]!r} is not a valid {kind}" for k, kind in TOP.items() if k in results and _bad(results[k], kind)]
    tests = results.get("tests", [])
    for i, test in enumerate(tests if isinstance(tests, list) else []):
        if not isinstance(test, dict):
            found.append(f"tests[{i}] is not an object")
            continue
        found += [f"tests[{i}]: unknown key {k!r}" for k in test if k not in TEST]
        found += [f"tests[{i}].{k} = {test[k]!r} is not a valid {kind}" for k, kind in TEST.items() if k in test and _bad(test[k], kind)]
    if "score" not in results and not (isinstance(tests, list) and tests and all("score" in t for t in tests)):
        found.append("no top-level score and not every test has one")
    return found
