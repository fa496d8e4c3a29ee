"""Charts of the database-marketing report: translated labels, and bars that
show the numbers they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from toolkit.charts import dbmarketing as charts  # noqa: E402
from toolkit.dbmarketing import reactivation, retention  # noqa: E402
from toolkit.i18n import t  # noqa: E402

LOG = pd.DataFrame(
    {
        "rule": [
            "duplicates",
            "missing_customer",
            "missing_date",
            "returns",
            "non_positive_price",
            "future_dates",
        ],
        "rows_removed": [10, 200, 0, 30, 5, 0],
    }
)
GROUPS = pd.DataFrame(
    {
        "campaign_group": ["mail", "holdout"],
        "response_rate": [0.3, 0.2],
        "ci_low": [0.25, 0.12],
        "ci_high": [0.35, 0.3],
    }
)
BY_SCORE = pd.DataFrame(
    {
        "score": [11, 10, 9],
        "observed_rate": [0.8, 0.6, 0.5],
        "mail_rate": [0.85, 0.66, 0.55],
        "holdout_rate": [0.8, 0.6, 0.5],
    }
)
SUMMARY = pd.DataFrame(
    {"score": [5, 4, 3], "share_of_customers": [0.2, 0.3, 0.5], "share_of_revenue": [0.6, 0.3, 0.1]}
)
DORMANT = pd.DataFrame({"customer_id": ["a", "b", "c"], "average_order_value": [500.0, 100.0, 10.0]})


def _figures(lang):
    return {
        "funnel": (charts.cleaning_funnel_chart(LOG, 1_000, lang), "dbm.chart.funnel_title"),
        "score": (charts.score_profile_chart(SUMMARY, lang), "dbm.chart.score_profile_title"),
        "groups": (charts.campaign_groups_chart(GROUPS, lang), "dbm.chart.groups_title"),
        "by_score": (charts.buy_rate_by_score_chart(BY_SCORE, lang), "dbm.chart.by_score_title"),
        "depth": (
            charts.reactivation_depth_chart(reactivation.reactivation_depth(DORMANT, 0.1, 1.0, 0.5), lang),
            "dbm.chart.depth_title",
        ),
        "retention": (
            charts.retention_projection_chart(retention.retention_projection(years=3), lang),
            "dbm.chart.retention_title",
        ),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_titled_in_the_report_language(lang):
    for name, (fig, key) in _figures(lang).items():
        assert isinstance(fig, Figure), name
        assert fig.axes[0].get_title() == t(key, lang), name
        plt.close(fig)


def test_funnel_bars_show_the_lines_left_after_each_rule():
    fig = charts.cleaning_funnel_chart(LOG, 1_000, "en")
    bars = fig.axes[0].containers[0]
    assert [round(b.get_width()) for b in bars] == [1000, 990, 790, 790, 760, 755, 755]
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert labels[1] == t("quality.rule.duplicates", "en")
    plt.close(fig)


def test_group_bars_and_intervals_match_the_rates():
    fig = charts.campaign_groups_chart(GROUPS, "zh")
    ax = fig.axes[0]
    assert [round(b.get_height(), 6) for b in ax.containers[0]] == [0.3, 0.2]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        t("dbm.group.mail", "zh"),
        t("dbm.group.holdout", "zh"),
    ]
    plt.close(fig)


def test_depth_chart_marks_the_best_depth():
    fig = charts.reactivation_depth_chart(reactivation.reactivation_depth(DORMANT, 0.1, 1.0, 0.5), "en")
    # a: 0.1*500*0.5-1 = 24, b: 4, c: -0.5 -> best after two customers, 28
    texts = [child.get_text() for child in fig.axes[0].texts]
    assert any("first 2 customers, 28" in text for text in texts)
    plt.close(fig)
