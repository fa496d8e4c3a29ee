"""Translated Bullseye tables for reports."""

from __future__ import annotations

from toolkit import bullseye as bx
from toolkit.bullseye import display

CRITERIA = bx.load_criteria()


def test_criteria_overview_marks_proposed_items_in_both_languages():
    en = display.criteria_overview(CRITERIA, "en").set_index("criterion")
    zh = display.criteria_overview(CRITERIA, "zh").set_index("criterion")
    assert en.loc["Pr1", "provenance"] == "Proposed (in no source)"
    assert en.loc["T1", "provenance"] == "English original"
    assert en.loc["P2", "provenance"] == "Chinese source; band labels proposed"
    assert zh.loc["E8", "provenance"] == "建议补全（无出处）"
    assert zh.loc["P2", "direction"] == "反向计分：程度越低，得分越高"
    assert zh.loc["R1", "group"] == "价格"
    assert (
        en.loc["T2", "guide"] == "0–1: laggards | 2–4: late adopters | 5–7: early adopters | 8–10: innovators"
    )


def test_headers_cover_every_model_column():
    card = bx.read_scorecard(bx.textbook_scorecard_path())
    per = bx.score_criteria(card.scores, CRITERIA)
    groups = bx.group_scores(per, CRITERIA)
    totals = bx.product_totals(groups)
    tables = [
        per,
        groups,
        totals,
        bx.compare_products(groups, totals),
        bx.what_if(per),
        bx.weakest_criteria(per),
        bx.rater_totals(card.scores),
        bx.textbook_check(bx.load_textbook_reference()),
        display.criteria_overview(CRITERIA, "en"),
    ]
    for lang in ("en", "zh"):
        for table in tables:
            named = display.headers(table.columns, lang)
            assert set(named) == set(table.columns), set(table.columns) - set(named)
    assert display.headers(["possible", "target_market"], "zh") == {
        "possible": "全部可能得分",
        "target_market": "目标市场",
    }


def test_label_values_translates_ids_and_keeps_the_input():
    groups = bx.textbook_check(bx.load_textbook_reference())
    shown = display.label_values(groups, "zh")
    assert list(shown["group"]) == ["目标市场", "产品与品牌", "分销", "价格", "促销", "市场环境", "合计"]
    assert groups["group"].iloc[0] == "target_market"
