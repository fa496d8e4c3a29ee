"""The email_campaign and telemarketing reports: result files against independent computations.

Uses the session-wide ``built_reports`` build (both languages), so the
notebooks are not executed again here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data.datasets import load_bank_marketing, load_hillstrom


def _summary(out: Path, lang: str, name: str) -> dict:
    return json.loads((out / lang / name / "summary.json").read_text(encoding="utf-8"))


def _csv(out: Path, lang: str, name: str, table: str) -> pd.DataFrame:
    return pd.read_csv(out / lang / name / f"{table}.csv", encoding="utf-8-sig")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_email_campaign_arm_figures_are_the_published_ones(built_reports, lang):
    metrics = _summary(built_reports, lang, "email_campaign")["metrics"]
    published = {
        "Mens E-Mail": (21_307, 0.1828, 0.0125, 1.4226),
        "Womens E-Mail": (21_387, 0.1514, 0.0088, 1.0772),
        "No E-Mail": (21_306, 0.1062, 0.0057, 0.6528),
    }
    for arm, (n, visit, conversion, spend) in published.items():
        assert metrics[f"{arm}|customers"] == n
        assert round(metrics[f"{arm}|visit"], 4) == visit
        assert round(metrics[f"{arm}|conversion"], 4) == conversion
        assert round(metrics[f"{arm}|spend"], 4) == spend
    arms = _csv(built_reports, lang, "email_campaign", "arm_results")
    assert arms.groupby("metric")["total"].sum().round(2).to_dict() == {
        "conversion": 578,
        "spend": 67_258.13,
        "visit": 9_394,
    }


def test_email_campaign_economics_follow_from_the_data(built_reports):
    h = load_hillstrom()
    metrics = _summary(built_reports, "en", "email_campaign")["metrics"]
    cost, margin = metrics["cost_per_email"], metrics["margin"]
    mean = h.groupby("segment")["spend"].mean()
    size = h["segment"].value_counts()
    for arm in ("Mens E-Mail", "Womens E-Mail"):
        net = (mean[arm] - mean["No E-Mail"]) * size[arm] * margin - cost * size[arm]
        assert metrics[f"{arm}|net_profit"] == pytest.approx(net)
        assert metrics[f"{arm}|return_per_contact"] == pytest.approx(net / size[arm])
    assert metrics["best_single_arm"] == "Mens E-Mail"


def test_email_campaign_result_files(built_reports):
    out = built_reports
    comparison = _csv(out, "en", "email_campaign", "comparison")
    assert len(comparison) == 6 and (comparison["p_value"] < 0.01).all()
    by_group = _csv(out, "en", "email_campaign", "uplift_by_group")
    buyers = by_group[(by_group["group"] == "buyer") & (by_group["metric"] == "visit")]
    assert set(buyers["level"]) == {"mens", "womens", "both"}
    # every customer appears once per arm pair and grouping column
    assert (
        by_group.groupby(["arm", "metric", "group"])[["treated", "control"]]
        .sum()
        .sum(axis=1)
        .isin([21_307 + 21_306, 21_387 + 21_306])
    ).all()
    targets = _csv(out, "en", "email_campaign", "target_list")
    assert len(targets) == 64_000 and targets["row"].tolist() == list(range(1, 64_001))
    metrics = _summary(out, "en", "email_campaign")["metrics"]
    shares = targets["assigned"].value_counts(normalize=True)
    for arm in ("Mens E-Mail", "Womens E-Mail", "No E-Mail"):
        assert metrics[f"rule_share|{arm}"] == pytest.approx(shares.get(arm, 0.0))
    assert metrics["rule_gain_low"] <= metrics["rule_gain"] <= metrics["rule_gain_high"]
    policies = _csv(out, "en", "email_campaign", "policies").set_index("policy")
    assert policies.loc[f"all|{metrics['best_single_arm']}", "gain"] == 0


def test_email_campaign_numbers_do_not_depend_on_the_language(built_reports):
    en = _summary(built_reports, "en", "email_campaign")
    zh = _summary(built_reports, "zh", "email_campaign")
    assert en["metrics"] == zh["metrics"]
    assert len(en["findings"]) == len(zh["findings"]) >= 5
    assert any("转化率" in f for f in zh["findings"])


def test_telemarketing_data_facts_and_model_quality(built_reports):
    metrics = _summary(built_reports, "en", "telemarketing")["metrics"]
    assert metrics["rows_used"] == 41_188
    assert metrics["successes"] == 4_640
    assert metrics["rows_left_out"] == {}
    assert "duration" not in metrics["features"] and "campaign" not in metrics["features"]
    assert 0.75 < metrics["auc"] < 0.85
    gains = _csv(built_reports, "en", "telemarketing", "gains_table")
    assert len(gains) == 10
    assert gains["customers"].sum() == metrics["held_out_customers"]
    assert gains["responses"].sum() == round(0.3 * 4_640)  # the split keeps the success rate
    assert gains["gain"].iloc[-1] == pytest.approx(1.0)
    assert gains["lift"].iloc[0] == pytest.approx(metrics["top_decile_lift"])
    assert gains["lift"].iloc[0] > 3


def test_telemarketing_profit_figures_follow_from_the_data(built_reports):
    bank = load_bank_marketing()
    metrics = _summary(built_reports, "en", "telemarketing")["metrics"]
    cost, gain = metrics["cost_per_call"], metrics["profit_per_success"]
    as_run = 4_640 * gain - bank["campaign"].sum() * cost
    assert metrics["profit|as_run"] == pytest.approx(as_run)
    curve = _csv(built_reports, "en", "telemarketing", "profit_curve")
    best = curve[curve["optimal"]]
    assert len(best) == 1
    assert best["profit"].iloc[0] == curve["profit"].max()
    assert metrics["profit|optimal"] >= metrics["profit|threshold"]
    assert metrics["profit|optimal"] > metrics["profit|everyone"]
    strategies = _csv(built_reports, "en", "telemarketing", "strategies").set_index("strategy")
    row = strategies.loc["optimal"]
    assert row["profit"] == pytest.approx(row["successes"] * gain - row["calls"] * cost)
    assert metrics["break_even_probability"] == pytest.approx(cost * bank["campaign"].mean() / gain, rel=0.02)


def test_telemarketing_call_list(built_reports):
    metrics = _summary(built_reports, "en", "telemarketing")["metrics"]
    targets = _csv(built_reports, "en", "telemarketing", "target_list")
    assert len(targets) == metrics["target_list_size"] > 0
    assert (targets["score"] >= round(metrics["break_even_probability"], 4) - 1e-4).all()
    assert np.all(np.diff(targets["score"]) <= 0)
    assert targets["rank"].tolist() == list(range(1, len(targets) + 1))
    assert targets["row"].between(1, 41_188).all() and targets["row"].is_unique


def test_telemarketing_numbers_do_not_depend_on_the_language(built_reports):
    en = _summary(built_reports, "en", "telemarketing")
    zh = _summary(built_reports, "zh", "telemarketing")
    assert en["metrics"] == zh["metrics"]
    assert any("AUC" in f for f in zh["findings"])
    html = (built_reports / "zh" / "telemarketing.html").read_text(encoding="utf-8")
    assert "Traceback" not in html and "电话营销" in html


def test_email_campaign_qini_is_on_the_standard_scale(built_reports):
    metrics = _summary(built_reports, "en", "email_campaign")["metrics"]
    curves = _csv(built_reports, "en", "email_campaign", "uplift_curve")
    for arm, curve in curves.groupby("arm"):
        # normalised by the perfect ranking: at most 1 (and a useful model is above 0)
        assert -1 < metrics[f"{arm}|qini"] < 1
        # at full depth the Qini curve is the uplift curve scaled to the number mailed
        end = curve.iloc[-1]
        assert end["qini"] == pytest.approx(end["incremental"] * end["treated"] / end["customers"])


@pytest.mark.parametrize(("lang", "header"), [("en", "Net profit (USD)"), ("zh", "净利润（美元）")])
def test_email_campaign_money_carries_the_hillstrom_currency(built_reports, lang, header):
    summary = _summary(built_reports, lang, "email_campaign")
    assert summary["metrics"]["currency"] == "USD"
    economics = next(f for f in summary["findings"] if "30%" in f)
    net = summary["metrics"]["Mens E-Mail|net_profit"]
    assert f"${net:,.0f}" in economics  # the measured net profit, with its currency
    html = (built_reports / lang / "email_campaign.html").read_text(encoding="utf-8")
    assert header in html


@pytest.mark.parametrize(
    ("lang", "term", "money"),
    [("en", "Month of the call: March", "Profit (EUR)"), ("zh", "通话月份：3月", "利润（欧元）")],
)
def test_telemarketing_shows_model_terms_as_words_and_euros(built_reports, lang, term, money):
    summary = _summary(built_reports, lang, "telemarketing")
    assert summary["metrics"]["currency"] == "EUR"
    assert any("€" in f for f in summary["findings"])
    html = (built_reports / lang / "telemarketing.html").read_text(encoding="utf-8")
    assert term in html and money in html
    assert "month=mar" not in html and "university.degree" not in html
    # the CSV keeps the model's own names for the next program
    terms = _csv(built_reports, lang, "telemarketing", "coefficients")["term"]
    assert "month=mar" in set(terms)
