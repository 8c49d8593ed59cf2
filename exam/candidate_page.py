"""candidates/<safe name>/index.html: one candidate's page, linked from class.html.

Every file with its status and result as Submit and Test shows it to a learner (score, the rubric's explanation and
hints, every check, the score ladder, diagnostics and plots, embedded), the flags that involve it with their evidence,
and the candidate's Gradescope results.json. Self-contained like report.html; links stay inside the results folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from tfexam.questions import MAX_SCORE
from exam.class_page import Context, cell_badge, page, status_badge
from exam.classresults import GRADED, NO_SUBMISSION, Cell, Row
from exam.page_parts import CATEGORY_COLOURS, diagnostics_table, figure
from exam.page_parts import escape as _e
from exam.page_parts import number as _number

FILE_NAME = "index.html"


def render(context: Context, row: Row, out: Path) -> str:
    home = out / "candidates" / row.folder
    who = _e(row.display) + (f" <span class=\"muted\">({_e(row.candidate)})</span>" if row.name else "")
    report = row.report
    verdict = "PASS" if report["extra_data"]["passed"] else "FAIL"
    body = [
        "<p><a href=\"../../class.html\">&larr; Class results</a></p>",
        f"<header><h1>{who}</h1>",
        f"<p class=\"meta\">{_e(row.email) + ' &middot; ' if row.email else ''}"
        + (f"Weighted total {report['score']:g}/{sum(t['max_score'] for t in report['tests']):g} "
           f"({report['extra_data']['percent']:g}%): <strong>{verdict}</strong>" if row.submitted
           else status_badge(NO_SUBMISSION, "no submission: nothing was found for this candidate"))
        + "</p></header>",
    ]
    if row.notes:
        body.append("<p class=\"note\">" + "<br>".join(_e(n) for n in row.notes) + "</p>")
    if row.flags:
        body += ["<h2>Flags</h2><ul class=\"flags\">"]
        for flag in context.flags:
            if any(m.candidate == row.candidate for m in flag.members):
                others = "; ".join(f"{m.candidate}: C{m.category} {m.file}" for m in flag.members)
                body.append(f"<li><strong>{_e(flag.id)} {_e(flag.kind)}</strong>: {_e(others)}<br>"
                            f"<span class=\"muted\">{_e(flag.evidence)}</span></li>")
        body.append("</ul>")
    body += [_category(context, row, cell, home) for cell in row.cells.values()]
    body += ["<h2>Gradescope results.json</h2>",
             "<p><a href=\"results.json\">results.json</a> (Gradescope's autograder format), as written:</p>",
             f"<pre class=\"card\">{_e(_written(home / 'results.json', report))}</pre>"]
    return page(f"{row.display}: class results", body)


def _category(context: Context, row: Row, cell: Cell, home: Path) -> str:
    question = context.chosen[cell.category]
    parts = [f"<section id=\"category-{cell.category}\"><h2><span class=\"dot\" "
             f"style=\"background:{CATEGORY_COLOURS[cell.category]}\"></span>Category {cell.category}: "
             f"{_e(question.title)} <span class=\"muted\">({_e(question.id)}, weight {question.weight})</span></h2>",
             f"<p>{cell_badge(cell)} {('&middot; ' + _e(cell.file)) if cell.file else ''}"
             f"{(' &middot; sha256 <code>' + _e(cell.sha256) + '</code>') if cell.sha256 else ''}</p>"]
    result = cell.result
    if result is None:
        parts.append(f"<p class=\"muted\">No file for this category{'' if row.submitted else ' (no submission)'}.</p>")
        return "\n".join([*parts, "</section>"])
    if cell.status != GRADED:
        parts.append(f"<p class=\"note\"><strong>{_e(result.status)}</strong>: {_e(result.reason)}</p>")
    if result.metric is not None and result.metric.value is not None:
        metric = result.metric
        sign = "&ge;" if metric.higher_is_better else "&le;"
        ladder = "".join(f"<div class=\"{'reached' if k <= result.score else ''}\">{k}/5 {sign} {t:g}</div>"
                         for k, t in enumerate(metric.thresholds, start=1))
        parts += [f"<div class=\"card\"><span class=\"score\">{result.score}/{MAX_SCORE}</span> &nbsp; "
                  f"{_e(metric.name)} <strong>{_number(metric.value)}</strong><div class=\"ladder\">{ladder}</div></div>"]
    if result.output:
        parts += ["<h3>What the learner is told</h3>", f"<pre class=\"card\">{_e(result.output)}</pre>"]
    if result.checks:
        parts += ["<h3>Checks</h3><table class=\"checks\"><thead><tr><th>Check</th><th>Passed</th><th>Message</th></tr>"
                  "</thead><tbody>",
                  *(f"<tr><td>{_e(c.name)}</td><td>{'yes' if c.passed else '<strong>no</strong>'}</td>"
                    f"<td>{_e(c.message)}</td></tr>" for c in result.checks), "</tbody></table>"]
    plots = [figure(_artifact(home, cell, recorded), Path(recorded).name) for recorded in result.artifacts]
    table = diagnostics_table(result.diagnostics, skip_matrices=bool(plots))
    if table:
        parts += ["<h3>Diagnostics</h3>", table]
    if plots:
        parts += ["<h3>Plots</h3>", "<div class=\"plots\">", *plots, "</div>"]
    if result.fingerprint is not None:
        mark = result.fingerprint
        parts.append(f"<p class=\"muted\">Model fingerprint: {mark.parameters:,} weights; architecture "
                     f"<code>{_e(mark.architecture[:16])}</code>, weights <code>{_e(mark.weights[:16])}</code>, "
                     f"rounded <code>{_e(mark.rounded[:16])}</code> (the similarity check compares these).</p>")
    usage = result.usage
    if usage is not None:
        parts.append(f"<p class=\"muted\">Graded in {usage.seconds:g} s, peak memory {usage.peak_mb:g} MB"
                     f"{(', stopped: ' + _e(result.stopped)) if result.stopped else ''}.</p>")
    return "\n".join([*parts, "</section>"])


def _written(path: Path, report: dict) -> str:
    """results.json exactly as written beside this page (as tfexam.files.write_json writes it, if it is gone)."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return json.dumps(report, indent=2, sort_keys=True) + "\n"


def _artifact(home: Path, cell: Cell, recorded: str) -> Path | None:
    """A plot by its name in this candidate's own artifacts folder: a stored result never points the page elsewhere."""
    folder = (home / "artifacts" / f"c{cell.category}").resolve()
    path = (folder / Path(recorded).name).resolve()
    return path if path.parent == folder and path.is_file() else None
