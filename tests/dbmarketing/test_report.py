"""The database_workflow report's result files, checked against independent
computations (the notebook is built once per session by ``built_reports``)."""

from __future__ import annotations

import json
import re
from html import unescape

import duckdb
import pandas as pd
import pytest

from toolkit.dbmarketing.labels import database_place, region_label, region_labels
from toolkit.i18n import numbers

NAME = "database_workflow"
#: the marketing database's tables, which a client never reads in the report's prose
SQL_TABLES = (
    "raw_lines",
    "line_status",
    "cancellation_matches",
    "cleaning_log",
    "order_lines",
    "customer_scores",
    "campaign_contacts",
    "campaign_outcomes",
    "suppressions",
)


@pytest.fixture(scope="module")
def results(built_reports):
    folder = built_reports / "en" / NAME
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return folder, summary


def test_cleaning_and_table_counts_are_the_published_figures(results):
    _, summary = results
    m = summary["metrics"]
    assert m["rows_read"] == 541_909
    quality = m["data_quality"]
    assert quality["duplicates"] == {"matching": 5_268, "removed": 5_268, "action": "drop"}
    assert quality["missing_customer"]["matching"] == 135_080
    # the file's 10,624 lines that take something back: paired with their sale, or returns
    assert m["cancelled_pairs"] + quality["returns"]["matching"] == 10_624
    assert quality["cancelled_orders"]["matching"] == 2 * m["cancelled_pairs"]
    # the same lines as the pandas core keeps (tests/dbmarketing/test_etl_rules.py compares them line by line)
    assert (m["customers"], m["orders"], m["order_lines"]) == (4_324, 18_276, 388_332)
    assert summary["provenance"]["rows_analysed"] == 388_332
    assert summary["provenance"]["database"] == "DuckDB file marketing_database.duckdb"


def test_database_file_in_the_output_folder_holds_what_the_report_says(results):
    folder, summary = results
    m = summary["metrics"]
    path = folder / "marketing_database.duckdb"
    assert path.exists()
    with duckdb.connect(str(path), read_only=True) as con:
        count = lambda table: con.execute(f"SELECT COUNT(*) FROM marketing.{table}").fetchone()[0]  # noqa: E731
        assert count("raw_lines") == m["rows_read"]
        assert count("order_lines") == m["order_lines"] and count("customers") == m["customers"]
        assert count("campaign_contacts") == m["target_selected"]
        log = con.execute("SELECT rule, rows_matching, rows_removed FROM marketing.cleaning_log").fetchall()
        assert {r: (a, b) for r, a, b in log} == {
            r: (v["matching"], v["removed"]) for r, v in m["data_quality"].items()
        }
        simulated = con.execute(
            "SELECT SUM(CASE WHEN simulated_response THEN 1 ELSE 0 END), SUM(simulated_revenue) "
            "FROM marketing.campaign_outcomes"
        ).fetchone()
        assert simulated[0] == m["simulated_responses"]
        assert simulated[1] == pytest.approx(m["simulated_revenue"])
        note = con.execute("SELECT note FROM marketing.campaigns").fetchone()[0]
        assert "SIMULATED" in note and "seed 2011" in note
    assert m["database_tables"]["campaign_outcomes"] == m["target_selected"]


def test_the_cancelled_80995_unit_order_is_in_no_result_table(results):
    folder, _ = results
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        for value in ("80995", "581483", "C581484", "74215", "541431"):
            assert value not in text, (path.name, value)


def test_target_list_csv_is_the_selection(results):
    folder, summary = results
    m = summary["metrics"]
    listed = pd.read_csv(folder / "target_list.csv", dtype={"customer_id": str}, encoding="utf-8-sig")
    assert len(listed) == m["target_selected"] == m["contacted"] + m["held_out"]
    assert listed["customer_id"].is_unique
    assert (listed["score"] >= 9).all()
    assert (listed["score"] == listed[["r_score", "f_score", "m_score"]].sum(axis=1)).all()
    groups = listed["campaign_group"].value_counts().to_dict()
    assert groups == {"mail": m["contacted"], "holdout": m["held_out"]}
    # stratified: within every score, a quarter (rounded) is held out
    for _, part in listed.groupby("score"):
        assert (part["campaign_group"] == "holdout").sum() == round(len(part) * 0.25)
    assert set(listed.columns) == {
        "customer_id",
        "campaign_group",
        "region",
        "score",
        "r_score",
        "f_score",
        "m_score",
        "recency_days",
        "frequency",
        "monetary",
    }


def test_campaign_measurement_recomputed_from_the_outcome_file(results):
    folder, summary = results
    m = summary["metrics"]
    out = pd.read_csv(folder / "campaign_outcomes.csv", dtype={"customer_id": str}, encoding="utf-8-sig")
    rates = out.groupby("campaign_group")["responded"].mean()
    assert rates["mail"] == pytest.approx(m["campaign_mail_rate"])
    assert rates["holdout"] == pytest.approx(m["campaign_holdout_rate"])
    assert m["campaign_lift"] == pytest.approx(rates["mail"] - rates["holdout"])
    # the simulated effect only ever touches contacted customers who did not buy anyway
    touched = out[out["simulated_response"]]
    assert (touched["campaign_group"] == "mail").all() and (touched["observed_orders"] == 0).all()
    per_contact = out.groupby("campaign_group")["revenue"].mean()
    n_mail = (out["campaign_group"] == "mail").sum()
    assert m["campaign_incremental_revenue"] == pytest.approx(
        (per_contact["mail"] - per_contact["holdout"]) * n_mail
    )
    assert m["campaign_cost"] == pytest.approx(n_mail * 1.5)


def test_dormant_and_retention_figures(results):
    folder, summary = results
    m = summary["metrics"]
    assert m["dormant_customers"] == 591  # as computed from the core's clean lines in test_dbmarketing_etl
    dormant = pd.read_csv(folder / "dormant_customers.csv", dtype={"customer_id": str}, encoding="utf-8-sig")
    assert len(dormant) == 591 and dormant["revenue"].sum() == pytest.approx(m["dormant_revenue"])
    assert m["active_customers"] + m["dormant_customers"] + m["lapsed_single_customers"] == m["customers"]
    assert m["retention_customers_lost"] == 3_200
    assert m["retention_revenue_lost"] == 128_000_000
    assert m["retention_profit_lost"] == 12_800_000
    # the example company is shown, labelled, but never leads the executive summary
    assert not any("12,800,000" in f for f in summary["findings"])
    page = (folder.parent / f"{NAME}.html").read_text(encoding="utf-8")
    assert "£12,800,000" in page and "Example figures, not your data" in page


def test_both_languages_give_the_same_numbers(built_reports):
    en = json.loads((built_reports / "en" / NAME / "summary.json").read_text(encoding="utf-8"))
    zh = json.loads((built_reports / "zh" / NAME / "summary.json").read_text(encoding="utf-8"))
    assert en["metrics"].keys() == zh["metrics"].keys()
    for key, value in en["metrics"].items():
        # sums may differ in the last bits: DuckDB adds in parallel, in no fixed order
        expected = pytest.approx(value, rel=1e-9) if isinstance(value, float) else value
        assert zh["metrics"][key] == expected, key
    assert len(en["findings"]) == len(zh["findings"]) == 4


def _plain(markup: str) -> str:
    markup = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", markup, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _body(page: str) -> tuple[str, str]:
    """The executive summary, and the report before its appendix, as plain text."""
    start = page.index('class="pmkt-exec-summary"')
    summary = page[start : page.index("</section>", start)]
    body = page[: page.index('id="appendix"')] if 'id="appendix"' in page else page
    return _plain(summary), _plain(body)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_measured_loss_comes_first_and_the_simulation_stays_out_of_the_summary(built_reports, lang):
    page = (built_reports / lang / f"{NAME}.html").read_text(encoding="utf-8")
    m = json.loads((built_reports / lang / NAME / "summary.json").read_text(encoding="utf-8"))["metrics"]
    summary, body = _body(page)
    revenue = numbers.money(m["campaign_incremental_revenue"], "GBP", lang)
    profit = numbers.money(m["campaign_incremental_profit"], "GBP", lang)
    simulated = numbers.money(m["simulated_revenue"], "GBP", lang)
    # the bundled data's measured effect is a loss, printed with a true minus and the currency
    assert m["campaign_incremental_revenue"] < 0 and m["campaign_incremental_profit"] < 0
    assert revenue.startswith("−£") and profit.startswith("−£")
    assert revenue in summary and profit in summary
    assert simulated not in summary
    label = "Simulation, not a measurement" if lang == "en" else "以下为模拟，而非实测"
    assert body.index(revenue) < body.index(profit) < body.index(label) < body.index(simulated)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_sql_table_name_in_the_prose(built_reports, lang):
    page = (built_reports / lang / f"{NAME}.html").read_text(encoding="utf-8")
    summary, body = _body(page)
    for table in SQL_TABLES:
        assert table not in summary and table not in body, table


def test_region_labels():
    assert region_label("EIRE", "en") == "Ireland" and region_label("EIRE", "zh") == "爱尔兰"
    assert region_label("United Kingdom", "zh") == "英国"
    assert (
        region_label("(other)", "en") == "Other regions" and region_label("(unknown)", "zh") == "未注明地区"
    )
    assert region_label("Atlantis", "zh") == "Atlantis"  # not in the catalogue: the data value as it stands
    shown = region_labels(pd.Series(["RSA", None], index=[3, 7]), "zh")
    assert shown.to_dict() == {3: "南非", 7: ""}


def test_database_place_names_no_path(tmp_path):
    class Db:
        def __init__(self, backend, path):
            self.backend, self.path = backend, path

    inside = Db("duckdb", str(tmp_path.resolve() / "marketing_database.duckdb"))
    assert database_place(inside, str(tmp_path), "en") == "a DuckDB file beside the result files"
    assert (
        database_place(Db("duckdb", "/elsewhere/x.duckdb"), str(tmp_path), "zh") == "一个 DuckDB 数据库文件"
    )
    assert "内存" in database_place(Db("duckdb", None), "", "zh")
    assert database_place(Db("postgresql", None), "", "en") == "a PostgreSQL database server"
