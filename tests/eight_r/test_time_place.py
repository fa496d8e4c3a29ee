"""Right Time and Right Place: hours, months, purchase gaps, regions and channels."""

import pandas as pd
import pytest

from toolkit.eight_r.place import channel_summary, leading_share, region_summary
from toolkit.eight_r.timing import gap_summary, hour_weekday, inter_purchase_days, monthly, repurchase_within
from toolkit.errors import DataError


def tx(rows, cols=("customer_id", "order_date", "amount", "order_id")):
    df = pd.DataFrame(rows, columns=list(cols))
    df["order_date"] = pd.to_datetime(df["order_date"], format="ISO8601")
    return df


def test_hour_weekday_counts_orders_once():
    d = tx(
        [
            ("a", "2011-01-03 09:15", 5.0, "1"),
            ("a", "2011-01-03 09:15", 5.0, "1"),  # Monday 9h, one order
            ("b", "2011-01-04 14:00", 3.0, "2"),  # Tuesday 14h
            ("c", "2011-01-10 09:59", 2.0, "3"),  # Monday 9h
        ]
    )
    out = hour_weekday(d).set_index(["weekday", "hour"])
    assert out.loc[(0, 9), "orders"] == 2 and out.loc[(0, 9), "revenue"] == 12.0
    assert out.loc[(1, 14), "orders"] == 1
    with pytest.raises(DataError, match="time of day"):
        hour_weekday(tx([("a", "2011-01-03", 1.0, "1")]))


def test_monthly_flags_part_months():
    d = tx(
        [
            ("a", "2011-01-15", 10.0, "1"),
            ("b", "2011-02-01", 20.0, "2"),
            ("a", "2011-02-28", 8.0, "3"),
            ("b", "2011-03-10", 5.0, "4"),
        ]
    )
    out = monthly(d).set_index("month")
    assert out["days_covered"].tolist() == [17, 28, 10]
    assert out["complete"].tolist() == [False, True, False]
    assert out.loc["2011-02", ["revenue", "orders", "customers"]].tolist() == [28.0, 2, 2]
    assert out.loc["2011-01", "revenue_per_day"] == pytest.approx(10 / 17)


def test_inter_purchase_days_and_summary():
    d = tx(
        [
            ("a", "2011-01-01", 1.0, "1"),
            ("a", "2011-01-01 15:00", 1.0, "2"),
            ("a", "2011-01-11", 1.0, "3"),
            ("a", "2011-02-10", 1.0, "4"),
            ("b", "2011-01-05", 1.0, "5"),
            ("c", "2011-01-01", 1.0, "6"),
            ("c", "2011-01-21", 1.0, "7"),
        ]
    )
    gaps = inter_purchase_days(d)
    assert sorted(gaps.tolist()) == [10.0, 20.0, 30.0]  # same-day orders count once
    s = gap_summary(gaps, within=(15, 30))
    assert s["median"] == 20 and s["gaps"] == 3
    assert s["share_within_15"] == pytest.approx(1 / 3) and s["share_within_30"] == 1.0
    with pytest.raises(DataError, match="no customer bought on two different days"):
        gap_summary(pd.Series([], dtype=float))


def test_repurchase_within_leaves_out_recent_customers():
    d = tx(
        [
            ("a", "2011-01-01", 1.0, "1"),
            ("a", "2011-02-15", 1.0, "2"),  # back after 45 days
            ("b", "2011-01-10", 1.0, "3"),
            ("b", "2011-06-01", 1.0, "4"),  # back after 142 days
            ("c", "2011-02-01", 1.0, "5"),  # never back
            ("d", "2011-05-20", 1.0, "6"),
        ]
    )  # first purchase too recent
    out = repurchase_within(d, days=90, as_of="2011-06-02")
    assert out == {"days": 90, "customers": 3, "repurchased": 1, "rate": 1 / 3, "too_recent": 1}


def test_region_summary_growth_hand_computed():
    d = tx(
        [
            ("a", "2011-01-05", 100.0, "1", "UK"),
            ("a", "2011-01-25", 200.0, "2", "UK"),
            ("b", "2011-01-08", 50.0, "3", "FR"),
            ("c", "2011-01-26", 25.0, "4", "FR"),
            ("d", "2011-01-29", 30.0, "5", "DE"),
            ("a", "2011-01-26", -20.0, "C1", "UK"),
        ],
        cols=("customer_id", "order_date", "amount", "order_id", "region"),
    )
    d["is_return"] = d["amount"] < 0
    out = region_summary(d, period_days=15, as_of="2011-01-31").set_index("region")
    # periods: previous 2011-01-01..01-15, recent 01-16..01-30
    assert out.attrs["recent_start"] == "2011-01-16" and out.attrs["previous_start"] == "2011-01-01"
    assert out.loc["UK", ["revenue", "customers", "orders"]].tolist() == [280.0, 1, 2]
    assert out.loc["UK", "growth"] == pytest.approx(180 / 100 - 1)
    assert out.loc["FR", "growth"] == pytest.approx(25 / 50 - 1)
    assert pd.isna(out.loc["DE", "growth"])  # nothing before: no growth rate
    assert out.index.tolist() == ["UK", "FR", "DE"]
    assert leading_share(out.reset_index()) == ("UK", pytest.approx(280 / 385))


def test_channel_summary_needs_the_column():
    d = tx(
        [("a", "2011-01-01", 10.0, "1", "web"), ("b", "2011-01-02", 30.0, "2", "store")],
        cols=("customer_id", "order_date", "amount", "order_id", "channel"),
    )
    out = channel_summary(d)
    assert out["channel"].tolist() == ["store", "web"] and out["share"].tolist() == [0.75, 0.25]
    with pytest.raises(DataError, match=r"\['channel'\]"):
        channel_summary(d.drop(columns="channel"))
