"""tfexam doctor: the real command on this machine, on an empty cache with a broken mirror, and its verdict rules."""

from __future__ import annotations

import pytest
from clirun import exam, exam_json, real_data, stderr_lines

from tfexam import questions
from exam import doctor

VERDICTS = {doctor.OK, doctor.WARN, doctor.FAIL, doctor.SKIP}


def by_name(payload: dict) -> dict[str, dict]:
    return {check["name"]: check for check in payload["checks"]}


def test_doctor_reports_every_check_on_this_machine():
    code, payload = exam_json("doctor", "--no-speed")
    checks = by_name(payload)
    assert list(checks) == ["python", "tensorflow", "keras", "tf-keras", "datasets", "mirror", "disk", "pycharm", "h5"]
    assert all(c["verdict"] in VERDICTS and c["message"] for c in checks.values())
    assert all(c["fix"] for c in checks.values() if c["verdict"] in (doctor.WARN, doctor.FAIL))
    assert checks["tensorflow"]["verdict"] == doctor.OK and checks["keras"]["verdict"] == doctor.OK
    assert checks["h5"]["verdict"] == doctor.OK, checks["h5"]
    assert checks["h5"]["details"]["keras3_h5"] is True and checks["h5"]["details"]["keras2_h5"] is True
    assert checks["pycharm"]["verdict"] == doctor.OK, "the committed run configurations are what exam.pycharm renders"
    assert code == (2 if payload["verdict"] == doctor.FAIL else 0)
    text = exam("doctor", "--no-speed")
    lines = text.stdout.strip().splitlines()
    assert len(lines) == len(checks) + 1 and lines[-1].startswith(("Ready", "Usable", "Not ready"))


def test_no_data_and_a_broken_mirror_are_verdicts_not_a_crash(tmp_path):
    done = exam("doctor", TFEXAM_DATA_DIR=str(tmp_path / "empty cache"),
                TFEXAM_DATA_MIRROR=str(tmp_path / "no such mirror"))
    assert "Traceback" not in done.stderr
    lines = {line.split()[1]: line for line in done.stdout.splitlines() if line[:4] in ("OK  ", "WARN", "FAIL", "SKIP")}
    assert lines["datasets"].startswith("WARN") and "0 of" in lines["datasets"] and "tfexam fetch --all" in lines["datasets"]
    assert lines["mirror"].startswith("FAIL") and "no such mirror" in lines["mirror"]
    assert lines["speed"].startswith("SKIP") and "-> tfexam fetch horse-or-human" in lines["speed"]
    assert done.returncode == 2 and stderr_lines(done)[-1].startswith("Checking this machine")


def result(epoch_s: float, run_s: float, epochs: int = 8) -> dict:
    return {"question": "c3_horses_or_humans", "run_s": run_s, "epoch_s": epoch_s, "timed_epochs": 2, "epochs": epochs}


def test_speed_extrapolates_every_reference_from_the_measured_epoch():
    verdict = doctor.speed_check(result(4.0, 7.5), "", cached=True)
    predicted = verdict.details["predicted_reference_s"]
    assert set(predicted) == {q.id for q in questions.all_questions().values() if q.ready}
    factor = (7.5 + 6 * 4.0) / questions.get("c3_horses_or_humans").reference_seconds
    declared = questions.get("c2_fashion_mnist").reference_seconds
    assert predicted["c2_fashion_mnist"] == pytest.approx(declared * factor, abs=0.1)
    assert verdict.verdict == doctor.OK and "fast enough" in verdict.message


def test_a_machine_twenty_times_slower_is_told_plainly():
    verdict = doctor.speed_check(result(90.0, 150.0), "", cached=True)
    assert verdict.verdict == doctor.FAIL and verdict.message.startswith("TOO SLOW for a 5-hour sitting")
    assert "c2_fashion_mnist" in verdict.message and verdict.fix


def test_version_drift_is_a_warning_with_the_pip_line():
    checks = {v.name: v for v in doctor.package_checks({"tensorflow": "2.0.0", "keras": doctor._installed("keras")})}
    assert checks["tensorflow"].verdict == doctor.WARN and checks["tensorflow"].fix == "python -m pip install tensorflow==2.0.0"
    assert checks["keras"].verdict == doctor.OK


def test_stale_run_configurations_are_found(tmp_path):
    from exam import pycharm

    project = tmp_path / "my exam ü"
    pycharm.write_project(project)
    assert doctor.pycharm_check(project).verdict == doctor.OK
    mark = pycharm.GENERATED_MARK
    (project / ".run" / "end_exam.run.xml").write_text(f"{mark}\n<component/>")  # ours, out of date
    (project / ".run" / "old.run.xml").write_text(f"{mark}\n<component/>")  # ours, no longer generated
    (project / ".run" / "mine.run.xml").write_text("<component/>")  # the learner's own: not judged
    verdict = doctor.pycharm_check(project)
    assert verdict.verdict == doctor.WARN and verdict.fix == f'python -m exam.pycharm --project "{project}"'
    assert verdict.details["stale"] == ["end_exam.run.xml"] and verdict.details["extra"] == ["old.run.xml"]
    assert verdict.details["missing"] == []


@pytest.mark.slow
@real_data[0]
@real_data[1]
def test_speed_trains_one_epoch_of_the_category3_reference():
    assert exam("fetch", "horse-or-human").returncode == 0
    code, payload = exam_json("doctor")
    speed = by_name(payload)["speed"]
    assert speed["verdict"] in (doctor.OK, doctor.WARN, doctor.FAIL), speed
    details = speed["details"]
    assert details["epochs"] == 8 and 0 < details["epoch_s"] <= details["run_s"] and details["timed_epochs"] == 2
    assert len(details["predicted_reference_s"]) == len([q for q in questions.all_questions().values() if q.ready])
