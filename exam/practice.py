"""What to practise next: per category, the steps the grader's evidence points to, and the categories below 5/5
weakest first. TensorFlow-free; read from the ledger's typed records (exam.report), shown by report.html."""

from __future__ import annotations

from dataclasses import dataclass

from exam import report
from tfexam import checklist, questions
from tfexam.questions import MAX_SCORE


@dataclass(frozen=True)
class Plan:
    category: int
    question: str
    score: int | None  # the best on-time score; None: nothing graded on time
    steps: list[str]  # the first is the one to do first
    skills: list[str]  # in words

    @property
    def first_step(self) -> str:
        return self.steps[0] if self.steps else ""


def plans(session, records) -> list[Plan]:
    """One Plan per category of the session, in category order."""
    found = report.attempts(session, records)
    result = []
    for line in report.category_lines(session, records):
        mine = [a for a in found if a.category == line.category]
        best = next((a for a in mine if a.best), None)
        question = questions.get(line.question)
        result.append(Plan(line.category, line.question, line.best, steps(question, best, mine),
                           [checklist.skill_label(s) for s in question.skills]))
    return result


def to_practise(all_plans: list[Plan]) -> list[Plan]:
    """The categories below 5/5, weakest first (nothing graded counts as 0), then by category."""
    return sorted((p for p in all_plans if (p.score or 0) < MAX_SCORE), key=lambda p: (p.score or 0, p.category))


def steps(question, best, mine) -> list[str]:
    """The grader's advice on the best attempt first, then what the next score needs; without a graded attempt,
    why the last one was refused."""
    if best is None:
        last = mine[-1].record.result if mine else None
        if last is None:
            category = question.category
            return [f"train the Category {category} script and submit its model (tfexam submit {category})"]
        if last.graded:
            return ["submit again before the time is up: the graded attempts came too late to count"]
        return [f"fix what refused the last submission: {last.reason}"]
    result = best.record.result
    found = [a.text for a in result.advice]
    margin = result.metric.margin() if result.metric else None
    if margin and margin.next:
        name = result.metric.name
        found.append(f"raise {name} from {result.metric.value:.4g} to {margin.next.threshold:g} for "
                     f"{margin.next.score}/{MAX_SCORE}")
    elif margin and margin.held and result.metric.interval and _interval_crosses(result.metric, margin.held.threshold):
        interval = result.metric.interval.text()
        found.append(f"5/5 is within the noise of the hidden data ({interval} reaches past {margin.held.threshold:g}): "
                     "a more accurate model keeps it safe")
    return found


def _interval_crosses(metric, threshold: float) -> bool:
    return metric.interval.low < threshold <= metric.interval.high if metric.higher_is_better \
        else metric.interval.low <= threshold < metric.interval.high
