"""Profit curve and strategy comparison on a small known ranking."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.campaign.profit import (
    depth_at_threshold,
    optimal_depth,
    profit_curve,
    sample_curve,
    strategy_table,
)
from toolkit.errors import ParameterError


def _curve(**kw):
    # ranked by score: 0.9 (yes), 0.7 (no), 0.5 (yes), 0.3 (no), 0.1 (no)
    return profit_curve([1, 0, 1, 0, 0], [0.9, 0.7, 0.5, 0.3, 0.1], **kw)


def test_profit_curve_one_call_each():
    curve = _curve(cost_per_call=1, profit_per_success=3)
    assert curve["customers"].tolist() == [0, 1, 2, 3, 4, 5]
    assert curve["successes"].tolist() == [0, 1, 1, 2, 2, 2]
    assert curve["cost"].tolist() == [0, 1, 2, 3, 4, 5]
    assert curve["profit"].tolist() == [0, 2, 1, 3, 2, 1]
    best = optimal_depth(curve)
    assert best["customers"] == 3 and best["profit"] == 3 and best["score"] == 0.5


def test_profit_curve_sorts_by_score_and_uses_calls_per_customer():
    # same customers in another order; calls 1, 2, 1, 3, 1 in ranked order
    curve = profit_curve(
        [0, 1, 0, 1, 0],
        [0.3, 0.9, 0.1, 0.5, 0.7],
        cost_per_call=1,
        profit_per_success=3,
        calls=[3, 1, 1, 1, 2],
    )
    assert curve["calls"].tolist() == [0, 1, 3, 4, 7, 8]
    assert curve["profit"].tolist() == [0, 2, 0, 2, -1, -2]
    assert optimal_depth(curve)["customers"] == 1  # ties go to the shallower depth


def test_threshold_and_sampling_keep_the_optimum():
    curve = _curve(cost_per_call=1, profit_per_success=3)
    assert depth_at_threshold(curve, 1 / 3)["customers"] == 3  # scores .9, .7, .5 >= .333
    assert depth_at_threshold(curve, 0.95)["customers"] == 0
    thin = sample_curve(curve, points=2)
    assert thin["customers"].tolist() == [0, 2, 3, 5]  # 0, n/2 rounded, the optimum, n
    assert thin.loc[thin["optimal"], "customers"].tolist() == [3]


def test_strategy_table_scales_held_out_rows_and_prices_the_campaign_as_run():
    curve = _curve(cost_per_call=1, profit_per_success=3)
    table = strategy_table(
        curve, 1, 3, as_run={"customers": 10, "calls": 25, "successes": 4}, threshold=1 / 3, scale=2.0
    ).set_index("strategy")
    assert table.loc["as_run", "profit"] == 4 * 3 - 25 * 1
    assert table.loc["everyone", "customers"] == 10
    assert table.loc["everyone", "profit"] == 2.0
    assert table.loc["optimal", "profit"] == 6.0
    assert table.loc["optimal", "share"] == pytest.approx(0.6)
    assert table.loc["optimal", "success_rate"] == pytest.approx(2 / 3)
    assert table.loc["threshold", "customers"] == 6


def test_bad_economics_are_parameter_errors():
    with pytest.raises(ParameterError, match="'profit_per_success'"):
        _curve(cost_per_call=1, profit_per_success=0)
    with pytest.raises(ParameterError, match="'cost_per_call'"):
        _curve(cost_per_call=-1, profit_per_success=3)
    with pytest.raises(ParameterError, match="same length"):
        profit_curve([1, 0], [0.5], 1, 3)
    with pytest.raises(ParameterError, match="`calls`"):
        profit_curve([1, 0], [0.5, 0.4], 1, 3, calls=pd.Series([1, None]))


def test_calls_from_column_checks_values():
    from toolkit.campaign.profit import calls_from_column
    from toolkit.errors import DataError

    frame = pd.DataFrame({"campaign": [1, 3, 2]})
    assert calls_from_column(frame, "campaign").tolist() == [1, 3, 2]
    assert calls_from_column(frame, "").tolist() == [1, 1, 1]
    with pytest.raises(DataError, match="calls column 'calls' not found"):
        calls_from_column(frame, "calls")
    with pytest.raises(DataError, match=r"rows 3 with 'x'") as info:
        calls_from_column(pd.DataFrame({"c": ["1", "2", "x"]}), "c", row_offset=1)
    assert info.value.rows == [3]
