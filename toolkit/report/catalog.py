"""Find the notebooks and read what each one is and which parameters it takes."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError
from toolkit.report.params import ParamSpec, parameter_spec

__all__ = ["NotebookSpec", "SHARED_PARAMETERS", "notebooks_dir", "list_notebooks", "find_notebook"]

SHARED_PARAMETERS = ("data", "columns", "as_of", "lang", "brand", "output_dir")
_PREFIX = re.compile(r"^\d+[_-]")


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook the runner can execute."""

    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    specs: dict[str, ParamSpec] = field(default_factory=dict)
    reads_transactions_declared: bool | None = None

    def title_in(self, lang: str) -> str:
        """Title in ``lang`` (falls back to English, then the name)."""
        return self.title.get(lang) or self.title.get("en") or self.name

    def description_in(self, lang: str) -> str:
        """One-line description in ``lang``."""
        return self.description.get(lang) or self.description.get("en") or ""

    def accepts(self, name: str) -> bool:
        """Whether the notebook declares parameter ``name`` and uses it."""
        return name in self.specs and not self.specs[name].unused

    @property
    def reads_transactions(self) -> bool:
        """Whether ``columns`` is a canonical transaction mapping, so reading options apply.

        Declared in the notebook metadata as ``"pmkt": {"reads_transactions": true}``;
        without it, a ``columns`` parameter whose help speaks of canonical columns.
        """
        if "columns" not in self.specs:
            return False
        declared = self.reads_transactions_declared
        return declared if declared is not None else "canonical" in self.specs["columns"].help


def notebooks_dir() -> Path:
    """The folder holding the notebooks (``PMKT_NOTEBOOKS_DIR`` overrides)."""
    override = os.environ.get("PMKT_NOTEBOOKS_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "notebooks"


def _parameters(path: Path, constraints: dict[str, Any]) -> dict[str, ParamSpec]:
    """Each parameter's declared type (from its default), help and constraints (notebook metadata)."""
    import papermill as pm

    inspected = pm.inspect_notebook(str(path))
    stray = sorted(set(constraints) - set(inspected))
    if stray:
        raise ParameterError(
            f"{path.name}: the metadata pmkt.parameters constrains {stray}, which the parameters cell "
            f"does not define; its parameters are {list(inspected)}."
        )
    return {
        name: parameter_spec(
            name, info.get("default"), (info.get("help") or "").strip(), constraints.get(name)
        )
        for name, info in inspected.items()
    }


@cache
def _spec(path: Path, mtime: float) -> NotebookSpec:
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("pmkt", {})
    name = meta.get("name") or _PREFIX.sub("", path.stem)
    specs = _parameters(path, dict(meta.get("parameters", {})))
    return NotebookSpec(
        name=name,
        path=path,
        title=dict(meta.get("title", {})),
        description=dict(meta.get("description", {})),
        parameters={k: {"type": p.type, "default": p.default, "help": p.help} for k, p in specs.items()},
        specs=specs,
        reads_transactions_declared=meta.get("reads_transactions"),
    )


def list_notebooks(folder: Path | None = None) -> list[NotebookSpec]:
    """Every notebook in course order (by file name)."""
    folder = folder or notebooks_dir()
    return [_spec(p, p.stat().st_mtime) for p in sorted(folder.glob("*.ipynb"))]


def find_notebook(name: str, folder: Path | None = None) -> NotebookSpec:
    """The notebook called ``name`` (with or without its number prefix).

    Raises
    ------
    ParameterError
        Listing the available names when there is no such notebook.
    """
    specs = list_notebooks(folder)
    for spec in specs:
        if name in (spec.name, spec.path.stem, spec.path.name):
            return spec
    raise ParameterError(f"There is no notebook {name!r}; available: {[s.name for s in specs]}.")
