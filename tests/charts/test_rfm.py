"""RFM charts: each returns a Figure labelled in the report language."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from toolkit.charts import rfm as charts  # noqa: E402
from toolkit.i18n import t  # noqa: E402
from toolkit.rfm import (  # noqa: E402
    assign_segments,
    cell_response,
    load_segment_table,
    quantile_scores,
    segment_summary,
    transition_matrix,
    weighted_scores,
)


def _texts(fig) -> str:
    parts = []
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [tick.get_text() for tick in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend:
            parts += [x.get_text() for x in legend.get_texts()]
        parts += [x.get_text() for x in ax.texts]
    return " | ".join(parts)


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 400
    customers = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "recency": rng.integers(1, 365, n),
            "recency_months": rng.integers(1, 12, n),
            "frequency": rng.geometric(0.35, n),
            "monetary": rng.lognormal(6, 1, n),
        }
    )
    s = quantile_scores(customers, warn=False).scores
    out = customers.join(s.drop(columns="customer_id"))
    out["segment"] = assign_segments(out, load_segment_table())
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_are_translated(scored, lang):
    table = load_segment_table()
    figs = {
        "rfm.chart.recency": charts.distributions_chart(scored, lang),
        "rfm.chart.heatmap_customers": charts.rf_heatmap(scored, lang),
        "rfm.chart.heatmap_monetary": charts.rf_heatmap(scored, lang, value="monetary"),
        "rfm.chart.segments": charts.segment_chart(segment_summary(scored, table, lang), lang),
        "rfm.chart.points_total": charts.weighted_chart(weighted_scores(scored).points, lang, top=10),
    }
    tests = scored.assign(contacted=1, responded=(scored["r_score"] >= 4).astype(int))
    result = cell_response(tests, cost_per_contact=0.5, profit_per_response=40)
    figs["rfm.chart.cell_response"] = charts.cell_response_chart(result.cells, result.break_even_rate, lang)
    counts = transition_matrix(
        scored.set_index("customer_id")["segment"].head(300), scored.set_index("customer_id")["segment"]
    )
    shares = counts.div(counts.sum(axis=1), axis=0)
    names = dict(zip(table["segment"], table[f"name_{lang}"]))
    figs["rfm.chart.migration"] = charts.migration_chart(shares, names, ("2011-06-10", "2011-12-10"), lang)
    for key, fig in figs.items():
        text = _texts(fig)
        assert t(key, lang) in text, key
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
        plt.close(fig)


def test_heatmap_counts_match_the_data(scored):
    fig = charts.rf_heatmap(scored, "en")
    cells = [x.get_text() for x in fig.axes[0].texts]
    assert sum(int(c.replace(",", "")) for c in cells if c != "–") == len(scored)
    plt.close(fig)


def test_money_axes_and_dates_follow_the_report(scored):
    """The mean-spend colour bar names the report's currency; migration axes use the report's date style."""
    from toolkit.charts.style import use_currency

    with use_currency("GBP"):
        fig = charts.rf_heatmap(scored, "zh", value="monetary")
    bar = fig.axes[-1]
    assert bar.get_ylabel() == "平均消费金额（英镑）"
    plt.close(fig)
    table = load_segment_table()
    counts = transition_matrix(
        scored.set_index("customer_id")["segment"].head(300), scored.set_index("customer_id")["segment"]
    )
    names = dict(zip(table["segment"], table["name_zh"]))
    fig = charts.migration_chart(
        counts.div(counts.sum(axis=1), axis=0), names, ("2011-06-10", "2011-12-10"), "zh"
    )
    assert fig.axes[0].get_xlabel() == "2011年12月10日的细分"
    assert fig.axes[0].get_ylabel() == "2011年6月10日的细分"
    plt.close(fig)


def test_cell_response_labels_read_without_rotation(scored):
    tests = scored.assign(contacted=1, responded=(scored["r_score"] >= 4).astype(int))
    result = cell_response(tests, cost_per_contact=0.5, profit_per_response=40)
    fig = charts.cell_response_chart(result.cells, result.break_even_rate, "en")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert all(label.get_rotation() == 0 for label in ax.get_yticklabels() + ax.get_xticklabels())
    assert [label.get_text() for label in ax.get_yticklabels()][-1] == result.cells.sort_values(
        "response_rate"
    )["cell"].iloc[-1]  # the best cell on top
    assert all(label.get_text().endswith("%") for label in ax.get_xticklabels() if label.get_text())
    plt.close(fig)


def test_distributions_title_states_the_finding(scored):
    fig = charts.distributions_chart(scored, "en", title="35% of customers have one order")
    assert fig._suptitle.get_text() == "35% of customers have one order"
    monetary = fig.axes[2]
    assert monetary.get_xlabel() == t("rfm.chart.spend", "en")  # no currency outside a report
    plt.close(fig)
