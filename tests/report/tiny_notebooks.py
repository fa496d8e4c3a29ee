"""Tiny notebooks written on the fly, for the runner's and the output folder's tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat

PARAMETERS = 'lang = "en"        # report language\noutput_dir = ""    # results'


def make_notebook(folder: Path, name: str, body: Sequence[str], parameters: str = PARAMETERS) -> None:
    """Write ``folder/name.ipynb``: pmkt metadata, a parameters cell, then one code cell per ``body`` entry."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["pmkt"] = {
        "name": name,
        "title": {"en": name, "zh": name},
        "description": {"en": "test", "zh": "测试"},
    }
    nb.cells = [
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        *[nbformat.v4.new_code_cell(src) for src in body],
    ]
    nbformat.write(nb, folder / f"{name}.ipynb")
