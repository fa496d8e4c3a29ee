"""The CDNOW benchmark: published estimates and agreement with the lifetimes package."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.value import bgnbd, calibration_holdout_split, clv, customer_summary, gammagamma
from toolkit.value.cdnow import AS_OF, CALIBRATION_END, load_cdnow_summary, load_cdnow_transactions


def sig(value: float, digits: int = 3) -> float:
    """Round to significant figures."""
    return float(f"{value:.{digits}g}")


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def bg(summary):
    return bgnbd.fit_bgnbd(summary, time_unit="W")


@pytest.fixture(scope="module")
def gg(summary):
    return gammagamma.fit_gamma_gamma(summary)


def test_bundled_data_is_the_published_sample(summary):
    tx = load_cdnow_transactions()
    assert len(summary) == 2357 and tx["customer_id"].nunique() == 2357
    assert len(tx) == 6919
    assert tx["order_date"].min() == pd.Timestamp("1997-01-01") and tx[
        "order_date"
    ].max() == AS_OF - pd.Timedelta(days=1)
    assert int((summary["frequency"] > 0).sum()) == 946  # the repeat buyers of the spend model


def test_summary_from_transactions_reproduces_the_published_summary(summary):
    # Purchases counted per day, times in days; the published file has weeks to two decimals.
    tx = load_cdnow_transactions()
    ours = customer_summary(
        tx.loc[tx["order_date"] <= CALIBRATION_END], CALIBRATION_END + pd.Timedelta(days=1), time_unit="D"
    )
    ours = ours.reindex(summary.index)
    assert (ours["frequency"] == summary["frequency"]).all()
    for ours_col, theirs_col in (("recency", "recency"), ("T", "T")):
        assert np.abs(ours[ours_col] / 7 - summary[theirs_col]).max() <= 0.005 + 1e-9
    assert np.abs(ours["monetary_value"] - summary["monetary_value"]).max() <= 0.005 + 1e-9


def test_bgnbd_reproduces_fader_hardie_lee_2005(bg):
    # "Counting your customers the easy way" (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    assert {k: sig(v) for k, v in bg.params.items()} == {"r": 0.243, "alpha": 4.41, "a": 0.793, "b": 2.43}
    assert round(bg.params["alpha"], 3) == 4.414 and round(bg.params["b"], 3) == 2.426
    assert round(bg.log_likelihood, 1) == -9582.4
    assert bg.n_customers == 2357 and bg.n_repeat_buyers == 946 and bg.boundary == ()
    assert all(0 < s < v for s, v in zip(bg.se.values(), bg.params.values()))


def test_gamma_gamma_reproduces_fader_hardie_lee_2005(gg):
    # "RFM and CLV: using iso-value curves" (2005): p = 6.25, q = 3.74, gamma = 15.44
    assert {k: sig(v) for k, v in gg.params.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.4}
    assert abs(gg.params["gamma"] - 15.44) < 0.01
    assert gg.n_customers == 946
    table = gg.table()
    assert list(table.columns) == ["parameter", "estimate", "se", "ci_low", "ci_high"]
    assert (table["ci_low"] < table["estimate"]).all() and (table["estimate"] < table["ci_high"]).all()


def test_holdout_totals_on_cdnow(summary, bg):
    split = calibration_holdout_split(load_cdnow_transactions(), CALIBRATION_END, AS_OF, time_unit="D")
    assert split.holdout_length == 273 and split.new_in_holdout == 0
    assert len(split.summary) == 2357
    # Holdout purchases counted by hand: purchase days after the calibration end, per customer.
    tx = load_cdnow_transactions()
    late = tx.loc[tx["order_date"] > CALIBRATION_END].drop_duplicates(["customer_id", "order_date"])
    counts = late.groupby("customer_id").size().reindex(split.summary.index, fill_value=0)
    assert (split.summary["frequency_holdout"] == counts).all()


# --- agreement with lifetimes (test-only dependency) -----------------------------------------

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    lifetimes = pytest.importorskip("lifetimes")
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data


@pytest.fixture(scope="module")
def theirs(summary):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        repeat = summary.loc[summary["frequency"] > 0]
        g = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    return b, g


def test_parameters_and_standard_errors_agree_with_lifetimes(bg, gg, theirs):
    b, g = theirs
    for ours, fitter, names in (
        (bg, b, {"r": "r", "alpha": "alpha", "a": "a", "b": "b"}),
        (gg, g, {"p": "p", "q": "q", "gamma": "v"}),
    ):
        for name, their_name in names.items():
            assert ours.params[name] == pytest.approx(fitter.params_[their_name], rel=1e-4)
            assert ours.se[name] == pytest.approx(fitter.standard_errors_[their_name], rel=1e-3)


def test_predictions_agree_with_lifetimes(summary, bg, gg, theirs):
    b, g = theirs
    x, tx, T, m = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_alive = b.conditional_probability_alive(x, tx, T)
        purchases = b.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T)
        repeat = summary["frequency"] > 0
        spend = g.conditional_expected_average_profit(x[repeat], m[repeat])
        their_clv = g.customer_lifetime_value(b, x, tx, T, m, time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(bgnbd.probability_alive(bg, summary), p_alive, rtol=1e-4)
    np.testing.assert_allclose(bgnbd.expected_purchases(bg, summary, 39), purchases, rtol=1e-4)
    np.testing.assert_allclose(gammagamma.expected_spend(gg, summary[repeat]), spend, rtol=1e-4)
    ours_clv = clv.customer_lifetime_value(
        summary, bg, gg, months=12, annual_discount_rate=1.01**12 - 1, time_unit="W", month_length=4.345
    )
    np.testing.assert_allclose(ours_clv, their_clv, rtol=1e-4)


@pytest.mark.parametrize("unit", ["D", "W"])
def test_summary_agrees_with_lifetimes(unit):
    tx = load_cdnow_transactions()
    ours = customer_summary(tx, AS_OF, time_unit=unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = summary_data_from_transaction_data(
            tx,
            "customer_id",
            "order_date",
            monetary_value_col="amount",
            observation_period_end=AS_OF - pd.Timedelta(days=1),
            freq=unit,
        )
    theirs = theirs.reindex(ours.index)
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(
            ours[col].to_numpy(dtype=float), theirs[col].to_numpy(dtype=float), rtol=1e-9
        )


@pytest.mark.parametrize("unit", ["D", "W"])
def test_calibration_split_agrees_with_lifetimes(unit):
    from lifetimes.utils import calibration_and_holdout_data

    tx = load_cdnow_transactions()
    ours = calibration_holdout_split(tx, CALIBRATION_END, AS_OF, time_unit=unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = calibration_and_holdout_data(
            tx,
            "customer_id",
            "order_date",
            calibration_period_end=CALIBRATION_END,
            observation_period_end=AS_OF - pd.Timedelta(days=1),
            freq=unit,
            monetary_value_col="amount",
        )
    theirs = theirs.reindex(ours.summary.index)
    pairs = {
        "frequency": "frequency_cal",
        "recency": "recency_cal",
        "T": "T_cal",
        "monetary_value": "monetary_value_cal",
        "frequency_holdout": "frequency_holdout",
    }
    # (lifetimes averages holdout spend per order line, we per purchase period as in the calibration)
    for col, their_col in pairs.items():
        np.testing.assert_allclose(
            ours.summary[col].to_numpy(dtype=float),
            theirs[their_col].to_numpy(dtype=float),
            rtol=1e-9,
            err_msg=col,
        )
    assert ours.holdout_length == pytest.approx(theirs["duration_holdout"].iloc[0])
