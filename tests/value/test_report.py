"""The customer_value report: result files against independent computations.

Uses the session-wide ``built_reports`` build (both languages), so the
notebook is not executed again here.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

NAME = "customer_value"


def _summary(out: Path, lang: str) -> dict:
    return json.loads((out / lang / NAME / "summary.json").read_text(encoding="utf-8"))


def _csv(out: Path, lang: str, table: str) -> pd.DataFrame:
    return pd.read_csv(out / lang / NAME / f"{table}.csv", encoding="utf-8-sig", dtype={"customer_id": str})


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    """Online Retail cleaned by the default rules, aggregated independently of toolkit.value."""
    from toolkit.data import load_transactions

    return load_transactions().transactions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customers_file(built_reports, clean, lang):
    customers = _csv(built_reports, lang, "customers")
    metrics = _summary(built_reports, lang)["metrics"]
    assert len(customers) == clean["customer_id"].nunique() == metrics["customers"]
    assert customers["customer_id"].is_unique
    for col in (
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        "tier",
        "segment",
        "realised_value",
    ):
        assert col in customers.columns and customers[col].notna().all(), col
    assert customers["p_alive"].between(0, 1).all()
    assert set(customers["tier"]) <= {"keep", "invest", "win_back", "maintain"}
    # realised value is each customer's spend
    spend = clean.groupby("customer_id")["amount"].sum()
    np.testing.assert_allclose(
        customers.set_index("customer_id")["realised_value"],
        spend.reindex(customers["customer_id"]),
        rtol=1e-9,
    )
    # repeat purchases are distinct purchase days after the first
    days = clean.assign(day=clean["order_date"].dt.normalize()).drop_duplicates(["customer_id", "day"])
    repeat = days.groupby("customer_id").size() - 1
    assert (customers.set_index("customer_id")["frequency"] == repeat.reindex(customers["customer_id"])).all()
    assert metrics["clv_total"] == pytest.approx(customers["clv"].sum(), rel=1e-9)
    assert metrics["expected_purchases_total"] == pytest.approx(
        customers["expected_purchases"].sum(), rel=1e-9
    )
    counts = customers["tier"].value_counts().to_dict()
    assert {k: v["customers"] for k, v in metrics["tiers"].items()} == {
        k: counts.get(k, 0) for k in metrics["tiers"]
    }
    # with the default 12 months, no discounting would give expected purchases x spend; 10% a year gives less
    assert (customers["clv"] <= customers["expected_purchases"] * customers["expected_spend"] + 1e-6).all()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cohorts_file(built_reports, clean, lang):
    cohorts = _csv(built_reports, lang, "cohorts")
    first = clean.groupby("customer_id")["order_date"].min().dt.to_period("M").astype(str)
    sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    assert sizes.to_dict() == first.value_counts().sort_index().to_dict()
    assert cohorts["revenue"].sum() == pytest.approx(clean["amount"].sum(), rel=1e-9)
    assert (cohorts.loc[cohorts["months_since"] == 0, "retention"] == 1.0).all()
    # December 2011 is cut off on the 9th
    assert not cohorts.loc[cohorts["month"] == "2011-12", "complete"].any()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_metrics(built_reports, clean, lang):
    metrics = _summary(built_reports, lang)["metrics"]
    spend = np.sort(clean.groupby("customer_id")["amount"].sum().to_numpy())[::-1]
    assert metrics["top20_share_of_revenue"] == pytest.approx(
        spend[: int(np.ceil(0.2 * len(spend)))].sum() / spend.sum()
    )
    assert metrics["time_unit"] == "D" and metrics["horizon_months"] == 12
    assert metrics["calibration_end"] == "2011-08-07"
    # holdout actual purchases: distinct purchase days after the calibration end, of customers seen before it
    day = clean["order_date"].dt.normalize()
    known = clean.loc[day <= "2011-08-07", "customer_id"].unique()
    late = clean.loc[(day > "2011-08-07") & clean["customer_id"].isin(known)]
    assert (
        metrics["holdout_actual_purchases"]
        == late.assign(day=day).drop_duplicates(["customer_id", "day"]).shape[0]
    )
    new = set(clean.loc[day > "2011-08-07", "customer_id"]) - set(known)
    assert metrics["holdout_new_customers"] == len(new)
    params = metrics["bgnbd"]["params"]
    assert params["r"] > 0 and params["alpha"] > 0
    assert metrics["bgnbd"]["log_likelihood"] < 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_calibration_fit_and_cdnow_benchmark_in_the_report(built_reports, lang):
    metrics = _summary(built_reports, lang)["metrics"]
    fit = metrics["calibration_fit"]
    assert fit["calibration_end"] == metrics["calibration_end"] and fit["time_scale"] == metrics["time_unit"]
    shown = _csv(built_reports, lang, "calibration_parameters")
    assert list(shown["model"].unique()) == (["BG/NBD", "Gamma-Gamma"] if fit["gamma_gamma"] else ["BG/NBD"])
    bg = shown[shown["model"] == "BG/NBD"].set_index("parameter")
    assert bg.loc["r", "estimate"] == pytest.approx(fit["bgnbd"]["params"]["r"])
    assert bg.loc["r", "se"] == pytest.approx(fit["bgnbd"]["se"]["r"])
    assert 0 < fit["bgnbd"]["se"]["r"] < fit["bgnbd"]["params"]["r"]
    bench = metrics["cdnow_benchmark"]
    assert bench["bundled"] == "cdnow" and bench["agrees_with_published"] is True
    assert round(bench["bgnbd"]["log_likelihood"], 1) == -9582.4
    table = _csv(built_reports, lang, "cdnow_benchmark")
    assert table["agrees"].all() and len(table) == 7


def _written_by_the_notebook(page: str) -> str:
    """The executive summary and the body of a report: what the notebook itself writes.

    The header and the appendix come from the shared export and are checked with it.
    """
    start = page.index('<section class="pmkt-exec-summary"')
    end = page.index("</article>") + len("</article>")
    return page[start:end]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_client_report_reads_as_a_client_report(built_reports, lang):
    from toolkit.i18n import t
    from toolkit.i18n.numbers import money, with_currency
    from toolkit.report.lint import lint_report

    page = (built_reports / lang / f"{NAME}.html").read_text(encoding="utf-8")
    body = _written_by_the_notebook(page)
    assert [str(p) for p in lint_report(body, lang)] == []
    summary = _summary(built_reports, lang)
    # bundled Online Retail: every money figure is in pounds sterling
    assert summary["metrics"]["currency"] == "GBP"
    total = money(summary["metrics"]["clv_total"], "GBP", lang, short=True)
    assert total.startswith("£") and any(total in f for f in summary["findings"])
    for column in ("realised_value", "potential_value", "clv"):
        assert html.escape(with_currency(t(f"common.column.{column}", lang), "GBP", lang)) in body
    # model parameters and the published benchmark are course material, not in the report
    for key in ("value.table.gamma_gamma", "value.table.cdnow"):
        assert html.escape(t(key, lang)) not in page
    # dates in the one style of the language
    assert ("2011年12月9日" if lang == "zh" else "9 Dec 2011") in body
