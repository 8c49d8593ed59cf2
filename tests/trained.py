"""Trained models, each trained once per test run: the session cache behind the `trained` fixture (tests/conftest.py).

A model is keyed by the content hash of the script that trained it and the Keras generation it trained under
(3, or 2 for an exam-era session), so a test that needs "the reference of c3_horses_or_humans under Keras 3" gets
the model another test already paid for. It trains through the real command line, as a learner does: `tfexam solve`
for a reference under Keras 3, `tfexam train` for anything else (the script is put in CategoryN/starter.py of a
practice session). Each caller gets its own COPY of the saved file, to submit through the real CLI.

A reference is also submitted once per run (`graded_reference`): `exam submit --json` in a practice session of its
own that holds the run that trained it, then `exam report`. The tests that only read what a reference's submission
recorded (its score, diagnostics, artifacts, report) share that one submission instead of grading it again each.

With TFEXAM_TRAINED_MODELS set to a folder kept between runs (a CI cache), a model trained by an earlier run is
reused while nothing that shapes training changed: the key then also holds the installed TensorFlow, Keras and
tf-keras versions and the code of tfexam/ and exam/ (data loaders, `solve`, `train`). Grading always runs afresh.

Under pytest-xdist the models live in a folder every worker of the run shares (tests/once.py), each training under a
file lock: the first worker to need a model trains it, a worker needing it meanwhile waits for it, none trains it
twice. A failure is recorded there too, for this run only, so no worker retries it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from clirun import REPO_ROOT, category_of, exam, exam_json, report_page, submit_model
from once import lock

from tfexam import questions

TRAIN_TIMEOUT = 1800  # the slowest reference trains in about 5 minutes on a loaded 2-core machine


@dataclass(frozen=True)
class Trained:
    """One training run: the saved model (keep it read-only: hand out copies) and what the command printed."""

    model: Path
    stdout: str


@dataclass(frozen=True)
class Graded:
    """A reference's one submission of this run (shared by every test that needs it: read it, never change it): the
    workspace, `exam submit --json`'s exit code and object, and report.html as `exam report` then wrote it."""

    workspace: Path
    code: int
    payload: dict
    report: str


def training_fingerprint() -> str:
    """What besides the script decides the trained model: the packages' versions and the code that loads and trains."""
    digest = hashlib.sha256()
    for package in ("tensorflow", "keras", "tf_keras"):
        digest.update(f"{package}={metadata.version(package)};".encode())
    for path in sorted([*(REPO_ROOT / "tfexam").rglob("*.py"), *(REPO_ROOT / "exam").rglob("*.py")]):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class TrainedModels:
    def __init__(self, root: Path):
        """`root`: this run's folder, shared by its xdist workers; models go to TFEXAM_TRAINED_MODELS when set."""
        self.run_root = root
        kept = os.environ.get("TFEXAM_TRAINED_MODELS")
        self.root = Path(kept) / training_fingerprint() if kept else root
        self.root.mkdir(parents=True, exist_ok=True)
        self.failures = root / "failed"  # never kept between runs: the next run tries again
        self.failures.mkdir(parents=True, exist_ok=True)
        self.runs: dict[tuple[str, int], Trained] = {}
        self.failed: dict[tuple[str, int], str] = {}

    def reference(self, question_id: str, keras: int = 3) -> Trained:
        question = questions.get(question_id)
        return self.run(question_id, question.solution_path.read_text(encoding="utf-8"), keras, solve=keras == 3)

    def graded_reference(self, question_id: str) -> Graded:
        """The reference (Keras 3) submitted once per run, with its training run beside it, so `submit` names the run."""
        workspace = self.run_root / f"graded-{question_id}"
        with lock(workspace):
            done = workspace / "submitted.json"
            if not done.is_file():
                reference = self.reference(question_id)
                if workspace.exists():  # an earlier attempt of this run stopped half way
                    shutil.rmtree(workspace)
                code, payload = submit_model(workspace, question_id, reference.model,
                                             runs_from=reference.model.parent.parent)
                report_page(workspace)
                done.write_text(json.dumps({"code": code, "payload": payload}), encoding="utf-8")  # written last
            submitted = json.loads(done.read_text(encoding="utf-8"))
        return Graded(workspace, submitted["code"], submitted["payload"],
                      (workspace / "report.html").read_text(encoding="utf-8"))

    def starter(self, question_id: str, keras: int = 3) -> Trained:
        return self.run(question_id, questions.get(question_id).starter_path.read_text(encoding="utf-8"), keras)

    def script(self, question_id: str, source: str, keras: int) -> Trained:
        """Any script for this question's category (e.g. a solution changed by the test), run by `tfexam train`."""
        return self.run(question_id, source, keras)

    def run(self, question_id: str, source: str, keras: int, solve: bool = False) -> Trained:
        key = (hashlib.sha256(source.encode("utf-8")).hexdigest(), keras)
        name = f"{key[0][:16]}-keras{keras}"
        if key not in self.runs and key not in self.failed:
            with lock(self.root / name):  # another worker training it meanwhile: wait for its model, train nothing
                failure = self.failures / f"{name}.txt"
                if failure.is_file():
                    self.failed[key] = failure.read_text(encoding="utf-8")
                else:
                    try:
                        self.runs[key] = self.train(question_id, source, keras, solve, self.root / name)
                    except AssertionError as failed:
                        self.failed[key] = str(failed)[:2000]
                        failure.write_text(self.failed[key], encoding="utf-8")
                        raise
        if key in self.failed:  # a script that failed to train fails every test that needs it, without a retry
            raise AssertionError(f"{question_id} (Keras {keras}) failed to train earlier in this run: {self.failed[key]}")
        return self.runs[key]

    @staticmethod
    def train(question_id: str, source: str, keras: int, solve: bool, workspace: Path) -> Trained:
        category = category_of(question_id)
        model, printed = workspace / f"Category{category}" / "mymodel.h5", workspace / "train_stdout.txt"
        if printed.is_file():  # trained by an earlier run (TFEXAM_TRAINED_MODELS), completely: stdout is written last
            return Trained(model, printed.read_text(encoding="utf-8"))
        if workspace.exists():  # an earlier run stopped half way: start again
            shutil.rmtree(workspace)
        code, payload = exam_json("start", "--workspace", str(workspace), "--categories", str(category),
                                  "--question", question_id, "--no-fetch", "--keras", str(keras))
        assert code == 0, payload
        if solve:
            done = exam("solve", str(category), "--workspace", str(workspace), timeout=TRAIN_TIMEOUT)
        else:
            (workspace / f"Category{category}" / "starter.py").write_text(source, encoding="utf-8")
            done = exam("train", str(category), "--workspace", str(workspace), timeout=TRAIN_TIMEOUT)
        assert_trained(done, question_id)
        assert model.is_file(), f"{question_id}: training finished without saving {model}"
        model.chmod(0o444)
        printed.write_text(done.stdout, encoding="utf-8")
        return Trained(model, done.stdout)


def assert_trained(done: subprocess.CompletedProcess, question_id: str) -> None:
    assert done.returncode == 0, f"{question_id}: " + done.stdout[-1500:] + done.stderr[-3000:]
