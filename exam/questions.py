"""The question registry: every question is declared once, in hidden_tests/<id>.toml.

Starters (their header), graders, `status`, the report and the PyCharm run configurations all read these
objects instead of repeating the facts. `python -m exam.questions --write-headers` refreshes starter headers.
"""

from __future__ import annotations

import argparse
import functools
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from exam.errors import ExamError
from exam.paths import HIDDEN_DIR, REPO_ROOT, SOLUTION_DIR, STARTER_DIR

CATEGORIES = (1, 2, 3, 4, 5)
CATEGORY_NAMES = {
    1: "Basic model",
    2: "Basic datasets",
    3: "CNN on real-world images",
    4: "Natural language processing",
    5: "Time series",
}
MAX_SCORE = 5
HEADER_BEGIN = '"""'
HEADER_END_MARK = "(Generated from hidden_tests/"


@dataclass(frozen=True)
class Contract:
    input_shape: tuple[int, ...]
    output_shapes: tuple[tuple[int, ...], ...]
    formats: tuple[str, ...] = ("h5",)
    forbidden_layers: tuple[str, ...] = ("Lambda",)


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    thresholds: tuple[float, ...]  # thresholds[k-1] is what score k needs

    def score(self, value: float) -> int:
        if value != value:  # NaN earns nothing
            return 0
        if self.higher_is_better:
            return sum(value >= t for t in self.thresholds)
        return sum(value <= t for t in self.thresholds)


@dataclass(frozen=True)
class Question:
    id: str
    category: int
    title: str
    summary: str
    weight: int
    datasets: tuple[str, ...]
    contract: Contract
    metric: Metric
    hidden: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def starter_path(self) -> Path:
        return STARTER_DIR / f"{self.id}.py"

    @property
    def solution_path(self) -> Path:
        return SOLUTION_DIR / f"{self.id}.py"

    @property
    def ready(self) -> bool:
        """Declared and shipped: a session can only set a question whose starter exists."""
        return self.starter_path.is_file()

    @property
    def grader_module(self) -> str:
        return f"graders.category{self.category}"

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES[self.category]


def _shape(value, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and v > 0 for v in value):
        raise ExamError(f"{where}: a shape must be a list of positive integers, got {value!r}")
    return tuple(value)


def parse(path: Path) -> Question:
    """Read one declaration; a malformed file is one clear line, naming the file and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        contract, metric = raw["contract"], raw["metric"]
        thresholds = tuple(float(t) for t in metric["thresholds"])
        if len(thresholds) != MAX_SCORE:
            raise ExamError(f"{path.name}: metric.thresholds needs {MAX_SCORE} values, got {len(thresholds)}")
        ordered = sorted(thresholds, reverse=not metric["higher_is_better"])
        if list(thresholds) != ordered:
            raise ExamError(f"{path.name}: metric.thresholds must get stricter from score 1 to score 5")
        category = int(raw["category"])
        if category not in CATEGORIES:
            raise ExamError(f"{path.name}: category must be 1-5, got {category}")
        return Question(
            id=raw["id"],
            category=category,
            title=raw["title"],
            summary=raw["summary"].strip(),
            weight=int(raw.get("weight", category)),
            datasets=tuple(raw.get("datasets", ())),
            contract=Contract(
                input_shape=_shape(contract["input_shape"], f"{path.name}: contract.input_shape"),
                output_shapes=tuple(_shape(s, f"{path.name}: contract.output_shapes") for s in contract["output_shapes"]),
                formats=tuple(contract.get("formats", ("h5",))),
                forbidden_layers=tuple(contract.get("forbidden_layers", ("Lambda",))),
            ),
            metric=Metric(name=metric["name"], higher_is_better=bool(metric["higher_is_better"]), thresholds=thresholds),
            hidden=raw.get("hidden", {}),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ExamError(f"{path.name}: invalid question declaration ({type(error).__name__}: {error})") from None


@functools.cache
def all_questions() -> dict[str, Question]:
    questions = {}
    for path in sorted(HIDDEN_DIR.glob("*.toml")):
        question = parse(path)
        if question.id != path.stem:
            raise ExamError(f"{path.name}: id {question.id!r} must equal the file name {path.stem!r}")
        questions[question.id] = question
    return questions


def get(question_id: str) -> Question:
    try:
        return all_questions()[question_id]
    except KeyError:
        known = ", ".join(all_questions()) or "none"
        raise ExamError(f"unknown question {question_id!r}; known questions: {known}") from None


def for_category(category: int) -> list[Question]:
    return [q for q in all_questions().values() if q.category == category and q.ready]


def default_for_category(category: int) -> Question | None:
    """The question a new session sets for a category: the first declared one (ids sort stably)."""
    questions = for_category(category)
    return questions[0] if questions else None


def available_categories() -> list[int]:
    return [c for c in CATEGORIES if for_category(c)]


def format_shape(shape) -> str:
    shape = tuple(shape)
    return f"({shape[0]},)" if len(shape) == 1 else str(shape)


def starter_header(question: Question) -> str:
    """The docstring every starter and reference solution opens with, rendered from the declaration."""
    contract = question.contract
    outputs = " or ".join(format_shape(s) for s in contract.output_shapes)
    better = "higher is better" if question.metric.higher_is_better else "lower is better"
    thresholds = ", ".join(f"{k}/5: {t:g}" for k, t in enumerate(question.metric.thresholds, start=1))
    lines = [
        f"Category {question.category} ({question.category_name}) - {question.title}",
        f"Question id: {question.id}. Weight in the total: {question.weight}.",
        "",
        *textwrap.wrap(question.summary, 100, break_on_hyphens=False),
        "",
        "What the grader checks:",
        f"  - the file is a Keras model saved as mymodel.h5 ({', '.join('.' + f for f in contract.formats)}),",
        f"  - input shape {format_shape(contract.input_shape)} (the batch dimension is not counted),",
        f"  - output shape {outputs},",
        f"  - no {', '.join(contract.forbidden_layers)} layers (they cannot be loaded safely),",
        f"  - the metric on hidden data: {question.metric.name} ({better}); scores {thresholds}.",
        "",
        f"{HEADER_END_MARK}{question.id}.toml; your code goes below this docstring.)",
    ]
    return '"""\n' + "\n".join(line.rstrip() for line in lines) + '\n"""\n\n'


def split_header(source: str) -> tuple[str, str]:
    """(header, rest) of a starter or solution file whose first block is the generated docstring."""
    if source.startswith(HEADER_BEGIN):
        end = source.find(HEADER_END_MARK)
        close = source.find('"""', end) if end >= 0 else -1
        if close >= 0:
            return source[: close + 4], source[close + 4 :].lstrip("\n")
    return "", source


def write_headers() -> list[Path]:
    changed = []
    for question in all_questions().values():
        for path in (question.starter_path, question.solution_path):
            if not path.exists():
                continue
            old = path.read_text(encoding="utf-8")
            _, rest = split_header(old)
            new = starter_header(question) + rest
            if new != old:
                path.write_text(new, encoding="utf-8")
                changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exam.questions", description="List the declared questions.")
    parser.add_argument("--write-headers", action="store_true", help="refresh starter and solution headers")
    args = parser.parse_args(argv)
    if args.write_headers:
        for path in write_headers():
            print(f"updated {path.relative_to(REPO_ROOT)}")
        return 0
    for q in all_questions().values():
        print(f"{q.category}  {q.id:24} {q.metric.name:9} {q.title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
