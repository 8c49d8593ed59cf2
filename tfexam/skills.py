"""Skills in words: the one place the report, status and starters turn a skill id into what a learner reads.

The words are the exam checklist's (tfexam.questions.SKILLS); an id this version does not know reads as itself,
with spaces."""

from __future__ import annotations

from tfexam.questions import SKILLS


def label(skill_id: str) -> str:
    """'lr_schedule' -> 'Learning-rate choice and schedules'."""
    words = SKILLS.get(skill_id) or skill_id.replace("_", " ")
    return words[:1].upper() + words[1:]
