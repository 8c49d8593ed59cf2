"""The certificate's skills checklist (tfexam/checklist.toml): its items, their words, and what a question's skills
stand for. The one place a skill id is resolved: the question parser, the README's coverage table, `tfexam
questions` and the report read it here.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tfexam.errors import ExamError

CHECKLIST_FILE = Path(__file__).resolve().parent / "checklist.toml"
OTHER = "other"  # an alias's key for the categories it does not name


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    text: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklist:
    sections: tuple[Section, ...]
    every_question: tuple[str, ...]  # items every question's contract exercises
    aliases: dict[str, dict[str, tuple[str, ...]]]  # alias -> {category "1".."5" or OTHER: item ids}

    @functools.cached_property
    def items(self) -> dict[str, Item]:
        return {item.id: item for section in self.sections for item in section.items}


def _parse(text: str, where: str) -> Checklist:
    raw = tomllib.loads(text)
    sections = tuple(
        Section(s["id"], s["title"], tuple(Item(item_id, s["id"], words) for item_id, words in s["items"]))
        for s in raw["section"])
    ids = [item.id for section in sections for item in section.items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ExamError(f"{where}: item ids used twice: {', '.join(repeated)}")
    aliases = {}
    for alias, target in raw.get("aliases", {}).items():
        by_category = target if isinstance(target, dict) else {OTHER: target}
        aliases[alias] = {key: tuple(value) for key, value in by_category.items()}
    checklist = Checklist(sections, tuple(raw.get("every_question", ())), aliases)
    named = [*checklist.every_question, *(i for t in aliases.values() for v in t.values() for i in v)]
    unknown = sorted({i for i in named if i not in checklist.items} | (set(aliases) & set(ids)))
    if unknown:
        raise ExamError(f"{where}: not checklist items (or an alias that is also an item): {', '.join(unknown)}")
    return checklist


@functools.cache
def load() -> Checklist:
    try:
        return _parse(CHECKLIST_FILE.read_text(encoding="utf-8"), CHECKLIST_FILE.name)
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ExamError(f"{CHECKLIST_FILE.name}: invalid checklist ({type(error).__name__}: {error})") from None


def known(skill: str) -> bool:
    checklist = load()
    return skill in checklist.items or skill in checklist.aliases


def resolve(skill: str, category: int) -> tuple[str, ...]:
    """The checklist items a question's skill stands for; an unknown one, or an alias with no meaning in the
    question's category, is an ExamError naming it."""
    checklist = load()
    if skill in checklist.items:
        return (skill,)
    if skill not in checklist.aliases:
        raise ExamError(f"unknown skill {skill!r}: name an item of {CHECKLIST_FILE.name} or one of its aliases")
    by_category = checklist.aliases[skill]
    items = by_category.get(str(category), by_category.get(OTHER))
    if items is None:
        raise ExamError(f"skill {skill!r} names no checklist item for category {category}")
    return items


def covered(skills, category: int) -> tuple[str, ...]:
    """Every checklist item a question exercises: its skills resolved, plus what every question's contract asks."""
    found = [*load().every_question, *(item for skill in skills for item in resolve(skill, category))]
    return tuple(dict.fromkeys(found))


def skill_label(skill: str) -> str:
    """A skill id in words: an item's text, or for an alias the texts of the items it stands for."""
    checklist = load()
    if skill in checklist.items:
        return checklist.items[skill].text
    if skill in checklist.aliases:
        items = dict.fromkeys(i for value in checklist.aliases[skill].values() for i in value)
        return "; ".join(checklist.items[i].text for i in items)
    return skill
