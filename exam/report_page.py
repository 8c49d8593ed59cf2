"""report.html: the session's result as one self-contained page (inline CSS and SVG, PNGs as data: URIs).

No script, no network, no TensorFlow: it opens offline in any browser and can be mailed as one file.
The numbers come from exam.report; the diagnostics and plots from the ledger's record of each best attempt.
"""

from __future__ import annotations

import time
from pathlib import Path

from tfexam import checklist, files, questions
from tfexam.questions import MAX_SCORE
from tfexam.result import Continuation
from exam import ledger, practice, report, report_curves, runs
from exam.page_parts import CATEGORY_COLOURS, CSS, diagnostics_table as _diagnostics, escape as _e, figure
from exam.page_parts import number as _number
from exam.attempt import Attempt, ReferenceShown
from exam.output import progress
from exam.session import Session, format_duration, iso

FILE_NAME = "report.html"


def write(workspace: Path, session: Session, records: list[report.Record]) -> Path:
    """Render report.html into the workspace (replacing an older one atomically); returns its path."""
    path = Path(workspace) / FILE_NAME
    files.write_text(path, render(Path(workspace), session, records), readable_by_others=True)
    return path


def publish(workspace: Path, session: Session, records: list[report.Record]) -> tuple[str, str]:
    """What `end` and `report` do: write the page; its path (the reply's report_html) and the line that names it."""
    path = write(workspace, session, records)
    return str(path), f"Report: {path}"


def render(workspace: Path, session: Session, records: list[report.Record], now: float | None = None) -> str:
    now = time.time() if now is None else now
    data = report.summary(session, records)
    lines = report.category_lines(session, records)
    found = report.attempts(session, records)
    shown = report.reference_shown(session, records)
    _, after_last = report.time_spent(session, found)
    trained, skipped = runs.load_all(workspace)
    for problem in skipped:
        progress(f"warning: {problem}")
    plans = {plan.category: plan for plan in practice.plans(session, records)}
    state = (f"ended {format_duration(session.ended_at - session.started_at)} after the start" if session.ended
             else f"running, {format_duration(session.time_left(now))} left" if session.time_left(now) > 0
             else "over time, not ended")
    body = [
        "<header>",
        "<h1>TensorFlow Developer Certificate &middot; mock exam report</h1>",
        f"<p class=\"meta\">Session {_e(session.id)} &middot; started {_e(_when(session.started_at))} &middot; "
        f"{session.minutes:g} minutes &middot; {_e(state)}</p>",
        "</header>",
        _verdict(data),
        _categories_table(lines, after_last),
        _practise_section(list(plans.values())),
        _timeline(session, found, shown, now),
        *(_category_section(workspace, session, line, found, shown, trained, plans[line.category]) for line in lines),
        f"<footer>Written by tfexam on {_e(_when(now))} from {_e(str(ledger.ledger_file(workspace)))}. "
        "Best on-time score per category counts; late attempts are shown but never count.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>tfexam report - {_e(session.id)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _when(epoch: float) -> str:
    return iso(epoch).replace("T", " ").replace("+00:00", " UTC")


def _verdict(data: report.Summary) -> str:
    passed = data.passed
    share = min(100.0, data.percent)
    note = report.reference_note(data)
    return "\n".join([
        f"<section id=\"result\" class=\"verdict{' pass' if passed else ''}\">",
        f"<div class=\"badge\">{report.verdict(data)}</div>",
        "<div>",
        f"<div class=\"total\">Weighted total <strong>{data.weighted_score} / {data.weighted_max}</strong> "
        f"= <strong>{data.percent}%</strong> <span class=\"muted\">(pass mark {data.pass_mark_percent}%)</span></div>",
        f"<div class=\"bar\"><span style=\"width:{share:.1f}%\"></span>"
        f"<i style=\"left:{data.pass_mark_percent}%\" title=\"pass mark\"></i></div>",
        "</div>",
        "</section>",
        f"<p class=\"note\" id=\"reference-note\">{_e(note)}</p>" if note else "",
    ])


def _categories_table(lines: list[report.CategoryLine], after_last: float) -> str:
    rows = []
    for line in lines:
        best = "&ndash;" if line.best is None else f"{line.best}/{MAX_SCORE}"
        weighted = f"{(line.best or 0) * line.weight}/{MAX_SCORE * line.weight}"
        tries = f"{line.attempts}" + (f" <span class=\"flag late\">{line.late_attempts} late</span>"
                                      if line.late_attempts else "")
        flags = "<span class=\"flag\">reference shown</span>" if line.reference_shown else ""
        question = questions.get(line.question)
        rows.append(
            f"<tr><td><span class=\"dot\" style=\"background:{CATEGORY_COLOURS[line.category]}\"></span>"
            f"<a href=\"#category-{line.category}\">{line.category} &middot; {_e(question.category_name)}</a></td>"
            f"<td>{_e(question.title)}</td><td class=\"num\"><strong>{best}</strong></td>"
            f"<td class=\"num\">{line.weight}</td><td class=\"num\">{weighted}</td><td class=\"num\">{tries}</td>"
            f"<td class=\"num\">{format_duration(line.seconds_spent)}</td><td>{flags}</td></tr>")
    return "\n".join([
        "<section id=\"categories\">",
        "<h2>Categories</h2>",
        "<table>",
        "<thead><tr><th>Category</th><th>Question</th><th class=\"num\">Best on time</th><th class=\"num\">Weight</th>"
        "<th class=\"num\">Weighted</th><th class=\"num\">Attempts</th><th class=\"num\">Time spent</th><th></th></tr></thead>",
        "<tbody>", *rows, "</tbody>",
        "</table>",
        f"<p class=\"muted\">Time spent: the time between one submission (or the start) and the next is counted for "
        f"the category of the next one; {format_duration(after_last)} passed after the last submission.</p>",
        "</section>",
    ])


def _ticks(span: float) -> tuple[float, list[float]]:
    for step in (10, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 10:
            break
    return step, [i * step for i in range(int(span // step) + 1)]


def _clock(seconds: float, step: float) -> str:
    seconds = int(round(seconds))
    if step >= 60:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def _timeline(session: Session, found: list[report.Timed], shown: dict[int, ReferenceShown], now: float) -> str:
    width, height, left, right, top, bottom = 960, 320, 56, 24, 34, 46
    deadline = session.deadline - session.started_at
    finish = (session.ended_at if session.ended else min(now, session.deadline)) - session.started_at
    events = [a.at for a in found] + [r.at - session.started_at for r in shown.values()]
    span = max([finish, 60.0, *events]) * 1.06
    step, ticks = _ticks(span)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(t: float) -> float:
        return left + plot_w * max(0.0, t) / span

    def y(score: float) -> float:
        return top + 12 + (plot_h - 24) * (1 - score / MAX_SCORE)  # 0/5 and 5/5 kept off the frame

    parts = [f"<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" "
             "aria-label=\"Score of every submission against the time since the start\">",
             f"<rect x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"#fbfcfe\" stroke=\"#dde2ea\"/>"]
    for score in range(MAX_SCORE + 1):
        parts.append(f"<line x1=\"{left}\" x2=\"{left + plot_w}\" y1=\"{y(score):.1f}\" y2=\"{y(score):.1f}\" "
                     "stroke=\"#e6eaf0\"/>")
        parts.append(f"<text x=\"{left - 10}\" y=\"{y(score) + 4:.1f}\" text-anchor=\"end\" font-size=\"12\" "
                     f"fill=\"#5b6475\">{score}/5</text>")
    for tick in ticks:
        parts.append(f"<line x1=\"{x(tick):.1f}\" x2=\"{x(tick):.1f}\" y1=\"{top + plot_h}\" y2=\"{top + plot_h + 5}\" "
                     "stroke=\"#5b6475\"/>")
        parts.append(f"<text x=\"{x(tick):.1f}\" y=\"{top + plot_h + 19}\" text-anchor=\"middle\" font-size=\"12\" "
                     f"fill=\"#5b6475\">{_clock(tick, step)}</text>")
    parts.append(f"<text x=\"{left + plot_w / 2}\" y=\"{height - 6}\" text-anchor=\"middle\" font-size=\"12\" "
                 f"fill=\"#5b6475\">time since the start ({'h:mm' if step >= 60 else 'm:ss'})</text>")
    if deadline <= span:
        parts.append(f"<line x1=\"{x(deadline):.1f}\" x2=\"{x(deadline):.1f}\" y1=\"{top}\" y2=\"{top + plot_h}\" "
                     "stroke=\"#b42318\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>")
        parts.append(f"<text x=\"{x(deadline):.1f}\" y=\"{top - 8}\" text-anchor=\"middle\" font-size=\"12\" "
                     "fill=\"#b42318\">deadline</text>")
    if session.ended and session.ended_at - session.started_at < deadline:
        end = session.ended_at - session.started_at
        parts.append(f"<line x1=\"{x(end):.1f}\" x2=\"{x(end):.1f}\" y1=\"{top}\" y2=\"{top + plot_h}\" "
                     "stroke=\"#1d2330\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>")
        parts.append(f"<text x=\"{x(end):.1f}\" y=\"{top - 8}\" text-anchor=\"middle\" font-size=\"12\" "
                     "fill=\"#1d2330\">ended</text>")
    for category, record in sorted(shown.items()):
        at = x(record.at - session.started_at)
        colour = CATEGORY_COLOURS.get(category, "#888")
        parts.append(f"<line x1=\"{at:.1f}\" x2=\"{at:.1f}\" y1=\"{top}\" y2=\"{top + plot_h}\" stroke=\"{colour}\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"1 3\"/>")
        label = at - 4  # rotated text reads upwards with its glyphs left of this x: beside the line, not on it
        parts.append(f"<text x=\"{label:.1f}\" y=\"{top + plot_h - 6}\" font-size=\"11\" fill=\"#9a5b00\" "
                     f"transform=\"rotate(-90 {label:.1f} {top + plot_h - 6})\">C{category} reference shown</text>")
    for attempt in found:
        parts.append(_marker(attempt, x(attempt.at), y(attempt.score if attempt.record.result.graded else 0)))
    parts.append("</svg>")
    legend = ["<div class=\"legend\">"]
    for category in sorted({a.category for a in found} | set(shown)):
        legend.append(f"<span><span class=\"dot\" style=\"background:{CATEGORY_COLOURS.get(category, '#888')}\"></span>"
                      f"Category {category}</span>")
    legend += ["<span>&#9679; graded on time &middot; &#9711; late (does not count) &middot; &#10005; refused or "
               "stopped &middot; ringed: best on-time attempt &middot; <span style=\"color:#e08a00\">dashed orange ring</span>: "
               "after the reference was shown</span>", "</div>"]
    empty = "" if found else "<p class=\"muted\">No submissions yet.</p>"
    return "\n".join(["<section id=\"timeline\">", "<h2>Attempts over time</h2>", empty, *parts, *legend, "</section>"])


def _marker(attempt: report.Timed, cx: float, cy: float) -> str:
    colour = CATEGORY_COLOURS.get(attempt.category, "#888")
    tip = (f"Category {attempt.category} at {format_duration(attempt.at)}: "
           + (f"{attempt.score}/5" if attempt.record.result.graded else attempt.status)
           + (" (late)" if attempt.late else "") + (" (after the reference was shown)" if attempt.flagged else ""))
    title = f"<title>{_e(tip)}</title>"
    if attempt.status != "graded":
        return (f"<g class=\"attempt refused\" stroke=\"{colour}\" stroke-width=\"3\">{title}"
                f"<line x1=\"{cx - 6:.1f}\" y1=\"{cy - 6:.1f}\" x2=\"{cx + 6:.1f}\" y2=\"{cy + 6:.1f}\"/>"
                f"<line x1=\"{cx - 6:.1f}\" y1=\"{cy + 6:.1f}\" x2=\"{cx + 6:.1f}\" y2=\"{cy - 6:.1f}\"/></g>")
    flag = (f"<circle cx=\"{cx:.1f}\" cy=\"{cy:.1f}\" r=\"15\" fill=\"none\" stroke=\"#e08a00\" stroke-width=\"2\" "
            "stroke-dasharray=\"3 2\"/>" if attempt.flagged else "")
    if attempt.late:
        return (f"<g class=\"attempt late\">{title}{flag}<circle cx=\"{cx:.1f}\" cy=\"{cy:.1f}\" r=\"7\" fill=\"#fff\" "
                f"stroke=\"{colour}\" stroke-width=\"2.5\"/><text x=\"{cx + 18:.1f}\" y=\"{cy + 4:.1f}\" "
                "font-size=\"11\" fill=\"#b42318\">late</text></g>")
    ring = (f"<circle cx=\"{cx:.1f}\" cy=\"{cy:.1f}\" r=\"11\" fill=\"none\" stroke=\"#1d2330\" stroke-width=\"1.5\"/>"
            if attempt.best else "")
    return (f"<g class=\"attempt graded\">{title}{ring}{flag}<circle cx=\"{cx:.1f}\" cy=\"{cy:.1f}\" r=\"7\" "
            f"fill=\"{colour}\"/></g>")


def _practise_section(plans: list[practice.Plan]) -> str:
    """Across categories: the ones below 5/5, weakest first, each with its first step and the skills it practises."""
    weakest = practice.to_practise(plans)
    if not weakest:
        return ("<section id=\"practise\"><h2>What to practise next</h2><p>Every category is at 5/5: practise "
                "under time pressure, or draw other questions (<code>tfexam start --draw</code>).</p></section>")
    items = []
    for plan in weakest:
        question = questions.get(plan.question)
        score = "nothing graded yet" if plan.score is None else f"{plan.score}/{MAX_SCORE}"
        items.append(f"<li><a href=\"#category-{plan.category}\"><strong>Category {plan.category} &middot; "
                     f"{_e(question.category_name)}</strong></a> ({score}): {_e(plan.first_step)}"
                     + (f"<br><span class=\"muted\">Skills: {_e('; '.join(plan.skills))}</span>" if plan.skills else "")
                     + "</li>")
    return "\n".join(["<section id=\"practise\">", "<h2>What to practise next</h2>",
                      "<ol class=\"practise\">", *items, "</ol>", "</section>"])


def _steps(plan: practice.Plan) -> list[str]:
    if not plan.steps:
        return []
    return ["<h3>Advice and next steps</h3>", "<ol class=\"steps\">", *(f"<li>{_e(step)}</li>" for step in plan.steps),
            "</ol>"]


def _category_section(workspace: Path, session: Session, line: report.CategoryLine, found: list[report.Timed],
                      shown: dict[int, ReferenceShown], trained: list[runs.Run], plan: practice.Plan) -> str:
    question = questions.get(line.question)
    mine = [a for a in found if a.category == line.category]
    best = next((a for a in mine if a.best), None)
    skills = [checklist.skill_label(skill) for skill in getattr(question, "skills", ()) or ()]
    parts = [
        f"<section id=\"category-{line.category}\" class=\"category\">",
        f"<h2><span class=\"dot\" style=\"background:{CATEGORY_COLOURS[line.category]}\"></span>"
        f"Category {line.category} &middot; {_e(question.category_name)}: {_e(question.title)}</h2>",
        f"<p>{_e(question.summary)}</p>",
    ]
    if skills:
        parts += ["<h3>Skills this question checks</h3>", "<ul class=\"chips skills\">",
                  *(f"<li>{_e(skill)}</li>" for skill in skills), "</ul>"]
    if line.category in shown:
        parts.append(f"<p class=\"note\">The reference solution was shown for this category "
                     f"({_e(_when(shown[line.category].at))}, "
                     f"<code>tfexam solve {line.category}</code>). {line.flagged_attempts} submission(s) came after "
                     "it; they are graded and counted, and flagged here.</p>")
    if best is None:
        parts.append("<p class=\"muted\">No on-time graded attempt in this category.</p>")
    else:
        parts += _best_attempt(workspace, question, best, _steps(plan))
        parts += report_curves.run_section(runs.by_id(trained, best.record.run), question, best.record.result)
    if best is None:
        parts += _steps(plan)
    parts += report_curves.repeats_section(trained, line.category, question)
    parts += _attempts_table(mine)
    parts.append("</section>")
    return "\n".join(parts)


def _best_attempt(workspace: Path, question, best: report.Timed, steps: list[str]) -> list[str]:
    record = best.record
    metric = record.result.metric
    thresholds = (metric and metric.thresholds) or list(question.metric.thresholds)
    comparison = "&ge;" if (metric.higher_is_better if metric else question.metric.higher_is_better) else "&le;"
    value = metric.value if metric else None
    ladder = "".join(f"<div class=\"{'reached' if k <= best.score else ''}\">{k}/5 {comparison} {t:g}</div>"
                     for k, t in enumerate(thresholds, start=1))
    parts = [
        "<h3>Best on-time attempt</h3>",
        "<div class=\"card best-attempt\">",
        f"<div><span class=\"score\">{best.score}/{MAX_SCORE}</span> &nbsp; {_e(metric.name if metric else question.metric.name)} "
        f"<strong>{_number(value)}</strong> <span class=\"muted\">&middot; submitted {format_duration(best.at)} after the "
        f"start{' &middot; after the reference was shown' if best.flagged else ''}</span></div>",
        f"<div class=\"ladder\">{ladder}</div>",
        f"<p class=\"safety\">How safe: {_e(metric.safety_text())}</p>" if metric and metric.value is not None else "",
        *_slip(record.result.rescoring),
        "</div>",
        *steps,
    ]
    diagnostics = record.result.diagnostics
    plots = [p for p in (_embedded(workspace, record, a) for a in record.result.artifacts) if p]
    table = _diagnostics(diagnostics, skip_matrices=bool(plots))
    if table:
        parts += ["<h3>Diagnostics</h3>", table]
    written = Continuation.of(diagnostics)
    if written:
        parts += ["<h3>The model writes</h3>", f"<p class=\"card continuation\"><span class=\"muted\">{_e(written.seed)}</span> "
                  f"{_e(' '.join(written.words))}</p>"]
    if plots:
        parts += ["<h3>Plots</h3>", "<div class=\"plots\">", *plots, "</div>"]
    return parts


def _slip(rescoring) -> list[str]:
    """The preprocessing slip the re-scoring found (graders/slips/), in the grader's own words."""
    if rescoring is None or rescoring.slip is None:
        return []
    return [f"<p class=\"note slip\"><strong>Preprocessing slip:</strong> {_e(rescoring.slip.line)}</p>"]


def _artifact_path(workspace: Path, record: Attempt, recorded: str) -> Path | None:
    """The PNG as recorded, or beside the kept copy of the model when the workspace was moved."""
    candidates = [Path(recorded)]
    if record.model_copy:
        candidates.append(workspace / Path(record.model_copy).parent / "artifacts" / Path(recorded).name)
    inside = Path(workspace).resolve()  # a ledger line is not trusted to name files elsewhere (or /dev/zero)
    return next((c for c in candidates if c.resolve().is_relative_to(inside) and c.is_file()), None)


def _embedded(workspace: Path, record: Attempt, recorded: str) -> str:
    return figure(_artifact_path(workspace, record, recorded), Path(recorded).name)


def _attempts_table(mine: list[report.Timed]) -> list[str]:
    if not mine:
        return ["<p class=\"muted\">No submissions.</p>"]
    rows = []
    for attempt in mine:
        result = attempt.record.result
        metric = result.metric
        if result.graded:
            outcome = (f"{attempt.score}/{MAX_SCORE} &middot; {_e(metric.name if metric else '')} "
                       f"{_number(metric.value if metric else None)}")
        else:
            failed = result.failed_check
            outcome = f"{_e(attempt.status)}: {_e((failed and failed.message) or result.stopped or '')}"
        flags = "".join([
            "<span class=\"flag best\">best</span> " if attempt.best else "",
            "<span class=\"flag late\">late</span> " if attempt.late else "",
            "<span class=\"flag\">after reference shown</span>" if attempt.flagged else "",
        ])
        rows.append(f"<tr><td class=\"num\">{format_duration(attempt.at)}</td><td>{outcome}</td><td>{flags}</td></tr>")
    return ["<h3>Attempts</h3>", "<table class=\"attempts\">",
            "<thead><tr><th class=\"num\">At</th><th>Outcome</th><th></th></tr></thead>", "<tbody>", *rows,
            "</tbody></table>"]
