"""Value tiers, their crossing with segments, the holdout check and the charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from toolkit.errors import DataError, ParameterError
from toolkit.value import (
    TIERS,
    calibration_holdout_split,
    cohort_table,
    fit_bgnbd,
    frequency_fit,
    holdout_check,
    lorenz_curve,
    tier_segment_table,
    tier_summary,
    value_tiers,
)
from toolkit.value.cdnow import AS_OF, CALIBRATION_END, load_cdnow_summary, load_cdnow_transactions

IDS = [f"c{i}" for i in range(10)]


@pytest.fixture()
def tiers():
    realised = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 90, 100], index=IDS, dtype=float)
    potential = pd.Series([100, 1, 2, 3, 4, 5, 6, 7, 80, 0], index=IDS, dtype=float)
    return value_tiers(realised, potential, high_quantile=0.8)


def test_tiers_by_hand(tiers):
    # 80th percentiles: realised 8 + 0.2 * (90 - 8) = 24.4; potential 7 + 0.2 * (80 - 7) = 21.6
    assert tiers.realised_threshold == pytest.approx(24.4)
    assert tiers.potential_threshold == pytest.approx(21.6)
    got = tiers.customers["tier"].astype(str).to_dict()
    assert got["c8"] == "keep"  # 90 / 80
    assert got["c0"] == "invest"  # 1 / 100
    assert got["c9"] == "win_back"  # 100 / 0
    assert all(got[c] == "maintain" for c in IDS[1:8])
    summary = tier_summary(tiers)
    assert summary["tier"].tolist() == list(TIERS)
    assert summary["customers"].tolist() == [1, 1, 1, 7]
    assert summary["realised_value"].tolist() == [90.0, 1.0, 100.0, 35.0]
    assert summary["share_of_customers"].sum() == pytest.approx(1.0)
    assert summary["share_of_potential"].tolist() == pytest.approx([80 / 208, 100 / 208, 0.0, 28 / 208])


def test_tier_segment_table_counts_everyone(tiers):
    segments = pd.Series(
        pd.Categorical(["Champions"] * 3 + ["Lost"] * 5, categories=["Champions", "At risk", "Lost"]),
        index=["c8", "c9", "c0", "c1", "c2", "c3", "c4", "c99"],
    )
    table = tier_segment_table(tiers, segments, unmatched="none")
    assert list(table.index) == ["Champions", "Lost", "none"]  # empty 'At risk' left out
    assert list(table.columns) == [*TIERS, "total"]
    assert table.loc["Champions"].tolist() == [1, 1, 1, 0, 3]
    assert table.loc["Lost"].tolist() == [0, 0, 0, 4, 4]
    assert table.loc["none"].tolist() == [0, 0, 0, 3, 3]  # c5, c6, c7 have no segment
    assert table["total"].sum() == 10
    with pytest.raises(DataError, match="none of the customers"):
        tier_segment_table(tiers, pd.Series(["x"], index=["zzz"]))


def test_tier_errors():
    a = pd.Series([1.0, 2.0], index=["x", "y"])
    with pytest.raises(DataError, match="same customers"):
        value_tiers(a, pd.Series([1.0, 2.0], index=["x", "z"]))
    with pytest.raises(DataError, match="missing or infinite"):
        value_tiers(a, pd.Series([1.0, np.nan], index=["x", "y"]))
    with pytest.raises(ParameterError, match="'high_quantile' parameter"):
        value_tiers(a, a, high_quantile=1.0)


@pytest.fixture(scope="module")
def cdnow_check():
    split = calibration_holdout_split(load_cdnow_transactions(), CALIBRATION_END, AS_OF, time_unit="D")
    fit = fit_bgnbd(split.summary, time_unit="D")
    return split, fit, holdout_check(fit, split)


def test_holdout_check_adds_up(cdnow_check):
    from toolkit.value import expected_purchases

    split, fit, check = cdnow_check
    assert check["frequency_group"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert check["customers"].sum() == 2357
    assert check["actual_purchases"].sum() == split.summary["frequency_holdout"].sum()
    total = expected_purchases(fit, split.summary, split.holdout_length).sum()
    assert check["predicted_purchases"].sum() == pytest.approx(total)
    zero = split.summary["frequency"] == 0
    assert check.loc[0, "actual_mean"] == pytest.approx(split.summary.loc[zero, "frequency_holdout"].mean())
    # the benchmark's classic result: predictions track the actual means group by group
    assert np.all(np.abs(check["predicted_mean"] - check["actual_mean"]) < 0.35 * check["actual_mean"] + 0.1)


def test_frequency_fit_counts(cdnow_check):
    summary = load_cdnow_summary()
    fit = fit_bgnbd(summary)
    table = frequency_fit(fit, summary)
    assert table["actual_customers"].tolist()[:3] == [1411, 439, 214]
    assert table["actual_customers"].sum() == 2357
    assert table["expected_customers"].sum() == pytest.approx(2357)
    assert np.all(
        np.abs(table["expected_customers"] - table["actual_customers"]) < 0.1 * table["actual_customers"] + 15
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_return_labelled_figures(lang, tiers, cdnow_check):
    from toolkit.charts import value as charts
    from toolkit.i18n import t

    split, fit, check = cdnow_check
    table = cohort_table(load_cdnow_transactions())
    figures = {
        "value.chart.retention_title": charts.retention_heatmap(table, lang),
        "value.chart.curves_title": charts.retention_curves(table, lang),
        "value.chart.cohort_value_title": charts.cohort_value_chart(table, lang),
        "value.chart.lorenz_title": charts.lorenz_chart(lorenz_curve(np.arange(1.0, 50.0)), lang),
        "value.chart.fit_title": charts.frequency_fit_chart(frequency_fit(fit, split.summary), lang),
        "value.chart.holdout_title": charts.holdout_chart(check, lang),
        "value.chart.tier_title": charts.tier_chart(tiers, lang),
    }
    for key, fig in figures.items():
        assert isinstance(fig, Figure)
        assert t(key, lang) in [fig.axes[0].get_title(loc=where) for where in ("left", "center")]
        matplotlib.pyplot.close(fig)
