"""The question registry: every question is declared once, in hidden_tests/<id>.toml.

Starters and solutions (their header), graders, `status`, the report and the PyCharm run configurations all read
these objects instead of repeating the facts. `python -m tfexam.scripts` refreshes the headers and the starters.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tfexam import checklist, kinds, tables
from tfexam.content import HIDDEN_DIR, REPO_ROOT, SOLUTION_DIR, STARTER_DIR
from tfexam.errors import ExamError
from tfexam.public_target import PublicTarget

CATEGORIES = (1, 2, 3, 4, 5)
CATEGORY_NAMES = {
    1: "Basic model",
    2: "Basic datasets",
    3: "CNN on real-world images",
    4: "Natural language processing",
    5: "Time series",
}
MAX_SCORE = 5
# The model files a question may take (Keras 3 loads a SavedModel folder only as an inference layer, never a model).
MODEL_FORMATS = ("h5", "keras")
# The data formats tfexam.data.readers reads; a declaration's [data] names one.
FORMATS = ("idx", "image_folders", "json", "csv", "lines")
HEADER_BEGIN = '"""'
HEADER_END_MARK = "(Generated from hidden_tests/"


@dataclass(frozen=True)
class Contract:
    input_shape: tuple[int, ...]
    output_shapes: tuple[tuple[int, ...], ...]
    formats: tuple[str, ...] = ("h5",)
    forbidden_layers: tuple[str, ...] = ("Lambda",)
    exact_input: bool = False  # True: the input shape must be declared exactly, no open (None) sizes


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
class Split:
    """A named part of a question's data: whole files, or records [start, stop) of one file (stop None = to the end)."""

    files: tuple[str, ...]
    start: int = 0
    stop: int | None = None

    def disjoint(self, other: "Split") -> bool:
        if not set(self.files) & set(other.files):
            return True
        self_stop = float("inf") if self.stop is None else self.stop
        other_stop = float("inf") if other.stop is None else other.stop
        return self_stop <= other.start or other_stop <= self.start


@dataclass(frozen=True)
class Data:
    """Where a question's examples come from and how they are read, for the starter's loader and the grader alike.

    `train` is what tfexam.data.training_data returns; `hidden` only the grader reads (tfexam.data.hidden).
    """

    format: str  # one of FORMATS
    train: Split
    hidden: Split
    member: str = ""  # the file to read inside an extracted archive
    text_column: str = ""  # json/csv text classification: the text and the label of a record
    label_column: str = ""
    value_columns: tuple[str, ...] = ()  # csv series: the columns read as float32, in this order
    class_names: tuple[str, ...] = ()  # label i is class_names[i] (labels given as names are mapped to i)


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
    kind: str  # a module of tfexam/kinds/ (its settings) and of graders/ (its grader)
    settings: kinds.Settings  # the declaration's [hidden] table, typed by its kind (tfexam/kinds/<kind>.py)
    data: Data | None = None
    default: bool = False  # the category's question when none is drawn or chosen
    skills: tuple[str, ...] = ()
    reference_seconds: float | None = None  # measured training time of the reference solution (CALIBRATION.md)
    public_target: PublicTarget | None = None  # a public simulation's target for the same data (tfexam/public_target.py)

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
        return kinds.registry()[self.kind].grader_module

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES[self.category]


def _shape(value, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and v > 0 for v in value):
        raise ExamError(f"{where}: a shape must be a list of positive integers, got {value!r}")
    return tuple(value)


def _split(raw: dict, where: str, table: str) -> Split:
    tables.reject_unknown(raw, ("files", "rows"), where, table, "a field of a data part")
    files = tables.value(raw, "files", tuple[str, ...], where, table, ())
    rows = tables.value(raw, "rows", tuple[int, ...], where, table, (0,))
    if not files or not 1 <= len(rows) <= 2:
        raise ExamError(f"{where}: [{table}] needs files = [...] and optionally rows = [start] or [start, stop]")
    return Split(files, int(rows[0]), int(rows[1]) if len(rows) == 2 else None)


def _data(raw: dict | None, where: str) -> Data | None:
    if raw is None:
        return None
    tables.reject_unknown(raw, _field_names(Data), where, "data", "a field of [data]")
    if raw["format"] not in FORMATS:
        raise ExamError(f"{where}: data.format must be one of {', '.join(FORMATS)}, got {raw['format']!r}")
    return Data(
        format=raw["format"],
        train=_split(raw["train"], where, "data.train"),
        hidden=_split(raw["hidden"], where, "data.hidden"),
        member=tables.value(raw, "member", str, where, "data", ""),
        text_column=tables.value(raw, "text_column", str, where, "data", ""),
        label_column=tables.value(raw, "label_column", str, where, "data", ""),
        value_columns=tables.value(raw, "value_columns", tuple[str, ...], where, "data", ()),
        class_names=tables.value(raw, "class_names", tuple[str, ...], where, "data", ()),
    )


def _public_target(raw: dict | None, metric: str, higher_is_better: bool, where: str) -> PublicTarget | None:
    """The [public_target] table; it must speak of the question's own metric, in the same direction."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ExamError(f"{where}: public_target must be a table ([public_target])")
    target = tables.read(PublicTarget, raw, where, "public_target", "a field of [public_target]")
    if target.metric != metric or (target.comparison == ">") != higher_is_better:
        better = "higher" if higher_is_better else "lower"
        raise ExamError(f"{where}: [public_target] must compare the question's metric {metric} ({better} is better), "
                        f"got {target.metric} {target.comparison}")
    return target


def _field_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


# The declaration's top-level keys: the Question's fields, with the kind's settings under [hidden].
TOP_LEVEL = [name for name in _field_names(Question) if name != "settings"] + ["hidden"]


def _settings(raw: dict, kind: str, data: Data | None, where: str) -> kinds.Settings:
    """The [hidden] table as the kind's typed settings, checked field by field and then across fields."""
    settings = tables.read(kinds.registry()[kind].settings, raw, where, "hidden", f"a setting of {kind}")
    for name, rule in settings.conflicts(data).items():
        raise ExamError(f"{where}: [hidden].{name} {rule}")
    return settings


def parse(path: Path) -> Question:
    """Read one declaration; a malformed file is one clear line, naming the file and the field."""
    where = f"{path.parent.name}/{path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        tables.reject_unknown(raw, TOP_LEVEL, where, "", "a field of a question declaration")
        contract, metric = raw["contract"], raw["metric"]
        tables.reject_unknown(contract, _field_names(Contract), where, "contract", "a field of [contract]")
        tables.reject_unknown(metric, _field_names(Metric), where, "metric", "a field of [metric]")
        thresholds = tuple(float(t) for t in metric["thresholds"])
        if len(thresholds) != MAX_SCORE:
            raise ExamError(f"{where}: metric.thresholds needs {MAX_SCORE} values, got {len(thresholds)}")
        higher_is_better = tables.value(metric, "higher_is_better", bool, where, "metric")
        ordered = sorted(thresholds, reverse=not higher_is_better)
        if list(thresholds) != ordered:
            raise ExamError(f"{where}: metric.thresholds must get stricter from score 1 to score 5")
        category = int(raw["category"])
        if category not in CATEGORIES:
            raise ExamError(f"{where}: category must be 1-5, got {category}")
        if raw["kind"] not in kinds.registry():
            raise ExamError(f"{where}: kind must be one of {', '.join(kinds.names())}, got {raw['kind']!r}")
        formats = tuple(contract.get("formats", ("h5",)))
        if not formats or set(formats) - set(MODEL_FORMATS):
            raise ExamError(f"{where}: contract.formats must be among {', '.join(MODEL_FORMATS)}, got {list(formats)}")
        unknown = [s for s in raw.get("skills", ()) if not checklist.known(s)]
        if unknown:
            raise ExamError(f"{where}: unknown skills {unknown}; name items of tfexam/checklist.toml or its aliases")
        checklist.covered(raw.get("skills", ()), category)  # an alias with no meaning in this category is named here
        data = _data(raw.get("data"), where)
        return Question(
            id=raw["id"],
            category=category,
            title=raw["title"],
            summary=raw["summary"].strip(),
            weight=tables.value(raw, "weight", int, where, "", category),
            datasets=tables.value(raw, "datasets", tuple[str, ...], where, "", ()),
            contract=Contract(
                input_shape=_shape(contract["input_shape"], f"{where}: contract.input_shape"),
                output_shapes=tuple(_shape(s, f"{where}: contract.output_shapes") for s in contract["output_shapes"]),
                formats=formats,
                forbidden_layers=tables.value(contract, "forbidden_layers", tuple[str, ...], where, "contract", ("Lambda",)),
                exact_input=tables.value(contract, "exact_input", bool, where, "contract", False),
            ),
            metric=Metric(name=metric["name"], higher_is_better=higher_is_better, thresholds=thresholds),
            kind=raw["kind"],
            settings=_settings(raw.get("hidden", {}), raw["kind"], data, where),
            data=data,
            default=tables.value(raw, "default", bool, where, "", False),
            skills=tables.value(raw, "skills", tuple[str, ...], where, "", ()),
            reference_seconds=tables.value(raw, "reference_seconds", float, where, "", None),
            public_target=_public_target(raw.get("public_target"), metric["name"], higher_is_better, where),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ExamError(f"{where}: invalid question declaration ({type(error).__name__}: {error})") from None


@functools.cache
def all_questions() -> dict[str, Question]:
    questions = {}
    for path in sorted(HIDDEN_DIR.glob("*.toml")):
        question = parse(path)
        if question.id != path.stem:
            raise ExamError(f"{path.name}: id {question.id!r} must equal the file name {path.stem!r}")
        questions[question.id] = question
    for category in CATEGORIES:
        defaults = [q.id for q in questions.values() if q.category == category and q.default]
        if len(defaults) > 1:
            raise ExamError(f"category {category} declares several default questions ({', '.join(defaults)}); keep one")
        if not defaults and any(q.category == category for q in questions.values()):
            raise ExamError(f"category {category} declares no default question; set default = true in one of them")
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
    """The category's declared default (`default = true`): what `solve`, `graders` and the demo use without a session."""
    return next((q for q in for_category(category) if q.default), None)


def draw(categories: list[int] | None = None, fixed: list[str] = (), seed: int | None = None) -> tuple[int, dict[int, str]]:
    """(seed, {category: question id}): one ready question per category drawn with `seed` (a new one if None).

    The same seed and categories always give the same mock; `fixed` ids replace the draw for their categories.
    """
    import random
    import secrets

    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    rng = random.Random(seed)
    chosen = {}
    for category in categories or available_categories():
        pool = for_category(category)
        if not pool:
            raise ExamError(f"category {category} has no question yet; choose from {available_categories()}")
        chosen[category] = rng.choice(pool).id  # the pool is sorted by id, so a seed means the same draw everywhere
    for question_id in fixed:
        question = get(question_id)
        if not question.ready:
            raise ExamError(f"question {question_id} has no starter yet ({question.starter_path} is missing)")
        chosen[question.category] = question.id
    return seed, dict(sorted(chosen.items()))


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
        f"  - input shape {format_shape(contract.input_shape)}{' exactly' if contract.exact_input else ''} "
        "(the batch dimension is not counted),",
        f"  - output shape {outputs},",
        f"  - no {', '.join(contract.forbidden_layers)} layers (they cannot be loaded safely),",
        f"  - the metric on {question.settings.measured_on}: {question.metric.name} ({better}); scores {thresholds}.",
        "",
        f"{HEADER_END_MARK}{question.id}.toml; your code goes below this docstring.)",
    ]
    return '"""\n' + "\n".join(line.rstrip() for line in lines) + '\n"""\n\n'


COVERAGE_BEGIN = "<!-- coverage: generated by `python -m tfexam.questions --write-readme` -->"
COVERAGE_END = "<!-- end of coverage -->"
README = REPO_ROOT / "README.md"


def _bank() -> list[Question]:
    return sorted((q for q in all_questions().values() if q.ready), key=lambda q: (q.category, q.id))


def bank_table() -> str:
    """One row per question: what a learner may be set in each category."""
    lines = ["| category (weight) | question | kind | data (fetched, never committed) | input → output | 5/5 needs |",
             "|---|---|---|---|---|---|"]
    for q in _bank():
        outputs = " or ".join(f"`{format_shape(s)}`" for s in q.contract.output_shapes)
        sign = "≥" if q.metric.higher_is_better else "≤"
        default = " (default)" if q.default else ""
        lines.append(f"| {q.category} {q.category_name} ({q.weight}) | `{q.id}`{default}: {q.title} | "
                     f"{kinds.registry()[q.kind].title} | {', '.join(q.datasets) or 'in the starter'} | "
                     f"`{format_shape(q.contract.input_shape)}` → {outputs} | {q.metric.name} {sign} {q.metric.thresholds[-1]:g} |")
    return "\n".join(lines)


def coverage_table() -> str:
    """Every checklist item (rows, by section) against the questions (columns), from the declarations' `skills`."""
    bank = _bank()
    covered = {q.id: set(checklist.covered(q.skills, q.category)) for q in bank}
    lines = ["| checklist item | " + " | ".join(f"`{q.id}`" for q in bank) + " |",
             "|---|" + "---|" * len(bank)]
    for section in checklist.load().sections:
        lines.append(f"| **{section.title}** |" + " |" * len(bank))
        for item in section.items:
            lines.append(f"| {item.text} | " + " | ".join("x" if item.id in covered[q.id] else "" for q in bank) + " |")
    return "\n".join(lines)


def uncovered_items() -> list[checklist.Item]:
    """The checklist items no ready question exercises: the bank's gaps."""
    covered = {i for q in _bank() for i in checklist.covered(q.skills, q.category)}
    return [item for item in checklist.load().items.values() if item.id not in covered]


def gaps_text() -> str:
    by_section = {}
    for item in uncovered_items():
        by_section.setdefault(item.section, []).append(item.text)
    if not by_section:
        return "Every checklist item is exercised by at least one question."
    titles = {s.id: s.title for s in checklist.load().sections}
    return "Checklist items no question exercises:\n\n" + "\n".join(
        f"- {titles[section]}: {'; '.join(texts)}" for section, texts in by_section.items())


def readme_with_coverage(text: str) -> str:
    start, end = text.find(COVERAGE_BEGIN), text.find(COVERAGE_END)
    if start < 0 or end < start:
        raise ExamError(f"README.md lacks the markers {COVERAGE_BEGIN} ... {COVERAGE_END}")
    generated = (bank_table() + "\n\nChecklist coverage (the candidate handbook's skills checklist, all five sections, "
                 "tfexam/checklist.toml; an x = the question's declared `skills` or what every question's contract "
                 "asks):\n\n" + coverage_table() + "\n\n" + gaps_text())
    return text[: start + len(COVERAGE_BEGIN)] + "\n" + generated + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tfexam.questions", description="List the declared questions.")
    parser.add_argument("--write-readme", action="store_true", help="refresh the README's checklist coverage table")
    args = parser.parse_args(argv)
    if args.write_readme:
        text = README.read_text(encoding="utf-8")
        README.write_text(readme_with_coverage(text), encoding="utf-8")
        return 0
    for q in all_questions().values():
        print(f"{q.category}  {q.id:24} {q.metric.name:9} {q.title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
