"""The package as a whole: one version source, and a test tree that mirrors it."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import toolkit

ROOT = Path(__file__).resolve().parents[1]
# test folders that mirror something other than a toolkit subpackage
OUTSIDE_TOOLKIT = {"benchmarks": ROOT / "benchmarks"}


def test_the_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("jingzhun-pmkt") == toolkit.__version__


def test_the_test_tree_mirrors_the_package():
    package = ROOT / "toolkit"
    for folder in sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"):
        relative = folder.relative_to(ROOT / "tests")
        target = OUTSIDE_TOOLKIT.get(folder.name, package / relative)
        assert target.is_dir(), f"tests/{relative}/ mirrors nothing: no {target.relative_to(ROOT)}/"
        for sub in folder.rglob("*"):
            if sub.is_dir() and sub.name != "__pycache__":
                inner = sub.relative_to(ROOT / "tests")
                assert (package / inner).is_dir(), f"tests/{inner}/ mirrors nothing: no toolkit/{inner}/"
    for test in sorted((ROOT / "tests").glob("test_*.py")):
        module = test.stem.removeprefix("test_")
        assert module == "package" or (package / f"{module}.py").is_file(), (
            f"tests/{test.name} mirrors no module: no toolkit/{module}.py (move it to the folder of its subpackage)"
        )
