"""The command-line contract, one table per promise.

1. Bad values: every subcommand's options with wrong types, out-of-range and huge numbers, empty strings, unknown
   categories and questions, missing paths, files where folders belong, a damaged session: exactly one line on
   stderr (`tfexam: ...`), exit 2 (1 for a refused submission), no traceback, no TensorFlow, and nothing created or
   changed (the whole sandbox is snapshotted before and after). Run in-process through the real `exam.cli.main`.
2. Both entry points: the console script `tfexam` of a wheel installed into a fresh environment and `python -m exam`
   of a checkout resolve the same workspace from the repository root, `pycharm_project/`, a Category folder and any
   other subfolder (and the current folder outside a checkout), and every subcommand gives the same result through
   both, modulo paths, times and session ids. The checkout is a temporary copy under a path with a space and an
   accent, so the real one is never written to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from clirun import REPO_ROOT
from wheel_install import clean_env, console_script

from exam import cli

CHECKOUT_PARTS = ("tfexam", "exam", "graders", "hidden_tests", "starter_code", "solutions", "pycharm_project",
                  "pyproject.toml", "requirements.txt", "README.md")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", ".tfexam", "Category*", "report.html")


def make_checkout(tmp: Path) -> Path:
    """A checkout's layout (code, content, the PyCharm project) under an awkward path."""
    root = tmp / "ma copie é" / "repo"
    root.mkdir(parents=True)
    for name in CHECKOUT_PARTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=LEFT_OUT)
        else:
            shutil.copy2(source, root / name)
    return root


def tree(root: Path) -> dict[str, tuple]:
    """Every file and folder under root with its size and modification time: what "nothing changed" compares."""
    found = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        info = path.lstat()
        found[path.relative_to(root).as_posix()] = ("dir",) if path.is_dir() else (info.st_size, info.st_mtime_ns)
    return found


def call(argv: list[str]) -> tuple[int, str, str]:
    """The real CLI in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------------- bad values

@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> dict[str, Path]:
    """A checkout copy whose pycharm_project/ holds a running Category 1 session, and the awkward places around it."""
    tmp = tmp_path_factory.mktemp("contract")
    root = make_checkout(tmp)
    places = {"tmp": tmp, "root": root, "project": root / "pycharm_project", "file": tmp / "a file.txt",
              "missing": tmp / "not there", "empty": tmp / "empty folder", "damaged": tmp / "damaged exam",
              "full": tmp / "full folder", "class": tmp / "class"}
    places["file"].write_text("not a folder\n")
    for name in ("empty", "full", "class"):
        places[name].mkdir()
    (places["full"] / "notes.txt").write_text("mine\n")
    for workspace in (places["project"], places["damaged"]):
        code, _, err = call(["start", "--categories", "1", "--question", "c1_line", "--no-fetch", "--workspace",
                             str(workspace)])
        assert code == 0, err
    (places["damaged"] / ".tfexam" / "session.json").write_text('{"garbage', encoding="utf-8")
    (places["damaged"] / ".tfexam" / "session.json.bak").unlink()
    return places


# (argv, exit code); {name} is a place of the sandbox; the current folder is pycharm_project/Category1 of the
# checkout copy, whose session is running (Category 1, c1_line)
BAD = [
    # the whole command line
    ([], 2), (["bogus"], 2), (["--json"], 2), (["status", "--bogus"], 2), (["status", "--workspace"], 2),
    (["status", "--workspace", ""], 2), (["status", "--workspace", "{file}"], 2),
    (["status", "--json", "--workspace", "{empty}"], 2),
    # start
    (["start", "--restart", "--minutes", "-5", "--no-fetch"], 2), (["start", "--restart", "--minutes", "0"], 2),
    (["start", "--restart", "--minutes", "abc"], 2), (["start", "--restart", "--minutes", "1e308"], 2),
    (["start", "--restart", "--minutes", "nan"], 2), (["start", "--restart", "--minutes", "inf"], 2),
    (["start", "--restart", "--minutes", ""], 2), (["start", "--restart", "--minutes", "99999999999"], 2),
    (["start", "--restart", "--categories", "1,9"], 2), (["start", "--restart", "--categories", ""], 2),
    (["start", "--restart", "--categories", "abc"], 2), (["start", "--restart", "--categories", "0"], 2),
    (["start", "--restart", "--categories", "-1"], 2), (["start", "--restart", "--categories", ","], 2),
    (["start", "--restart", "--question", "nope"], 2), (["start", "--restart", "--question", ""], 2),
    (["start", "--restart", "--question", "c2_mnist", "--categories", "1"], 2),
    (["start", "--restart", "--keras", "4"], 2), (["start", "--restart", "--keras", "x"], 2),
    (["start", "--restart", "--seed", "1.5"], 2), (["start", "--restart", "--seed", "abc"], 2),
    (["start", "--no-fetch"], 2),  # a session is running: never replaced without --restart
    (["start", "--no-fetch", "--workspace", "{damaged}"], 2), (["start", "--no-fetch", "--workspace", "{file}"], 2),
    (["start", "--no-fetch", "--workspace", ""], 2),
    # status
    (["status", "--workspace", "{damaged}"], 2), (["status", "--workspace", "{missing}"], 2),
    (["status", "--live", "--json"], 2), (["status", "--live", "--workspace", "{damaged}"], 2),
    # check
    (["check"], 2), (["check", "0"], 2), (["check", "6"], 2), (["check", "abc"], 2), (["check", "-1"], 2),
    (["check", "99999999999999999999"], 2), (["check", ""], 2), (["check", "1", "--keras", "1"], 2),
    (["check", "1", "--file", ""], 2), (["check", "1", "--file", "{missing}"], 2),
    (["check", "1", "--file", "{empty}"], 2),
    (["check", "2"], 2), (["check", "1", "--workspace", "{empty}"], 2),
    # train
    (["train"], 2), (["train", "0"], 2), (["train", "abc"], 2), (["train", ""], 2), (["train", "2"], 2),
    (["train", "1", "--workspace", "{empty}"], 2), (["train", "1", "--repeat", "0"], 2), (["train", "1", "--repeat", "x"], 2),
    (["train", "1", "--repeat", "21"], 2), (["train", "1", "--repeat", "2", "--workspace", "{empty}"], 2),
    (["train", "1", "--repeat", "2", "--timeout", "0"], 2),
    # submit
    (["submit", "0"], 2), (["submit", "abc"], 2), (["submit", "2"], 2), (["submit", "1", "--workspace", "{empty}"], 2),
    (["submit", "1", "--workspace", "{damaged}"], 2), (["submit", "1", "--timeout", "-1"], 2),
    (["submit", "1", "--timeout", "0"], 2), (["submit", "1", "--timeout", "soon"], 2),
    (["submit", "1", "--timeout", "1e308"], 2), (["submit", "1", "--timeout", "nan"], 2),
    (["submit", "1", "--memory-mb", "-5"], 2), (["submit", "1", "--memory-mb", "1e300"], 2),
    (["submit", "1", "--max-model-mb", "0"], 2), (["submit", "1", "--max-model-mb", "inf"], 2),
    (["submit", "1", "--model", ""], 2),
    (["submit", "1", "--model", "{missing}"], 1),  # a refused submission: recorded, exit 1
    # end and report
    (["end", "--yes", "--workspace", "{empty}"], 2), (["end", "--yes", "--workspace", "{damaged}"], 2),
    (["end", "--yes=no"], 2), (["report", "--workspace", "{empty}"], 2), (["report", "--workspace", "{damaged}"], 2),
    # doctor, solve, demo
    (["doctor", "--no-speed", "--workspace", "{missing}"], 2), (["doctor", "--no-speed=1"], 2),
    (["solve", "0"], 2), (["solve", "6"], 2), (["solve", "x"], 2), (["solve", "1", "--workspace", "{damaged}"], 2),
    (["demo", "--keep-in", "{file}"], 2), (["demo", "--keep-in", "{full}"], 2), (["demo", "--keep-in", ""], 2),
    (["demo", "--workspace", "{project}"], 2),
    # fetch
    (["fetch"], 2), (["fetch", "nope"], 2), (["fetch", ""], 2), (["fetch", "--all", "sunspots"], 2),
    # grade
    (["grade"], 2), (["grade", "{missing}"], 2), (["grade", ""], 2), (["grade", "{file}"], 2),
    (["grade", "{class}"], 2),
    (["grade", "{class}", "--workers", "0"], 2), (["grade", "{class}", "--workers", "-3"], 2),
    (["grade", "{class}", "--workers", "abc"], 2), (["grade", "{class}", "--workers", "99999999999"], 2),
    (["grade", "{class}", "--categories", "9"], 2), (["grade", "{class}", "--categories", "abc"], 2),
    (["grade", "{class}", "--categories", ""], 2), (["grade", "{class}", "--question", "nope"], 2),
    (["grade", "{class}", "--question", ""], 2), (["grade", "{class}", "--out", "{file}"], 2),
    (["grade", "{class}", "--timeout", "-1"], 2),
    (["grade", "{class}", "--roster", ""], 2), (["grade", "{class}", "--roster", "{missing}"], 2),
    (["grade", "{class}", "--roster", "{empty}"], 2), (["grade", "{class}", "--roster", "{file}"], 2),
    # autograder and questions
    (["autograder"], 2), (["autograder", "--question", "nope"], 2), (["autograder", "--question", ""], 2),
    (["autograder", "--question", "c1_line", "--out", ""], 2),
    (["autograder", "--question", "c1_line", "--out", "{empty}"], 2),
    (["questions", "--category", "9"], 2), (["questions", "--category", "abc"], 2),
    (["questions", "--category", ""], 2),
    (["questions", "--category", "-1"], 2),
]


@pytest.mark.parametrize("argv, expected", BAD, ids=[" ".join(a) or "(nothing)" for a, _ in BAD])
def test_a_bad_value_is_one_line_and_changes_nothing(sandbox, monkeypatch, argv, expected):
    argv = [part.format(**{k: str(v) for k, v in sandbox.items()}) for part in argv]
    monkeypatch.chdir(sandbox["project"] / "Category1")
    tensorflow_before = "tensorflow" in sys.modules
    before = tree(sandbox["tmp"])
    code, out, err = call(argv)
    assert code == expected, (code, out, err)
    if expected == 1:  # a refusal is Submit and Test's result: one line on stdout, like a score
        assert err == "" and len(out.splitlines()) == 1 and out.startswith("Category 1 refused: "), (out, err)
    else:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("tfexam: ") and "Traceback" not in err, err
        assert "internal error" not in err, err
        if "--json" in argv:
            assert json.loads(out)["exit_code"] == expected
        else:
            assert out == "", out
    if not tensorflow_before:  # (other tests of the same run may have loaded it)
        assert "tensorflow" not in sys.modules, "a bad value imported TensorFlow"
    after = tree(sandbox["tmp"])
    if expected == 1:  # a refused submission is recorded: the ledger (and its lock) may change, nothing else
        for snapshot in (before, after):
            for name in [n for n in snapshot if "/.tfexam/ledger." in n]:
                del snapshot[name]
    assert after == before, "a bad value created or changed files"


def test_the_bad_value_table_covers_every_subcommand():
    covered = {argv[0] for argv, _ in BAD if argv}
    assert set(cli.COMMANDS) <= covered, set(cli.COMMANDS) - covered


# -------------------------------------------------------------------------------------------- both entry points

ENTRIES = ("tfexam", "python -m exam")


def run(entry: str, argv: list[str], cwd: Path, root: Path, installed: Path, timeout: float = 300,
        **extra: str) -> subprocess.CompletedProcess:
    """`tfexam` is the wheel's console script (its own code, no PYTHONPATH); `python -m exam` is the checkout copy's
    code under this interpreter. Same data cache, no warm grading server, stdin closed."""
    env = clean_env(TFEXAM_WARM="0", **extra)
    if entry == "tfexam":
        command = [str(console_script(installed))]
    else:
        command = [sys.executable, "-m", "exam"]
        env["PYTHONPATH"] = str(root)
    return subprocess.run(command + argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def as_json(done: subprocess.CompletedProcess) -> dict:
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, (done.stdout[-2000:], done.stderr[-2000:])
    return json.loads(lines[0])


def normalized(text: str, places: dict[str, Path | str]) -> str:
    """The same output modulo paths, session ids, clock readings and measured seconds (JSON compared as JSON)."""
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
    for name, path in sorted(places.items(), key=lambda item: -len(str(item[1]))):
        text = text.replace(str(path), name)
    text = re.sub(r"\d{8}T\d{6}Z-[0-9a-f]{6}", "<session>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "<when>", text)
    text = re.sub(r"\b\d+:\d\d:\d\d\b", "<h:mm:ss>", text)
    text = re.sub(r"\b\d+(\.\d+)? ?s\b", "<seconds>", text)
    text = re.sub(r'"(checksum|seed)": "?[0-9a-f]+"?', r'"\1": <random>', text)
    return re.sub(r"\d+\.\d+", "<number>", text)


@pytest.fixture()
def checkout(tmp_path) -> Path:
    return make_checkout(tmp_path)


def test_both_entry_points_resolve_the_same_workspace_from_every_folder(installed, checkout, tmp_path):
    project = checkout / "pycharm_project"
    outside = tmp_path / "ailleurs à côté"
    outside.mkdir()
    root_before = sorted(p.name for p in checkout.iterdir())
    started = run("tfexam", ["start", "--categories", "1", "--question", "c1_line", "--no-fetch", "--json"],
                  checkout, checkout, installed)
    assert started.returncode == 0, started.stderr
    session_id = as_json(started)["session"]["id"]
    assert as_json(started)["workspace"] == str(project) and (project / "Category1" / "starter.py").is_file()
    assert sorted(p.name for p in checkout.iterdir()) == root_before, "start from the root wrote into the root"

    for folder in (checkout, project, project / "Category1", checkout / "exam" / "commands"):
        for entry in ENTRIES:
            done = run(entry, ["status", "--json"], folder, checkout, installed)
            assert done.returncode == 0, (entry, folder, done.stderr)
            payload = as_json(done)
            assert (payload["workspace"], payload["session"]["id"]) == (str(project), session_id), (entry, folder)
    for entry in ENTRIES:
        # PyCharm's configurations pass --workspace "$PROJECT_DIR$": the project, or the root when that was opened
        for given in (checkout, project):
            done = run(entry, ["status", "--json", "--workspace", str(given)], outside, checkout, installed)
            assert as_json(done)["workspace"] == str(project), (entry, given)
        # outside a checkout: the current folder, which holds no exam
        done = run(entry, ["status"], outside, checkout, installed)
        assert done.returncode == 2 and done.stderr == f"tfexam: no exam session in {outside}; run Start exam (or " \
            "`tfexam start`) first, or pass --workspace DIR\n", (entry, done.stderr)


def test_every_tensorflow_free_subcommand_gives_the_same_result_through_both(installed, checkout, tmp_path):
    project = checkout / "pycharm_project"
    category1 = project / "Category1"
    empty_class = tmp_path / "class"
    empty_class.mkdir()
    places = {"<root>": checkout, "<tmp>": tmp_path, "<python>": sys.executable,
              "<installed python>": console_script(installed).parent / "python"}
    started = run("python -m exam", ["start", "--categories", "1", "--question", "c1_line", "--no-fetch"], checkout,
                  checkout, installed)
    assert started.returncode == 0, started.stderr
    commands = [["status", "--json"], ["questions"], ["check", "1"],
                ["report"], ["end"], ["grade", str(empty_class)], ["fetch", "nope"], ["train", "3"], ["submit", "2"],
                ["solve", "1", "--workspace", str(tmp_path / "a file")], ["start", "--no-fetch"],
                ["doctor", "--workspace", str(tmp_path / "missing")], ["demo", "--keep-in", str(project)]]
    (tmp_path / "a file").write_text("x")
    for argv in commands:
        results = [run(entry, argv, category1, checkout, installed) for entry in ENTRIES]
        seen = [(r.returncode, normalized(r.stdout, places), normalized(r.stderr, places)) for r in results]
        assert seen[0] == seen[1], (argv, seen)
        assert "Traceback" not in seen[0][2] and "internal error" not in seen[0][2], (argv, seen[0])
    assert (project / "report.html").is_file() and not (checkout / "report.html").exists()


def test_the_autograder_zip_is_the_same_whichever_way_tfexam_is_installed(installed, checkout, tmp_path):
    zips, hashes = {}, set()
    for entry in ENTRIES:
        out = tmp_path / entry / "autograder.zip"
        done = run(entry, ["autograder", "--question", "c4_bbc_news", "--out", str(out)], tmp_path, checkout, installed)
        assert done.returncode == 0, done.stderr
        hashes.add(hashlib.sha256(out.read_bytes()).hexdigest())
        with zipfile.ZipFile(out) as archive:
            zips[entry] = {info.filename: archive.read(info) for info in archive.infolist()}
    assert len(hashes) == 1, "the same question's zip differs byte for byte between installs"
    installed_zip, checkout_zip = zips.values()
    assert sorted(installed_zip) == sorted(checkout_zip)
    assert installed_zip == checkout_zip, [n for n in installed_zip if installed_zip[n] != checkout_zip[n]]
    names = set(installed_zip)
    assert not [n for n in names if "solutions/" in n or "starter_code/" in n or "__pycache__" in n], names
    assert {"tfexam/hidden_tests/c4_bbc_news.toml", "tfexam/tfexam/requirements.txt", "tfexam/exam/cli.py"} <= names
    requirements = installed_zip["requirements.txt"].decode()
    pins = (REPO_ROOT / "tfexam" / "requirements.txt").read_text(encoding="utf-8")
    wanted = [line for line in pins.splitlines() if "==" in line and not line.startswith("#")]
    assert [line for line in requirements.splitlines() if "==" in line] == wanted
    assert "tf-keras==" in requirements
    setup = installed_zip["setup.sh"].decode()
    assert setup.index("apt-get update") < setup.index("apt-get install")
    (tmp_path / "setup.sh").write_bytes(installed_zip["setup.sh"])
    syntax = subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


@pytest.mark.slow
def test_the_tensorflow_commands_work_through_the_console_script_as_through_python_m_exam(installed, checkout,
                                                                                            tmp_path):
    """What needs TensorFlow, once each through the installed `tfexam` (`python -m exam` runs them in the rest of the
    suite), from a Category folder of the checkout; the doctor through both, compared."""
    project = checkout / "pycharm_project"
    category1 = project / "Category1"
    assert run("tfexam", ["start", "--categories", "1", "--question", "c1_line", "--no-fetch"], project, checkout,
               installed).returncode == 0
    trained = run("tfexam", ["train", "1"], category1, checkout, installed)
    assert trained.returncode == 0 and (category1 / "mymodel.h5").is_file(), trained.stderr[-2000:]
    submitted = run("tfexam", ["submit", "1", "--json"], category1, checkout, installed)
    assert as_json(submitted)["result"]["status"] == "graded", submitted.stderr[-2000:]
    assert as_json(submitted)["record"]["model_copy"].startswith(".tfexam/submissions/")

    doctors = [run(entry, ["doctor", "--no-speed", "--json"], category1, checkout, installed) for entry in ENTRIES]
    verdicts = [[(c["name"], c["verdict"]) for c in as_json(done)["checks"]] for done in doctors]
    assert verdicts[0] == verdicts[1] and ("h5", "ok") in verdicts[0], verdicts
    assert all(as_json(done)["workspace"] == str(project) for done in doctors)

    outside = tmp_path / "démo"
    outside.mkdir()
    demo = run("tfexam", ["demo"], outside, checkout, installed, timeout=900)
    assert demo.returncode == 0 and "5/5" in demo.stdout and "Weighted total" in demo.stdout, demo.stderr[-3000:]
    assert list(outside.iterdir()) == [], "the demo works in a temporary folder"
