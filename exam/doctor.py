"""`tfexam doctor`: is this machine ready for a sitting? One verdict per check, each with the fix.

TensorFlow never loads here: the .h5 round trip and the speed test run in one child process
(python -m graders.selfcheck), so a broken installation is a verdict line, not a crash of the doctor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tfexam import content, questions

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
TESTED_PYTHON = (3, 11)
PINNED = ("tensorflow", "keras", "tf-keras")
PROBE_TIMEOUT_S = 600
SITTING_S = 300 * 60
RUNS_PER_QUESTION = 8  # training runs a candidate typically makes per question in a sitting (first try, fixes, tuning)
DISK_MARGIN = 1 << 30  # models, kept submissions, TensorFlow's own caches


@dataclass
class Verdict:
    name: str
    verdict: str  # ok | warn | fail | skip
    message: str
    fix: str = ""
    details: dict = field(default_factory=dict)

    def line(self, width: int = 10) -> str:
        fix = f"  -> {self.fix}" if self.fix and self.verdict != OK else ""  # a skipped check says how to run it
        return f"{self.verdict.upper():<5} {self.name:<{width}} {self.message}{fix}"


def python_check() -> Verdict:
    version = ".".join(map(str, sys.version_info[:3]))
    tested = ".".join(map(str, TESTED_PYTHON))
    if sys.version_info[:2] == TESTED_PYTHON:
        return Verdict("python", OK, f"Python {version} ({sys.executable}), the tested version")
    if sys.version_info[:2] < TESTED_PYTHON:
        return Verdict("python", FAIL, f"Python {version} is older than {tested}, which tfexam needs",
                       f"install Python {tested} and recreate the environment: python -m pip install -r requirements.txt")
    return Verdict("python", WARN, f"Python {version}; tfexam is tested on {tested}",
                   f"if TensorFlow misbehaves, use Python {tested}")


pins = content.pins  # shipped inside the package (tfexam/requirements.txt), so an installed tfexam reads them too


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_checks(pinned: dict[str, str] | None = None) -> list[Verdict]:
    pinned = pins() if pinned is None else pinned
    verdicts = []
    for name in PINNED:
        installed, wanted = _installed(name), pinned.get(name)
        install = f"python -m pip install {name}=={wanted}" if wanted else "python -m pip install -r requirements.txt"
        if installed is None and name == "tf-keras":
            verdicts.append(Verdict(name, WARN, "not installed: course-era scripts (Keras 2, TF_USE_LEGACY_KERAS=1) "
                                    "cannot run", f"python -m pip install tf-keras=={_matching_tf_keras()}"))
        elif installed is None:
            verdicts.append(Verdict(name, FAIL, "not installed", install))
        elif wanted and installed != wanted:
            verdicts.append(Verdict(name, WARN, f"{installed} installed; tfexam is tested with {wanted}", install))
        elif name == "tf-keras" and not _same_minor(installed, _installed("tensorflow")):
            verdicts.append(Verdict(name, WARN, f"{installed} does not match TensorFlow {_installed('tensorflow')} "
                                    "(tf-keras must share TensorFlow's minor version)",
                                    f"python -m pip install tf-keras=={_matching_tf_keras()}"))
        else:
            note = "the tested pin" if wanted else "matches TensorFlow (not pinned in tfexam/requirements.txt)"
            verdicts.append(Verdict(name, OK, f"{installed}, {note}"))
    return verdicts


def _same_minor(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.split(".")[:2] == b.split(".")[:2]


def _matching_tf_keras() -> str:
    tensorflow = _installed("tensorflow") or pins().get("tensorflow", "")
    return ".".join(tensorflow.split(".")[:2]) + ".*" if tensorflow else "<your TensorFlow version>"


def dataset_checks() -> list[Verdict]:
    from tfexam.data import cache
    from tfexam.data.mirror import MirrorError, configured
    from tfexam.data.registry import resolve_all

    names = sorted({name for q in questions.all_questions().values() if q.ready for name in q.datasets})
    files = resolve_all(names)
    cached = [f for f in files if cache.read_stamp(f) is not None]
    missing = [f for f in files if f not in cached]
    mirror, mirror_error, listed = configured(), None, []
    if mirror:
        try:
            listed = [f for f in missing if mirror.entry(f.name)]
        except MirrorError as error:
            mirror_error = str(error)
    where = cache.cache_dir()
    details = {"cache": str(where), "cached": [f.name for f in cached], "missing": [f.name for f in missing],
               "missing_bytes": sum(f.size for f in missing)}
    if not missing:
        data = Verdict("datasets", OK, f"all {len(files)} files the questions use are cached and verified in {where}",
                       details=details)
    else:
        names_missing = ", ".join(f.name for f in missing)
        if mirror and not mirror_error and len(listed) == len(missing):
            how = "the mirror has them"
        else:
            how = "they will be downloaded from their canonical URLs (needs the internet)"
        data = Verdict("datasets", WARN, f"{len(cached)} of {len(files)} files cached in {where}; missing: "
                       f"{names_missing}; {how}", "tfexam fetch --all (before the exam, while online)", details)
    if not mirror:
        source = Verdict("mirror", SKIP, "TFEXAM_DATA_MIRROR is not set: datasets come from their canonical URLs",
                         "to work offline, set TFEXAM_DATA_MIRROR to a folder holding the files and a MANIFEST.tsv")
    elif mirror_error:
        source = Verdict("mirror", FAIL, f"{mirror} cannot be read: {mirror_error}",
                         "fix TFEXAM_DATA_MIRROR (a folder or http(s) URL with a MANIFEST.tsv) or unset it")
    else:
        source = Verdict("mirror", OK, f"{mirror}: {len(mirror.entries())} files listed"
                         + (f", {len(listed)} of the {len(missing)} missing ones" if missing else ""))
    return [data, source]


def _existing(path: Path) -> Path:
    for folder in (path, *path.parents):
        if folder.exists():
            return folder
    return Path.cwd()


def disk_check(workspace: Path, missing_bytes: int) -> Verdict:
    from tfexam.data import cache
    from tfexam.data.progress import human_size

    need = 2 * missing_bytes + DISK_MARGIN  # archives are kept beside their extraction
    places = {str(_existing(p)): shutil.disk_usage(_existing(p)).free for p in (workspace, cache.cache_dir())}
    tightest = min(places, key=places.get)
    free = places[tightest]
    details = {"free_bytes": places, "needed_bytes": need}
    message = f"{human_size(free)} free at {tightest}; the exam needs about {human_size(need)}"
    if free < need:
        return Verdict("disk", FAIL, message, "free some disk space, or set TFEXAM_DATA_DIR to a bigger disk", details)
    if free < need + 2 * DISK_MARGIN:
        return Verdict("disk", WARN, message, "free some disk space before the exam", details)
    return Verdict("disk", OK, message, details=details)


def pycharm_check(project: Path) -> Verdict:
    """Our generated configurations in the exam folder: present and as `exam.pycharm` renders them (a learner's own
    configurations, and edited copies of ours, are theirs and not judged)."""
    from exam import pycharm

    run_dir = project / pycharm.RUN_DIRNAME
    wanted = pycharm.expected_files()
    present = {p.name: p for p in run_dir.glob("*.run.xml")} if run_dir.is_dir() else {}
    missing = sorted(set(wanted) - set(present))
    ours = {name: path for name, path in present.items() if pycharm.is_generated(path)}
    stale = sorted(name for name, path in ours.items() if name in wanted and path.read_text(encoding="utf-8") != wanted[name])
    extra = sorted(name for name in ours if name not in wanted)
    interpreter = _project_interpreter(project)
    hint = (f"project interpreter: {interpreter}" if interpreter else
            "not opened in PyCharm yet") + f"; choose the one at {sys.executable}"
    details = {"run_dir": str(run_dir), "missing": missing, "stale": stale, "extra": extra, "interpreter": interpreter,
               "python": sys.executable}
    problems = [f"{len(v)} {k}" for k, v in (("missing", missing), ("out of date", stale), ("no longer used", extra)) if v]
    if not (project / ".idea" / "modules.xml").is_file():
        problems.append(".idea module files missing")
    if problems:
        return Verdict("pycharm", WARN, f"run configurations in {run_dir}: {', '.join(problems)}; {hint}",
                       f"python -m exam.pycharm --project \"{project}\"", details)
    return Verdict("pycharm", OK, f"{len(wanted)} run configurations current in {run_dir}; {hint}", details=details)


def _project_interpreter(project: Path) -> str | None:
    try:
        text = (project / ".idea" / "misc.xml").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'project-jdk-name="([^"]*)"', text)
    return match.group(1) if match else "(none chosen)"


def run_probes(names: list[str], timeout: float = PROBE_TIMEOUT_S) -> tuple[dict, str]:
    """(probe name -> its JSON, error text if the child failed) from one python -m graders.selfcheck, started in
    isolation like every grading process (exam/launch.py): no file of the workspace or the checkout can be imported."""
    from exam import launch

    env = launch.environment()
    env.pop("TF_USE_LEGACY_KERAS", None)  # the reference solution is Keras 3 code
    folder = launch.private_folder()
    try:
        done = subprocess.run(launch.command("graders.selfcheck", *names), env=env, capture_output=True,
                              text=True, timeout=timeout, cwd=folder)
        stdout, stderr, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        stdout, stderr, code = expired.stdout or "", f"stopped after {timeout:g} s", None
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
    finally:
        launch.remove(folder)
    results = {}
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "probe" in item:
            results[item["probe"]] = item
    error = ""
    if code != 0:
        last = [line for line in (stderr or "").strip().splitlines() if line.strip()][-1:]
        error = f"exit {code}: {last[0][:200]}" if last and code is not None else (stderr or f"exit {code}")
    return results, error


def roundtrip_check(result: dict | None, error: str) -> Verdict:
    if not result:
        return Verdict("h5", FAIL, f"TensorFlow could not save and load an .h5 model ({error or 'no answer'})",
                       "reinstall the pinned packages: python -m pip install --force-reinstall -r requirements.txt")
    keras2 = result.get("keras2_h5")
    message = (f"TensorFlow {result['tensorflow']} / Keras {result['keras']}: a model saved as .h5 loads back as "
               f"Submit and Test loads it (TensorFlow's start {result['import_s']:.1f} s)")
    if not result.get("keras3_h5"):
        return Verdict("h5", FAIL, "an .h5 model does not load back with the same predictions",
                       "reinstall h5py and TensorFlow: python -m pip install --force-reinstall -r requirements.txt",
                       result)
    if keras2 is True:
        return Verdict("h5", OK, message + "; a Keras 2 (tf-keras) file loads too", details=result)
    return Verdict("h5", WARN, message + f"; Keras 2 files: {keras2 if isinstance(keras2, str) else 'do not load'}",
                   f"python -m pip install tf-keras=={_matching_tf_keras()}", result)


def speed_check(result: dict | None, error: str, cached: bool) -> Verdict:
    if not cached:
        return Verdict("speed", SKIP, "the Category 3 pictures (horse-or-human) are not in the cache, so no epoch "
                       "was trained", "tfexam fetch horse-or-human, then run tfexam doctor again")
    if not result or not result.get("epoch_s"):
        return Verdict("speed", FAIL, f"one epoch of the Category 3 reference did not train ({error or 'no answer'})",
                       "run `tfexam solve 3` to see the error")
    c3 = questions.default_for_category(3)
    epochs = int(result.get("epochs") or 1)
    # the timed run paid the pictures, the build and its epochs; each further epoch costs what its last one did
    c3_total = result["run_s"] + max(0, epochs - int(result.get("timed_epochs") or 1)) * result["epoch_s"]
    factor = c3_total / c3.reference_seconds
    predicted = {}
    for question in questions.all_questions().values():
        seconds = question.reference_seconds  # measured on the calibration machine (benchmarks/reference_times.py)
        if question.ready and seconds:
            predicted[question.id] = round(seconds * factor, 1)
    # a sitting draws one question per category: plan for the slowest draw
    slowest_draw = {}
    for question_id, seconds in predicted.items():
        category = questions.get(question_id).category
        slowest_draw[category] = max(slowest_draw.get(category, 0.0), seconds)
    planned = RUNS_PER_QUESTION * sum(slowest_draw.values())
    load = _load()
    details = {**result, "reference_c3_s": c3.reference_seconds, "slowdown": round(factor, 2),
               "predicted_reference_s": predicted, "planned_training_s": round(planned), "load_average": load}
    listing = ", ".join(f"{q} {_minutes(s)}" for q, s in predicted.items())
    message = (f"one epoch of the Category 3 reference took {result['epoch_s']:.1f} s once its pictures were cached "
               f"({factor:.1f}x the calibration "
               f"machine); reference training here: {listing}")
    busy = f" (load average {load:.1f} on {os.cpu_count()} cores: other programs share the CPU, so this is pessimistic)" \
        if load is not None and load > (os.cpu_count() or 1) else ""
    slowest = max(predicted.values(), default=0)
    if slowest > 600 or planned > SITTING_S / 2:
        return Verdict("speed", FAIL, f"TOO SLOW for a 5-hour sitting: {message}; {RUNS_PER_QUESTION} training runs per "
                       f"question of the slowest draw would take {_minutes(planned)} of the 300 minutes{busy}",
                       "use a faster machine (or close other programs and run tfexam doctor again)", details)
    if slowest > 300 or planned > SITTING_S / 4:
        return Verdict("speed", WARN, f"slow but workable: {message}; {RUNS_PER_QUESTION} runs per question take "
                       f"{_minutes(planned)}{busy}", "close other programs during the exam; train with fewer epochs "
                       "while you experiment", details)
    return Verdict("speed", OK, f"fast enough: {message}; {RUNS_PER_QUESTION} runs per question take "
                   f"{_minutes(planned)} of the 300 minutes{busy}", details=details)


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def overall(verdicts: list[Verdict]) -> str:
    found = {v.verdict for v in verdicts}
    return FAIL if FAIL in found else WARN if WARN in found else OK


def diagnose(workspace: Path, speed: bool = True) -> list[Verdict]:
    verdicts = [python_check(), *package_checks()]
    datasets = dataset_checks()
    verdicts += datasets
    verdicts.append(disk_check(workspace, datasets[0].details.get("missing_bytes", 0)))
    verdicts.append(pycharm_check(workspace))
    c3_files = [name for name in datasets[0].details.get("cached", []) if name == "horse-or-human.zip"]
    probes = ["roundtrip"] + (["speed"] if speed and c3_files else [])
    results, error = run_probes(probes)
    verdicts.append(roundtrip_check(results.get("roundtrip"), error))
    if speed:
        verdicts.append(speed_check(results.get("speed"), error, bool(c3_files)))
    return verdicts
