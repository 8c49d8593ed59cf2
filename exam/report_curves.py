"""The report's training curves: the run behind a best attempt drawn as inline SVG (loss, and the question's metric,
training and validation), its advice, and the `train --repeat` series of the category.

Everything shown comes from the learner's training process: names are escaped and values are only ever numbers.
"""

from __future__ import annotations

import html
import math

from tfexam.questions import MAX_SCORE
from exam import advice
from exam.curves import Fit
from exam.runs import Run
from exam.verbs import repeat

LOG_SCALE_ABOVE = 20
TRAINING, VALIDATION = "#0072b2", "#d55e00"  # Okabe-Ito blue and vermilion: apart for colour-blind readers too


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def metric_name(fit: Fit, question) -> str | None:
    """The log key of the question's metric (an accuracy by any of Keras' names), else the first other metric."""
    wanted = question.metric.name
    names = [n for n in fit.names if not n.startswith("val_") and n != "loss"]
    aliases = advice.ACCURACY_NAMES if wanted in advice.ACCURACY_NAMES else (wanted,)
    return next((n for n in (wanted, *aliases) if n in names), names[0] if names else None)


def chart(fit: Fit, name: str, title: str) -> str:
    width, height, left, right, top, bottom = 460, 250, 58, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    lines = [(key, fit.series(key), colour, dash, label) for key, colour, dash, label in
             ((name, TRAINING, "", "training"), (f"val_{name}", VALIDATION, "6 4", "validation"))]
    values = [v for _, series, *_ in lines for v in series if v is not None]
    if not values:
        return ""
    low, high = min(values), max(values)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    logarithmic = low > 0 and high / low > LOG_SCALE_ABOVE  # a first epoch's loss would flatten the rest to a line
    scale = math.log10 if logarithmic else (lambda v: v)
    bottom_value, top_value = scale(low), scale(high)
    count = len(fit.epochs)

    def x(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (scale(v) - bottom_value) / (top_value - bottom_value))

    parts = [f"<svg class=\"curve\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" "
             f"aria-label=\"{_e(title)} per epoch, training and validation\">",
             f"<text x=\"{left}\" y=\"18\" font-size=\"13\" font-weight=\"600\" fill=\"#1d2330\">{_e(title)}"
             f"{' (log scale)' if logarithmic else ''}</text>",
             f"<rect x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"#fbfcfe\" stroke=\"#dde2ea\"/>"]
    for k in range(5):
        value = 10 ** (bottom_value + (top_value - bottom_value) * k / 4) if logarithmic else low + (high - low) * k / 4
        parts.append(f"<line x1=\"{left}\" x2=\"{left + plot_w}\" y1=\"{y(value):.1f}\" y2=\"{y(value):.1f}\" "
                     "stroke=\"#e6eaf0\"/>")
        parts.append(f"<text x=\"{left - 6}\" y=\"{y(value) + 4:.1f}\" text-anchor=\"end\" font-size=\"11\" "
                     f"fill=\"#5b6475\">{value:.3g}</text>")
    step = max(1, round(count / 8))
    for i in range(0, count, step):
        parts.append(f"<text x=\"{x(i):.1f}\" y=\"{top + plot_h + 16}\" text-anchor=\"middle\" font-size=\"11\" "
                     f"fill=\"#5b6475\">{fit.epochs[i].epoch}</text>")
    parts.append(f"<text x=\"{left + plot_w / 2}\" y=\"{height - 4}\" text-anchor=\"middle\" font-size=\"11\" "
                 "fill=\"#5b6475\">epoch</text>")
    for key, series, colour, dash, label in lines:
        for segment in _segments(series):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            dashes = f" stroke-dasharray=\"{dash}\"" if dash else ""
            if len(segment) == 1:
                i, v = segment[0]
                parts.append(f"<circle class=\"{label}\" cx=\"{x(i):.1f}\" cy=\"{y(v):.1f}\" r=\"3\" fill=\"{colour}\"/>")
            else:
                parts.append(f"<polyline class=\"{label}\" points=\"{points}\" fill=\"none\" stroke=\"{colour}\" "
                             f"stroke-width=\"2\"{dashes}/>")
        broken = [i for i, e in enumerate(fit.epochs) if key in e.logs and e.logs[key] is None]
        if broken:
            parts.append(f"<text x=\"{x(broken[0]):.1f}\" y=\"{top + plot_h - 6}\" text-anchor=\"middle\" "
                         f"font-size=\"11\" fill=\"#b42318\">{_e(label)} not a number from here</text>")
    parts.append("</svg>")
    return "".join(parts)


def _segments(series: list[float | None]) -> list[list[tuple[int, float]]]:
    """The series cut where a value is not a number (a diverged loss): each piece is drawn on its own."""
    pieces, current = [], []
    for i, value in enumerate(series):
        if value is None:
            if current:
                pieces.append(current)
            current = []
        else:
            current.append((i, value))
    return pieces + ([current] if current else [])


def run_section(run: Run | None, question, result) -> list[str]:
    """The curves and advice of the run that saved the best attempt's file."""
    if run is None:
        return ["<h3>Training</h3>", "<p class=\"muted\">No recorded training run saved this file (it was trained "
                "outside <code>tfexam train</code>, or before runs were recorded).</p>"]
    fit = run.main_fit
    parts = ["<h3>Training</h3>",
             f"<p class=\"trained-by\">Trained by {_e(run.describe())} under Keras {run.keras}, started "
             f"{_e(run.started_at[:16].replace('T', ' '))} UTC"
             + (f"; learning rate {fit.learning_rate:.3g}" if fit and fit.learning_rate else "")
             + (f"; {len(run.fits)} fits, the longest is drawn" if len(run.fits) > 1 else "") + ".</p>"]
    if fit is None:
        return parts + ["<p class=\"muted\">The run recorded no epoch (no fit call, or its curves were not kept).</p>"]
    charts = [chart(fit, "loss", "Loss")]
    name = metric_name(fit, question)
    if name:
        charts.append(chart(fit, name, name.replace("_", " ")))
    validated = any("val_loss" in e.logs for e in fit.epochs)
    if not validated:
        parts.append("<p class=\"muted\">No validation curve: pass validation_data (or validation_split) to fit to "
                     "see overfitting.</p>")
    parts += ["<div class=\"plots curves\">", *(f"<figure>{c}</figure>" for c in charts if c), "</div>",
              "<div class=\"legend\">"
              f"<span><span class=\"dot\" style=\"background:{TRAINING}\"></span>training</span>"
              + (f"<span><span class=\"dot\" style=\"background:{VALIDATION}\"></span>validation (dashed)</span>"
                 if validated else "") + "</div>"]
    tips = advice.advise(fit, advice.target_of(question, result))
    if tips:
        parts += ["<h3>Next steps from the curves</h3>", "<ul class=\"advice\">",
                  *(f"<li data-rule=\"{_e(t.rule)}\">{_e(t.text)}</li>" for t in tips), "</ul>"]
    return parts


def repeats_section(trained: list[Run], category: int, question) -> list[str]:
    """The latest `train --repeat` series of this category: one row per graded run and the summary line."""
    mine = [r for r in trained if r.category == category and r.series and r.result is not None]
    if not mine:
        return []
    latest = max(mine, key=lambda r: r.id).series
    series = [r for r in mine if r.series == latest]
    rows = []
    for r in series:
        result = r.result
        outcome = (f"{result.score}/{MAX_SCORE}" if result.graded else _e(result.status))
        value = result.metric.value if result.graded and result.metric else None
        rows.append(f"<tr><td class=\"num\">{r.seed if r.seed is not None else '-'}</td><td>{outcome}</td>"
                    f"<td class=\"num\">{'-' if value is None else f'{value:.4g}'}</td>"
                    f"<td>{_e(r.describe())}</td></tr>")
    return ["<h3>Repeated training (<code>tfexam train --repeat</code>, never counted)</h3>",
            f"<p class=\"repeat-summary\"><strong>{_e(repeat.summary(series, question))}</strong></p>",
            "<table class=\"repeats\"><thead><tr><th class=\"num\">Seed</th><th>Score</th>"
            f"<th class=\"num\">{_e(question.metric.name)}</th><th>Run</th></tr></thead><tbody>", *rows,
            "</tbody></table>"]
