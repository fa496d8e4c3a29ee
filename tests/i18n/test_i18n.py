"""The catalogue is complete in both languages and every key the code uses exists."""

import re
from pathlib import Path

import pytest

from toolkit.errors import ParameterError
from toolkit.i18n import catalogue, t, translate_columns

ROOT = Path(__file__).resolve().parents[2]
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def test_every_entry_has_both_languages_and_no_duplicates():
    cat = catalogue()  # raises on duplicates or a missing language
    assert len(cat) > 50
    for key, texts in cat.items():
        assert texts["en"].strip() and texts["zh"].strip(), key


def test_translation_and_formatting():
    assert t("report.heading.executive_summary", "zh") == "摘要"
    assert t("report.label.seconds", "en", seconds=3.14159) == "3.1 s"
    assert translate_columns(["revenue", "my_col"], "zh") == ["销售额", "my_col"]
    with pytest.raises(KeyError, match="no catalogue entry 'nope.key'"):
        t("nope.key", "en")
    with pytest.raises(
        ParameterError, match="The 'lang' parameter must be one of 'en' or 'zh'. Got 'fr' instead."
    ):
        t("report.heading.executive_summary", "fr")


def test_every_literal_key_used_in_code_and_notebooks_exists():
    cat = catalogue()
    sources = list((ROOT / "toolkit").rglob("*.py")) + list((ROOT / "notebooks").glob("*.ipynb"))
    missing = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for key in KEY_CALL.findall(text):
            if key not in cat and not key.endswith("."):
                missing.add(f"{path.name}: {key}")
    assert not missing, sorted(missing)
