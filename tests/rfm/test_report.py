"""The rfm report's result files against independent computations.

Uses the session's one build of every report (``built_reports``), so the
notebook is not executed again here.
"""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

from toolkit.data.datasets import load_hillstrom
from toolkit.report.catalog import find_notebook

pytestmark = pytest.mark.slow


def test_notebook_structure():
    spec = find_notebook("rfm")
    for name in (
        "method",
        "level",
        "bins",
        "thresholds",
        "weights",
        "segments_file",
        "campaign_cost",
        "margin",
        "data",
        "columns",
        "as_of",
        "lang",
        "brand",
        "output_dir",
    ):
        assert name in spec.parameters, name
        assert spec.parameters[name]["help"], f"parameter {name} has no help text"
    nb = nbformat.read(spec.path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "committed without outputs"
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    assert sum("solution" in t for t in tags) >= 2 and sum("exercise-check" in t for t in tags) >= 2
    assert sum({"exercise", "lang-zh"} <= t for t in tags) >= 2


@pytest.fixture(scope="module", params=["en", "zh"])
def result(request, built_reports):
    folder = built_reports / request.param / "rfm"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    customers = pd.read_csv(
        folder / "customers.csv", dtype={"customer_id": str, "rfm_cell": str}, encoding="utf-8-sig"
    )
    return folder, summary, customers


def test_customers_csv(result):
    folder, summary, customers = result
    assert list(customers.columns) == [
        "customer_id",
        "recency",
        "frequency",
        "monetary",
        "r_score",
        "f_score",
        "m_score",
        "rfm_cell",
        "segment",
    ]
    # 4,338 customer ids have a sale in the raw file; 4 of them bought only fee or postage codes (4,334, counted
    # with plain pandas), and 10 more had every purchase reversed by a matched cancellation
    assert len(customers) == summary["metrics"]["customers"] == 4324
    assert customers["customer_id"].is_unique and not customers["segment"].isna().any()
    assert (
        customers["rfm_cell"]
        == customers["r_score"].astype(str)
        + customers["f_score"].astype(str)
        + customers["m_score"].astype(str)
    ).all()
    # spot check against the raw published file: customer 12347 (7 invoices, last on 2011-12-07)
    c = customers.set_index("customer_id").loc["12347"]
    assert (c["frequency"], c["recency"]) == (7, 3) and c["monetary"] == pytest.approx(4310.0)


def test_segments_csv_and_summary_agree_with_customers(result):
    folder, summary, customers = result
    segments = pd.read_csv(folder / "segments.csv", encoding="utf-8-sig").set_index("segment")
    counts = customers["segment"].value_counts()
    assert (segments["customers"].loc[counts.index] == counts).all()
    revenue = customers.groupby("segment")["monetary"].sum()
    np.testing.assert_allclose(segments["revenue"].loc[revenue.index], revenue, rtol=1e-9)
    champions = (
        customers.loc[customers["segment"] == "champions", "monetary"].sum() / customers["monetary"].sum()
    )
    assert summary["metrics"]["segments"]["champions"]["share_of_revenue"] == pytest.approx(champions)
    assert summary["metrics"]["unassigned_customers"] == 0
    thresholds = pd.read_csv(folder / "thresholds.csv", encoding="utf-8-sig")
    r5 = thresholds.query("dimension == 'recency' and score == 5").iloc[0]
    assert summary["metrics"]["r_top_within"] == r5["upper"]
    assert (customers.loc[customers["r_score"] == 5, "recency"] <= r5["upper"]).all()
    assert (customers.loc[customers["r_score"] < 5, "recency"] > r5["upper"]).all()


def test_cell_response_against_hillstrom(result):
    folder, summary, _ = result
    metrics = summary["metrics"]
    assert metrics["worked_break_even_rate"] == pytest.approx(0.01375)
    assert metrics["worked_index_at_2_5pct"] == 81.82
    h = load_hillstrom()
    mailed = h[h["segment"] != "No E-Mail"]
    profit = 0.3 * mailed.loc[mailed["conversion"] == 1, "spend"].sum() / mailed["conversion"].sum()
    assert metrics["profit_per_response"] == pytest.approx(profit)
    assert metrics["break_even_rate"] == pytest.approx(0.55 / profit)
    cells = pd.read_csv(folder / "cell_response.csv", encoding="utf-8-sig")
    assert cells["contacts"].sum() == 42694 and cells["responses"].sum() == 456
    assert set(cells.loc[cells["roll_out"], "cell"]) == set(metrics["cells_rolled_out"])
    assert (cells.loc[cells["roll_out"], "response_rate"] > metrics["break_even_rate"]).all()
    rollout = pd.read_csv(folder / "rollout.csv", encoding="utf-8-sig")
    no_mail = h[h["segment"] == "No E-Mail"]
    assert rollout.iloc[-1]["contacts"] == metrics["rollout_contacts"] == rollout.iloc[:-1]["contacts"].sum()
    assert rollout.iloc[:-1]["contacts"].sum() <= len(no_mail)


def test_migration_csv(result):
    folder, summary, customers = result
    migration = pd.read_csv(folder / "migration.csv", index_col=0, encoding="utf-8-sig")
    assert migration.to_numpy().sum() == len(customers)  # every customer of the later date, once
    assert "left_file" not in migration.columns  # the history accumulates: nobody leaves
    earlier = migration.drop(index="not_yet_customer").to_numpy().sum()
    assert summary["metrics"]["top_segments_slipped"] > 0 and 0 < earlier < len(customers)


def test_bundled_hillstrom_finding_is_labelled(result):
    from toolkit.report.illustrative import source_label

    _, summary, _ = result
    label = source_label("hillstrom", summary["lang"])
    hillstrom = [f for f in summary["findings"] if label in f]
    assert len(hillstrom) == 1 and "3,417" in hillstrom[0]


def test_report_on_a_users_small_file(tmp_path):
    """Six customers with 5 to 10 orders: a visible small-sample note, nobody New, no Hillstrom in the summary."""
    from toolkit.i18n import t
    from toolkit.report.illustrative import source_label
    from toolkit.report.runner import run_notebook

    lines = ["InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice"]
    last = {
        "A": "2024-01-31",
        "B": "2024-01-20",
        "C": "2024-01-10",
        "D": "2023-12-20",
        "E": "2023-12-01",
        "F": "2023-11-01",
    }
    for orders, (customer, date) in enumerate(last.items(), start=5):
        for k in range(orders):
            lines.append(
                f"{len(lines)},{customer},{pd.Timestamp(date) - pd.Timedelta(weeks=k):%Y-%m-%d},1,10.00"
            )
    data = tmp_path / "small.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_notebook("rfm", data=str(data), lang="zh", out=tmp_path / "out")
    summary = json.loads((run.results_dir / "summary.json").read_text(encoding="utf-8"))
    label = source_label("hillstrom", "zh")
    # the bundled roll-out is shown where it is computed, labelled, and kept out of the executive summary
    assert not any(label in f or "3,417" in f for f in summary["findings"])
    assert (
        len(summary["metrics"]["illustrative_findings"]) == 1
        and label in summary["metrics"]["illustrative_findings"][0]
    )
    page = run.html.read_text(encoding="utf-8")
    start = page.index('<section class="pmkt-exec-summary">')
    summary_html = page[start : page.index("</section>", start)]
    assert "3,417" not in summary_html and label in page
    # six customers for five scores: the note is visible and recorded
    assert summary["metrics"]["small_sample"]["customers"] == 6
    assert (
        t("rfm.text.small_sample", "zh", customers=6, bins=5, per=10, needed=50).split("：")[0].strip("*")
        in page
    )
    # revenue 50..100 (total 450): the top 20% are ceil(1.2) = 2 customers, 100 + 90 -> 190 / 450
    assert summary["metrics"]["top20_revenue_share"] == pytest.approx(190 / 450)
    customers = pd.read_csv(run.results_dir / "customers.csv", encoding="utf-8-sig").set_index("customer_id")
    assert customers.loc["A", "frequency"] == 5 and customers.loc["A", "segment"] == "potential_loyalist"
    assert "new" not in set(customers["segment"])


def test_every_finding_names_its_data(result):
    """The report combines the transactions with the bundled Hillstrom test: each finding says which."""
    from toolkit.i18n import t
    from toolkit.report.illustrative import source_label

    _, summary, _ = result
    lang = summary["lang"]
    ours = t("rfm.finding.on_data", lang, text="", data=t("rfm.data.bundled", lang)).strip()
    hillstrom = source_label("hillstrom", lang)
    assert summary["findings"] and all(f.endswith(ours) or hillstrom in f for f in summary["findings"])
    # money in the Hillstrom finding is in US dollars, with a true minus sign for the low profit bound
    (rollout,) = [f for f in summary["findings"] if hillstrom in f]
    assert "$0.55" in rollout and "\u2212$45" in rollout


def test_report_money_carries_its_currency(result, built_reports):
    folder, summary, _ = result
    lang = summary["lang"]
    page = (built_reports / lang / "rfm.html").read_text(encoding="utf-8")
    gbp, usd = ("英镑", "美元") if lang == "zh" else ("GBP", "USD")
    assert summary["metrics"]["currency"] == "GBP"  # the bundled Online Retail data
    assert f"（{gbp}）" in page if lang == "zh" else f"({gbp})" in page  # segment revenue and mean spend
    assert f"（{usd}）" in page if lang == "zh" else f"({usd})" in page  # the Hillstrom roll-out profit


def test_cut_points_are_written_with_currency_and_one_range_separator():
    from toolkit.rfm import quantile_scores
    from toolkit.rfm.describe import describe_thresholds, format_number

    customers = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(100)],
            "recency": np.arange(1, 101),
            "frequency": np.arange(100) % 7 + 1,
            "monetary": np.linspace(10.5, 2500.0, 100),
        }
    )
    table = describe_thresholds(quantile_scores(customers, warn=False), "zh", currency="GBP")
    recency = table[table["score"] == 4].iloc[0]
    assert recency["range"] == "21–40"  # days 1-100 in fifths, the second most recent fifth
    monetary = table[(table["dimension"] == "消费金额（M）") & (table["score"] == 1)].iloc[0]
    assert monetary["range"] == "≤ £488.28" and monetary["min_value"] == "£10.50"
    top = table[(table["dimension"] == "消费金额（M）") & (table["score"] == 5)].iloc[0]
    assert top["max_value"] == "£2,500.00"  # one number of decimals for every amount
    assert format_number(-1234.5) == "\u22121,234.50" and format_number(float("nan")) == "—"
