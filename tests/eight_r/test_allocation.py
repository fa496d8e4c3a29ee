"""Effectiveness and budget reallocation, checked on cases with a known optimum."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from toolkit.data.datasets import load_hillstrom
from toolkit.eight_r.allocation import campaign_segments, effectiveness, reallocate
from toolkit.errors import DataError, ParameterError


def seg(spend, revenue):
    return pd.DataFrame(
        {"segment": [f"s{i}" for i in range(len(spend))], "spend": spend, "incremental_revenue": revenue}
    )


def test_known_optimum_two_segments():
    # b = 0.5: the optimum spends in proportion to (R_i / sqrt(S_i))^2 -> 100 : 25 -> 160 / 40
    out, summary = reallocate(seg([100.0, 100.0], [100.0, 50.0]), margin=1.0, min_ratio=0, max_ratio=10)
    assert out["recommended_spend"].tolist() == pytest.approx([160.0, 40.0], abs=1e-6)
    assert out["expected_revenue"].tolist() == pytest.approx([100 * np.sqrt(1.6), 50 * np.sqrt(0.4)])
    assert summary["gain"] == pytest.approx(100 * np.sqrt(1.6) + 50 * np.sqrt(0.4) - 150)
    # at an interior optimum the marginal returns are equal
    assert out["marginal_return"].iloc[0] == pytest.approx(out["marginal_return"].iloc[1])


def test_equal_returns_need_no_change():
    out, summary = reallocate(seg([100.0, 300.0], [200.0, 600.0]), margin=0.5)
    assert out["recommended_spend"].tolist() == pytest.approx([100.0, 300.0])
    assert summary["gain"] == pytest.approx(0.0, abs=1e-9)


def test_bounded_case_matches_a_general_optimiser():
    spend = np.array([50.0, 120.0, 80.0, 40.0])
    rev = np.array([400.0, 300.0, 500.0, -20.0])
    m, b, budget = 0.4, 0.6, 290.0
    out, summary = reallocate(
        seg(spend, rev), margin=m, exponent=b, budget=budget, min_ratio=0.5, max_ratio=1.8
    )
    # the segment that loses money sits at its minimum
    assert out["recommended_spend"].iloc[3] == pytest.approx(20.0)
    assert out["recommended_spend"].sum() == pytest.approx(budget)

    def neg(s):
        return -(m * rev * (s / spend) ** b).sum()

    res = minimize(
        neg,
        spend * budget / spend.sum(),
        method="SLSQP",
        bounds=list(zip(spend * 0.5, spend * 1.8)),
        constraints=[{"type": "eq", "fun": lambda s: s.sum() - budget}],
        options={"ftol": 1e-12},
    )
    assert summary["expected_profit"] == pytest.approx(-res.fun - budget, rel=1e-6)
    assert out["recommended_spend"].tolist() == pytest.approx(res.x.tolist(), abs=1e-2)
    assert summary["gain"] > 0


def test_reallocation_errors():
    with pytest.raises(ParameterError, match="'budget' parameter must lie between"):
        reallocate(seg([100.0, 100.0], [100.0, 50.0]), budget=1000)
    with pytest.raises(ParameterError, match="'exponent' parameter"):
        reallocate(seg([100.0, 100.0], [100.0, 50.0]), exponent=1.0)
    with pytest.raises(DataError, match="at least two segments"):
        reallocate(seg([100.0], [100.0]))
    with pytest.raises(DataError, match="cannot absorb the budget"):
        reallocate(seg([100.0, 100.0], [100.0, -50.0]), budget=350, max_ratio=2.0, min_ratio=1.0)


def test_effectiveness_hand_computed():
    df = pd.DataFrame(
        {
            "segment": ["x", "y"],
            "spend": [100.0, 50.0],
            "contacts": [1000, 500],
            "incremental_conversions": [10.0, 2.0],
            "incremental_revenue": [800.0, 100.0],
        }
    )
    out = effectiveness(df, margin=0.25).set_index("segment")
    x = out.loc["x"]
    assert x["conversion_rate"] == 0.01 and x["cpa"] == 10.0
    assert x["expense_ratio"] == 0.125
    assert x["cost_rate"] == pytest.approx((100 + 0.75 * 800) / 800)
    assert x["profit"] == 100.0 and x["romi"] == 1.0
    assert out.loc["y", "romi"] == pytest.approx((25 - 50) / 50)
    total = out.loc["total"]
    assert total["spend"] == 150 and total["cpa"] == pytest.approx(150 / 12)
    assert total["romi"] == pytest.approx((0.25 * 900 - 150) / 150)


def test_campaign_segments_from_the_hillstrom_test():
    h = load_hillstrom()
    out = campaign_segments(h, "channel", cost_per_contact=0.1).set_index("segment")
    web = h[h["channel"] == "Web"]
    treat, ctrl = web[web["segment"] != "No E-Mail"], web[web["segment"] == "No E-Mail"]
    assert out.loc["Web", "contacts"] == len(treat) == 18844
    assert out.loc["Web", "incremental_revenue"] == pytest.approx(
        len(treat) * (treat["spend"].mean() - ctrl["spend"].mean())
    )
    assert out.loc["Web", "spend"] == pytest.approx(1884.4)
    assert out["contacts"].sum() + out["control_customers"].sum() == 64000
    given = campaign_segments(h, "channel", spend={"Web": 10, "Phone": 20, "Multichannel": 30})
    assert given.set_index("segment").loc["Phone", "spend"] == 20
    with pytest.raises(ParameterError, match="missing: \\['Web'\\]"):
        campaign_segments(h, "channel", spend={"Phone": 20, "Multichannel": 30})
