"""The calibration-period fit of the holdout check, and the CDNOW benchmark reproduced from raw purchases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.value import bgnbd, calibration_holdout_split, customer_summary, fit_calibration, gammagamma
from toolkit.value.cdnow import (
    AS_OF,
    CALIBRATION_END,
    benchmark_split,
    compare_with_published,
    load_cdnow_transactions,
)


@pytest.fixture()
def hand_tx(tmp_path) -> pd.DataFrame:
    path = tmp_path / "purchases.csv"
    path.write_text(
        "customer_id,order_date,amount\n"
        "A,2011-01-03,10\n"
        "A,2011-01-03,5\n"  # same day: one purchase period of 15
        "A,2011-01-10,20\n"
        "A,2011-01-17,30\n"
        "B,2011-01-05,8\n"
        "B,2011-01-06,12\n"  # next day: a repeat purchase with days, not with weeks
        "A,2011-01-24,40\n",  # after the calibration end below
        encoding="utf-8",
    )
    return pd.read_csv(path, parse_dates=["order_date"])


def test_days_counted_times_in_weeks_by_hand(hand_tx):
    s = customer_summary(hand_tx, "2011-02-01", time_unit="D", time_scale="W")
    # A: purchase days 3, 10, 17, 24 Jan -> 3 repeats, last 21 days and end 28 days after the first
    assert s.loc["A", ["frequency", "recency", "T"]].tolist() == pytest.approx([3, 3.0, 4.0])
    assert s.loc["A", "monetary_value"] == pytest.approx((20 + 30 + 40) / 3)
    # B: days 5 and 6 Jan -> 1 repeat, 1 day = 1/7 week; age 26 days = 26/7 weeks
    assert s.loc["B", ["frequency", "recency", "T"]].tolist() == pytest.approx([1, 1 / 7, 26 / 7])
    # the same data with weekly purchase periods: B's two days fall in one week (Monday 3 Jan)
    weekly = customer_summary(hand_tx, "2011-02-01", time_unit="W")
    assert weekly.loc["B", "frequency"] == 0
    # time_scale defaults to the purchase period
    days = customer_summary(hand_tx, "2011-02-01", time_unit="D")
    assert days.loc["B", "T"] == 26


def test_calibration_split_in_weeks_by_hand(hand_tx):
    split = calibration_holdout_split(hand_tx, "2011-01-20", "2011-02-01", time_unit="D", time_scale="W")
    assert split.time_unit == "D" and split.time_scale == "W"
    assert split.holdout_length == pytest.approx(11 / 7)  # 21 to 31 January
    a = split.summary.loc["A"]
    # calibration: days 3, 10, 17 -> 2 repeats, recency 14 days, age 17 days; holdout: the 24th
    assert [a["frequency"], a["recency"], a["T"], a["frequency_holdout"]] == pytest.approx(
        [2, 2.0, 17 / 7, 1]
    )
    assert calibration_holdout_split(hand_tx, "2011-01-20", "2011-02-01").time_scale == "D"
    with pytest.raises(ParameterError, match="time_scale"):
        calibration_holdout_split(hand_tx, "2011-01-20", "2011-02-01", time_scale="M")


def test_spend_model_left_out_with_its_reason_when_the_data_cannot_support_it():
    # The CDNOW purchases with every purchase worth exactly 10: the purchase model fits,
    # the spend model cannot learn how spend varies between customers.
    tx = load_cdnow_transactions().assign(amount=10.0)
    split = calibration_holdout_split(tx, CALIBRATION_END, AS_OF, time_unit="D", time_scale="W")
    fit = fit_calibration(split)
    assert fit.gamma_gamma is None and "Gamma-Gamma" in fit.gamma_gamma_error
    assert list(fit.parameters()["model"]) == ["BG/NBD"] * 4
    record = fit.record()
    assert record["gamma_gamma"] is None and record["gamma_gamma_error"] == fit.gamma_gamma_error
    assert record["bgnbd"]["params"] == fit.bgnbd.params


# --- the published CDNOW fit from the raw purchase file --------------------------------------


@pytest.fixture(scope="module")
def cdnow_fit():
    # Fader, Hardie and Lee count purchases per day and measure time in weeks
    split = calibration_holdout_split(
        load_cdnow_transactions(), CALIBRATION_END, AS_OF, time_unit="D", time_scale="W"
    )
    pd.testing.assert_frame_equal(benchmark_split().summary, split.summary)
    return fit_calibration(split)


def test_cdnow_fit_from_raw_purchases_reproduces_fader_hardie_lee_2005(cdnow_fit):
    split, bg = cdnow_fit.split, cdnow_fit.bgnbd
    assert len(split.summary) == 2357 and split.holdout_length == 39
    # "Counting your customers the easy way" (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    assert {k: round(v, 3) for k, v in bg.params.items()} == {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
    }
    assert round(bg.log_likelihood, 1) == -9582.4
    assert bg.time_unit == "W" and bg.n_repeat_buyers == 946
    # "RFM and CLV" (2005): p = 6.25, q = 3.74, gamma = 15.44
    gg = cdnow_fit.gamma_gamma
    assert (round(gg.params["p"], 2), round(gg.params["q"], 2), round(gg.params["gamma"], 2)) == (
        6.25,
        3.74,
        15.44,
    )
    table = cdnow_fit.parameters()
    assert list(table["parameter"]) == ["r", "alpha", "a", "b", "p", "q", "gamma"]
    assert list(table.columns) == ["model", "parameter", "estimate", "se", "ci_low", "ci_high"]
    compared = compare_with_published(cdnow_fit)
    assert compared["published"].tolist() == [0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44]
    assert compared["agrees"].all()
    record = cdnow_fit.record()
    assert record["calibration_end"] == "1997-09-30" and record["time_scale"] == "W"
    assert record["bgnbd"]["se"] == bg.se and record["gamma_gamma"]["log_likelihood"] == gg.log_likelihood


def test_a_different_estimate_is_flagged(cdnow_fit):
    # a fit in days (alpha per day, 7 times the weekly value) cannot agree on alpha
    daily = fit_calibration(calibration_holdout_split(load_cdnow_transactions(), CALIBRATION_END, AS_OF))
    compared = compare_with_published(daily).set_index("parameter")
    assert not compared.loc["alpha", "agrees"] and compared.loc["r", "agrees"]


def _numerical_se(loglik, theta: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    """Standard errors from second differences of the log-likelihood values alone (no gradient)."""
    k = len(theta)
    h = rel * theta
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(k):

            def at(di, dj, i=i, j=j):
                x = theta.copy()
                x[i] += di * h[i]
                x[j] += dj * h[j]
                return loglik(x)

            hess[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    return np.sqrt(np.diag(np.linalg.inv(-hess)))


def test_standard_errors_agree_with_an_independent_numerical_hessian(cdnow_fit):
    summary = cdnow_fit.split.summary
    bg, gg = cdnow_fit.bgnbd, cdnow_fit.gamma_gamma
    names = list(bgnbd.PARAMS)
    se = _numerical_se(
        lambda th: float(bgnbd.log_likelihood(dict(zip(names, th)), summary).sum()),
        np.array([bg.params[n] for n in names]),
    )
    np.testing.assert_allclose([bg.se[n] for n in names], se, rtol=1e-3)
    repeat = summary[summary["frequency"] > 0]
    names = list(gammagamma.PARAMS)
    se = _numerical_se(
        lambda th: float(gammagamma.log_likelihood(dict(zip(names, th)), repeat).sum()),
        np.array([gg.params[n] for n in names]),
    )
    np.testing.assert_allclose([gg.se[n] for n in names], se, rtol=1e-3)


def test_standard_errors_agree_with_lifetimes(cdnow_fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifetimes = pytest.importorskip("lifetimes")
        s = cdnow_fit.split.summary
        theirs = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    for name in bgnbd.PARAMS:
        assert cdnow_fit.bgnbd.params[name] == pytest.approx(theirs.params_[name], rel=1e-4)
        assert cdnow_fit.bgnbd.se[name] == pytest.approx(theirs.standard_errors_[name], rel=1e-3)
