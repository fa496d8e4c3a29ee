"""Every notebook follows the contract in docs/architecture.md."""

import json
import re

import pytest

from toolkit.report.catalog import list_notebooks, notebooks_dir

SPECS = list_notebooks()


def test_every_notebook_file_is_one_named_topic():
    """Names come from the files, so adding a notebook needs no edit here."""
    files = sorted(notebooks_dir().glob("*.ipynb"))
    assert [s.path for s in SPECS] == files
    numbers, names = [], []
    for spec in SPECS:
        match = re.fullmatch(r"(\d\d)_([a-z][a-z0-9_]*)\.ipynb", spec.path.name)
        assert match, f"{spec.path.name}: name notebooks NN_name.ipynb (two digits, lower-case name)"
        assert match.group(2) == spec.name, f"{spec.path.name}: metadata pmkt.name is {spec.name!r}"
        numbers.append(match.group(1))
        names.append(spec.name)
    assert len(set(numbers)) == len(numbers) and len(set(names)) == len(names)
    assert SPECS[0].name == "data_overview", "the course opens with the data overview"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_metadata_and_parameters(spec):
    for lang in ("en", "zh"):
        assert spec.title.get(lang) and spec.description.get(lang), (
            f"{spec.name}: title/description in {lang}"
        )
    for shared in ("lang", "brand", "output_dir"):
        assert shared in spec.parameters, f"{spec.name} lacks the shared parameter {shared!r}"
    if "data" in spec.parameters:
        assert {"columns", "as_of"} <= spec.parameters.keys() or spec.name in {
            "email_campaign",
            "telemarketing",
        }
    for name, info in spec.parameters.items():
        assert info["help"], (
            f"{spec.name}: parameter {name!r} has no help comment (or papermill could not parse it)"
        )
    # every assignment in the parameters cell must reach papermill (a '=' or ';' in a comment hides it)
    nb = json.loads(spec.path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    assigned = re.findall(r"^([A-Za-z_]\w*)\s*=", source, flags=re.M)
    assert assigned == list(spec.parameters), f"{spec.name}: papermill sees {list(spec.parameters)}"


@pytest.mark.parametrize("path", sorted(notebooks_dir().glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_without_outputs_and_with_bilingual_narrative(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code"), (
        "strip outputs before committing"
    )
    tags = [set(c.get("metadata", {}).get("tags", [])) for c in cells if c["cell_type"] == "markdown"]
    assert sum("lang-en" in t for t in tags) == sum("lang-zh" in t for t in tags) > 0
    assert sum("exercise" in t for t in tags) >= 2, "each notebook carries at least two exercises"
    code_tags = [set(c.get("metadata", {}).get("tags", [])) for c in cells if c["cell_type"] == "code"]
    assert sum("solution" in t for t in code_tags) >= 2
    assert code_tags[0] == {"parameters"}
