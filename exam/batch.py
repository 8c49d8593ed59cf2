"""Grading a class: find the submissions in a folder (exam/classfolder.py), grade them with warm workers, write what
a teacher needs.

Output (default DIR/_tfexam/):
  class.csv, files.csv, flags.csv, class.html   the class files, beside `candidates/`, so no candidate name can
                                          replace them (exam/class_page.py)
  candidates/<safe name>/results.json     Gradescope format; <safe name> is classfolder.safe_folder(candidate)
  candidates/<safe name>/index.html       the candidate's page (exam/candidate_page.py)
  candidates/<safe name>/c<N>.json        each file's result, reused by a rerun while its sha256 and question hold
  candidates/<safe name>/artifacts/c<N>/  diagnostic PNGs
Every CSV cell goes through exam.spreadsheet (no live formulas); every HTML text through html.escape.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tfexam import files, questions
from tfexam.errors import ExamError
from tfexam.limits import Limits
from tfexam.checks import CheckName
from tfexam.questions import MAX_SCORE, Question
from tfexam.result import NO_USAGE, REFUSED, ERROR, Result
from tfexam.similarity import RULES
from exam import candidate_page, class_page, flags, gradescope, grading
from exam.classfolder import (OUT_NAME, Found, Submission, blocked_submissions, candidate_key, discover, printable,
                              relative_label)
from exam.classresults import Cell, Row, cell_status
from exam.roster import Person
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
                 progress=print, found: Found | None = None, roster: dict[str, Person] | None = None) -> dict:
    """Grade every submission of `found` (discovered now if not given; reusing earlier results unless `force`), then
    write the class files; a summary."""
    started = time.monotonic()

    def say(line: str) -> None:  # grader messages quote file names: no escape codes reach the terminal
        progress(printable(line))

    found = discover(folder, out, {k: p.id for k, p in (roster or {}).items()}) if found is None else found
    for line in found.skipped:
        say(f"skipped {line}")
    for candidate, notes in found.notes.items():
        say(f"note: {candidate}: {'; '.join(notes)}")
    for candidate in found.absent:
        say(f"no submission: {candidate} (on the roster, no file found)")
    submissions = [s for s in found.submissions if s.category in chosen]
    submissions += blocked_submissions(found, sorted({s.category for s in submissions}) or sorted(chosen))
    results: dict[Submission, Result] = {}
    shas: dict[Submission, str] = {}
    todo = []
    for submission in submissions:
        if submission.problem:
            say(f"not graded: {submission.problem}")
            results[submission] = _unopened(chosen[submission.category], submission.problem)
            continue
        stored = _stored(_home(out, found, submission) / f"{submission.key}.json")
        wanted = fingerprint(submission.path, limits)
        shas[submission] = wanted
        if not force and stored and stored[0] == wanted and stored[1] == chosen[submission.category].id and (
                stored[2].fingerprint is not None or not stored[2].graded):  # graded before fingerprints: again
            results[submission] = stored[2]
        else:
            todo.append((submission, wanted))
    reused = len(results) - sum(1 for s in submissions if s.problem)
    if reused:
        say(f"{reused} file(s) already graded (kept; --force grades them again)")
    jobs = [grading.Job(s.path, chosen[s.category], _home(out, found, s) / "artifacts" / s.key, fingerprint=True)
            for s, _ in todo]
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
    summary = write_class(folder, out, found, submissions, results, chosen, shas, roster or {})
    for flag in summary["flags"]:
        say(f"flag {flag['id']}: {flag['kind']}: {', '.join(flag['candidates'])} ({flag['evidence']})")
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


def write_class(folder: Path, out: Path, found: Found, submissions: list[Submission], results: dict, chosen: dict,
                shas: dict | None = None, roster: dict[str, Person] | None = None) -> dict:
    shas, roster = shas or {}, roster or {}
    categories = sorted({s.category for s in submissions}) or sorted(chosen)
    candidates = sorted({s.candidate for s in submissions} | set(found.absent), key=str.casefold)
    entries = [flags.Entry(s.candidate, s.category, relative_label(folder, s.path), _sha(shas.get(s)),
                           results[s].fingerprint) for s in submissions if s in results]
    found_flags = flags.find(entries)
    table: list[Row] = []
    for candidate in candidates:
        mine = {s.category: s for s in submissions if s.candidate == candidate}
        cells, tests = {}, []
        for category in categories:
            submission = mine.get(category)
            result = results.get(submission) if submission else None
            label = relative_label(folder, submission.path) if submission else ""
            tests.append(gradescope.test_entry(chosen[category], result, label))
            cells[category] = Cell(category, cell_status(submission, result, bool(mine)), submission, result, label,
                                   _sha(shas.get(submission)))
        seconds = sum((results[s].usage or NO_USAGE).seconds for s in mine.values() if s in results)
        report = gradescope.results(tests, seconds, heading=f"{candidate}: ")
        home = out / CANDIDATES / found.folders[candidate]
        home.mkdir(parents=True, exist_ok=True)
        files.write_json(home / "results.json", report)
        person = roster.get(candidate_key(candidate), Person(candidate))
        theirs = flags.of_candidate(found_flags, candidate)
        table.append(Row(candidate, found.folders[candidate], cells, name=person.name, email=person.email,
                         notes=list(found.notes.get(candidate, [])), flags=[flags.describe(f, candidate) for f in theirs],
                         similar_to=sorted({c for f in theirs for c in f.candidates if c != candidate}, key=str.casefold),
                         report=report))
    rows = [_class_row(row, categories) for row in table]
    file_rows = [_file_row(row.candidate, chosen[c.category], c, found_flags) for row in table for c in row.cells.values()
                 if c.submission is not None and c.result is not None]
    write_csv(out / "class.csv", rows, ["candidate", *[f"c{c}" for c in categories], "weighted_score", "weighted_max",
                                        "percent", "result", "failed_files", "results_folder", "note", "name", "email",
                                        "status", *[f"c{c}_status" for c in categories], "flags", "similar_to", "page"])
    write_csv(out / "files.csv", file_rows, list(FILE_COLUMNS))
    write_csv(out / "flags.csv", _flag_rows(found_flags), list(FLAG_COLUMNS))
    context = class_page.Context(folder=folder, categories=categories, chosen=chosen, rows=table, flags=found_flags,
                                 skipped=list(found.skipped), absent=list(found.absent),
                                 unrostered=list(found.unrostered), roster=bool(roster))
    for row in table:
        files.write_text(out / CANDIDATES / row.folder / candidate_page.FILE_NAME, candidate_page.render(context, row, out),
                         readable_by_others=True)
    files.write_text(out / "class.html", class_page.render(context), readable_by_others=True)
    return {"out": str(out), "candidates": len(candidates), "files": len(file_rows),
            "graded": sum(1 for r in file_rows if r["status"] == "graded"),
            "failed": sum(1 for r in file_rows if r["status"] != "graded"),
            "no_submission": list(found.absent), "not_on_roster": list(found.unrostered),
            "flags": [{"id": f.id, "kind": f.kind, "candidates": f.candidates, "evidence": f.evidence} for f in found_flags],
            "class_csv": str(out / "class.csv"), "files_csv": str(out / "files.csv"),
            "flags_csv": str(out / "flags.csv"), "html": str(out / "class.html")}


def _sha(value: str | None) -> str | None:
    """A file's sha256, or None when only its size and time were taken (batch.fingerprint)."""
    return value if isinstance(value, str) and len(value) == 64 else None


def _class_row(row: Row, categories: list[int]) -> dict:
    tests = {int(t["number"]): t for t in row.report["tests"]}
    return {"candidate": row.candidate,
            **{f"c{c}": tests[c]["extra_data"]["exam_score"] if "extra_data" in tests[c] else "" for c in categories},
            "weighted_score": row.report["score"], "weighted_max": sum(t["max_score"] for t in tests.values()),
            "percent": row.report["extra_data"]["percent"],
            "result": "PASS" if row.report["extra_data"]["passed"] else "FAIL",
            "failed_files": sum(1 for c in row.cells.values() if c.status in (REFUSED, ERROR)),
            "results_folder": f"{CANDIDATES}/{row.folder}", "note": "; ".join(row.notes), "name": row.name,
            "email": row.email, "status": row.status, **{f"c{c}_status": row.cells[c].status for c in categories},
            "flags": "; ".join(row.flags), "similar_to": "; ".join(row.similar_to),
            "page": f"{CANDIDATES}/{row.folder}/{candidate_page.FILE_NAME}"}


FILE_COLUMNS = ("candidate", "category", "question", "file", "status", "score", "weight", "metric", "value",
                "interval_low", "interval_high", "margin", "stopped", "reason", "seconds", "peak_mb", "sha256", "flags")
FLAG_COLUMNS = ("flag", "kind", "category", "candidate", "file", "sha256", "evidence", "rule")


def _file_row(candidate: str, question: Question, cell: Cell, found_flags: list) -> dict:
    result, usage = cell.result, cell.result.usage
    mine = [f.id for f in found_flags if any(m.candidate == candidate and m.category == cell.category for m in f.members)]
    return {"candidate": candidate, "category": question.category, "question": question.id, "file": cell.file,
            "status": result.status, "score": result.score, "weight": question.weight, **_metric_cells(result),
            "stopped": result.stopped or "", "reason": "" if result.graded else result.reason,
            "seconds": usage.seconds if usage else "", "peak_mb": usage.peak_mb if usage else "",
            "sha256": cell.sha256 or "", "flags": " ".join(mine)}


def _flag_rows(found_flags: list) -> list[dict]:
    return [{"flag": f.id, "kind": f.kind, "category": m.category, "candidate": m.candidate, "file": m.file,
             "sha256": m.sha256 or "", "evidence": f.evidence, "rule": RULES[f.kind]}
            for f in found_flags for m in f.members]


def _metric_cells(result: Result) -> dict:
    """The value, its interval and its distance to the thresholds around it (empty for a file not graded)."""
    metric = result.metric
    if not (result.graded and metric and metric.value is not None):
        return {"metric": "", "value": "", "interval_low": "", "interval_high": "", "margin": ""}
    interval = metric.interval
    return {"metric": metric.name, "value": metric.value, "interval_low": interval.low if interval else "",
            "interval_high": interval.high if interval else "", "margin": metric.margin().text(metric.name)}


def questions_for(chosen_ids: list[str] | None) -> dict[int, Question]:
    """The question graded in each category: the category's default, or the one named with --question."""
    chosen = {c: q for c in questions.CATEGORIES if (q := questions.default_for_category(c)) is not None}
    for question_id in chosen_ids or []:
        question = questions.get(question_id)
        chosen[question.category] = question
    return chosen
