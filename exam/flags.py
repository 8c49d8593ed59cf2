"""Identical and similar work across candidates, from what the grading workers reported (digests only: the CLI never
loads a model). The rules are tfexam/similarity.py's; here they are applied to a class and grouped.

A group joins files of at least two candidates. Byte-identical files are one group per sha256. Files whose weights
are identical but whose bytes differ (saved separately) are one group per weights digest; members that only repeat
a byte-identical group are not listed again. Similar weights are pairs linked into groups (transitively), left out
where the pair is already identical.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfexam.result import Fingerprint
from tfexam.similarity import IDENTICAL_FILE, IDENTICAL_WEIGHTS, SIMILAR_WEIGHTS, relation


@dataclass(frozen=True)
class Entry:
    """One file as the comparison sees it."""

    candidate: str
    category: int
    file: str  # relative to the class folder
    sha256: str | None  # None: the file's bytes were not read (a pipe, a link out, over the size cap)
    fingerprint: Fingerprint | None  # None: no model was loaded (refused before, or an earlier run without it)


@dataclass(frozen=True)
class Flag:
    id: str  # F1, W1, S1: what the CSVs and pages refer to
    kind: str  # tfexam.similarity: IDENTICAL_FILE, IDENTICAL_WEIGHTS, SIMILAR_WEIGHTS
    members: tuple[Entry, ...]
    evidence: str

    @property
    def candidates(self) -> list[str]:
        return sorted({m.candidate for m in self.members}, key=str.casefold)


PREFIX = {IDENTICAL_FILE: "F", IDENTICAL_WEIGHTS: "W", SIMILAR_WEIGHTS: "S"}


def find(entries: list[Entry]) -> list[Flag]:
    flags: list[Flag] = []
    by_bytes = _groups(entries, lambda e: e.sha256)
    for sha, members in by_bytes:
        flags.append(Flag(f"F{len(flags) + 1}", IDENTICAL_FILE, members, f"sha256 {sha}"))
    models = [e for e in entries if e.fingerprint is not None]
    count = 0
    for (architecture, weights), members in _groups(models, lambda e: (e.fingerprint.architecture, e.fingerprint.weights)):
        if len({m.sha256 for m in members}) < 2:
            continue  # all one file: already an identical-file group
        count += 1
        first = members[0].fingerprint
        flags.append(Flag(f"W{count}", IDENTICAL_WEIGHTS, members,
                          f"{len({m.sha256 for m in members})} different files, same architecture "
                          f"({architecture[:12]}), all {first.parameters} weights equal (digest {weights[:12]})"))
    flags += _similar(models)
    return flags


def _groups(entries: list[Entry], key) -> list[tuple[object, tuple[Entry, ...]]]:
    grouped: dict[object, list[Entry]] = {}
    for entry in entries:
        value = key(entry)
        if value is not None:
            grouped.setdefault(value, []).append(entry)
    return [(value, tuple(members)) for value, members in grouped.items()
            if len({m.candidate for m in members}) > 1]


def _similar(models: list[Entry]) -> list[Flag]:
    """Pairs of different candidates with similar weights, linked into groups; the evidence of each pair kept."""
    parent = list(range(len(models)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    evidence: dict[int, list[str]] = {}
    for i, a in enumerate(models):
        for j in range(i + 1, len(models)):
            b = models[j]
            if a.candidate == b.candidate:
                continue
            found = relation(a.fingerprint, b.fingerprint)
            if found is None or found[0] != SIMILAR_WEIGHTS:
                continue
            parent[root(j)] = root(i)
            evidence.setdefault(i, []).append(f"{a.candidate} ~ {b.candidate}: {found[1]}")
    grouped: dict[int, list[int]] = {}
    for i in range(len(models)):
        grouped.setdefault(root(i), []).append(i)
    flags = []
    for members in grouped.values():
        if len({models[i].candidate for i in members}) < 2:
            continue
        lines = [line for i in members for line in evidence.get(i, [])]
        flags.append(Flag(f"S{len(flags) + 1}", SIMILAR_WEIGHTS, tuple(models[i] for i in members), "; ".join(lines)))
    return flags


def of_candidate(flags: list[Flag], candidate: str) -> list[Flag]:
    return [f for f in flags if any(m.candidate == candidate for m in f.members)]


def describe(flag: Flag, candidate: str) -> str:
    """One flag as a candidate's row says it: its id, kind, category and who else."""
    others = [c for c in flag.candidates if c != candidate]
    categories = sorted({m.category for m in flag.members if m.candidate == candidate})
    where = ", ".join(f"c{c}" for c in categories)
    return f"{flag.id} {flag.kind} ({where}) with {', '.join(others)}"
