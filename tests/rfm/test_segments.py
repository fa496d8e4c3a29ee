"""Segment table as data: coverage, gaps, summary, playbook, validation."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.i18n import t
from toolkit.rfm import (
    UNASSIGNED,
    assign_segments,
    load_segment_table,
    playbook,
    segment_coverage,
    segment_summary,
)


def test_default_table_covers_every_combination_with_names_and_playbook():
    table = load_segment_table()
    assert len(table) == 11
    cover = segment_coverage(table, 5)
    assert len(cover) == 125 and (cover["segment"] != UNASSIGNED).all()
    for lang in ("en", "zh"):
        assert (table[f"name_{lang}"].str.len() > 0).all()
        book = playbook(table, lang)
        assert (book[["action", "channel", "why"]].apply(lambda c: c.str.len()) > 0).all().all()
    names = dict(zip(table["segment"], table["name_zh"]))
    assert (
        names["champions"] == "冠军客户" and names["lost"] == "流失客户" and names["cant_lose"] == "不能失去"
    )
    # spot checks of the map
    lookup = dict(zip(cover["rfm_cell"], cover["segment"]))
    assert lookup["555"] == "champions" and lookup["511"] == "new" and lookup["111"] == "lost"
    assert lookup["155"] == "cant_lose" and lookup["153"] == "at_risk" and lookup["333"] == "need_attention"


def test_user_table_with_gaps_counts_unassigned(tmp_path):
    path = tmp_path / "mine.csv"
    pd.DataFrame(
        {
            "segment": ["best", "worst"],
            "name_zh": ["最好", "最差"],
            "r_min": [4, 1],
            "r_max": [5, 2],
            "f_min": [4, 1],
            "f_max": [5, 2],
            "m_min": [1, 1],
            "m_max": [5, 5],
        }
    ).to_csv(path, index=False, encoding="gbk")
    table = load_segment_table(path)
    cover = segment_coverage(table)
    assert (cover["segment"] == UNASSIGNED).sum() == 125 - 2 * 4 * 5
    scores = pd.DataFrame({"r_score": [5, 3, 1], "f_score": [5, 3, 1], "m_score": [1, 1, 1]})
    segs = assign_segments(scores, table)
    assert segs.tolist() == ["best", UNASSIGNED, "worst"]
    customers = scores.assign(
        segment=segs, recency=[1, 50, 300], frequency=[9, 3, 1], monetary=[900.0, 60.0, 40.0]
    )
    summary = segment_summary(customers, table, "zh")
    assert summary["segment"].tolist() == ["best", "worst", UNASSIGNED]
    assert summary["name"].tolist() == ["最好", "最差", t("rfm.segment.unassigned", "zh")]
    assert summary["customers"].tolist() == [1, 1, 1]
    assert summary["revenue"].sum() == pytest.approx(1000.0)
    assert summary.loc[0, "share_of_revenue"] == pytest.approx(0.9)
    # English falls back to the key where the table has no English name
    assert segment_summary(customers, table, "en")["name"].tolist()[:2] == ["best", "worst"]


def test_first_matching_row_wins_and_overlaps_are_reported():
    table = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "r_min": [1, 1],
            "r_max": [5, 5],
            "f_min": [1, 3],
            "f_max": [3, 5],
            "m_min": [1, 1],
            "m_max": [5, 5],
        }
    )
    cover = segment_coverage(table)
    assert (cover.query("f_score == 3")["segment"] == "a").all()
    assert (cover.query("f_score == 3")["matches"] == 2).all()


def test_summary_on_default_table_sums_to_totals():
    table = load_segment_table()
    customers = pd.DataFrame({"r_score": [5, 5, 1, 3], "f_score": [5, 1, 1, 3], "m_score": [5, 1, 1, 3]})
    customers["segment"] = assign_segments(customers, table)
    customers = customers.assign(
        recency=[1, 2, 300, 60], frequency=[10, 1, 1, 3], monetary=[500.0, 20.0, 10.0, 70.0]
    )
    summary = segment_summary(customers, table, "en")
    assert len(summary) == 11  # empty segments are listed too
    assert summary["customers"].sum() == 4 and summary["share_of_customers"].sum() == pytest.approx(1)
    assert summary.set_index("segment").loc["champions", "monetary"] == 500.0


def test_bad_tables_name_the_row_and_column(tmp_path):
    base = {
        "segment": ["a"],
        "r_min": [1],
        "r_max": [5],
        "f_min": [1],
        "f_max": [5],
        "m_min": [1],
        "m_max": [5],
    }
    path = tmp_path / "t.csv"
    pd.DataFrame({**base, "r_min": [4], "r_max": [2]}).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"t.csv: row 2 \(segment 'a'\) has r_min > r_max"):
        load_segment_table(path)
    pd.DataFrame({**base, "f_max": ["five"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="f_max = 'five'"):
        load_segment_table(path)
    pd.DataFrame({k: v for k, v in base.items() if k != "m_max"}).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"no column \['m_max'\]"):
        load_segment_table(path)
    pd.DataFrame({**base, "segment": [UNASSIGNED]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="reserved"):
        load_segment_table(path)
    with pytest.raises(ParameterError, match="scores 1-5.*bins=3"):
        assign_segments(
            pd.DataFrame({"r_score": [1], "f_score": [1], "m_score": [1]}), load_segment_table(), 3
        )
