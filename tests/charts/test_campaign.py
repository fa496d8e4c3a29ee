"""Campaign charts and display tables: labels come from the catalogue, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from toolkit.campaign.ab_test import arm_results, compare_arms  # noqa: E402
from toolkit.campaign.profit import profit_curve  # noqa: E402
from toolkit.campaign.response_model import calibration_table, gains_table  # noqa: E402
from toolkit.campaign.uplift import qini_curve, uplift_by_group  # noqa: E402
from toolkit.charts import campaign as charts  # noqa: E402


@pytest.fixture(scope="module")
def mail_test() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 600
    arm = rng.choice(["Mens E-Mail", "No E-Mail"], n)
    visit = (rng.random(n) < np.where(arm == "No E-Mail", 0.1, 0.2)).astype(int)
    return pd.DataFrame(
        {
            "segment": arm,
            "visit": visit,
            "spend": visit * rng.gamma(2, 30, n),
            "history_segment": rng.choice(["1) $0 - $100", "2) $100 - $200"], n),
        }
    )


def _texts(fig) -> list[str]:
    texts = [
        t.get_text() for ax in fig.axes for t in [ax.title, *ax.get_yticklabels(), *ax.get_xticklabels()]
    ]
    return texts + [fig._suptitle.get_text()] if fig._suptitle else texts


def test_value_labels_translate_known_values_and_keep_others():
    assert charts.value_label("Mens E-Mail", "campaign.arm", "zh") == "男装邮件"
    assert charts.value_label("Offer A", "campaign.arm", "zh") == "Offer A"
    assert charts.value_label(1, "campaign.level.newbie", "en") == "New this year"


def test_charts_in_chinese(mail_test):
    arms = arm_results(mail_test, outcomes=["visit", "spend"])
    fig = charts.arm_results_chart(arms, "zh", control="No E-Mail")
    assert "男装邮件" in _texts(fig) and "访问率" in _texts(fig)
    plt.close(fig)
    upl = uplift_by_group(mail_test, "segment", "No E-Mail", "visit", ["history_segment"])
    fig = charts.uplift_group_chart(upl, "zh", kind="rate")
    ticks = _texts(fig)
    assert "0–100 美元" in ticks and "过去一年消费档" in ticks
    assert fig.axes[0].get_xlabel() == "增益（百分点）"
    plt.close(fig)
    fig = charts.uplift_group_chart(upl, "en")
    assert r"\$0–\$100" in _texts(fig)  # protected from matplotlib's mathtext
    plt.close(fig)
    treated = mail_test["segment"] != "No E-Mail"
    fig = charts.qini_chart(
        {"Mens E-Mail": qini_curve(mail_test["visit"], treated, np.arange(len(mail_test)))}, "zh", "visit"
    )
    assert fig.axes[0].get_ylabel() == "新增访问（人数）"
    plt.close(fig)
    y = mail_test["visit"].to_numpy()
    score = y * 0.5 + np.linspace(0, 0.4, len(y))
    for fig in (
        charts.gains_chart(gains_table(y, score), "zh"),
        charts.calibration_chart(calibration_table(y, score), "zh"),
        charts.profit_chart(profit_curve(y, score, 1, 5), "zh", threshold_share=0.3, currency="EUR"),
    ):
        assert any("\u4e00" <= ch <= "\u9fff" for text in _texts(fig) for ch in text)
        plt.close(fig)


def test_display_tables_format_rates_as_points_and_money_with_currency(mail_test):
    comp = compare_arms(mail_test, outcomes=["visit", "spend"], n_boot=200)
    kinds = charts.outcome_kinds(mail_test, ["visit", "spend"], money=["spend"])
    assert kinds == {"visit": "rate", "spend": "money"}
    table = charts.comparison_display_table(comp, "en", kinds=kinds, currency="USD")
    visit = table[table["Outcome"] == "Visit rate"].iloc[0]
    assert visit["Absolute lift"].endswith(" pp") and visit["Absolute lift"].startswith("+")
    assert visit["Bootstrap 95% interval"] == "—"
    spend = table[table["Outcome"] == "Spend per customer"].iloc[0]
    assert spend["Mailed"].startswith("$") and "–" in spend["Bootstrap 95% interval"]
    zh = charts.comparison_display_table(comp, "zh", kinds=kinds, currency="USD")
    assert zh["绝对提升"].iloc[0].endswith(" 个百分点")
    assert charts.format_p(0.0004) == "< 0.001" and charts.format_p(0.0312) == "0.031"
    assert charts.p_text(0.0004) == "p < 0.001" and charts.p_text(0.0312) == "p = 0.031"


def test_money_headers_name_the_currency(mail_test):
    from toolkit.campaign.ab_test import campaign_economics

    economics = campaign_economics(mail_test, "segment", "No E-Mail", "spend", 0.1, 0.3)
    en = charts.economics_display_table(economics, "en", currency="USD")
    assert "Net profit (USD)" in en.columns and "Mailing cost (USD)" in en.columns
    zh = charts.economics_display_table(economics, "zh", currency="USD")
    assert "净利润（美元）" in zh.columns


def test_signed_and_lift_texts_use_a_true_minus():
    assert charts.lift_text(-0.0123, "rate", "en") == "\u22121.23 pp"
    assert charts.lift_text(0.5, "money", "en", "EUR") == "+€0.50"
    assert charts.lift_span(-0.1, 0.25, "money", "en", "USD") == "\u2212$0.10–$0.25"
    assert charts.signed("0.00", 0.0001) == "0.00"
