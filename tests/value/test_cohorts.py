"""Cohorts, historic value and concentration on toy sets worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.value import cohort_table, customer_cohorts, historic_value, retention_matrix


@pytest.fixture()
def tx() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "C", "C", "C"],
            "order_date": pd.to_datetime(
                [
                    "2011-01-05",
                    "2011-02-10",
                    "2011-04-01",
                    "2011-01-20",
                    "2011-02-03",
                    "2011-02-20",
                    "2011-03-15",
                ]
            ),
            "amount": [10.0, 20.0, 5.0, 30.0, 8.0, 2.0, 4.0],
            "order_id": ["1", "2", "3", "4", "5", "6", "7"],
        }
    )


def test_cohort_matrix_by_hand(tx):
    table = cohort_table(tx)
    assert customer_cohorts(tx).astype(str).to_dict() == {"A": "2011-01", "B": "2011-01", "C": "2011-02"}
    jan = table[table["cohort"] == "2011-01"]
    feb = table[table["cohort"] == "2011-02"]
    assert jan["months_since"].tolist() == [0, 1, 2, 3] and feb["months_since"].tolist() == [0, 1, 2]
    assert jan["month"].tolist() == ["2011-01", "2011-02", "2011-03", "2011-04"]
    assert jan["cohort_size"].unique().tolist() == [2] and feb["cohort_size"].unique().tolist() == [1]
    assert jan["active_customers"].tolist() == [2, 1, 0, 1]
    assert jan["retention"].tolist() == [1.0, 0.5, 0.0, 0.5]
    assert feb["retention"].tolist() == [1.0, 1.0, 0.0]
    assert jan["revenue"].tolist() == [40.0, 20.0, 0.0, 5.0]
    assert jan["cumulative_revenue_per_customer"].tolist() == [20.0, 30.0, 30.0, 32.5]
    assert feb["cumulative_revenue_per_customer"].tolist() == [10.0, 14.0, 14.0]
    # the data end on 1 April: April is incomplete
    assert table.loc[table["month"] == "2011-04", "complete"].tolist() == [False, False]
    assert table.loc[table["month"] != "2011-04", "complete"].all()
    # with an analysis date after April, April is complete
    assert cohort_table(tx, as_of="2011-05-01")["complete"].all()
    # revenue adds up to the total
    assert table["revenue"].sum() == pytest.approx(tx["amount"].sum())

    matrix = retention_matrix(table)
    assert list(matrix.index) == ["2011-01", "2011-02"] and list(matrix.columns) == [0, 1, 2, 3]
    assert np.isnan(matrix.loc["2011-02", 3])
    assert matrix.loc["2011-01"].tolist() == [1.0, 0.5, 0.0, 0.5]
    with pytest.raises(ParameterError, match="The 'value' parameter must be one of 'retention', "):
        retention_matrix(table, value="churn")
    with pytest.raises(ParameterError, match="'as_of' parameter must be after the last transaction"):
        cohort_table(tx, as_of="2011-03-01")


def test_historic_value_by_hand(tx):
    h = historic_value(tx)
    assert list(h.index) == ["A", "B", "C"]  # revenue 35, 30, 14
    assert h["revenue"].tolist() == [35.0, 30.0, 14.0]
    assert h["orders"].tolist() == [3, 1, 3]
    assert h["average_order_value"].tolist() == pytest.approx([35 / 3, 30.0, 14 / 3])
    # without order ids a purchase day is an order
    assert historic_value(tx.drop(columns="order_id"))["orders"].tolist() == [3, 1, 3]
