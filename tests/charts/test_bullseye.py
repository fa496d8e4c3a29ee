"""Bullseye charts: the right geometry and labels in both languages."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from toolkit import bullseye as bx  # noqa: E402
from toolkit.charts import bullseye as charts  # noqa: E402
from toolkit.charts.style import apply_style  # noqa: E402
from toolkit.errors import ParameterError  # noqa: E402

apply_style()

CRITERIA = bx.load_criteria()


@pytest.fixture(scope="module")
def textbook():
    card = bx.read_scorecard(bx.textbook_scorecard_path())
    return bx.group_scores(bx.score_criteria(card.scores, CRITERIA), CRITERIA)


@pytest.fixture(scope="module")
def example():
    card = bx.read_scorecard()
    per = bx.score_criteria(card.scores, CRITERIA)
    groups = bx.group_scores(per, CRITERIA)
    return card, per, groups, bx.product_totals(groups)


def _texts(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_bullseye_hits_sit_closer_to_the_centre_the_higher_the_rate(textbook):
    fig = charts.bullseye_chart(textbook, lang="en")
    ax = fig.axes[0]
    hits = [c.get_offsets()[0] for c in ax.collections if len(c.get_offsets()) == 1]
    assert len(hits) == 6
    distances = [math.hypot(x, y) for x, y in hits]
    # Sectors go clockwise from the top in the published group order.
    assert distances == pytest.approx([1 - r for r in textbook["rate"]], abs=1e-9)
    text = _texts(fig)
    assert "46/70 · 66%" in text and "8/20 · 40%" in text
    assert "Total 189 / 300 = 63%" in text


def test_bullseye_in_chinese(textbook):
    text = _texts(charts.bullseye_chart(textbook, lang="zh"))
    for label in (
        "目标市场",
        "产品与品牌",
        "分销",
        "价格",
        "促销",
        "市场环境",
        "高度符合（8–10）",
        "越靠近靶心越适合",
    ):
        assert label in text


def test_product_must_be_named_when_there_are_several(example):
    _, _, groups, _ = example
    with pytest.raises(ParameterError, match="'product' parameter is needed"):
        charts.bullseye_chart(groups, lang="en")
    with pytest.raises(ParameterError, match="must be one of"):
        charts.group_rates_chart(groups, "Nope", lang="en")


def test_group_rates_chart_shows_score_and_maximum(textbook):
    fig = charts.group_rates_chart(textbook, lang="en")
    text = _texts(fig)
    assert "71 / 100  (71%)" in text and "5 / 10  (50%)" in text
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    assert widths[-1] == 100


def test_comparison_and_grid_rank_products(example):
    _, _, groups, totals = example
    best = totals.sort_values("rank")["product"].iloc[0]
    fig = charts.comparison_chart(groups, totals, lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("1. ") and best.split()[0] in labels[0]
    assert len(labels) == len(totals)
    grid = charts.bullseye_grid(groups, totals, lang="zh")
    assert sum(1 for ax in grid.axes if ax.get_title()) == len(totals)
    assert "高度符合（8–10）" in _texts(grid)


def test_textbook_chart_marks_the_four_wrong_rates():
    check = bx.textbook_check(bx.load_textbook_reference())
    text = _texts(charts.textbook_chart(check, lang="zh"))
    assert text.count("≠") == 4
    assert "教材印刷的得分率" in text


def test_what_if_and_rater_charts(example):
    card, per, _, totals = example
    product = totals["product"].iloc[1]
    table = bx.what_if(per)
    fig = charts.what_if_chart(table, totals, product, lang="en", steps=3)
    bars = [p.get_width() for p in fig.axes[0].patches]
    expected = [totals.set_index("product").loc[product, "total"]] + list(
        table[table["product"] == product]["cumulative_total"].head(3)
    )
    assert bars == pytest.approx(expected)
    fig = charts.rater_chart(card.scores, per, product, lang="zh")
    assert "评分分歧" in _texts(fig)
