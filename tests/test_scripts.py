"""One source per question script: the committed starters are what tfexam.scripts renders from solutions/<id>.py."""

from __future__ import annotations

import dataclasses
import shutil
import textwrap

import pytest

from tfexam import questions, scripts

SOURCE = textwrap.dedent("""\
    import tensorflow as tf

    # The training data (shared by both).
    xs = [1.0, 2.0]
    # BEGIN SOLUTION
    SEED = 1
    # END SOLUTION


    def solution_model():
        # BEGIN SOLUTION
        tf.keras.utils.set_random_seed(SEED)
        # END SOLUTION
        # BEGIN STARTER: what the starter has here instead
        # # YOUR CODE HERE: build and train a model.
        # model = tf.keras.Sequential([
        #     tf.keras.Input(shape=(1,)),
        #
        #     tf.keras.layers.Dense(1),
        # ])
        # END STARTER
        return model
    """)


def test_solution_regions_are_dropped_and_starter_regions_uncommented_at_their_indentation():
    starter = scripts.render_starter(SOURCE, "x.py")
    assert starter == textwrap.dedent("""\
        import tensorflow as tf

        # The training data (shared by both).
        xs = [1.0, 2.0]


        def solution_model():
            # YOUR CODE HERE: build and train a model.
            model = tf.keras.Sequential([
                tf.keras.Input(shape=(1,)),

                tf.keras.layers.Dense(1),
            ])
            return model
        """)
    compile(starter, "starter", "exec")


def test_a_source_without_regions_is_its_own_starter():
    assert scripts.render_starter("x = 1\n# a comment\n") == "x = 1\n# a comment\n"


@pytest.mark.parametrize("lines, line, words", [
    (["# BEGIN SOLUTION", "x = 1"], 1, "BEGIN SOLUTION is never closed"),
    (["x = 1", "# END STARTER"], 2, "END STARTER without a BEGIN STARTER"),
    (["# BEGIN SOLUTION", "x = 1", "# END STARTER"], 3, "END STARTER closes the SOLUTION region opened at line 1"),
    (["# BEGIN SOLUTION", "# BEGIN STARTER", "# x = 1", "# END STARTER", "# END SOLUTION"], 2, "do not nest"),
    (["# BEGIN STARTER", "x = 1", "# END STARTER"], 2, "must be commented out"),
    (["def f():", "    # BEGIN STARTER", "#     return 1", "    # END STARTER"], 3, "column 5"),
    (["#BEGIN SOLUTION", "x = 1", "# END SOLUTION"], 1, "malformed region marker"),
    (["# Begin Starter", "# x = 1", "# END STARTER"], 1, "malformed region marker"),
])
def test_bad_markers_are_refused_naming_the_file_and_the_line(lines, line, words):
    with pytest.raises(scripts.ScriptError) as error:
        scripts.render_starter("\n".join(lines) + "\n", "solutions/x.py")
    message = str(error.value)
    assert message.startswith(f"solutions/x.py:{line}: ") and words in message
    assert "\n" not in message


def _moved(question, root):
    """The question with its two scripts under `root` instead of the checkout."""
    class Moved(type(question)):
        solution_path = property(lambda self: root / "solutions" / f"{self.id}.py")
        starter_path = property(lambda self: root / "starter_code" / f"{self.id}.py")

    return Moved(**{f.name: getattr(question, f.name) for f in dataclasses.fields(question)})


@pytest.fixture
def moved_bank(tmp_path, monkeypatch):
    """c1_celsius's real scripts copied under tmp_path, with tfexam.scripts pointed at them."""
    question = _moved(questions.get("c1_celsius"), tmp_path)
    for real, copy in ((questions.get("c1_celsius").solution_path, question.solution_path),
                       (questions.get("c1_celsius").starter_path, question.starter_path)):
        copy.parent.mkdir()
        shutil.copyfile(real, copy)
    monkeypatch.setattr(scripts, "_sourced", lambda: [question])
    return question


def test_the_command_regenerates_a_stale_starter_and_header(moved_bank, capsys):
    committed = moved_bank.starter_path.read_text()
    moved_bank.starter_path.write_text(committed.replace("epochs=1", "epochs=2"))
    source = moved_bank.solution_path.read_text()  # as if the declaration's last threshold had changed since
    moved_bank.solution_path.write_text(source.replace("5/5: 0.5.", "5/5: 0.25.", 1))
    assert scripts.main(["--check"]) == 1
    assert capsys.readouterr().out.split() == ["stale", "solutions/c1_celsius.py", "stale", "starter_code/c1_celsius.py"]
    assert scripts.main([]) == 0
    assert moved_bank.starter_path.read_text() == committed
    assert moved_bank.solution_path.read_text().startswith(questions.starter_header(moved_bank))
    assert scripts.main(["--check"]) == 0


def test_the_command_refuses_a_bad_marker_with_one_line_and_writes_nothing(moved_bank, capsys):
    source = moved_bank.solution_path.read_text()
    moved_bank.solution_path.write_text(source.replace("    # END SOLUTION\n", "", 1))
    before = moved_bank.starter_path.read_text()
    assert scripts.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: solutions/c1_celsius.py:") and "Traceback" not in err
    assert moved_bank.starter_path.read_text() == before


def test_every_committed_starter_is_what_the_generator_renders():
    stale = [f"{p.parent.name}/{p.name}" for p in scripts.stale()]
    assert not stale, f"{', '.join(stale)} out of date: run `python -m tfexam.scripts`"


@pytest.mark.parametrize("question", questions.all_questions().values(), ids=lambda q: q.id)
def test_every_source_has_regions_and_every_starter_compiles_without_markers(question):
    source = question.solution_path.read_text()
    assert "# BEGIN SOLUTION" in source and "# BEGIN STARTER" in source
    assert source.startswith(questions.starter_header(question))
    starter = question.starter_path.read_text()
    compile(starter, str(question.starter_path), "exec")
    assert not [line for line in starter.splitlines() if scripts.LOOSE_MARKER.match(line)]
    assert "YOUR CODE HERE" in starter
    guidance = [line.strip() for line in source.splitlines() if "YOUR CODE HERE" in line]
    assert guidance and all(line.startswith("# # YOUR CODE HERE") for line in guidance)  # only in STARTER regions
