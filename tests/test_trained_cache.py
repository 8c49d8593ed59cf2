"""The per-run cache of trained models (tests/trained.py): one training per script and Keras generation, and every
test gets a copy it may change without touching what the next test receives."""

from __future__ import annotations

import hashlib
import stat

import pytest

from clirun import submit_model

from tfexam import questions


def test_a_reference_trains_once_and_each_test_submits_a_copy(tmp_path, trained):
    first = trained.reference("c1_line")
    assert trained.reference("c1_line") is first
    key = (hashlib.sha256(questions.get("c1_line").solution_path.read_bytes()).hexdigest(), 3)
    assert trained.runs[key] is first
    assert all(other.model != first.model for other_key, other in trained.runs.items() if other_key != key)
    assert stat.S_IMODE(first.model.stat().st_mode) == 0o444
    cached = first.model.read_bytes()
    code, payload = submit_model(tmp_path, "c1_line", first.model)
    assert code == 0 and payload["result"]["score"] == 5, payload["result"]["output"]
    assert payload["record"]["model_sha256"] == hashlib.sha256(cached).hexdigest()
    copy = tmp_path / "Category1" / "mymodel.h5"
    copy.write_bytes(b"changed by a test")
    assert first.model.read_bytes() == cached


def test_a_script_that_fails_to_train_fails_again_without_a_retry(trained):
    broken = "raise SystemExit(3)\n"
    for _ in range(2):
        try:
            trained.script("c1_line", broken, keras=3)
        except AssertionError as failure:
            message = str(failure)
        else:
            raise AssertionError("a script that exits 3 must not count as trained")
    assert "failed to train earlier in this run" in message and len(trained.failed) >= 1


def test_another_worker_of_the_run_reuses_the_model_and_the_failure_without_training(trained, monkeypatch):
    """Under pytest-xdist each worker has its own `trained` object on the run's shared folder (tests/once.py): what
    one trained, or failed to train, the other reads from there."""
    import trained as module

    first = trained.reference("c1_line")
    broken = "raise SystemExit(4)\n"
    try:
        trained.script("c1_line", broken, keras=3)
    except AssertionError:
        pass
    other_worker = module.TrainedModels(trained.run_root)

    def train_again(*args, **_kwargs):
        raise RuntimeError(f"ran a command to train a second time: {args}")

    monkeypatch.setattr(module, "exam", train_again)
    monkeypatch.setattr(module, "exam_json", train_again)
    assert other_worker.reference("c1_line").model == first.model
    try:
        other_worker.script("c1_line", broken, keras=3)
    except AssertionError as failure:
        assert "failed to train earlier in this run" in str(failure), failure
    else:
        raise AssertionError("a script that failed in another worker must fail here too")


@pytest.fixture(scope="module")
def built_once_per_module():
    return object()


def test_the_tests_sharing_a_module_fixture_run_on_one_worker(request, built_once_per_module):
    """--dist loadgroup groups by a suffix pytest-xdist adds to the node id (tests/conftest.py marks the tests that share
    a module's fixture); a pytest whose node ids ignore it would build every such fixture once per worker, and two
    workers would plant the same files in the checkout's root at once (tests/test_isolation.py)."""
    if not hasattr(request.config, "workerinput"):
        pytest.skip("runs in one process: nothing to group")
    assert request.node.nodeid.endswith(f"@{request.node.module.__name__}"), request.node.nodeid
