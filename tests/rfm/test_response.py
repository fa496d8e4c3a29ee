"""Cell response economics: the spec's worked figures, intervals, roll-out, Hillstrom."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from toolkit.data.datasets import load_hillstrom
from toolkit.errors import DataError, ParameterError
from toolkit.rfm import (
    break_even_index,
    break_even_rate,
    cell_response,
    rollout_forecast,
    score_values,
    wilson_interval,
)


def test_spec_worked_figures():
    be = break_even_rate(0.55, 40)
    assert be == pytest.approx(0.01375)
    assert f"{be:.3%}" == "1.375%"
    assert round(break_even_index(0.025, be), 2) == 81.82
    assert break_even_index(be, be) == 0
    assert break_even_index(0.01, be) < 0
    with pytest.raises(ParameterError, match="cost_per_contact"):
        break_even_rate(0, 40)


def test_wilson_matches_statsmodels():
    x, n = np.array([0, 3, 25, 500]), np.array([50, 200, 1000, 1000])
    low, high = wilson_interval(x, n, 0.95)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(low, ref_low, rtol=1e-10)
    np.testing.assert_allclose(high, ref_high, rtol=1e-10)
    assert low[0] == 0 and high[0] > 0


def _test_file() -> pd.DataFrame:
    # cell 555: 1000 contacts, 25 responses (2.5%); cell 111: 1000 contacts, 10 responses (1%)
    rows = []
    for cell, n, r in (("555", 1000, 25), ("111", 1000, 10)):
        rows += [
            {"rfm_cell": cell, "contacted": 1, "responded": int(i < r), "revenue": 80.0 if i < r else 0.0}
            for i in range(n)
        ]
    rows += [{"rfm_cell": "555", "contacted": 0, "responded": 0, "revenue": 0.0}] * 7
    return pd.DataFrame(rows)


def test_cell_response_hand_computed():
    result = cell_response(_test_file(), cost_per_contact=0.55, profit_per_response=40)
    cells = result.cells.set_index("cell")
    assert result.break_even_rate == pytest.approx(0.01375)
    assert cells.loc["555", "response_rate"] == pytest.approx(0.025)
    assert round(cells.loc["555", "break_even_index"], 2) == 81.82
    assert cells.loc["555", "test_profit"] == pytest.approx(25 * 40 - 1000 * 0.55)
    assert cells.loc["111", "break_even_index"] == pytest.approx((0.01 - 0.01375) / 0.01375 * 100)
    assert cells["roll_out"].to_dict() == {"111": False, "555": True}
    assert result.counts == {"rows": 2007, "contacted": 2000, "not_contacted": 7}
    # the cautious rule needs the interval's lower bound above break-even
    cautious = cell_response(_test_file(), cost_per_contact=0.55, profit_per_response=40, decision="ci_low")
    low = cautious.cells.set_index("cell").loc["555", "ci_low"]
    assert cautious.cells.set_index("cell").loc["555", "roll_out"] == (low > 0.01375)


def test_profit_from_margin_and_errors():
    result = cell_response(_test_file(), revenue="revenue", cost_per_contact=0.55, margin=0.5)
    assert result.profit_per_response == pytest.approx(40.0)  # 0.5 x 80 per response
    assert result.profit_basis.startswith("margin")
    with pytest.raises(ParameterError, match="exactly one"):
        cell_response(_test_file(), cost_per_contact=0.55)
    bad = _test_file()
    bad.loc[0, "contacted"] = 0
    with pytest.raises(DataError, match="responded without being contacted"):
        cell_response(bad, cost_per_contact=0.55, profit_per_response=40)
    bad = _test_file().astype({"responded": object})
    bad.loc[3, "responded"] = "yes"
    with pytest.raises(DataError, match="'responded' must hold 0/1"):
        cell_response(bad, cost_per_contact=0.55, profit_per_response=40)


def test_rollout_forecast_hand_computed():
    result = cell_response(_test_file(), cost_per_contact=0.55, profit_per_response=40)
    forecast = rollout_forecast(result, {"555": 20000, "111": 30000, "999": 5})
    assert forecast["cell"].tolist() == ["555", "total"]  # 111 is below break-even, 999 untested
    row = forecast.iloc[0]
    assert row["expected_responses"] == pytest.approx(500)
    assert row["expected_profit"] == pytest.approx(500 * 40 - 20000 * 0.55)
    low, high = wilson_interval(25, 1000)
    assert row["responses_low"] == pytest.approx(20000 * low)
    total = forecast.iloc[-1]
    sd = np.sqrt(20000**2 * 0.025 * 0.975 / 1000)
    assert total["responses_high"] == pytest.approx(500 + 1.959964 * sd, rel=1e-5)
    everything = rollout_forecast(result, {"555": 20000, "111": 30000}, only_roll_out=False)
    assert everything.iloc[-1]["contacts"] == 50000


def test_hillstrom_email_test_by_recency_and_spend():
    h = load_hillstrom()
    h["r"], _ = score_values(h["recency"], 5, lower_is_better=True)
    h["m"], _ = score_values(h["history"], 5)
    h["cell"] = h["r"].astype(str) + h["m"].astype(str)
    test, control = h[h["segment"] != "No E-Mail"], h[h["segment"] == "No E-Mail"]
    result = cell_response(
        test,
        "cell",
        responded="conversion",
        revenue="spend",
        cost_per_contact=0.55,
        margin=0.3,
        control=control,
    )
    cells = result.cells
    # published figures: 21,307 + 21,387 e-mailed; 267 + 189 conversions
    assert cells["contacts"].sum() == 42694 and cells["responses"].sum() == 456
    assert cells["control_customers"].sum() == 21306
    spend_emailed = test.loc[test["conversion"] == 1, "spend"].sum()
    assert result.profit_per_response == pytest.approx(0.3 * spend_emailed / 456)
    assert cells["roll_out"].any() and not cells["roll_out"].all()
    best = cells.sort_values("response_rate").iloc[-1]
    assert best["cell"] == "55" and best["incremental_rate"] > 0
