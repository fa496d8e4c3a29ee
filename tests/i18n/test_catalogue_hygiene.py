"""Catalogue hygiene: every key is named <topic>.<kind>.<name>, speaks both languages alike, and is used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import nbformat
import pytest

from toolkit.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*")


def _code_sources() -> list[str]:
    """The Python the toolkit runs: its modules and the notebooks' code cells."""
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "toolkit").rglob("*.py")]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        sources += [c.source for c in nb.cells if c.cell_type == "code"]
    return sources


def _strings(source: str) -> tuple[set[str], set[str]]:
    """Literal strings, and the literal heads of f-strings (``f"rfm.segment.{x}"`` -> ``rfm.segment.``)."""
    literals, heads = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            literals.add(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            heads.add(str(node.values[0].value))
    return literals, heads


def unused_keys(keys: set[str], sources: list[str]) -> list[str]:
    """Keys no code names, either whole or under a prefix it builds keys from.

    A prefix counts when it names at least ``<topic>.<kind>``: the head of an
    f-string (``f"campaign.level.{group}"``), or a literal such as
    ``"campaign.arm"`` that is passed on to have a value appended.
    """
    literals: set[str] = set()
    prefixes: set[str] = set()
    for source in sources:
        found, heads = _strings(source)
        literals |= found
        prefixes |= {h for h in heads if h.count(".") >= 2}
    prefixes |= {s + "." for s in literals if re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", s)}
    prefixes |= {s for s in literals if re.fullmatch(r"([a-z][a-z0-9_]*\.){2,}", s)}  # "rfm.segment." + name
    return sorted(k for k in keys if k not in literals and not any(k.startswith(p) for p in prefixes))


def test_every_key_looked_up_by_name_exists():
    """``t("...")``, ``rpt.t("...")`` and ``has("...")`` with a literal key name a key the catalogue has."""
    keys = set(catalogue())
    missing = set()
    for source in _code_sources():
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if (
                name in {"t", "has"}
                and isinstance(node.args[0].value, str)
                and node.args[0].value not in keys
            ):
                missing.add(node.args[0].value)
    assert not missing, f"looked up but not in the catalogue: {sorted(missing)}"


def test_every_key_is_topic_kind_name():
    bad = sorted(k for k in catalogue() if not KEY.fullmatch(k))
    assert not bad, f"keys not of the form <topic>.<kind>.<name>: {bad}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_placeholders():
    differ = {
        k: (sorted(_fields(v["en"])), sorted(_fields(v["zh"])))
        for k, v in catalogue().items()
        if _fields(v["en"]) != _fields(v["zh"])
    }
    assert not differ, f"en and zh name different placeholders: {differ}"


def test_every_key_is_looked_up_somewhere():
    unused = unused_keys(set(catalogue()), _code_sources())
    assert not unused, f"{len(unused)} catalogue keys are never used; remove them or use them: {unused}"


@pytest.mark.parametrize(
    ("source", "unused"),
    [
        ('t("demo.label.used", "en")', ["demo.label.spare", "demo.value.b"]),
        ('t(f"demo.value.{x}", "en")', ["demo.label.spare", "demo.label.used"]),
        ('value_label(v, "demo.value", lang)', ["demo.label.spare", "demo.label.used"]),
        ('t(f"demo.{kind}.x", "en")', ["demo.label.spare", "demo.label.used", "demo.value.b"]),
    ],
)
def test_the_unused_key_check_can_fail(source, unused):
    keys = {"demo.label.used", "demo.label.spare", "demo.value.b"}
    assert unused_keys(keys, [source]) == unused
