"""tfexam questions: the question bank as declared (no TensorFlow: it reads hidden_tests/*.toml only)."""

from __future__ import annotations

from exam.output import Reply, untyped

from tfexam import questions


def row(question: questions.Question) -> dict:
    return {
        "id": question.id,
        "category": question.category,
        "kind": question.kind,
        "data": ", ".join(question.datasets) or "in the starter",
        "skills": list(question.skills),
        "reference_seconds": question.reference_seconds,
        "default": question.default,
        "title": question.title,
    }


def run(*, category: int | None = None) -> Reply:
    """The question bank, with each reference solution's training time."""
    bank = [q for q in questions.all_questions().values() if q.ready and category in (None, q.category)]
    bank.sort(key=lambda q: (q.category, q.id))
    rows = [row(q) for q in bank]
    lines = [f"{'id':<30} {'cat':>3}  {'kind':<20} {'data':<32} {'train s':>7}  skills"]
    for r in rows:
        seconds = "-" if r["reference_seconds"] is None else f"{r['reference_seconds']:.0f}"
        mark = "*" if r["default"] else " "
        lines.append(f"{r['id'] + mark:<30} {r['category']:>3}  {r['kind']:<20} {r['data']:<32} {seconds:>7}  {', '.join(r['skills'])}")
    lines.append("* the category's default question; `tfexam start` draws one question per category "
                 "(`--seed N` repeats a draw, `--question ID` fixes one)")
    return untyped(0, {"questions": rows}, "\n".join(lines))
