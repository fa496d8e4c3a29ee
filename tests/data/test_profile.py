"""The data-overview report: its figures on the bundled data, and a run on a
user's GBK CSV with Chinese headers and no product or region column."""

import json

import pandas as pd
import pytest

from toolkit.data.profile import customer_counts, monthly_revenue, overview_figures, top_items
from toolkit.data.transactions import load_transactions, read_canonical
from toolkit.report.runner import run_notebook


def test_profile_functions_on_a_hand_made_table():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "order_date": pd.to_datetime(["2024-01-15", "2024-02-01", "2024-02-10", "2024-03-05"]),
            "amount": [10.0, 30.0, 60.0, 100.0],
            "order_id": ["1", "2", "3", "4"],
            "region": ["x", "x", "y", "x"],
        }
    )
    figures = overview_figures(tx)
    assert (figures["customers"], figures["orders"], figures["revenue"], figures["days"]) == (3, 4, 200.0, 51)
    monthly = monthly_revenue(tx)
    assert monthly["revenue"].tolist() == [10.0, 90.0, 100.0]
    assert monthly["partial"].tolist() == [True, False, True]
    regions = top_items(tx, "region")
    assert regions["region"].tolist() == ["x", "y"]
    assert regions["share_of_revenue"].tolist() == [0.7, 0.3]
    assert regions["customers"].tolist() == [2, 1]


def test_customer_counts_on_a_hand_made_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Customer,Date,Qty,Price\n"
        "a,2024-01-05,2,3.5\n"
        "a,2024-01-09,1,3.5\n"
        "b,2024-01-06,-1,3.5\n"  # b only returned something: in the file, not analysed
        "c,2024-01-07,1,0\n"  # c only got a free sample: in the file, not analysed
        ",2024-01-08,4,2.0\n"  # no customer id: not a customer
        "d,2024-01-08,1,9.0\n",
        encoding="utf-8",
    )
    mapping = {"customer_id": "Customer", "order_date": "Date", "quantity": "Qty", "unit_price": "Price"}
    counts = customer_counts(
        read_canonical(str(path), mapping).canonical, load_transactions(str(path), mapping).transactions
    )
    assert counts == {"customers_in_file": 4, "customers_analysed": 2, "customers_left_out": 2}


def test_online_retail_holds_the_published_4372_customers():
    # the published figure counts every customer id in the file, before any cleaning
    data = load_transactions()
    counts = customer_counts(read_canonical().canonical, data.transactions)
    assert counts["customers_in_file"] == 4_372
    assert counts["customers_analysed"] == data.transactions["customer_id"].nunique()
    assert counts["customers_in_file"] - counts["customers_left_out"] == counts["customers_analysed"]


def test_bundled_report_figures(built_reports, online_retail_raw):
    summary = json.loads(
        (built_reports / "en" / "data_overview" / "summary.json").read_text(encoding="utf-8")
    )
    m = summary["metrics"]
    # the report's figures are those of the cleaned data, computed here without the notebook
    data = load_transactions()
    clean = data.transactions
    assert (m["rows_read"], m["rows_analysed"]) == (541_909, data.quality.clean_rows)
    assert (m["customers"], m["orders"]) == (clean["customer_id"].nunique(), clean["order_id"].nunique())
    # the published count of customer ids is of the whole file
    assert (m["customers_in_file"], m["customers_analysed"]) == (4_372, m["customers"])
    assert m["peak_month"] == "2011-11"
    assert m["top_region"] == "United Kingdom"
    assert (
        summary["provenance"]["sha256"] == "fef164664c2eac99c0917000100db9a19e4c01d14012ee9f06b34b810bd3fa3e"
    )
    zh = json.loads((built_reports / "zh" / "data_overview" / "summary.json").read_text(encoding="utf-8"))
    assert zh["metrics"] == m


def test_run_on_a_users_gbk_csv(online_retail_raw, tmp_path):
    sample = online_retail_raw.dropna(subset=["CustomerID"]).query("Quantity > 0 and UnitPrice > 0").head(400)
    users = pd.DataFrame(
        {
            "会员编号": sample["CustomerID"].astype(int).astype(str),
            "下单时间": sample["InvoiceDate"].dt.strftime("%Y/%m/%d %H:%M"),
            "件数": sample["Quantity"],
            "单价(元)": sample["UnitPrice"],
        }
    )
    path = tmp_path / "会员订单.csv"
    users.to_csv(path, index=False, encoding="gbk")
    result = run_notebook(
        "data_overview",
        data=str(path),
        lang="zh",
        out=tmp_path / "out",
        columns={
            "customer_id": "会员编号",
            "order_date": "下单时间",
            "quantity": "件数",
            "unit_price": "单价(元)",
        },
    )
    metrics = result.summary["metrics"]
    # lines identical in all four columns of this file count as exact duplicates
    kept = users[~users.duplicated()]
    assert metrics["rows_read"] == 400
    assert metrics["rows_analysed"] == len(kept) < 400
    assert metrics["data_quality"]["duplicates"]["removed"] == 400 - len(kept)
    assert metrics["customers"] == users["会员编号"].nunique()
    # every customer of this file keeps a row, so the file and the analysis count the same customers
    assert metrics["customers_in_file"] == metrics["customers_analysed"] == users["会员编号"].nunique()
    assert metrics["revenue"] == pytest.approx((kept["件数"] * kept["单价(元)"]).sum())
    assert result.summary["provenance"]["encoding"] == "gb18030"
    page = result.html.read_text(encoding="utf-8")
    assert "数据中没有商品列" in page and "会员订单.csv" in page
    assert f"文件中共有 <strong>{users['会员编号'].nunique():,}</strong> 个不同的客户编号" in page
