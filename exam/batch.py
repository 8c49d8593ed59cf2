"""Grading a class: find the submissions in a folder, grade them with warm workers, write what a teacher needs.

Layouts (both may be mixed in one folder; names starting with "." or "_" are skipped):
  one folder per candidate   DIR/<candidate>/Category<N>/mymodel.h5   (or mymodel.keras; "category 4" also matches)
  flat files                 DIR/<candidate>_c<N>.h5                  (also -c<N>, _category<N>, any case: Bob-C4.h5)
Output (default DIR/_tfexam/): <candidate>/c<N>.json (each file's result, reused by a rerun while the file's sha256
and question are unchanged), <candidate>/results.json (Gradescope format), <candidate>/artifacts/c<N>/ (diagnostic
PNGs), class.csv (one row per candidate), files.csv (one row per file, with the reason a file failed), class.html.
"""

from __future__ import annotations

import csv
import html
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from core import files, questions
from core.limits import Limits
from core.questions import MAX_SCORE, Question
from exam import gradescope, grading

OUT_NAME = "_tfexam"
MODEL_NAMES = ("mymodel.h5", "mymodel.keras")
CATEGORY_DIR = re.compile(r"^category[ _-]?([1-5])$", re.IGNORECASE)
FLAT_FILE = re.compile(r"^(?P<candidate>.+?)[_-]c(?:ategory)?(?P<category>[1-5])\.(?:h5|keras)$", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    candidate: str
    category: int
    path: Path

    @property
    def key(self) -> str:
        return f"c{self.category}"


def discover(folder: Path) -> tuple[list[Submission], list[str]]:
    """The submissions in `folder`, and one line for every entry that follows neither layout."""
    found: dict[tuple[str, int], Submission] = {}
    ignored = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir():
            inside = _in_candidate_folder(entry)
            if not inside:
                ignored.append(f"{entry.name}/: no Category<N>/mymodel.h5 inside")
            for submission in inside:
                found[(submission.candidate, submission.category)] = submission
            continue
        match = FLAT_FILE.match(entry.name)
        if match is None:
            ignored.append(f"{entry.name}: not named <candidate>_c<N>.h5")
            continue
        submission = Submission(match["candidate"], int(match["category"]), entry)
        if (submission.candidate, submission.category) in found:
            ignored.append(f"{entry.name}: {submission.candidate} already has a category {submission.category} file")
        else:
            found[(submission.candidate, submission.category)] = submission
    return sorted(found.values(), key=lambda s: (s.candidate.lower(), s.category)), ignored


def _in_candidate_folder(folder: Path) -> list[Submission]:
    result = []
    for sub in sorted(folder.iterdir()):
        match = CATEGORY_DIR.match(sub.name)
        if match and sub.is_dir():
            model = next((sub / name for name in MODEL_NAMES if (sub / name).exists() or (sub / name).is_symlink()), None)
            if model is not None:
                result.append(Submission(folder.name, int(match[1]), model))
    return result


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
                 progress=print) -> dict:
    """Grade every submission (reusing earlier results unless `force`), then write the class files; a summary."""
    started = time.monotonic()
    submissions, ignored = discover(folder)
    for line in ignored:
        progress(f"skipped {line}")
    submissions = [s for s in submissions if s.category in chosen]
    results: dict[Submission, dict] = {}
    todo = []
    for submission in submissions:
        stored = _stored(out, submission)
        wanted = fingerprint(submission.path, limits)
        if not force and stored and stored.get("sha256") == wanted and stored.get("question") == chosen[submission.category].id:
            results[submission] = stored["result"]
        else:
            todo.append((submission, wanted))
    if results:
        progress(f"{len(results)} file(s) already graded (kept; --force grades them again)")
    jobs = [grading.Job(s.path, chosen[s.category], out / s.candidate / "artifacts" / s.key) for s, _ in todo]
    done_count = [0]

    def on_done(index: int, job, result: dict) -> None:
        submission, wanted = todo[index]
        results[submission] = result
        (out / submission.candidate).mkdir(parents=True, exist_ok=True)
        files.write_json(out / submission.candidate / f"{submission.key}.json",
                         {"file": _shown(folder, submission.path), "sha256": wanted, "question": job.question.id, "result": result})
        done_count[0] += 1
        progress(f"[{done_count[0]}/{len(todo)}] {submission.candidate} category {submission.category}: {_verdict(result)}")

    if todo:
        progress(f"grading {len(todo)} file(s) with {workers} worker(s)...")
    _, started_workers = grading.grade_many(jobs, limits, workers, on_done)
    summary = write_class(folder, out, submissions, results, chosen)
    summary |= {"graded_now": len(todo), "reused": len(submissions) - len(todo), "ignored": ignored,
                "workers_started": started_workers, "seconds": round(time.monotonic() - started, 1)}
    return summary


def _stored(out: Path, submission: Submission) -> dict | None:
    try:
        return json.loads((out / submission.candidate / f"{submission.key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _shown(folder: Path, path: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def _verdict(result: dict) -> str:
    if result["status"] == "graded":
        return f"{result['score']}/{MAX_SCORE} ({result['usage']['seconds']:g} s)"
    return f"{result['status']}: {reason(result)}"


def reason(result: dict) -> str:
    return next((c["message"] for c in result.get("checks", []) if not c.get("passed")), result.get("output", ""))


def write_class(folder: Path, out: Path, submissions: list[Submission], results: dict, chosen: dict) -> dict:
    categories = sorted({s.category for s in submissions}) or sorted(chosen)
    candidates = sorted({s.candidate for s in submissions}, key=str.lower)
    rows, file_rows = [], []
    for candidate in candidates:
        mine = {s.category: s for s in submissions if s.candidate == candidate}
        tests = []
        for category in categories:
            submission = mine.get(category)
            result = results.get(submission) if submission else None
            label = _shown(folder, submission.path) if submission else ""
            tests.append(gradescope.test_entry(chosen[category], result, label))
            if submission and result:
                file_rows.append(_file_row(candidate, chosen[category], label, result))
        seconds = sum((results[s].get("usage") or {}).get("seconds", 0) for s in mine.values() if s in results)
        report = gradescope.results(tests, seconds, heading=f"{candidate}: ")
        (out / candidate).mkdir(parents=True, exist_ok=True)
        files.write_json(out / candidate / "results.json", report)
        rows.append({"candidate": candidate,
                     **{f"c{t['number']}": t["extra_data"]["exam_score"] if "extra_data" in t else "" for t in tests},
                     "weighted_score": report["score"], "weighted_max": sum(t["max_score"] for t in tests),
                     "percent": report["extra_data"]["percent"], "result": "PASS" if report["extra_data"]["passed"] else "FAIL",
                     "failed_files": sum(1 for t in tests if t.get("extra_data", {}).get("status", "graded") != "graded")})
    _write_csv(out / "class.csv", rows, ["candidate", *[f"c{c}" for c in categories], "weighted_score", "weighted_max",
                                         "percent", "result", "failed_files"])
    _write_csv(out / "files.csv", file_rows, list(FILE_COLUMNS))
    (out / "class.html").write_text(_html(folder, categories, chosen, rows, file_rows), encoding="utf-8")
    return {"out": str(out), "candidates": len(candidates), "files": len(file_rows),
            "graded": sum(1 for r in file_rows if r["status"] == "graded"),
            "failed": sum(1 for r in file_rows if r["status"] != "graded"),
            "class_csv": str(out / "class.csv"), "files_csv": str(out / "files.csv"), "html": str(out / "class.html")}


FILE_COLUMNS = ("candidate", "category", "question", "file", "status", "score", "weight", "stopped", "reason", "seconds", "peak_mb")


def _file_row(candidate: str, question: Question, label: str, result: dict) -> dict:
    usage = result.get("usage") or {}
    return {"candidate": candidate, "category": question.category, "question": question.id, "file": label,
            "status": result["status"], "score": result["score"], "weight": question.weight,
            "stopped": result.get("stopped") or "", "reason": "" if result["status"] == "graded" else reason(result),
            "seconds": usage.get("seconds", ""), "peak_mb": usage.get("peak_mb", "")}


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
         "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f3f3f3}"
         ".PASS{color:#1a7f37;font-weight:bold}.FAIL{color:#b42318;font-weight:bold}.bad{background:#fdecea}")


def _html(folder: Path, categories: list[int], chosen: dict, rows: list[dict], file_rows: list[dict]) -> str:
    e = html.escape
    head = "".join(f"<th>C{c} ({e(chosen[c].id)}, weight {chosen[c].weight})</th>" for c in categories)
    body = "".join(
        f"<tr><td>{e(r['candidate'])}</td>" + "".join(f"<td>{e(str(r[f'c{c}']))}</td>" for c in categories)
        + f"<td>{r['weighted_score']:g}/{r['weighted_max']:g}</td><td>{r['percent']:g}%</td>"
          f"<td class=\"{r['result']}\">{r['result']}</td></tr>" for r in rows)
    detail = "".join(
        f"<tr class=\"{'' if f['status'] == 'graded' else 'bad'}\">" + "".join(f"<td>{e(str(f[c]))}</td>" for c in
                                                                             ("candidate", "category", "file", "status", "score", "reason", "seconds"))
        + "</tr>" for f in file_rows)
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>Class results: {e(folder.name)}</title>"
            f"<style>{STYLE}</style></head><body><h1>Class results: {e(folder.name)}</h1>"
            f"<p>{len(rows)} candidates, {len(file_rows)} files; scores are x/{MAX_SCORE} per category, the total is "
            f"weighted by category.</p><table><tr><th>candidate</th>{head}<th>total</th><th>%</th><th>result</th></tr>"
            f"{body}</table><h2>Files</h2><table><tr><th>candidate</th><th>category</th><th>file</th><th>status</th>"
            f"<th>score</th><th>reason</th><th>seconds</th></tr>{detail}</table></body></html>")


def questions_for(chosen_ids: list[str] | None) -> dict[int, Question]:
    """The question graded in each category: the category's default, or the one named with --question."""
    chosen = {c: q for c in questions.CATEGORIES if (q := questions.default_for_category(c)) is not None}
    for question_id in chosen_ids or []:
        question = questions.get(question_id)
        chosen[question.category] = question
    return chosen
