"""The course syllabus: sessions, objectives, timing and trainer notes.

The syllabus lives in ``course/syllabus.yaml`` (both languages side by side)
so a trainer can re-time a session or add a discussion question without
touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import ParameterError

__all__ = ["Session", "Syllabus", "load_syllabus", "syllabus_path"]


def syllabus_path() -> Path:
    """``course/syllabus.yaml`` of the repository (``PMKT_SYLLABUS`` overrides)."""
    override = os.environ.get("PMKT_SYLLABUS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "course" / "syllabus.yaml"


@dataclass(frozen=True)
class Session:
    """One teaching session built around one notebook."""

    number: int
    notebook: str
    minutes: int
    title: dict[str, str]
    objectives: dict[str, list[str]]
    connects: dict[str, str]
    timing: dict[str, list[str]] = field(default_factory=dict)
    mistakes: dict[str, list[str]] = field(default_factory=dict)
    discussion: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Syllabus:
    """The whole course."""

    title: dict[str, str]
    intro: dict[str, str]
    sessions: list[Session]

    def session_for(self, notebook: str) -> Session | None:
        """The session that teaches ``notebook``, if any."""
        return next((s for s in self.sessions if s.notebook == notebook), None)

    @property
    def total_minutes(self) -> int:
        """Teaching time of all sessions."""
        return sum(s.minutes for s in self.sessions)


def _bilingual(value: Any, where: str, kind: type) -> dict:
    if not isinstance(value, dict) or not {"en", "zh"} <= value.keys():
        raise ParameterError(f"syllabus: {where} must give both 'en' and 'zh'")
    for lang in ("en", "zh"):
        if not isinstance(value[lang], kind):
            raise ParameterError(f"syllabus: {where}.{lang} must be a {kind.__name__}")
        if kind is list and not all(isinstance(item, str) for item in value[lang]):
            raise ParameterError(
                f"syllabus: {where}.{lang} must be a list of texts (quote items that contain ': ')"
            )
    return {"en": value["en"], "zh": value["zh"]}


def load_syllabus(path: str | Path | None = None) -> Syllabus:
    """Read and check the syllabus file.

    Raises
    ------
    ParameterError
        Naming the session and field that is missing or malformed.
    """
    path = Path(path) if path else syllabus_path()
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    sessions = []
    for number, item in enumerate(spec.get("sessions", []), start=1):
        where = f"session {number} ({item.get('notebook', '?')})"
        optional = {
            k: _bilingual(item[k], f"{where}.{k}", list)
            for k in ("timing", "mistakes", "discussion")
            if k in item
        }
        sessions.append(
            Session(
                number=number,
                notebook=str(item["notebook"]),
                minutes=int(item["minutes"]),
                title=_bilingual(item.get("title"), f"{where}.title", str),
                objectives=_bilingual(item.get("objectives"), f"{where}.objectives", list),
                connects=_bilingual(item.get("connects"), f"{where}.connects", str),
                **optional,
            )
        )
    return Syllabus(
        _bilingual(spec.get("title"), "title", str), _bilingual(spec.get("intro"), "intro", str), sessions
    )
