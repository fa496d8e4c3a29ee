"""Readable names of model terms, columns and levels, in both languages."""

from __future__ import annotations

from toolkit.campaign.design import OTHER
from toolkit.campaign.labels import feature_label, level_label, slug, term_label


def test_model_terms_read_as_words():
    assert term_label("month=mar", "en") == "Month of the call: March"
    assert term_label("month=mar", "zh") == "通话月份：3月"
    assert term_label("education=university.degree", "en") == "Education: University degree"
    assert term_label("education=university.degree", "zh") == "教育程度：大学学历"
    assert term_label("emp.var.rate", "zh") == "就业变化率"
    assert level_label("job", OTHER, "zh") == "其他（合并的少见类别）"


def test_unknown_names_are_kept_and_marked():
    def mark(text: str) -> str:
        return f"[{text}]"

    assert term_label("region=north", "zh", mark=mark) == "[region]：[north]"
    assert feature_label("age", "en", mark=mark) == "Age"
    assert slug("University.Degree") == "university_degree"
