"""What starters and reference solutions load: the training part a question declares, never its hidden part."""

from __future__ import annotations

from tfexam.data import readers


def training_data(question_id: str):
    """The training part of the question's data, in the form its [data] format gives (see tfexam.data.readers)."""
    from tfexam import questions

    question = questions.get(question_id)
    if question.data is None:
        raise ValueError(f"question {question_id} declares no data: its starter holds it")
    return readers.read(question.data, "train")


def data_file(name: str):
    """A verified file of the dataset registry by its canonical name (e.g. pre-trained weights), fetched if needed."""
    return readers.file_path(name)
