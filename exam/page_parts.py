"""The HTML pieces both tfexam pages share (report.html, class.html and the candidate pages): one style sheet, escaping,
numbers, a grader's diagnostics as tables, PNG plots embedded as data: URIs. No script, no network."""

from __future__ import annotations

import base64
import html
from pathlib import Path

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
.continuation { font-family: Georgia, "Times New Roman", serif; font-size: 17px; }
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
.curves svg { max-width: 480px; }
ul.advice { margin: 6px 0 12px; padding: 0; list-style: none; }
ul.advice li { margin: 6px 0; padding: 8px 12px; border-left: 4px solid #0072b2; background: #eef5fb; border-radius: 4px; }
.safety { margin: 8px 0 0; color: var(--muted); }
.steps { margin: 6px 0 12px; padding-left: 1.3em; }
.steps li { margin: 3px 0; }
.steps li:first-child { font-weight: 600; }
.practise { margin: 6px 0; padding-left: 1.3em; }
.practise > li { margin: 8px 0; }
.scroll { overflow-x: auto; max-width: 100%; margin: 6px 0 12px; }
table.confusion { width: auto; }
table.confusion th, table.confusion td { text-align: right; white-space: nowrap; padding: 4px 8px; }
table.confusion th { text-transform: none; letter-spacing: 0; font-size: 13px; }
table.confusion th.true { text-align: left; position: sticky; left: 0; background: var(--panel); white-space: normal; }
table.confusion td.hit { background: #d9efe2; font-weight: 700; color: var(--pass); }
table.confusion td.miss { background: #fdecea; }
@media (max-width: 600px) {
  main { margin: 0; padding: 16px 14px 24px; border-radius: 0; }
  h1 { font-size: 21px; }
  .verdict { flex-direction: column; align-items: flex-start; gap: 8px; }
  .bar { width: 100%; }
  .plots { grid-template-columns: 1fr; }
  #categories { overflow-x: auto; }
  .ladder { flex-wrap: wrap; }
  .ladder div { flex: 1 0 30%; }
}
"""



def escape(text) -> str:
    return html.escape(str(text), quote=True)


_e = escape


def figure(path: Path | None, name: str) -> str:
    """A PNG embedded as a data: URI with its caption; a line saying so when the file is missing or not a PNG."""
    caption = PLOT_CAPTIONS.get(name, name)
    try:
        data = path.read_bytes() if path else b""
    except OSError:
        data = b""
    if not data.startswith(PNG_MAGIC):
        return f"<p class=\"muted\">{_e(caption)}: the file {_e(name)} is missing or not a PNG.</p>"
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return (f"<figure><img src=\"{uri}\" alt=\"{_e(caption)}\" data-file=\"{_e(name)}\">"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def number(value) -> str:
    if isinstance(value, bool) or value is None:
        return _e("-" if value is None else value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"
    return _e(value)


def _label(key: str) -> str:
    return _e(key.replace("_", " "))


def diagnostics_table(diagnostics: dict, skip_matrices: bool) -> str:
    """Any grader's diagnostics, generically: scalars, small maps, tables of records, matrices."""
    rows, tables = [], []
    for key, value in diagnostics.items():
        if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
            cells = ", ".join(f"{_label(str(k))} {number(v)}" for k, v in value.items())
            rows.append(f"<tr><th>{_label(key)}</th><td>{cells}</td></tr>")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(_records_table(key, value))
        elif key == "confusion_matrix" and _labelled(value, diagnostics.get("class_names")):
            tables.append(_confusion(value, diagnostics["class_names"]))
        elif isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            if not skip_matrices:
                tables.append(_matrix(key, value))
        elif isinstance(value, list):
            rows.append(f"<tr><th>{_label(key)}</th><td>{', '.join(number(v) for v in value)}</td></tr>")
        elif not isinstance(value, dict):
            rows.append(f"<tr><th>{_label(key)}</th><td>{number(value)}</td></tr>")
    if not rows and not tables:
        return ""
    head = f"<table class=\"diagnostics\"><tbody>{''.join(rows)}</tbody></table>" if rows else ""
    return head + "".join(tables)


def _records_table(key: str, items: list[dict]) -> str:
    columns = sorted(dict.fromkeys(k for item in items for k in item), key=lambda c: c not in LEADING_COLUMNS)
    shown = items[:TABLE_ROWS_SHOWN]
    more = f"<p class=\"muted\">{len(items) - len(shown)} more not shown.</p>" if len(items) > len(shown) else ""
    body = "".join("<tr>" + "".join(f"<td>{number(item.get(c))}</td>" for c in columns) + "</tr>" for item in shown)
    return (f"<h3>{_label(key).capitalize()}</h3><table class=\"records\"><thead><tr>"
            + "".join(f"<th>{_label(c)}</th>" for c in columns) + f"</tr></thead><tbody>{body}</tbody></table>{more}")


def _labelled(matrix, names) -> bool:
    """A square matrix of counts with one class name per row, as the classification graders record it."""
    return (isinstance(names, list) and all(isinstance(n, str) for n in names) and isinstance(matrix, list)
            and len(matrix) == len(names) > 0
            and all(isinstance(row, list) and len(row) == len(names) for row in matrix))


def _confusion(matrix: list[list], names: list[str]) -> str:
    """Rows: the true class; columns: the model's answer; the diagonal (right answers) in green, its own scroll box."""
    head = "".join(f"<th scope=\"col\">{_e(name)}</th>" for name in names)
    rows = "".join(
        f"<tr><th scope=\"row\" class=\"true\">{_e(name)}</th>"
        + "".join(f"<td class=\"{'hit' if i == j else 'miss' if _positive(v) else ''}\">{number(v)}</td>"
                  for j, v in enumerate(row)) + "</tr>"
        for i, (name, row) in enumerate(zip(names, matrix)))
    return ("<h3>Confusion matrix</h3><p class=\"muted\">Rows: the true class of each hidden example; columns: "
            "the model's answer. The diagonal (green) holds the right answers.</p>"
            "<div class=\"scroll\"><table class=\"confusion\"><thead><tr><th class=\"true\">true &#8595; "
            f"answer &#8594;</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _matrix(key: str, matrix: list[list]) -> str:
    body = "".join("<tr>" + "".join(f"<td class=\"num\">{number(v)}</td>" for v in row) + "</tr>" for row in matrix)
    return f"<h3>{_label(key).capitalize()}</h3><table class=\"matrix\"><tbody>{body}</tbody></table>"


_number = number
