"""class.html: a class's results as one self-contained page (inline CSS and SVG, no script, no network).

Per category: the score distribution (an SVG histogram of 0-5, with refused/stopped and missing beside it), mean,
median and pass rate; the hardest question; one row per candidate with every cell's status in words and colour,
linked to the candidate's page; identical and similar work with its evidence; skipped files with their reason.
The numbers and their rules are exam/classresults.py's; every name and message is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tfexam.questions import MAX_SCORE, Question
from tfexam.similarity import RULES
from exam import classresults
from exam.classresults import ERROR, GRADED, MISSING, NO_SUBMISSION, REFUSED, STATUS_WORDS, CategoryStats, Row
from exam.flags import Flag
from exam.page_parts import CATEGORY_COLOURS, CSS
from exam.page_parts import escape as _e
from exam.report import PASS_MARK

CLASS_CSS = """
.status { display: inline-block; min-width: 7.5em; padding: 2px 8px; border-radius: 4px; font-size: 13px;
          border: 1px solid transparent; }
.status.graded { background: #e3f4ea; color: #16794a; border-color: #9fd4b5; }
.status.refused { background: #fde8e7; color: #b42318; border-color: #f3b3ad; font-weight: 600; }
.status.error { background: #fff1d6; color: #9a5b00; border-color: #f0c46c; font-weight: 600; }
.status.missing, .status.no-submission { background: #f1f3f6; color: #5b6475; border: 1px dashed #9aa3b2;
                                          font-style: italic; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px; }
.stats .card h3 { margin-top: 0; }
.hardest { border: 2px solid #b42318; }
dl.numbers { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 6px 0 0; }
dl.numbers dt { color: var(--muted); }
dl.numbers dd { margin: 0; font-weight: 600; }
td.evidence, .flags li { overflow-wrap: anywhere; }
td.PASS { color: var(--pass); font-weight: 700; } td.FAIL { color: var(--fail); font-weight: 700; }
"""


@dataclass
class Context:
    folder: Path
    categories: list[int]
    chosen: dict[int, Question]
    rows: list[Row]
    flags: list[Flag] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    unrostered: list[str] = field(default_factory=list)
    roster: bool = False

    @property
    def stats(self) -> list[CategoryStats]:
        return classresults.category_stats(self.rows, self.chosen, self.categories)


def page(title: str, body: list[str]) -> str:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}{CLASS_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def status_badge(status: str, text: str | None = None) -> str:
    words = text if text is not None else STATUS_WORDS[status]
    return f"<span class=\"status {status.replace(' ', '-')}\">{_e(words)}</span>"


def cell_badge(cell: classresults.Cell) -> str:
    if cell.status == GRADED:
        return status_badge(GRADED, f"{cell.score}/{MAX_SCORE} graded")
    if cell.status in (REFUSED, ERROR):
        return status_badge(cell.status, f"{STATUS_WORDS[cell.status]}, 0")
    return status_badge(cell.status)


def candidate_link(row: Row) -> str:
    return f"candidates/{quote(row.folder)}/index.html"


def percent(share: float | None) -> str:
    return "&ndash;" if share is None else f"{100 * share:.0f}%"


def render(context: Context) -> str:
    rows = context.rows
    stats = context.stats
    hardest = classresults.hardest(stats)
    submitted = [r for r in rows if r.submitted]
    files = [c for r in rows for c in r.cells.values() if c.submission is not None]
    counts = {s: sum(c.status == s for c in files) for s in (GRADED, REFUSED, ERROR)}
    body = [
        f"<header><h1>Class results: {_e(context.folder.name)}</h1>",
        f"<p class=\"meta\">{len(rows)} candidates{' on the roster or found' if context.roster else ''}, "
        f"{len(submitted)} handed in at least one file; {len(files)} files: {counts[GRADED]} graded, "
        f"{counts[REFUSED]} refused, {counts[ERROR]} stopped. Scores are x/{MAX_SCORE} per category; the total is "
        "weighted by category.</p></header>",
        "<section id=\"summary\"><h2>Summary</h2><dl class=\"numbers\">",
        f"<dt>Pass rate</dt><dd>{percent(classresults.pass_rate(rows))} of the {len(submitted)} who handed in "
        f"something reach the pass mark ({100 * PASS_MARK:.0f}% of the weighted total)</dd>",
        (f"<dt>Hardest question</dt><dd>Category {hardest.question.category}: {_e(hardest.question.title)} "
         f"({_e(hardest.question.id)}), mean {hardest.mean:.2f}/{MAX_SCORE}</dd>") if hardest else "",
        f"<dt>Flags</dt><dd>{len(context.flags)} group(s) of identical or similar work"
        f"{' (see below)' if context.flags else ''}</dd>",
        "</dl>",
        f"<p class=\"muted\">Numbers per category: {_e(classresults.STATS_RULE)}; {_e(classresults.PASS_RULE)}.</p>",
        "</section>",
        _categories(stats, hardest),
        _candidates(context),
        _flags(context.flags),
        _files(context),
        _lists(context),
        "<footer>Written by tfexam grade. Each candidate's page holds every file's result, diagnostics, plots and "
        "their Gradescope results.json.</footer>",
    ]
    return page(f"Class results: {context.folder.name}", body)


def histogram(stats: CategoryStats) -> str:
    """Bars for graded scores 0-5, then refused/stopped and missing; each bar's count written above it."""
    labels = [*(str(k) for k in range(MAX_SCORE + 1)), "ref./stop.", "missing"]
    values = [*stats.distribution, stats.counts[REFUSED] + stats.counts[ERROR], stats.counts[MISSING]]
    fills = [*(["#0072b2"] * classresults.CATEGORY_PASS_SCORE),
             *(["#16794a"] * (MAX_SCORE + 1 - classresults.CATEGORY_PASS_SCORE)), "#b42318", "#9aa3b2"]
    width, height, left, bottom, top = 330, 130, 8, 30, 16
    slot = (width - left * 2) / len(values)
    tallest = max(values) or 1
    parts = [f"<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" class=\"histogram\" "
             f"aria-label=\"{_e(_describe(labels, values))}\">"]
    for index, (label, value, fill) in enumerate(zip(labels, values, fills)):
        bar = (height - bottom - top) * value / tallest
        x = left + index * slot + 3
        y = height - bottom - bar
        parts.append(f"<rect x=\"{x:.1f}\" y=\"{y:.1f}\" width=\"{slot - 6:.1f}\" height=\"{bar:.1f}\" fill=\"{fill}\">"
                     f"<title>{_e(label)}: {value}</title></rect>")
        parts.append(f"<text x=\"{x + (slot - 6) / 2:.1f}\" y=\"{y - 3:.1f}\" text-anchor=\"middle\" font-size=\"11\" "
                     f"fill=\"#1d2330\">{value}</text>")
        parts.append(f"<text x=\"{x + (slot - 6) / 2:.1f}\" y=\"{height - bottom + 13}\" text-anchor=\"middle\" "
                     f"font-size=\"{9 if len(label) > 2 else 11}\" fill=\"#5b6475\">{_e(label)}</text>")
    parts.append(f"<line x1=\"{left}\" x2=\"{width - left}\" y1=\"{height - bottom}\" y2=\"{height - bottom}\" "
                 "stroke=\"#5b6475\"/>")
    parts.append(f"<text x=\"{width / 2}\" y=\"{height - 3}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5b6475\">"
                 f"score of graded files (x/{MAX_SCORE}), then files not graded</text></svg>")
    return "".join(parts)


def _describe(labels: list[str], values: list[int]) -> str:
    return "Candidates per score: " + ", ".join(f"{label}: {value}" for label, value in zip(labels, values))


def _categories(stats: list[CategoryStats], hardest: CategoryStats | None) -> str:
    cards = []
    for item in stats:
        question = item.question
        mark = " hardest" if hardest is item and len(stats) > 1 else ""
        counts = ", ".join(f"{n} {STATUS_WORDS[s]}" for s, n in item.counts.items() if n)
        cards.append(
            f"<div class=\"card{mark}\" id=\"stats-c{question.category}\"><h3>"
            f"<span class=\"dot\" style=\"background:{CATEGORY_COLOURS[question.category]}\"></span>"
            f"Category {question.category}: {_e(question.title)}{' &middot; hardest' if mark else ''}</h3>"
            f"{histogram(item)}<dl class=\"numbers\">"
            f"<dt>Mean</dt><dd>{'&ndash;' if item.mean is None else f'{item.mean:.2f}'}</dd>"
            f"<dt>Median</dt><dd>{'&ndash;' if item.median is None else f'{item.median:g}'}</dd>"
            f"<dt>Pass rate</dt><dd>{percent(item.pass_rate)} at {classresults.CATEGORY_PASS_SCORE}/{MAX_SCORE} "
            f"or more</dd><dt>Files</dt><dd>{_e(counts)}</dd></dl></div>")
    return "\n".join(["<section id=\"categories\"><h2>Per category</h2><div class=\"stats\">", *cards, "</div></section>"])


def _candidates(context: Context) -> str:
    head = "".join(f"<th>C{c} ({_e(context.chosen[c].id)}, weight {context.chosen[c].weight})</th>"
                   for c in context.categories)
    lines = []
    for row in context.rows:
        result = "PASS" if row.report["extra_data"]["passed"] else "FAIL"
        total = (f"{row.report['score']:g}/{sum(t['max_score'] for t in row.report['tests']):g}"
                 f" ({row.report['extra_data']['percent']:g}%)")
        who = f"<a href=\"{_e(candidate_link(row))}\">{_e(row.display)}</a>"
        if row.name and row.name != row.candidate:
            who += f"<br><span class=\"muted\">{_e(row.candidate)}</span>"
        notes = [*row.notes, *(f"flag {line}" for line in row.flags)]
        lines.append(
            f"<tr class=\"candidate\"><td>{who}</td>"
            + "".join(f"<td>{cell_badge(row.cells[c])}</td>" for c in context.categories)
            + (f"<td class=\"num\">{total}</td><td class=\"{result}\">{result}</td>" if row.submitted
               else f"<td class=\"num\">&ndash;</td><td>{status_badge(NO_SUBMISSION)}</td>")
            + f"<td>{'<br>'.join(_e(n) for n in notes)}</td></tr>")
    return "\n".join([
        "<section id=\"candidates\"><h2>Candidates</h2>",
        "<p class=\"muted\">Each cell says its status in words: graded (score), refused (the file breaks the question's "
        "contract; counts 0), stopped (a limit or a crash ended the grading; counts 0), missing (nothing handed in for "
        "this category), no submission (a rostered candidate with no file at all). Names link to each candidate's "
        "page.</p>",
        f"<table class=\"candidates\"><thead><tr><th>Candidate</th>{head}<th class=\"num\">Total</th><th>Result</th>"
        "<th>Notes and flags</th></tr></thead><tbody>", *lines, "</tbody></table></section>"])


def _flags(found: list[Flag]) -> str:
    if not found:
        return ("<section id=\"flags\"><h2>Identical and similar work</h2><p>No two candidates handed in identical or "
                "similar work.</p>" + _rules() + "</section>")
    lines = []
    for flag in found:
        members = "<br>".join(f"{_e(m.candidate)}: C{m.category} {_e(m.file)}" for m in flag.members)
        lines.append(f"<tr class=\"flag-row\"><td><strong>{_e(flag.id)}</strong></td><td>{_e(flag.kind)}</td>"
                     f"<td>{members}</td><td class=\"evidence\">{_e(flag.evidence)}</td></tr>")
    return "\n".join(["<section id=\"flags\"><h2>Identical and similar work</h2>",
                      "<table class=\"flags\"><thead><tr><th>Flag</th><th>Kind</th><th>Files</th><th>Evidence</th>"
                      "</tr></thead><tbody>", *lines, "</tbody></table>", _rules(), "</section>"])


def _files(context: Context) -> str:
    lines = []
    for row in context.rows:
        for cell in row.cells.values():
            if cell.submission is None or cell.result is None:
                continue
            result = cell.result
            ids = " ".join(f.id for f in context.flags
                           if any(m.candidate == row.candidate and m.category == cell.category for m in f.members))
            seconds = f"{result.usage.seconds:g}" if result.usage else ""
            lines.append(f"<tr class=\"file\"><td>{_e(row.candidate)}</td><td>{cell.category}</td><td>{_e(cell.file)}</td>"
                         f"<td>{cell_badge(cell)}</td><td>{result.score}</td>"
                         f"<td>{'' if result.graded else _e(result.reason)}</td><td class=\"num\">{seconds}</td>"
                         f"<td>{_e(ids)}</td></tr>")
    return "\n".join(["<section id=\"files\"><h2>Files</h2><table class=\"files\"><thead><tr><th>Candidate</th>"
                      "<th>Category</th><th>File</th><th>Status</th><th>Score</th><th>Reason</th><th>Seconds</th>"
                      "<th>Flags</th></tr></thead><tbody>", *lines, "</tbody></table></section>"])


def _rules() -> str:
    return ("<p class=\"muted\">Rules: " + "; ".join(f"<strong>{_e(kind)}</strong>: {_e(rule)}"
                                                      for kind, rule in RULES.items())
            + ". A flag is evidence to look at, not a verdict.</p>")


def _lists(context: Context) -> str:
    parts = []
    if context.absent:
        parts += ["<h3>On the roster, no submission</h3><ul>", *(f"<li>{_e(n)}</li>" for n in context.absent), "</ul>"]
    if context.unrostered:
        parts += ["<h3>Files of candidates not on the roster (graded)</h3><ul>",
                  *(f"<li>{_e(n)}</li>" for n in context.unrostered), "</ul>"]
    parts += ["<h3>Skipped entries</h3>"]
    parts += (["<ul class=\"skipped\">", *(f"<li>{_e(line)}</li>" for line in context.skipped), "</ul>"]
              if context.skipped else ["<p class=\"muted\">None: every entry of the folder was a submission.</p>"])
    return "\n".join(["<section id=\"other\"><h2>Roster and skipped files</h2>", *parts, "</section>"])
