"""Which cells of a notebook belong to which edition: one source, three editions.

- **report**: the client deliverable (the default of ``pmkt run`` and
  ``pmkt build``): the user's data, findings, recommendations and a short
  method note per section.
- **student** and **instructor**: the course, with the lessons, exercises
  and (for instructors) solutions and trainer notes.

A cell's tags decide. Untagged cells belong to every edition; the tags below
narrow a cell to some editions. Markdown cells also carry ``lang-en`` or
``lang-zh``, which the editions filter separately.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["EDITIONS", "COURSE", "TAG_EDITIONS", "in_edition"]

EDITIONS: tuple[str, ...] = ("report", "student", "instructor")
COURSE = frozenset({"student", "instructor"})

#: tag -> the editions a cell with that tag belongs to
TAG_EDITIONS: dict[str, frozenset[str]] = {
    "lesson": COURSE,  # teaching narrative, textbook reproductions
    "exercise": COURSE,
    "exercise-check": COURSE,
    "solution": COURSE,  # a stub in the student edition
    "answer": COURSE,
    "trainer-note": frozenset({"instructor"}),
    "report-only": frozenset({"report"}),
    "report-hide": COURSE,
}


def in_edition(tags: Iterable[str], edition: str) -> bool:
    """Whether a cell with these tags belongs to ``edition`` (every narrowing tag must allow it)."""
    return all(edition in TAG_EDITIONS[tag] for tag in tags if tag in TAG_EDITIONS)
