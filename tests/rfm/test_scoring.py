"""Scores: the textbook table, quantile cut points and ties, thresholds, nested sort."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.rfm import (
    TiedBinsWarning,
    apply_thresholds,
    customers_from_table,
    nested_scores,
    quantile_scores,
    score_values,
    weighted_scores,
)

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "rfm_textbook_example.csv"


def _round_half_up(x: float, places: int = 1) -> float:
    """Round as the printed textbook does (2.25 -> 2.3), avoiding float surprises."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(x)).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP))


def test_textbook_weighted_points_reproduce_the_printed_table():
    ref = pd.read_csv(REFERENCE, dtype={"customer_id": str})
    table = customers_from_table(ref, recency_unit="months").customers
    result = weighted_scores(table, (10, 2, 0.02))
    points = result.points.set_index("customer_id")
    ref = ref.set_index("customer_id")
    for column, printed in (
        ("weighted_r", "printed_r_score"),
        ("weighted_f", "printed_f_score"),
        ("weighted_m", "printed_m_score"),
        ("weighted_total", "printed_total"),
    ):
        shown = points[column].map(_round_half_up)
        assert shown.tolist() == ref[printed].tolist(), column
    assert points["weighted_rank"].tolist() == ref["printed_rank"].tolist()
    # the spec's note: totals are sums of unrounded scores (0001: 2.5 + 6 + 11.32 = 19.82)
    assert points.loc["0001", "weighted_total"] == pytest.approx(19.82)
    assert result.months_raised == 0


def test_zero_month_rule():
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "recency_months": [0, 0.5, 2],
            "frequency": [1, 1, 1],
            "monetary": [0, 0, 0],
        }
    )
    result = weighted_scores(customers)
    assert result.months_raised == 2
    assert result.points["weighted_r"].tolist() == [10.0, 10.0, 5.0]
    assert weighted_scores(customers, min_months=0.5).points["weighted_r"].tolist() == [20.0, 20.0, 5.0]
    with pytest.raises(DataError, match="negative"):
        weighted_scores(customers.assign(recency_months=[-1, 1, 1]))
    with pytest.raises(ParameterError, match="weights"):
        weighted_scores(customers, (10, 2))
    with pytest.raises(ParameterError, match="min_months"):
        weighted_scores(customers, min_months=0)


def test_weighted_ties_share_the_best_rank():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "recency_months": [1, 1, 2, 1],
            "frequency": [1, 1, 1, 2],
            "monetary": [0, 0, 0, 0],
        }
    )
    assert weighted_scores(customers).points["weighted_rank"].tolist() == [2, 2, 4, 1]


def _ten() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)],
            "recency": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "frequency": [1, 1, 1, 1, 1, 1, 2, 2, 3, 5],
            "monetary": [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
        }
    )


def test_quantile_scores_hand_computed_with_ties():
    with pytest.warns(TiedBinsWarning, match="frequency: no customer has score 2, 3; 60%"):
        result = quantile_scores(_ten(), 5)
    s = result.scores
    assert s["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    # cut points 1, 1, 1, 2: the six customers with one order share score 1
    assert s["f_score"].tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert s["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s["rfm_cell"].tolist()[0] == "511" and s["rfm_cell"].tolist()[-1] == "155"
    assert result.cuts == {"recency": [2, 4, 6, 8], "frequency": [1, 1, 1, 2], "monetary": [10, 30, 50, 70]}
    assert result.notes[0]["dimension"] == "frequency" and result.notes[0]["empty_scores"] == [2, 3]
    assert result.notes[0]["top_share"] == pytest.approx(0.6)
    r5 = result.thresholds.query("dimension == 'recency' and score == 5").iloc[0]
    assert (r5["lower"], r5["upper"], r5["min_value"], r5["max_value"], r5["customers"]) == (
        -np.inf,
        2,
        1,
        2,
        2,
    )
    f3 = result.thresholds.query("dimension == 'frequency' and score == 3").iloc[0]
    assert f3["customers"] == 0 and np.isnan(f3["min_value"])


def test_equal_values_always_share_a_score():
    rng = np.random.default_rng(7)
    customers = pd.DataFrame(
        {
            "customer_id": range(500),
            "recency": rng.integers(1, 30, 500),
            "frequency": rng.integers(1, 6, 500),
            "monetary": rng.integers(1, 50, 500) * 10.0,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TiedBinsWarning)
        s = quantile_scores(customers).scores
    for dim, col in (("recency", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        assert (s.groupby(customers[dim])[col].nunique() == 1).all()
        # better values never get a lower score
        order = customers[dim].sort_values(ascending=(dim == "recency")).index
        assert s.loc[order, col].is_monotonic_decreasing


def test_thresholds_reused_for_a_later_period_and_custom():
    first = quantile_scores(_ten(), warn=False)
    later = _ten().assign(
        recency=[1, 2, 3, 4, 5, 6, 7, 8, 100, 100], frequency=[9, 1, 1, 1, 1, 1, 2, 2, 3, 5]
    )
    again = apply_thresholds(later, first.cuts, warn=False).scores
    assert again["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert again["f_score"].tolist()[0] == 5
    custom = quantile_scores(_ten(), thresholds={"recency": [3, 7]}, warn=False)
    assert custom.bins == 3 and custom.method == "thresholds"
    assert custom.scores["r_score"].tolist() == [3, 3, 3, 2, 2, 2, 2, 1, 1, 1]  # (-inf,3] (3,7] (7,inf)
    assert custom.cuts["recency"] == [3, 7] and len(custom.cuts["frequency"]) == 2


def test_constant_column_and_bad_parameters():
    flat = _ten().assign(frequency=1)
    with pytest.warns(TiedBinsWarning, match="frequency: no customer has score 2, 3, 4, 5; 100%"):
        scores = quantile_scores(flat).scores
    assert set(scores["f_score"]) == {1}
    with pytest.raises(
        ParameterError,
        match=r"'bins' parameter must be an integer in the range \[2, 9\]. Got 1 instead. Scores are single",
    ):
        quantile_scores(_ten(), 1)
    with pytest.raises(ParameterError, match="strictly increasing"):
        quantile_scores(_ten(), thresholds={"recency": [5, 3]})
    with pytest.raises(ParameterError, match="same number of thresholds"):
        quantile_scores(_ten(), thresholds={"recency": [5], "frequency": [1, 2]})
    with pytest.raises(ParameterError, match="Unknown dimension"):
        quantile_scores(_ten(), thresholds={"r": [5]})
    with pytest.raises(DataError, match="'monetary' has 1 missing"):
        quantile_scores(_ten().assign(monetary=[np.nan] + [1.0] * 9))
    with pytest.raises(DataError, match="no column"):
        quantile_scores(_ten().drop(columns="frequency"))


def test_score_values_for_one_measure():
    scores, cuts = score_values(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 5, lower_is_better=True)
    assert scores.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1] and cuts == [2, 4, 6, 8]
    again, _ = score_values([3, 11], cuts=cuts, lower_is_better=True)
    assert again.tolist() == [4, 1]


def test_nested_sort_hand_computed():
    # 25 customers: recency splits them into five groups of five; inside each
    # group frequency then gives one customer per F score, monetary per M.
    customers = pd.DataFrame(
        {
            "customer_id": [f"k{i:02d}" for i in range(25)],
            "recency": np.repeat([10, 20, 30, 40, 50], 5),
            "frequency": np.tile([1, 2, 3, 4, 5], 5),
            "monetary": np.arange(25, dtype=float),
        }
    )
    result = nested_scores(customers, 5)
    s = result.scores
    assert s["r_score"].tolist() == list(np.repeat([5, 4, 3, 2, 1], 5))
    assert s["f_score"].tolist() == [1, 2, 3, 4, 5] * 5
    assert set(s["m_score"]) == {1}  # one customer per R-F group: the lowest M group
    assert s["rfm_cell"].iloc[4] == "551" and result.cuts == {}


def test_nested_groups_are_equal_and_ties_are_split_reproducibly():
    rng = np.random.default_rng(3)
    n = 1000
    customers = pd.DataFrame(
        {
            "customer_id": [f"x{i}" for i in range(n)],
            "recency": rng.integers(1, 10, n),
            "frequency": rng.integers(1, 4, n),
            "monetary": rng.integers(1, 5, n) * 1.0,
        }
    )
    a = nested_scores(customers).scores
    b = nested_scores(customers.sample(frac=1, random_state=1)).scores.loc[customers.index]
    pd.testing.assert_frame_equal(a, b)  # order of rows does not matter
    assert a["r_score"].value_counts().tolist() == [200] * 5
    assert (a.groupby(["r_score", "f_score"]).size() == 40).all()
    assert (a.groupby(["r_score", "f_score", "m_score"]).size() == 8).all()
    # a more recent customer never gets a lower R score (ties may straddle a boundary)
    by_recency = a["r_score"].groupby(customers["recency"])
    assert (by_recency.min().to_numpy()[:-1] >= by_recency.max().to_numpy()[1:]).all()


def _six_customer_file(path: Path) -> Path:
    """Six customers with 5 to 10 orders; the one with 5 orders bought most recently."""
    last = {
        "A": "2024-01-31",
        "B": "2024-01-20",
        "C": "2024-01-10",
        "D": "2023-12-20",
        "E": "2023-12-01",
        "F": "2023-11-01",
    }
    lines = ["InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice"]
    for orders, (customer, date) in enumerate(last.items(), start=5):
        for k in range(orders):  # one order a week back from the last purchase; numeric invoice numbers
            day = pd.Timestamp(date) - pd.Timedelta(weeks=k)
            lines.append(f"{len(lines)},{customer},{day:%Y-%m-%d},1,10.00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_tiny_file_warns_and_a_repeat_buyer_is_not_new(tmp_path):
    from toolkit.rfm import SmallSampleWarning, assign_segments, load_segment_table
    from toolkit.rfm.loading import load_customers

    loaded = load_customers(_six_customer_file(tmp_path / "six.csv"), as_of="2024-02-01")
    customers = loaded.table.customers.set_index("customer_id").loc[list("ABCDEF")].reset_index()
    assert customers["frequency"].tolist() == [5, 6, 7, 8, 9, 10]
    assert customers["recency"].tolist() == [1, 12, 22, 43, 62, 92]
    with pytest.warns(SmallSampleWarning, match="only 6 customers for 5 scores per dimension"):
        result = quantile_scores(customers, 5)
    assert result.small_sample == {
        "customers": 6,
        "bins": 5,
        "needed": 50,
        "message": result.small_sample["message"],
    }
    # frequency quantiles (inverted CDF of 5..10) are 6, 7, 8, 9; the first is lowered to 1 (F = 1 means one
    # order), so 5, 6 and 7 orders get F = 2 rather than 5 and 6 orders getting F = 1
    assert result.cuts["frequency"] == [1, 7, 8, 9]
    assert result.scores["f_score"].tolist() == [2, 2, 2, 3, 4, 5]
    # recency cuts 12, 22, 43, 62: A (1 day) and B (12 days) get R = 5
    assert result.scores["r_score"].tolist() == [5, 5, 4, 3, 2, 1]
    scored = customers.join(result.scores.drop(columns="customer_id"))
    segments = assign_segments(scored, load_segment_table(), 5)
    # R5 F2 is a potential loyalist; before the rule A and B were R5 F1, "New", with 5 and 6 orders
    assert segments.tolist()[:2] == ["potential_loyalist", "potential_loyalist"]
    assert "new" not in set(segments)
    note = [n for n in result.notes if n["dimension"] == "frequency"][0]
    assert note["reason"] == "no_single_order" and note["empty_scores"] == [1]


def test_enough_customers_do_not_warn_and_one_order_customers_keep_f1():
    customers = pd.DataFrame(
        {
            "customer_id": range(50),
            "recency": np.arange(50) + 1,
            "frequency": np.repeat([1, 2, 3, 4, 5], 10),
            "monetary": np.arange(50) * 2.0 + 1,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = quantile_scores(customers, 5)
    assert result.small_sample is None
    assert result.scores["f_score"].tolist() == list(np.repeat([1, 2, 3, 4, 5], 10))
    # two scores need 20 customers: 19 warn, 20 do not
    with pytest.warns(UserWarning, match="only 19 customers for 2 scores"):
        assert quantile_scores(customers.head(19), 2).small_sample["needed"] == 20
    assert quantile_scores(customers.head(20), 2, warn=False).small_sample is None
