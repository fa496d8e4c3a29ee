"""Frequency/recency/T/monetary from transactions, and the calibration/holdout split."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.value import calibration_holdout_split, customer_summary


@pytest.fixture()
def tx() -> pd.DataFrame:
    # A: 2011-01-03 (Mon) twice the same day, 2011-01-05 (Wed, same week), 2011-01-20 (Thu)
    # B: a single purchase on 2011-01-10
    # C: 2011-01-01 (Sat) and 2011-01-31 (Mon)
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B", "C", "C"],
            "order_date": pd.to_datetime(
                [
                    "2011-01-03 09:00",
                    "2011-01-03 17:30",
                    "2011-01-05 00:00",
                    "2011-01-20 00:00",
                    "2011-01-10 00:00",
                    "2011-01-01 00:00",
                    "2011-01-31 00:00",
                ]
            ),
            "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 9.0],
        }
    )


def test_daily_summary_by_hand(tx):
    s = customer_summary(tx, "2011-02-01", time_unit="D")
    assert list(s.index) == ["A", "B", "C"]
    assert s["frequency"].tolist() == [2, 0, 1]  # A: days 3, 5, 20 -> 2 repeats
    assert s["recency"].tolist() == [17.0, 0.0, 30.0]
    assert s["T"].tolist() == [28.0, 21.0, 30.0]
    assert s["monetary_value"].tolist() == [30.0, 0.0, 9.0]  # A: mean of 20 and 40; first day excluded
    assert s["first_purchase"].tolist() == list(pd.to_datetime(["2011-01-03", "2011-01-10", "2011-01-01"]))


def test_weekly_summary_by_hand(tx):
    # Weeks start on Monday: A buys in weeks of 01-03 and 01-17; C in weeks of 12-27 and 01-31.
    s = customer_summary(tx, "2011-02-01", time_unit="W")
    assert s["frequency"].tolist() == [1, 0, 1]
    assert s["recency"].tolist() == [2.0, 0.0, 5.0]
    assert s["T"].tolist() == [4.0, 3.0, 5.0]
    assert s["monetary_value"].tolist() == [40.0, 0.0, 9.0]


def test_input_is_not_modified(tx):
    before = tx.copy()
    customer_summary(tx, "2011-02-02")
    pd.testing.assert_frame_equal(tx, before)


def test_clear_errors(tx):
    with pytest.raises(
        ParameterError,
        match=r"1 transaction line.*on or after the analysis date as_of 2011-01-21 \(the last is on 2011-01-31\)",
    ):
        customer_summary(tx, "2011-01-21")
    with pytest.raises(
        ParameterError, match="The 'time_unit' parameter must be one of 'D' or 'W'. Got 'M' instead."
    ):
        customer_summary(tx, "2011-02-02", time_unit="M")
    with pytest.raises(ParameterError, match="'as_of' parameter must be a date"):
        customer_summary(tx, "soon")
    with pytest.raises(DataError, match=r"\['amount'\] not found"):
        customer_summary(tx.drop(columns="amount"), "2011-02-01")
    returns = tx.assign(is_return=[False] * 6 + [True])
    with pytest.raises(DataError, match="1 return or cancellation line"):
        customer_summary(returns, "2011-02-02")
    missing = tx.astype({"customer_id": object})
    missing.loc[2, "customer_id"] = None
    with pytest.raises(DataError, match="'customer_id' has 1 missing value.*rows 3"):
        customer_summary(missing, "2011-02-02")
    with pytest.raises(DataError, match="empty"):
        customer_summary(tx.iloc[:0], "2011-02-02")


def test_calibration_split_by_hand(tx):
    late = pd.concat(
        [
            tx,
            pd.DataFrame(
                {
                    "customer_id": ["A", "A", "D"],
                    "order_date": pd.to_datetime(["2011-02-03", "2011-02-03", "2011-02-05"]),
                    "amount": [6.0, 4.0, 1.0],
                }
            ),
        ],
        ignore_index=True,
    )
    split = calibration_holdout_split(late, "2011-01-31", "2011-03-01", time_unit="D")
    s = split.summary
    assert list(s.index) == ["A", "B", "C"]  # D first bought in the holdout
    assert split.new_in_holdout == 1
    assert split.holdout_length == 28.0
    assert s["frequency_holdout"].tolist() == [1, 0, 0]
    assert s["monetary_value_holdout"].tolist() == [10.0, 0.0, 0.0]
    assert s["T"].tolist() == [28.0, 21.0, 30.0]
    with pytest.raises(ParameterError, match="at least one day before"):
        calibration_holdout_split(late, "2011-02-28", "2011-03-01")
    with pytest.raises(ParameterError, match="before the first purchase"):
        calibration_holdout_split(late, "2010-12-01", "2011-03-01")


def test_the_analysis_date_has_one_name_and_one_meaning():
    import inspect

    import toolkit.value as value

    names = set()
    for name in value.__all__:
        member = getattr(value, name)
        if callable(member):
            names |= set(inspect.signature(member).parameters)
    assert "as_of" in names
    assert not names & {"observation_end", "analysis_date", "end_date", "today", "reference_date"}
    # as_of is the midnight after the last day observed, as TransactionData.as_of is
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "order_date": pd.to_datetime(["2011-01-01", "2011-01-31"]),
            "amount": [1.0, 2.0],
        }
    )
    assert customer_summary(tx, "2011-02-01").loc["a", "T"] == 30
    with pytest.raises(ParameterError, match="on or after the analysis date as_of 2011-01-31"):
        customer_summary(tx, "2011-01-31")
