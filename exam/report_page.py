"""report.html: the session's result as one self-contained page (inline CSS and SVG, PNGs as data: URIs).

No script, no network, no TensorFlow: it opens offline in any browser and can be mailed as one file.
The numbers come from exam.report; the diagnostics and plots from the ledger's record of each best attempt.
"""

from __future__ import annotations

import base64
import html
import os
import time
from pathlib import Path

from tfexam import questions
from tfexam.questions import MAX_SCORE
from exam import ledger, report
from exam.attempt import Attempt, ReferenceShown
from exam.session import Session, format_duration, iso

FILE_NAME = "report.html"
CATEGORY_COLOURS = {1: "#0072b2", 2: "#e69f00", 3: "#009e73", 4: "#cc79a7", 5: "#56b4e9"}  # Okabe-Ito: colour-blind safe
PLOT_CAPTIONS = {
    "confusion_matrix.png": "Confusion matrix on the hidden data",
    "misclassified.png": "Mistakes: hidden examples the model got wrong",
    "forecast.png": "Forecast against the actual hidden values",
}
TABLE_ROWS_SHOWN = 10
LEADING_COLUMNS = ("x", "headline", "file")  # what a row is about comes before the numbers about it (the ledger sorts keys)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

CSS = """
:root { --ink: #1d2330; --muted: #5b6475; --line: #dde2ea; --panel: #f6f8fb; --pass: #16794a; --fail: #b42318;
        --flag: #9a5b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #eef1f5; }
main { max-width: 1040px; margin: 24px auto; background: #fff; padding: 28px 36px 36px; border-radius: 10px;
       box-shadow: 0 1px 4px rgba(20, 30, 50, .12); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 8px; }
.meta { color: var(--muted); margin: 0; }
.verdict { display: flex; align-items: center; gap: 24px; margin: 22px 0 8px; padding: 18px 22px;
           background: var(--panel); border-radius: 8px; border-left: 8px solid var(--fail); }
.verdict.pass { border-left-color: var(--pass); }
.badge { font-size: 30px; font-weight: 800; letter-spacing: .04em; color: var(--fail); }
.pass .badge { color: var(--pass); }
.total { font-size: 18px; }
.bar { position: relative; height: 12px; width: 320px; background: #dfe4ec; border-radius: 6px; margin-top: 6px; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 6px; background: var(--fail); }
.pass .bar span { background: var(--pass); }
.bar i { position: absolute; top: -4px; bottom: -4px; width: 2px; background: var(--ink); }
.note { margin: 12px 0; padding: 10px 14px; border-radius: 6px; background: #fff4e0; border: 1px solid #f2c879;
        color: #5c3a00; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; font-size: 13px; color: var(--muted); text-transform: uppercase;
     letter-spacing: .03em; }
td.num, th.num { text-align: right; }
table.diagnostics { width: auto; min-width: 60%; }
table.diagnostics th { text-transform: none; font-size: 14px; letter-spacing: 0; width: 16em; }
.dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 7px; vertical-align: -1px; }
.flag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
        background: #fff1d6; color: var(--flag); border: 1px solid #f0c46c; white-space: nowrap; }
.flag.late { background: #fde8e7; color: var(--fail); border-color: #f3b3ad; }
.flag.best { background: #e3f4ea; color: var(--pass); border-color: #9fd4b5; }
.muted { color: var(--muted); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 12px; padding: 0; list-style: none; }
.chips li { padding: 2px 10px; border-radius: 12px; background: #e8eefc; color: #23408e; font-size: 13px; }
.ladder { display: flex; gap: 4px; margin: 8px 0 4px; }
.ladder div { flex: 1; text-align: center; padding: 4px 0; border-radius: 4px; background: #e9edf3; font-size: 12px;
              color: var(--muted); }
.ladder div.reached { background: #2f7d57; color: #fff; }
.card { background: var(--panel); border-radius: 8px; padding: 12px 16px; margin: 10px 0; }
.score { font-size: 22px; font-weight: 700; }
figure { margin: 12px 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px;
             background: #fff; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; font-size: 13px; color: var(--muted); margin: 4px 0 0; }
pre { white-space: pre-wrap; font-size: 13px; margin: 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
"""


def write(workspace: Path, session: Session, records: list[report.Record]) -> Path:
    """Render report.html into the workspace (replacing an older one atomically); returns its path."""
    path = Path(workspace) / FILE_NAME
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(render(Path(workspace), session, records), encoding="utf-8")
    os.replace(tmp, path)
    return path


def publish(workspace: Path, session: Session, records: list[report.Record], payload: dict) -> str:
    """What `end` and `report` do: write the page, name it in the JSON payload, return the line that prints it."""
    path = write(workspace, session, records)
    payload["report_html"] = str(path)
    return f"Report: {path}"


def render(workspace: Path, session: Session, records: list[report.Record], now: float | None = None) -> str:
    now = time.time() if now is None else now
    data = report.summary(session, records)
    lines = report.category_lines(session, records)
    found = report.attempts(session, records)
    shown = report.reference_shown(session, records)
    _, after_last = report.time_spent(session, found)
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
        _timeline(session, found, shown, now),
        *(_category_section(workspace, session, line, found, shown) for line in lines),
        f"<footer>Written by tfexam on {_e(_when(now))} from {_e(str(ledger.ledger_file(workspace)))}. "
        "Best on-time score per category counts; late attempts are shown but never count.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>tfexam report - {_e(session.id)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _when(epoch: float) -> str:
    return iso(epoch).replace("T", " ").replace("+00:00", " UTC")


def _verdict(data: dict) -> str:
    passed = data["passed"]
    share = min(100.0, data["percent"])
    note = report.reference_note(data)
    return "\n".join([
        f"<section id=\"result\" class=\"verdict{' pass' if passed else ''}\">",
        f"<div class=\"badge\">{report.verdict(data)}</div>",
        "<div>",
        f"<div class=\"total\">Weighted total <strong>{data['weighted_score']} / {data['weighted_max']}</strong> "
        f"= <strong>{data['percent']}%</strong> <span class=\"muted\">(pass mark {data['pass_mark_percent']}%)</span></div>",
        f"<div class=\"bar\"><span style=\"width:{share:.1f}%\"></span>"
        f"<i style=\"left:{data['pass_mark_percent']}%\" title=\"pass mark\"></i></div>",
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


def _category_section(workspace: Path, session: Session, line: report.CategoryLine, found: list[report.Timed],
                      shown: dict[int, ReferenceShown]) -> str:
    question = questions.get(line.question)
    mine = [a for a in found if a.category == line.category]
    best = next((a for a in mine if a.best), None)
    skills = list(getattr(question, "skills", ()) or ())
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
        parts += _best_attempt(workspace, question, best)
    parts += _attempts_table(mine)
    parts.append("</section>")
    return "\n".join(parts)


def _best_attempt(workspace: Path, question, best: report.Timed) -> list[str]:
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
        *_slip(record.result.rescoring),
        "</div>",
    ]
    diagnostics = record.result.diagnostics
    plots = [p for p in (_embedded(workspace, record, a) for a in record.result.artifacts) if p]
    table = _diagnostics(diagnostics, skip_matrices=bool(plots))
    if table:
        parts += ["<h3>Diagnostics</h3>", table]
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
    name = Path(recorded).name
    caption = PLOT_CAPTIONS.get(name, name)
    path = _artifact_path(workspace, record, recorded)
    data = path.read_bytes() if path else b""
    if not data.startswith(PNG_MAGIC):
        return f"<p class=\"muted\">{_e(caption)}: the file {_e(name)} is missing or not a PNG.</p>"
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return (f"<figure><img src=\"{uri}\" alt=\"{_e(caption)}\" data-file=\"{_e(name)}\">"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _number(value) -> str:
    if isinstance(value, bool) or value is None:
        return _e("-" if value is None else value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"
    return _e(value)


def _label(key: str) -> str:
    return _e(key.replace("_", " "))


def _diagnostics(diagnostics: dict, skip_matrices: bool) -> str:
    """Any grader's diagnostics, generically: scalars, small maps, tables of records, matrices."""
    rows, tables = [], []
    for key, value in diagnostics.items():
        if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
            cells = ", ".join(f"{_label(str(k))} {_number(v)}" for k, v in value.items())
            rows.append(f"<tr><th>{_label(key)}</th><td>{cells}</td></tr>")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(_records_table(key, value))
        elif isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            if not skip_matrices:
                tables.append(_matrix(key, value))
        elif isinstance(value, list):
            rows.append(f"<tr><th>{_label(key)}</th><td>{', '.join(_number(v) for v in value)}</td></tr>")
        elif not isinstance(value, dict):
            rows.append(f"<tr><th>{_label(key)}</th><td>{_number(value)}</td></tr>")
    if not rows and not tables:
        return ""
    head = f"<table class=\"diagnostics\"><tbody>{''.join(rows)}</tbody></table>" if rows else ""
    return head + "".join(tables)


def _records_table(key: str, items: list[dict]) -> str:
    columns = sorted(dict.fromkeys(k for item in items for k in item), key=lambda c: c not in LEADING_COLUMNS)
    shown = items[:TABLE_ROWS_SHOWN]
    more = f"<p class=\"muted\">{len(items) - len(shown)} more not shown.</p>" if len(items) > len(shown) else ""
    body = "".join("<tr>" + "".join(f"<td>{_number(item.get(c))}</td>" for c in columns) + "</tr>" for item in shown)
    return (f"<h3>{_label(key).capitalize()}</h3><table class=\"records\"><thead><tr>"
            + "".join(f"<th>{_label(c)}</th>" for c in columns) + f"</tr></thead><tbody>{body}</tbody></table>{more}")


def _matrix(key: str, matrix: list[list]) -> str:
    body = "".join("<tr>" + "".join(f"<td class=\"num\">{_number(v)}</td>" for v in row) + "</tr>" for row in matrix)
    return f"<h3>{_label(key).capitalize()}</h3><table class=\"matrix\"><tbody>{body}</tbody></table>"


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
