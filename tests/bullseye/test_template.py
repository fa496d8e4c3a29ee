"""Blank scorecard templates: generate, fill, score (the round trip)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit import bullseye as bx
from toolkit.errors import DataError, ParameterError

CRITERIA = bx.load_criteria()
IDS = list(CRITERIA["id"])
PRODUCTS = ["Alpha", "Beta"]
RATERS = ["Ann", "Bo"]


def _fill_value(product: str, rater: str, k: int) -> int:
    """A known score for each cell: differs by product, rater and criterion."""
    return (k + 3 * PRODUCTS.index(product) + 2 * RATERS.index(rater)) % 11


def _expected_totals() -> dict[str, float]:
    return {p: sum(_fill_value(p, r, k) for r in RATERS for k in range(30)) / len(RATERS) for p in PRODUCTS}


def _score(path) -> dict[str, float]:
    card = bx.read_scorecard(path)
    per = bx.score_criteria(card.scores, CRITERIA)
    totals = bx.product_totals(bx.group_scores(per, CRITERIA))
    return dict(zip(totals["product"], totals["total"]))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_table_template_round_trip(tmp_path, lang, suffix):
    path = bx.write_template(tmp_path / f"class{suffix}", products=PRODUCTS, raters=RATERS, lang=lang)
    # A blank template is refused: every score is missing.
    with pytest.raises(DataError, match="120 problem\\(s\\).*no score"):
        bx.read_scorecard(path)
    frame = pd.read_excel(path) if suffix == ".xlsx" else pd.read_csv(path, encoding="utf-8-sig")
    score_col = "score" if lang == "en" else "得分"
    product_col, rater_col, crit_col = (
        ("product", "rater", "criterion") if lang == "en" else ("产品", "评分人", "指标")
    )
    assert len(frame) == 2 * 2 * 30
    assert frame[crit_col].tolist()[:30] == IDS
    frame[score_col] = [
        _fill_value(p, r, IDS.index(c))
        for p, r, c in zip(frame[product_col], frame[rater_col], frame[crit_col])
    ]
    if suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="scorecard")
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    totals = _score(path)
    assert totals == pytest.approx(_expected_totals())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_yaml_template_round_trip(tmp_path, lang):
    path = bx.write_template(tmp_path / "class.yaml", products=PRODUCTS, raters=RATERS, lang=lang)
    text = path.read_text(encoding="utf-8")
    assert len(re.findall(r"^ +\w+: *~ ", text, flags=re.M)) == 120
    with pytest.raises(DataError, match="120 problem\\(s\\)"):
        bx.read_scorecard(path)
    # Fill the blanks the way a student would: replace each ~ in order.
    cells = iter([(p, r, k) for p in PRODUCTS for r in RATERS for k in range(30)])

    def fill(match: re.Match) -> str:
        return f"{match.group(1)}{_fill_value(*next(cells))} "

    filled = re.sub(r"^( +\w+: *)~ ", fill, text, flags=re.M)
    path.write_text(filled, encoding="utf-8")
    assert _score(path) == pytest.approx(_expected_totals())


def test_template_content_in_both_languages():
    en = bx.template_frame(["A"], lang="en")
    zh = bx.template_frame(["A"], lang="zh")
    assert list(en.columns) == [
        "product",
        "rater",
        "criterion",
        "group",
        "question",
        "guide",
        "score",
        "evidence",
    ]
    assert list(zh.columns) == ["产品", "评分人", "指标", "指标组", "问题", "评分参考", "得分", "依据"]
    assert en.loc[0, "question"] == CRITERIA.loc[0, "text_en"]
    assert (
        en.loc[0, "guide"]
        == "0-1: non-users | 2-4: occasional users | 5-7: regular users | 8-10: advanced users"
    )
    assert zh.loc[0, "指标组"] == "目标市场"
    assert en["score"].isna().all() and len(en) == 30


def test_excel_template_limits_scores_to_whole_numbers(tmp_path):
    from openpyxl import load_workbook

    path = bx.write_template(tmp_path / "t.xlsx", products=["A"], lang="en")
    sheet = load_workbook(path)["scorecard"]
    rules = sheet.data_validations.dataValidation
    assert len(rules) == 1
    rule = rules[0]
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == ("whole", "between", "0", "10")
    assert str(rule.sqref) == "G2:G31"


def test_template_parameters_are_checked(tmp_path):
    with pytest.raises(ParameterError, match="template format"):
        bx.write_template(tmp_path / "t.docx")
    with pytest.raises(ParameterError, match="'products' parameter must be a list of non-empty names"):
        bx.template_frame([""])
    with pytest.raises(ParameterError, match="names someone twice"):
        bx.template_frame(["A"], raters=["X", "X"])
    with pytest.raises(ParameterError, match="The 'lang' parameter must be one of 'en' or 'zh'"):
        bx.template_frame(["A"], lang="fr")
