"""Reading scorecards and the errors a bad scorecard gets."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import bullseye as bx
from toolkit.errors import DataError

CRITERIA = bx.load_criteria()
IDS = list(CRITERIA["id"])


def _rows(product: str = "Shoes", rater: str = "Ann", score: int = 5) -> list[dict]:
    return [{"product": product, "rater": rater, "criterion": c, "score": score, "evidence": ""} for c in IDS]


def _write_csv(tmp_path, rows: list[dict], name: str = "card.csv") -> str:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def _error(tmp_path, rows: list[dict]) -> str:
    with pytest.raises(DataError) as err:
        bx.read_scorecard(_write_csv(tmp_path, rows))
    return str(err.value)


# --- every validation error names the product, criterion and value ------------


def test_unknown_criterion(tmp_path):
    rows = _rows()
    rows[4]["criterion"] = "T9"
    msg = _error(tmp_path, rows)
    assert "card.csv" in msg
    assert "row 6: product 'Shoes', rater 'Ann': unknown criterion 'T9'" in msg
    # T5 was replaced, so it is also reported as missing.
    assert "product 'Shoes', rater 'Ann': no row for 1 criteria ['T5']" in msg


def test_score_outside_the_scale(tmp_path):
    rows = _rows()
    rows[0]["score"] = 11
    rows[29]["score"] = -1
    msg = _error(tmp_path, rows)
    assert "2 problem(s)" in msg
    assert "row 2: product 'Shoes', rater 'Ann', criterion 'T1': score 11 is outside 0-10" in msg
    assert "row 31: product 'Shoes', rater 'Ann', criterion 'E8': score -1 is outside 0-10" in msg


def test_non_integer_and_non_numeric_scores(tmp_path):
    rows = _rows()
    rows[1]["score"] = 7.5
    rows[2]["score"] = "high"
    msg = _error(tmp_path, rows)
    assert "criterion 'T2': score 7.5 is not a whole number" in msg
    assert "criterion 'T3': score 'high' is not a whole number from 0 to 10" in msg


def test_missing_score(tmp_path):
    rows = _rows()
    rows[7]["score"] = None
    msg = _error(tmp_path, rows)
    assert "row 9: product 'Shoes', rater 'Ann', criterion 'P1': no score" in msg


def test_duplicate_rows(tmp_path):
    rows = _rows() + [{"product": "Shoes", "rater": "Ann", "criterion": "p2", "score": 3, "evidence": ""}]
    msg = _error(tmp_path, rows)
    assert "row 32: product 'Shoes', rater 'Ann', criterion 'P2' is given twice (also at row 10)" in msg


def test_missing_criteria(tmp_path):
    rows = [r for r in _rows() if r["criterion"] not in {"R1", "Pr1"}]
    msg = _error(tmp_path, rows)
    assert "product 'Shoes', rater 'Ann': no row for 2 criteria ['R1', 'Pr1']" in msg


def test_empty_product_name(tmp_path):
    rows = _rows()
    rows[3]["product"] = ""
    msg = _error(tmp_path, rows)
    assert "row 5: empty product name (rater 'Ann', criterion 'T4')" in msg


def test_missing_column(tmp_path):
    frame = pd.DataFrame(_rows()).rename(columns={"score": "points"})
    path = tmp_path / "card.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(
        DataError, match="no 'score' column; it has \\['product', 'rater', 'criterion', 'points'"
    ):
        bx.read_scorecard(path)


def test_many_problems_are_counted_not_all_listed(tmp_path):
    rows = _rows(score=12)
    msg = _error(tmp_path, rows)
    assert "30 problem(s)" in msg and "and 18 more" in msg


def test_error_carries_row_numbers(tmp_path):
    rows = _rows()
    rows[0]["score"] = 11
    with pytest.raises(DataError) as err:
        bx.read_scorecard(_write_csv(tmp_path, rows))
    assert err.value.rows == [2]


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="scorecard file not found"):
        bx.read_scorecard(tmp_path / "nope.csv")
    path = tmp_path / "card.json"
    path.write_text("{}")
    with pytest.raises(DataError, match="unknown scorecard format '.json'"):
        bx.read_scorecard(path)


# --- readers -----------------------------------------------------------------


def test_csv_with_chinese_headers_in_gb18030_and_lower_case_ids(tmp_path):
    frame = pd.DataFrame(_rows(product="皮鞋", rater="张三", score=6)).rename(
        columns={
            "product": "产品",
            "rater": "评分人",
            "criterion": "指标",
            "score": "得分",
            "evidence": "依据",
        }
    )
    frame["指标"] = frame["指标"].str.lower()
    path = tmp_path / "card.csv"
    frame.to_csv(path, index=False, encoding="gb18030")
    card = bx.read_scorecard(path)
    assert card.scores["criterion"].tolist() == IDS
    assert set(card.scores["product"]) == {"皮鞋"} and (card.scores["score"] == 6).all()


def test_single_product_file_without_product_column(tmp_path):
    frame = pd.DataFrame({"criterion": IDS, "score": range(30)})
    frame["score"] = frame["score"] % 11
    path = tmp_path / "my_shop.csv"
    frame.to_csv(path, index=False)
    card = bx.read_scorecard(path)
    assert set(card.scores["product"]) == {"my_shop"}
    assert card.remarks and "my_shop" in card.remarks[0]
    assert card.scores["rater"].eq("").all()


def test_excel_with_several_products_and_raters(tmp_path):
    rows = _rows("A", "r1", 4) + _rows("A", "r2", 6) + _rows("B", "r1", 9)
    path = tmp_path / "card.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False, sheet_name="scorecard")
    card = bx.read_scorecard(path)
    assert card.products[["product", "raters"]].values.tolist() == [["A", 2], ["B", 1]]
    per = bx.score_criteria(card.scores, CRITERIA)
    totals = bx.product_totals(bx.group_scores(per, CRITERIA)).set_index("product")["total"]
    assert totals.to_dict() == {"A": 150, "B": 270}


def test_excel_error_names_the_spreadsheet_row(tmp_path):
    rows = _rows()
    rows[10]["score"] = 10.5
    path = tmp_path / "card.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    with pytest.raises(
        DataError,
        match="row 12: product 'Shoes', rater 'Ann', criterion 'P4': score 10.5 is not a whole number",
    ):
        bx.read_scorecard(path)


YAML_OK = """
title: {en: Two shops, zh: 两家店}
products:
  - product: {en: Tea, zh: 茶叶}
    rater: Li
    scores: {%s}
    evidence: {T1: {en: online buyers, zh: 网购人群}}
"""


def _yaml_scores(**override: object) -> str:
    return ", ".join(f"{c}: {override.get(c, 5)}" for c in IDS)


def test_yaml_with_two_languages_and_inline_evidence(tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text(YAML_OK % _yaml_scores(T2="{score: 9, evidence: early adopters}"), encoding="utf-8")
    en = bx.read_scorecard(path, lang="en")
    zh = bx.read_scorecard(path, lang="zh")
    assert en.title == "Two shops" and zh.title == "两家店"
    assert set(zh.scores["product"]) == {"茶叶"}
    ev = en.scores.set_index("criterion")["evidence"]
    assert ev["T1"] == "online buyers" and ev["T2"] == "early adopters"
    assert en.scores.set_index("criterion").loc["T2", "score"] == 9


def test_yaml_errors_name_the_entry(tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text(YAML_OK % _yaml_scores(P3="8.5", E2="~"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        bx.read_scorecard(path)
    msg = str(err.value)
    assert (
        "products entry 1, P3: product 'Tea', rater 'Li', criterion 'P3': score 8.5 is not a whole number"
        in msg
    )
    assert "products entry 1, E2: product 'Tea', rater 'Li', criterion 'E2': no score" in msg


def test_yaml_key_written_twice_is_refused(tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text(YAML_OK % (_yaml_scores() + ", T1: 9"), encoding="utf-8")
    with pytest.raises(DataError, match="the key 'T1' is written twice"):
        bx.read_scorecard(path)


def test_yaml_without_products_list(tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text("title: nothing\n", encoding="utf-8")
    with pytest.raises(DataError, match="needs a 'products' list"):
        bx.read_scorecard(path)
