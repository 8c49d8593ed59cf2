"""A different mock each sitting: `tfexam start` draws one question per category, records the seed, and
`--seed N` sets the same mock again; status and the report name each question."""

from __future__ import annotations

from clirun import exam, exam_json


def start(workspace, *args):
    code, payload = exam_json("start", "--workspace", str(workspace), "--no-fetch", *args)
    assert code == 0, payload
    return payload["session"]


def test_seeds_assemble_different_mocks_and_a_seed_sets_the_same_one_again(tmp_path):
    mocks = {seed: start(tmp_path / f"seed{seed}", "--seed", str(seed)) for seed in (1, 2, 3, 4)}
    assert all(m["seed"] == seed for seed, m in mocks.items())
    assert len({tuple(sorted(m["questions"].items())) for m in mocks.values()}) >= 2
    again = start(tmp_path / "again", "--seed", "3")
    assert again["questions"] == mocks[3]["questions"]
    for seed, mock in mocks.items():
        for category, question_id in mock["questions"].items():
            header = (tmp_path / f"seed{seed}" / f"Category{category}" / "starter.py").read_text()
            assert f"Question id: {question_id}." in header


def test_without_a_seed_one_is_drawn_and_recorded_and_status_names_the_questions(tmp_path):
    session = start(tmp_path)
    assert isinstance(session["seed"], int) and sorted(session["questions"]) == ["1", "2", "3", "4", "5"]
    done = exam("status", "--workspace", str(tmp_path))
    assert done.returncode == 0
    for question_id in session["questions"].values():
        assert question_id in done.stdout


def test_a_fixed_question_wins_over_the_draw(tmp_path):
    session = start(tmp_path, "--seed", "5", "--question", "c4_bbc_news", "--categories", "4,5")
    assert session["questions"]["4"] == "c4_bbc_news" and set(session["questions"]) == {"4", "5"}
    code, payload = exam_json("start", "--workspace", str(tmp_path / "bad"), "--no-fetch", "--seed", "x")
    assert code == 2 and "--seed" in payload["error"]
