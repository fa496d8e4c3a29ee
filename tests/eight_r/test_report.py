"""The 8R report's result files, checked against independent computations.

Uses the session-wide ``built_reports`` fixture (every notebook built once in
both languages), so the notebook is not executed again here.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.data.online_retail_fees import FEE_CODES
from toolkit.data.datasets import load_bank_marketing, load_hillstrom, load_online_retail_raw
from toolkit.eight_r.coverage import RS
from toolkit.i18n import t

pytestmark = pytest.mark.slow
LANGS = ("en", "zh")


def _summary(built, lang):
    return json.loads((built / lang / "eight_r" / "summary.json").read_text(encoding="utf-8"))


def _matched_cancellations(raw: pd.DataFrame) -> set[int]:
    """Positions of cancellations and the sales they reverse, by the rule in docs/data-quality.md, in plain Python.

    Cancellations in time order (ties: file order) each take the latest unmatched sale of the same customer,
    product and absolute quantity dated no later than the cancellation (of several on that date, the first in
    file order). Brute force over every open sale, unlike the core's stacks.
    """
    cancel = (raw["InvoiceNo"].astype(str).str.startswith("C") | (raw["Quantity"] < 0)).tolist()
    dates = pd.to_datetime(raw["InvoiceDate"]).tolist()
    keys = list(
        zip(raw["CustomerID"], raw["StockCode"].astype(str).str.strip().str.upper(), raw["Quantity"].abs())
    )
    sales: dict[tuple, list[tuple]] = {}
    for pos, (key, is_cancel, quantity) in enumerate(zip(keys, cancel, raw["Quantity"])):
        if not is_cancel and quantity > 0:
            sales.setdefault(key, []).append((dates[pos], pos))
    matched: set[int] = set()
    for date, pos in sorted((dates[p], p) for p, c in enumerate(cancel) if c):
        open_sales = [(d, s) for d, s in sales.get(keys[pos], []) if d <= date and s not in matched]
        if open_sales:
            latest = max(d for d, _ in open_sales)
            matched.update((min(s for d, s in open_sales if d == latest), pos))
    return matched


@pytest.fixture(scope="module")
def net_revenue():
    """Net revenue per customer from the raw file with plain pandas, following the cleaning rules in order.

    Exact duplicates and lines without a customer go; a cancellation matched to its sale removes both; fee,
    postage and adjustment codes go; unmatched returns are kept; sales at a price <= 0 go.
    """
    raw = load_online_retail_raw().drop_duplicates()
    raw = raw[raw["CustomerID"].notna()]
    matched = _matched_cancellations(raw)
    raw = raw[[pos not in matched for pos in range(len(raw))]]
    raw = raw[~raw["StockCode"].astype(str).str.strip().str.upper().isin(FEE_CODES)]
    is_return = raw["InvoiceNo"].astype(str).str.startswith("C") | (raw["Quantity"] < 0)
    raw = raw[is_return | (raw["UnitPrice"] > 0)]
    return (raw["Quantity"] * raw["UnitPrice"]).groupby(raw["CustomerID"]).sum()


@pytest.mark.parametrize("lang", LANGS)
def test_result_files_exist(built_reports, lang):
    folder = built_reports / lang / "eight_r"
    for name in (
        "metrics.csv",
        "allocation.csv",
        "summary.json",
        "overview.csv",
        "profile.csv",
        "coverage.csv",
    ):
        assert (folder / name).exists(), name


@pytest.mark.parametrize("lang", LANGS)
def test_metrics_csv_has_every_r(built_reports, lang):
    m = pd.read_csv(built_reports / lang / "eight_r" / "metrics.csv", encoding="utf-8-sig")
    assert list(m.columns) == ["r", "metric", "value", "source", "note"]
    assert set(m["r"]) == set(RS)
    assert not m.duplicated(["r", "metric"]).any()
    assert set(m["source"]) == {"transactions", "hillstrom", "bank_marketing"}


def test_concentration_matches_an_independent_count(built_reports, net_revenue):
    s = _summary(built_reports, "en")["metrics"]
    positive = net_revenue[net_revenue > 0]
    # counted by hand from the independent pandas pass: 4,320 customers with positive net
    # revenue and 33 without; a fifth of 4,320 is exactly 864 customers, whatever rounding rule
    assert positive.size == 4320 and int((net_revenue <= 0).sum()) == 33
    assert s["people.customers"] == 4320
    assert s["people.customers_non_positive_revenue"] == 33
    top = positive.nlargest(864).sum()
    assert s["people.top20_revenue_share"] == pytest.approx(top / positive.sum(), rel=1e-9)


def test_case_figures_match_the_raw_cases(built_reports):
    h, b = load_hillstrom(), load_bank_marketing()
    visit = h.groupby("segment")["visit"].mean()
    calls = b.groupby("contact")["y"].apply(lambda y: (y == "yes").mean())
    for lang in LANGS:
        s = _summary(built_reports, lang)["metrics"]
        assert s["information.visit_lift_mens"] == pytest.approx(visit["Mens E-Mail"] - visit["No E-Mail"])
        assert s["information.visit_lift_womens"] == pytest.approx(
            visit["Womens E-Mail"] - visit["No E-Mail"]
        )
        assert s["way.success_rate_cellular"] == pytest.approx(calls["cellular"])
        first = ((b["campaign"] == 1) & (b["y"] == "yes")).sum() / len(b)
        assert s["way.first_call_success_rate"] == pytest.approx(first)
        # default call cost 3 / value 100 = 3%: the 4th call still succeeds 3.3%, the 5th 2.4%
        assert s["way.break_even_rate"] == pytest.approx(0.03) and s["way.call_cap"] == 4


@pytest.mark.parametrize("lang", LANGS)
def test_allocation_keeps_the_budget_and_raises_profit(built_reports, lang):
    a = pd.read_csv(built_reports / lang / "eight_r" / "allocation.csv", encoding="utf-8-sig")
    s = _summary(built_reports, lang)["metrics"]
    h = load_hillstrom()
    emailed = int((h["segment"] != "No E-Mail").sum())
    assert a["spend"].sum() == pytest.approx(emailed * 0.10)
    assert a["recommended_spend"].sum() == pytest.approx(a["spend"].sum())
    assert s["allocation.gain"] == pytest.approx(a["expected_profit"].sum() - a["profit"].sum())
    assert s["allocation.gain"] > 0
    # bounds: half to double today's spend; segments strictly inside share one marginal return
    assert (a["recommended_spend"] >= a["spend"] / 2 - 1e-6).all()
    assert (a["recommended_spend"] <= a["spend"] * 2 + 1e-6).all()
    inside = a[
        (a["recommended_spend"] > a["spend"] / 2 + 1e-6) & (a["recommended_spend"] < a["spend"] * 2 - 1e-6)
    ]
    if len(inside) > 1:
        assert np.ptp(inside["marginal_return"]) < 1e-6


def test_both_languages_agree_and_findings_are_translated(built_reports):
    en, zh = _summary(built_reports, "en"), _summary(built_reports, "zh")
    numeric = {k: v for k, v in en["metrics"].items() if isinstance(v, (int, float))}
    for key, value in numeric.items():
        assert zh["metrics"][key] == pytest.approx(value), key
    assert len(en["findings"]) == len(zh["findings"]) >= 5
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f) for f in zh["findings"])
    overview = pd.read_csv(built_reports / "zh" / "eight_r" / "overview.csv", encoding="utf-8-sig")
    assert overview["r"].tolist()[0] == "精准客户定位" and len(overview) == 8


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_names_its_data_and_the_example_answers_stay_out(built_reports, lang):
    """Findings rest on Online Retail, Hillstrom or the bank case and say so; the fictional answers never appear."""
    findings = _summary(built_reports, lang)["findings"]
    sources = [
        t("eight_r.source.online_retail", lang),
        t("illustrative.source.hillstrom", lang),
        t("illustrative.source.bank_marketing", lang),
    ]
    assert all(sum(s in f for s in sources) == 1 for f in findings), findings
    assert not any(t("illustrative.source.example_answers", lang) in f for f in findings)
    # the reallocation is on the Hillstrom test: US dollars, measured ROMI before the simulation
    (allocation,) = [f for f in findings if t("illustrative.source.hillstrom", lang) in f and "$" in f]
    assert "£" not in allocation and "€" not in allocation
    measured, simulated = ("Measured", "Simulated") if lang == "en" else ("测量结果", "模拟")
    assert allocation.index(measured) < allocation.index(simulated)


def test_money_headers_carry_the_currency_of_their_data(built_reports):
    page = (built_reports / "en" / "eight_r.html").read_text(encoding="utf-8")
    assert "Revenue per customer (GBP)" in page
    assert "Recommended spend (USD)" in page and "Recommended spend (GBP)" not in page
    assert "€3.00" in page and "€100.00" in page
    zh = (built_reports / "zh" / "eight_r.html").read_text(encoding="utf-8")
    assert "人均销售额（英镑）" in zh and "建议投入（美元）" in zh
