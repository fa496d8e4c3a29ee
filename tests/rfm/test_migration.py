"""Segment migration between two dates, and customer-level input."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.data import load_transactions
from toolkit.errors import DataError, ParameterError
from toolkit.rfm import customers_from_table, load_segment_table, segment_migration, transition_matrix
from toolkit.rfm.migration import GONE, NEW


def test_transition_matrix_hand_computed():
    before = pd.Series({"a": "loyal", "b": "loyal", "c": "lost", "d": "at_risk"})
    after = pd.Series({"a": "loyal", "b": "at_risk", "c": "lost", "e": "new"})
    m = transition_matrix(before, after, ["loyal", "at_risk", "lost", "new"])
    assert m.loc["loyal", "loyal"] == 1 and m.loc["loyal", "at_risk"] == 1
    assert m.loc["at_risk", GONE] == 1 and m.loc[NEW, "new"] == 1
    assert list(m.index) == ["loyal", "at_risk", "lost", NEW]
    assert int(m.to_numpy().sum()) == 5


def test_migration_on_online_retail():
    data = load_transactions()
    table = load_segment_table()
    m = segment_migration(data.transactions, ("2011-06-10", "2011-12-10"), table)
    tx = data.transactions
    customers_first = tx.loc[tx["order_date"] <= "2011-06-10", "customer_id"].nunique()
    customers_all = tx["customer_id"].nunique()
    assert m.counts.drop(index=NEW).to_numpy().sum() == customers_first
    assert m.counts.loc[NEW].sum() == customers_all - customers_first
    assert GONE not in m.counts.columns  # the history accumulates: nobody leaves
    assert m.shares.drop(index=NEW).sum(axis=1).round(9).eq(1).all()
    # a first-date Champion who never bought again has R score 1 at the second date
    assert (
        m.counts.loc["champions", ["champions", "loyal", "cant_lose", "at_risk"]].sum()
        == m.counts.loc["champions"].sum()
    )
    with pytest.raises(ParameterError, match="before"):
        segment_migration(tx, ("2011-12-10", "2011-06-10"), table)
    with pytest.raises(DataError, match="no purchases"):
        segment_migration(tx, ("2009-01-01", "2011-06-10"), table)


def test_customer_level_aliases_and_errors():
    frame = pd.DataFrame(
        {
            "顾客编号": ["0001", "0002"],
            "距上次购买月数": [4, 0],
            "购买次数": [3, 5],
            "购买金额": ["566", "¥788"],
        }
    )
    result = customers_from_table(frame, recency_unit="months")
    c = result.customers
    assert c["customer_id"].tolist() == ["0001", "0002"]
    assert c["recency_months"].tolist() == [4, 0] and c["monetary"].tolist() == [566.0, 788.0]
    days = customers_from_table(frame.assign(距上次购买月数=[45, 10]))
    assert days.customers["recency_months"].tolist() == [2, 1]
    with pytest.raises(DataError, match="one row per customer"):
        customers_from_table(pd.concat([frame, frame]))
    with pytest.raises(DataError, match=r"'购买次数'.*numbers >= 0: rows \[3\]"):
        customers_from_table(frame.assign(购买次数=[1, -2]), row_offset=2)
    with pytest.raises(DataError, match="no column for monetary"):
        customers_from_table(frame.drop(columns="购买金额"))
    assert (
        customers_from_table(frame.rename(columns={"购买金额": "净额"}), {"monetary": "净额"})
        .customers["monetary"]
        .sum()
        == 1354
    )
