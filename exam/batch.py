"""Grading a class: find the submissions in a folder (exam/classfolder.py), grade them with warm workers, write what
a teacher needs.

Output (default DIR/_tfexam/):
  class.csv, files.csv, class.html        the class files, beside `candidates/`, so no candidate name can replace them
  candidates/<safe name>/results.json     Gradescope format; <safe name> is classfolder.safe_folder(candidate)
  candidates/<safe name>/c<N>.json        each file's result, reused by a rerun while its sha256 and question hold
  candidates/<safe name>/artifacts/c<N>/  diagnostic PNGs
Every CSV cell goes through exam.spreadsheet (no live formulas); every HTML text through html.escape.
"""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

from tfexam import files, questions
from tfexam.errors import ExamError
from tfexam.limits import Limits
from tfexam.checks import CheckName
from tfexam.questions import MAX_SCORE, Question
from tfexam.result import NO_USAGE, Result
from exam import gradescope, grading
from exam.classfolder import OUT_NAME, Found, Submission, blocked_submissions, discover, printable, relative_label
from exam.spreadsheet import write_csv

CANDIDATES = "candidates"

__all__ = ["OUT_NAME", "discover", "grade_folder", "questions_for", "prepare_out"]


def prepare_out(out: Path) -> None:
    """The results folder: a real folder (a link planted under the class folder would send results elsewhere)."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ExamError(f"{out} is a link or a file, not a folder; remove it, or give --out DIR for the results")
    out.mkdir(parents=True, exist_ok=True)


def fingerprint(path: Path, limits: Limits) -> str:
    """The file's sha256; for what cannot or need not be read (a pipe, a folder, a file over the cap) its size and
    time, so a rerun neither blocks on it nor hashes gigabytes."""
    try:
        info = path.stat()
        if path.is_file() and info.st_size <= limits.file_bytes:
            return files.sha256_file(path)
        return f"stat:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        return "missing"


def grade_folder(folder: Path, out: Path, chosen: dict[int, Question], limits: Limits, workers: int, force: bool,
                 progress=print, found: Found | None = None) -> dict:
    """Grade every submission of `found` (discovered now if not given; reusing earlier results unless `force`), then
    write the class files; a summary."""
    started = time.monotonic()

    def say(line: str) -> None:  # grader messages quote file names: no escape codes reach the terminal
        progress(printable(line))

    found = discover(folder, out) if found is None else found
    for line in found.skipped:
        say(f"skipped {line}")
    for candidate, notes in found.notes.items():
        say(f"note: {candidate}: {'; '.join(notes)}")
    submissions = [s for s in found.submissions if s.category in chosen]
    submissions += blocked_submissions(found, sorted({s.category for s in submissions}) or sorted(chosen))
    results: dict[Submission, Result] = {}
    todo = []
    for submission in submissions:
        if submission.problem:
            say(f"not graded: {submission.problem}")
            results[submission] = _unopened(chosen[submission.category], submission.problem)
            continue
        stored = _stored(_home(out, found, submission) / f"{submission.key}.json")
        wanted = fingerprint(submission.path, limits)
        if not force and stored and stored[0] == wanted and stored[1] == chosen[submission.category].id:
            results[submission] = stored[2]
        else:
            todo.append((submission, wanted))
    reused = len(results) - sum(1 for s in submissions if s.problem)
    if reused:
        say(f"{reused} file(s) already graded (kept; --force grades them again)")
    jobs = [grading.Job(s.path, chosen[s.category], _home(out, found, s) / "artifacts" / s.key) for s, _ in todo]
    done_count = [0]

    def on_done(index: int, job, result: Result) -> None:
        submission, wanted = todo[index]
        results[submission] = result
        home = _home(out, found, submission)
        home.mkdir(parents=True, exist_ok=True)
        files.write_json(home / f"{submission.key}.json", {"file": relative_label(folder, submission.path), "sha256": wanted,
                                                           "question": job.question.id, "result": result.to_json()})
        done_count[0] += 1
        say(f"[{done_count[0]}/{len(todo)}] {submission.candidate} category {submission.category}: {_verdict(result)}")

    if todo:
        say(f"grading {len(todo)} file(s) with {workers} worker(s)...")
    _, started_workers = grading.grade_many(jobs, limits, workers, on_done)
    summary = write_class(folder, out, found, submissions, results, chosen)
    summary |= {"graded_now": len(todo), "reused": reused, "ignored": found.skipped, "notes": found.notes,
                "workers_started": started_workers, "seconds": round(time.monotonic() - started, 1)}
    return summary


def _home(out: Path, found: Found, submission: Submission) -> Path:
    """The candidate's results folder: under candidates/, by its safe name, never by the raw name."""
    return out / CANDIDATES / found.folders[submission.candidate]


def _unopened(question: Question, problem: str) -> Result:
    """The result of a file that is never opened (outside the class folder, a special file): a refusal."""
    return Result.refused(question, CheckName.FILE, problem).finish(NO_USAGE)


def _stored(path: Path) -> tuple[str, str, Result] | None:
    """An earlier run's (sha256, question, result), if its result still parses as this version's Result."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        result = Result.from_json(stored["result"])
        if isinstance(result.score, int) and isinstance(stored["sha256"], str) and isinstance(stored["question"], str):
            return stored["sha256"], stored["question"], result
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _verdict(result: Result) -> str:
    if result.graded:
        return f"{result.score}/{MAX_SCORE} ({(result.usage or NO_USAGE).seconds:g} s)"
    return f"{result.status}: {result.reason}"


def write_class(folder: Path, out: Path, found: Found, submissions: list[Submission], results: dict, chosen: dict) -> dict:
    categories = sorted({s.category for s in submissions}) or sorted(chosen)
    candidates = sorted({s.candidate for s in submissions}, key=str.casefold)
    rows, file_rows = [], []
    for candidate in candidates:
        mine = {s.category: s for s in submissions if s.candidate == candidate}
        tests = []
        for category in categories:
            submission = mine.get(category)
            result = results.get(submission) if submission else None
            label = relative_label(folder, submission.path) if submission else ""
            tests.append(gradescope.test_entry(chosen[category], result, label))
            if submission and result:
                file_rows.append(_file_row(candidate, chosen[category], label, result))
        seconds = sum((results[s].usage or NO_USAGE).seconds for s in mine.values() if s in results)
        report = gradescope.results(tests, seconds, heading=f"{candidate}: ")
        home = out / CANDIDATES / found.folders[candidate]
        home.mkdir(parents=True, exist_ok=True)
        files.write_json(home / "results.json", report)
        rows.append({"candidate": candidate,
                     **{f"c{t['number']}": t["extra_data"]["exam_score"] if "extra_data" in t else "" for t in tests},
                     "weighted_score": report["score"], "weighted_max": sum(t["max_score"] for t in tests),
                     "percent": report["extra_data"]["percent"], "result": "PASS" if report["extra_data"]["passed"] else "FAIL",
                     "failed_files": sum(1 for s in mine.values() if s in results and not results[s].graded),
                     "results_folder": f"{CANDIDATES}/{found.folders[candidate]}",
                     "note": "; ".join(found.notes.get(candidate, []))})
    write_csv(out / "class.csv", rows, ["candidate", *[f"c{c}" for c in categories], "weighted_score", "weighted_max",
                                        "percent", "result", "failed_files", "results_folder", "note"])
    write_csv(out / "files.csv", file_rows, list(FILE_COLUMNS))
    page = out / "class.html"
    page.with_name(".class.html.part").write_text(_html(folder, categories, chosen, rows, file_rows), encoding="utf-8")
    page.with_name(".class.html.part").replace(page)
    return {"out": str(out), "candidates": len(candidates), "files": len(file_rows),
            "graded": sum(1 for r in file_rows if r["status"] == "graded"),
            "failed": sum(1 for r in file_rows if r["status"] != "graded"),
            "class_csv": str(out / "class.csv"), "files_csv": str(out / "files.csv"), "html": str(out / "class.html")}


FILE_COLUMNS = ("candidate", "category", "question", "file", "status", "score", "weight", "metric", "value",
                "interval_low", "interval_high", "margin", "stopped", "reason", "seconds", "peak_mb")


def _file_row(candidate: str, question: Question, label: str, result: Result) -> dict:
    usage = result.usage
    return {"candidate": candidate, "category": question.category, "question": question.id, "file": label,
            "status": result.status, "score": result.score, "weight": question.weight, **_metric_cells(result),
            "stopped": result.stopped or "", "reason": "" if result.graded else result.reason,
            "seconds": usage.seconds if usage else "", "peak_mb": usage.peak_mb if usage else ""}


def _metric_cells(result: Result) -> dict:
    """The value, its interval and its distance to the thresholds around it (empty for a file not graded)."""
    metric = result.metric
    if not (result.graded and metric and metric.value is not None):
        return {"metric": "", "value": "", "interval_low": "", "interval_high": "", "margin": ""}
    interval = metric.interval
    return {"metric": metric.name, "value": metric.value, "interval_low": interval.low if interval else "",
            "interval_high": interval.high if interval else "", "margin": metric.margin().text(metric.name)}


STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
         "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f3f3f3}"
         ".PASS{color:#1a7f37;font-weight:bold}.FAIL{color:#b42318;font-weight:bold}.bad{background:#fdecea}")


def _html(folder: Path, categories: list[int], chosen: dict, rows: list[dict], file_rows: list[dict]) -> str:
    e = html.escape
    head = "".join(f"<th>C{c} ({e(chosen[c].id)}, weight {chosen[c].weight})</th>" for c in categories)
    body = "".join(
        f"<tr><td>{e(r['candidate'])}</td>" + "".join(f"<td>{e(str(r[f'c{c}']))}</td>" for c in categories)
        + f"<td>{r['weighted_score']:g}/{r['weighted_max']:g}</td><td>{r['percent']:g}%</td>"
          f"<td class=\"{e(r['result'])}\">{e(r['result'])}</td><td>{e(r['note'])}</td></tr>" for r in rows)
    detail = "".join(
        f"<tr class=\"{'' if f['status'] == 'graded' else 'bad'}\">" + "".join(f"<td>{e(str(f[c]))}</td>" for c in
                                                                             ("candidate", "category", "file", "status", "score", "margin", "reason", "seconds"))
        + "</tr>" for f in file_rows)
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>Class results: {e(folder.name)}</title>"
            f"<style>{STYLE}</style></head><body><h1>Class results: {e(folder.name)}</h1>"
            f"<p>{len(rows)} candidates, {len(file_rows)} files; scores are x/{MAX_SCORE} per category, the total is "
            f"weighted by category.</p><table><tr><th>candidate</th>{head}<th>total</th><th>%</th><th>result</th><th>note</th></tr>"
            f"{body}</table><h2>Files</h2><table><tr><th>candidate</th><th>category</th><th>file</th><th>status</th>"
            f"<th>score</th><th>margin</th><th>reason</th><th>seconds</th></tr>{detail}</table></body></html>")


def questions_for(chosen_ids: list[str] | None) -> dict[int, Question]:
    """The question graded in each category: the category's default, or the one named with --question."""
    chosen = {c: q for c in questions.CATEGORIES if (q := questions.default_for_category(c)) is not None}
    for question_id in chosen_ids or []:
        question = questions.get(question_id)
        chosen[question.category] = question
    return chosen
