"""The e-mail test read-out: published Hillstrom figures and hand-checked statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.campaign.ab_test import (
    _bootstrap_means,
    arm_results,
    bootstrap_mean_difference,
    campaign_economics,
    compare_arms,
    two_proportion_ztest,
    welch_ttest,
    wilson_interval,
)
from toolkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def hillstrom() -> pd.DataFrame:
    from toolkit.data.datasets import load_hillstrom

    return load_hillstrom()


# ---------------------------------------------------------------- Hillstrom
def test_hillstrom_arm_sizes_and_means_match_the_published_figures(hillstrom):
    table = arm_results(hillstrom).set_index(["arm", "metric"])
    assert table.loc[("Womens E-Mail", "visit"), "customers"] == 21_387
    assert table.loc[("Mens E-Mail", "visit"), "customers"] == 21_307
    assert table.loc[("No E-Mail", "visit"), "customers"] == 21_306
    published = {
        "Mens E-Mail": (0.1828, 0.0125, 1.4226),
        "Womens E-Mail": (0.1514, 0.0088, 1.0772),
        "No E-Mail": (0.1062, 0.0057, 0.6528),
    }
    for arm, (visit, conversion, spend) in published.items():
        assert round(table.loc[(arm, "visit"), "mean"], 4) == visit
        assert round(table.loc[(arm, "conversion"), "mean"], 4) == conversion
        assert round(table.loc[(arm, "spend"), "mean"], 4) == spend


def test_hillstrom_totals_match_the_published_figures(hillstrom):
    totals = arm_results(hillstrom).groupby("metric")["total"].sum()
    assert totals["visit"] == 9_394
    assert totals["conversion"] == 578
    assert round(totals["spend"], 2) == 67_258.13


def test_hillstrom_intervals_contain_the_mean_and_rates_use_wilson(hillstrom):
    table = arm_results(hillstrom)
    assert (table["ci_low"] < table["mean"]).all() and (table["mean"] < table["ci_high"]).all()
    assert set(table.loc[table["metric"] != "spend", "interval"]) == {"wilson"}
    assert set(table.loc[table["metric"] == "spend", "interval"]) == {"t"}


def test_hillstrom_comparisons_agree_with_scipy_and_the_published_means(hillstrom):
    comp = compare_arms(hillstrom, n_boot=500).set_index(["arm", "metric"])
    mens_conv = comp.loc[("Mens E-Mail", "conversion")]
    assert round(mens_conv["abs_lift"], 4) == round(0.012531 - 0.005726, 4)
    assert mens_conv["rel_lift"] == pytest.approx(mens_conv["abs_lift"] / mens_conv["control_mean"])
    spend = hillstrom["spend"]
    ref = stats.ttest_ind(
        spend[hillstrom["segment"] == "Womens E-Mail"],
        spend[hillstrom["segment"] == "No E-Mail"],
        equal_var=False,
    )
    womens_spend = comp.loc[("Womens E-Mail", "spend")]
    assert womens_spend["statistic"] == pytest.approx(ref.statistic)
    assert womens_spend["p_value"] == pytest.approx(ref.pvalue)
    assert womens_spend["boot_ci_low"] < womens_spend["abs_lift"] < womens_spend["boot_ci_high"]
    # every e-mail beats no e-mail on every outcome at the 1% level
    assert (comp["p_value"] < 0.01).all()


# ------------------------------------------------------------- hand-checked
def test_wilson_interval_of_10_in_100():
    low, high = wilson_interval(10, 100)
    assert round(low, 4) == 0.0552
    assert round(high, 4) == 0.1744


def test_two_proportion_ztest_hand_case():
    # 30/200 mailed vs 20/200 control: pooled p = .125, se0 = sqrt(.125*.875*(2/200)) = .0330719
    res = two_proportion_ztest(30, 200, 20, 200)
    assert res.difference == pytest.approx(0.05)
    assert round(res.statistic, 4) == 1.5119
    assert round(res.p_value, 4) == 0.1306
    # unpooled se = sqrt(.15*.85/200 + .1*.9/200) = .0329773; half-width 1.96 * se = .064634
    assert round(res.ci_low, 4) == -0.0146
    assert round(res.ci_high, 4) == 0.1146


def test_two_proportion_ztest_matches_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    z, p = proportions_ztest([267, 122], [21_307, 21_306])
    res = two_proportion_ztest(267, 21_307, 122, 21_306)
    assert res.statistic == pytest.approx(z)
    assert res.p_value == pytest.approx(p)


def test_welch_ttest_hand_case():
    # a: mean 3, var 2.5 (n 5); b: mean 4, var 4 (n 3); se^2 = .5 + 4/3 = 1.8333
    res = welch_ttest([1, 2, 3, 4, 5], [2, 4, 6])
    assert res.difference == -1
    assert round(res.statistic, 4) == -0.7385
    # Welch-Satterthwaite: (11/6)^2 / ((1/2)^2/4 + (4/3)^2/2) = (121/36) / (137/144) = 484/137
    assert round(res.dof, 4) == 3.5328
    ref = stats.ttest_ind([1, 2, 3, 4, 5], [2, 4, 6], equal_var=False)
    assert res.p_value == pytest.approx(ref.pvalue)


def test_zero_heavy_bootstrap_has_the_distribution_of_plain_resampling():
    rng = np.random.default_rng(3)
    values = np.where(rng.random(400) < 0.05, rng.gamma(2.0, 50.0, 400), 0.0)
    fast = _bootstrap_means(values, 20_000, np.random.default_rng(1))
    plain = values[np.random.default_rng(2).integers(0, len(values), (20_000, len(values)))].mean(axis=1)
    se = values.std() / np.sqrt(len(values))
    assert fast.mean() == pytest.approx(values.mean(), abs=4 * se / np.sqrt(20_000))
    assert fast.std() == pytest.approx(plain.std(), rel=0.03)
    assert fast.std() == pytest.approx(se, rel=0.03)


def test_bootstrap_interval_is_reproducible_and_brackets_the_difference():
    a = np.array([0, 0, 0, 50, 0, 0, 120, 0, 0, 0] * 20, float)
    b = np.array([0, 0, 0, 0, 0, 0, 60, 0, 0, 0] * 20, float)
    first = bootstrap_mean_difference(a, b, n_boot=1000, seed=7)
    assert first == bootstrap_mean_difference(a, b, n_boot=1000, seed=7)
    assert first[0] < a.mean() - b.mean() < first[1]


def test_campaign_economics_hand_case():
    df = pd.DataFrame(
        {
            "segment": ["mail"] * 5 + ["none"] * 4,
            "spend": [0, 20, 0, 0, 10, 0, 0, 10, 0],
        }
    )
    row = campaign_economics(df, control="none", cost_per_contact=0.1, margin=0.3).iloc[0]
    # extra spend per e-mail = 6 - 2.5 = 3.5; x 5 e-mails = 17.5 revenue; x .3 = 5.25 margin; cost .5
    assert row["incremental_spend_per_contact"] == pytest.approx(3.5)
    assert row["incremental_revenue"] == pytest.approx(17.5)
    assert row["incremental_margin"] == pytest.approx(5.25)
    assert row["contact_cost"] == pytest.approx(0.5)
    assert row["net_profit"] == pytest.approx(4.75)
    assert row["return_per_contact"] == pytest.approx(0.95)
    assert row["roi"] == pytest.approx(9.5)
    assert row["incremental_revenue_low"] < 17.5 < row["incremental_revenue_high"]


# ------------------------------------------------------------------- errors
def test_missing_column_is_named():
    df = pd.DataFrame({"segment": ["a", "b"], "visit": [0, 1]})
    with pytest.raises(DataError, match="'spend'"):
        arm_results(df, outcomes=["visit", "spend"])


def test_unknown_control_lists_the_arms():
    df = pd.DataFrame({"segment": ["a", "b"], "visit": [0, 1]})
    with pytest.raises(DataError, match=r"control arm 'none' not found.*\['a', 'b'\]"):
        compare_arms(df, control="none", outcomes=["visit"])


def test_text_outcome_names_rows_and_values():
    df = pd.DataFrame({"segment": ["a", "b", "a"], "spend": ["1.5", "n/a", "2"]})
    with pytest.raises(DataError, match=r"'n/a'.*rows 2") as info:
        arm_results(df, outcomes=["spend"])
    assert info.value.rows == [2]


def test_bad_margin_is_a_parameter_error():
    df = pd.DataFrame({"segment": ["a", "b"], "spend": [0.0, 1.0]})
    with pytest.raises(ParameterError, match="'margin'"):
        campaign_economics(df, control="b", margin=30)
