"""Retention economics: the specification's worked example and the
dormant-customer economics on small hand-checked tables."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.dbmarketing import reactivation, retention
from toolkit.errors import DataError, ParameterError


def test_spec_example_64000_customers_5_percent_lost():
    loss = retention.retention_loss()  # the defaults are the example
    assert loss.customers_lost == 3_200
    assert loss.revenue_lost == 128_000_000
    assert loss.profit_lost == 12_800_000
    same = retention.retention_loss(
        customers=64_000, churn_rate=0.05, revenue_per_customer=40_000, margin=0.10
    )
    assert same == loss
    assert loss.as_dict()["profit_lost"] == 12_800_000


def test_each_input_changes_the_result_in_proportion():
    base = retention.retention_loss().profit_lost
    assert retention.retention_loss(customers=128_000).profit_lost == pytest.approx(2 * base)
    assert retention.retention_loss(churn_rate=0.04).profit_lost == pytest.approx(10_240_000)
    assert retention.retention_loss(revenue_per_customer=20_000).profit_lost == pytest.approx(base / 2)
    assert retention.retention_loss(margin=0.25).profit_lost == pytest.approx(32_000_000)


def test_projection_follows_the_loss_year_by_year():
    proj = retention.retention_projection(years=3)
    # year 1 is the example; year 2 loses 5% of the 60,800 left (3,040), and all 6,240 lost so far cost profit
    assert proj["customers_lost"].tolist() == pytest.approx([3_200, 3_040, 2_888])
    assert proj["lost_to_date"].tolist() == pytest.approx([3_200, 6_240, 9_128])
    assert proj["profit_lost"].tolist() == pytest.approx([12_800_000, 24_960_000, 36_512_000])
    assert proj["cumulative_profit_lost"].iloc[-1] == pytest.approx(12_800_000 + 24_960_000 + 36_512_000)
    assert proj["customers_start"].tolist() == pytest.approx([64_000, 60_800, 57_760])


def test_sensitivity_table_and_bad_inputs():
    table = retention.churn_sensitivity([0.03, 0.05])
    assert table["profit_lost"].tolist() == pytest.approx([7_680_000, 12_800_000])
    with pytest.raises(ParameterError, match="churn_rate.*0.05"):
        retention.retention_loss(churn_rate=5)
    with pytest.raises(ParameterError, match="customers"):
        retention.retention_loss(customers=-1)
    with pytest.raises(ParameterError, match="years"):
        retention.retention_projection(years=0)
    with pytest.raises(ParameterError, match="at least one rate"):
        retention.churn_sensitivity([])


def customers() -> pd.DataFrame:
    """Six customers on an analysis date; 'quiet' means over 90 days since the last order."""
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "f"],
            "orders": [5, 3, 2, 1, 4, 1],
            "revenue": [500.0, 600.0, 100.0, 80.0, 2_000.0, 40.0],
            "recency_days": [10, 120, 91, 200, 90, 30],
        }
    )


def test_status_and_dormant_list():
    status = reactivation.customer_status(customers(), dormant_days=90, min_orders=2)
    # e is exactly 90 days quiet: not yet over the threshold
    assert status.tolist() == ["active", "dormant", "dormant", "lapsed_single", "active", "active"]
    dormant = reactivation.find_dormant(customers())
    assert dormant["customer_id"].tolist() == ["b", "c"]  # by revenue
    assert dormant["average_order_value"].tolist() == [200.0, 50.0]
    profile = reactivation.status_profile(customers()).set_index("status")
    assert profile.at["dormant", "customers"] == 2
    assert profile.at["dormant", "share_of_revenue"] == pytest.approx(700 / 3_320)
    assert profile.at["active", "average_order_value"] == pytest.approx(
        2_540 / 10
    )  # a, e and f: 2,540 over 10 orders
    assert profile.at["lapsed_single", "revenue_per_customer"] == 80.0


def test_reactivation_economics_by_hand():
    dormant = reactivation.find_dormant(customers())  # b (200 per order) and c (50)
    table = reactivation.reactivation_scenarios(dormant, [0.1, 0.5], cost_per_contact=4.0, margin=0.5)
    # 10%: revenue 0.1 * 250 = 25, profit 12.5 - 8 = 4.5; 50%: 125 -> 62.5 - 8 = 54.5
    assert table["revenue"].tolist() == pytest.approx([25.0, 125.0])
    assert table["profit"].tolist() == pytest.approx([4.5, 54.5])
    assert table["roi"].tolist() == pytest.approx([4.5 / 8, 54.5 / 8])
    assert reactivation.break_even_response_rate(dormant, 4.0, 0.5) == pytest.approx(8 / 125)
    depth = reactivation.reactivation_depth(dormant, 0.1, cost_per_contact=4.0, margin=0.5)
    # b: 0.1 * 200 * 0.5 - 4 = 6; c: 0.1 * 50 * 0.5 - 4 = -1.5 -> contact only b
    assert depth["customer_id"].tolist() == ["b", "c"]
    assert depth["expected_profit"].tolist() == pytest.approx([6.0, -1.5])
    assert depth["cumulative_profit"].tolist() == pytest.approx([6.0, 4.5])
    two_orders = reactivation.reactivation_scenarios(dormant, [0.1], 4.0, 0.5, orders_per_responder=2)
    assert two_orders["profit"].iloc[0] == pytest.approx(25 - 8)


def test_reactivation_inputs_are_checked():
    with pytest.raises(DataError, match="recency_days"):
        reactivation.find_dormant(customers().drop(columns="recency_days"))
    with pytest.raises(ParameterError, match="dormant_days"):
        reactivation.find_dormant(customers(), dormant_days=0)
    with pytest.raises(ParameterError, match="response_rate"):
        reactivation.reactivation_depth(reactivation.find_dormant(customers()), response_rate=5)
