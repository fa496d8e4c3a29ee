"""Fits on awkward data: one-time buyers, zero spend, very long histories, no dropout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.value import bgnbd, clv, forecast_customers, gammagamma


def simulate_bgnbd(n, r, alpha, a, b, T_max, seed):
    """Customers' (x, t_x, T) drawn from the BG/NBD story itself."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n) if a > 0 else np.zeros(n)
    T = rng.uniform(0.5 * T_max, T_max, n)
    rows = []
    for i in range(n):
        t, x, tx = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x, tx = x + 1, t
            if rng.random() < p[i]:
                break
        rows.append((x, tx, T[i]))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"], index=[f"c{i}" for i in range(n)])


def test_one_time_buyers_only_is_a_clear_error():
    data = pd.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50, "T": np.linspace(10, 300, 50)})
    with pytest.raises(DataError, match="only 0 of 50 customers made a repeat purchase.*at least 20"):
        bgnbd.fit_bgnbd(data)


def test_too_few_repeat_buyers_is_a_clear_error():
    data = simulate_bgnbd(300, 0.05, 40.0, 1.0, 3.0, 100.0, seed=1)
    repeat = int((data["frequency"] > 0).sum())
    assert 0 < repeat < 20
    with pytest.raises(DataError, match=f"only {repeat} of 300 customers made a repeat purchase"):
        bgnbd.fit_bgnbd(data)
    with pytest.raises(
        ParameterError,
        match=r"'min_repeat_buyers' parameter must be an integer in the range \[1, inf\). Got 0 instead.",
    ):
        bgnbd.fit_bgnbd(data, min_repeat_buyers=0)


def test_recovers_known_parameters_from_very_long_histories():
    # twenty years of daily data; the busiest customers make hundreds of purchases
    truth = {"r": 0.8, "alpha": 40.0, "a": 0.6, "b": 6.0}
    data = simulate_bgnbd(1500, *truth.values(), T_max=7300.0, seed=7)
    assert data["frequency"].max() > 300
    fit = bgnbd.fit_bgnbd(data, time_unit="D")
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 3 * fit.se[name], (name, fit.params[name], fit.se[name])
    for horizon in (30.0, 365.0, 3650.0):
        expected = bgnbd.expected_purchases(fit, data, horizon)
        assert np.isfinite(expected).all() and (expected >= 0).all()
        # never more than a customer who surely stays active would make
        nbd_bound = (fit.params["r"] + data["frequency"]) * horizon / (fit.params["alpha"] + data["T"])
        assert (expected <= nbd_bound * (1 + 1e-9)).all()
    p_alive = bgnbd.probability_alive(fit, data)
    assert np.isfinite(p_alive).all() and p_alive.between(0, 1).all()
    # busy customers silent for more than ten of their usual gaps are almost surely gone
    gap = data["recency"] / data["frequency"].clip(lower=1)
    silent = data[(data["frequency"] >= 20) & (data["T"] - data["recency"] > 10 * gap)]
    assert len(silent) > 0 and (p_alive[silent.index] < 0.01).all()


def test_no_dropout_data_fall_back_to_the_nbd_edge():
    data = simulate_bgnbd(800, 1.0, 30.0, 0.0, 0.0, 365.0, seed=3)
    fit = bgnbd.fit_bgnbd(data, time_unit="D")
    assert fit.boundary == ("a", "b")
    assert fit.params["a"] == 0.0 and np.isnan(fit.params["b"]) and np.isnan(fit.se["a"])
    assert fit.params["r"] == pytest.approx(1.0, abs=3 * fit.se["r"])
    assert fit.params["alpha"] == pytest.approx(30.0, abs=3 * fit.se["alpha"])
    assert (bgnbd.probability_alive(fit, data) == 1.0).all()
    table = fit.table()
    assert table.loc[table["parameter"] == "a", "estimate"].item() == 0.0


def test_gamma_gamma_refuses_zero_spend_repeat_buyers():
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"frequency": rng.integers(1, 6, 60), "monetary_value": rng.gamma(4.0, 10.0, 60)},
        index=[f"k{i}" for i in range(60)],
    )
    data.loc["k5", "monetary_value"] = 0.0
    with pytest.raises(DataError, match=r"1 repeat buyer\(s\) have an average repeat spend of zero.*'k5'"):
        gammagamma.fit_gamma_gamma(data)
    # one-time buyers with zero spend are fine: they are not used by the spend model
    ok = pd.concat(
        [data.drop(index="k5"), pd.DataFrame({"frequency": [0], "monetary_value": [0.0]}, index=["z"])]
    )
    fit = gammagamma.fit_gamma_gamma(ok)
    assert fit.n_customers == 59


def test_gamma_gamma_cannot_fit_identical_spend():
    data = pd.DataFrame({"frequency": [1, 2, 3, 4] * 10, "monetary_value": [25.0] * 40})
    with pytest.raises(DataError, match="Gamma-Gamma fit"):
        gammagamma.fit_gamma_gamma(data)


def test_lifetime_value_properties():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    spend = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    data = pd.DataFrame(
        {
            "frequency": [0, 2, 10],
            "recency": [0.0, 30.0, 38.0],
            "T": [38.86, 38.86, 38.86],
            "monetary_value": [0.0, 22.35, 40.0],
        }
    )
    base = clv.customer_lifetime_value(
        data, params, spend, months=12, annual_discount_rate=0.0, time_unit="W"
    )
    # no discounting: value = spend x expected purchases over 12 average months
    horizon = 12 * clv.DAYS_PER_MONTH / 7
    direct = gammagamma.expected_spend(spend, data) * bgnbd.expected_purchases(params, data, horizon)
    np.testing.assert_allclose(base, direct, rtol=1e-12)
    discounted = clv.customer_lifetime_value(
        data, params, spend, months=12, annual_discount_rate=0.2, time_unit="W"
    )
    assert (discounted < base).all() and (discounted > base / 1.2).all()
    half = clv.customer_lifetime_value(
        data, params, spend, months=12, annual_discount_rate=0.0, margin=0.5, time_unit="W"
    )
    np.testing.assert_allclose(half, base / 2)
    longer = clv.customer_lifetime_value(
        data, params, spend, months=24, annual_discount_rate=0.1, time_unit="W"
    )
    assert (longer > discounted).all()
    assert clv.monthly_rate(0.1) == pytest.approx(1.1 ** (1 / 12) - 1)
    with pytest.raises(ParameterError, match="'margin' parameter must be a number in the range \\[0, 1\\]"):
        clv.customer_lifetime_value(data, params, spend, margin=30)
    with pytest.raises(ParameterError, match="'months' parameter must be an int"):
        clv.customer_lifetime_value(data, params, spend, months=1.5)
    out = forecast_customers(data, params, spend, months=12, annual_discount_rate=0.0, time_unit="W")
    assert list(out.columns) == ["p_alive", "expected_purchases", "expected_spend", "expected_revenue", "clv"]
    np.testing.assert_allclose(out["clv"], base)
    np.testing.assert_allclose(out["expected_revenue"], base)
