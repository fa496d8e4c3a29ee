"""Uplift by group, the two-model uplift, uplift curves and targeting rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.campaign.uplift import (
    add_hillstrom_groups,
    assign_best_arm,
    compare_policies,
    fit_uplift_models,
    predict_arms,
    qini_coefficient,
    qini_curve,
    rule_summary,
    uplift_by_decile,
    uplift_by_group,
)
from toolkit.errors import DataError, ParameterError


def test_hillstrom_groups_match_the_data():
    from toolkit.data.datasets import load_hillstrom

    groups = add_hillstrom_groups(load_hillstrom())
    buyers = groups["buyer"].value_counts()
    # 35,266 bought men's, 35,182 women's, 64,000 customers: 6,448 bought both
    assert buyers.to_dict() == {"mens": 28_818, "womens": 28_734, "both": 6_448}
    bands = groups["recency_band"].value_counts(sort=False)
    assert list(bands.index) == ["1-3", "4-6", "7-9", "10-12"]
    assert bands["1-3"] == 8_952 + 7_537 + 5_904
    assert bands.sum() == 64_000


def test_uplift_by_group_hand_case():
    df = pd.DataFrame(
        {
            "arm": ["A"] * 4 + ["C"] * 4 + ["A"] * 2 + ["C"] * 2,
            "g": ["x"] * 8 + ["y"] * 4,
            "buy": [1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0],
        }
    )
    table = uplift_by_group(df, "arm", "C", "buy", ["g"]).set_index("level")
    assert table.loc["x", "uplift"] == pytest.approx(0.5)
    # each arm: variance .25 over 4 customers -> se = sqrt(.0625 + .0625)
    half = 1.959964 * np.sqrt(0.125)
    assert table.loc["x", "ci_low"] == pytest.approx(0.5 - half, abs=1e-5)
    assert table.loc["x", "ci_high"] == pytest.approx(0.5 + half, abs=1e-5)
    assert table.loc["y", "uplift"] == pytest.approx(-0.5)
    assert table.loc["y", ["treated", "control"]].tolist() == [2, 2]


def test_uplift_curve_on_a_known_ranking():
    curve = qini_curve(
        y=[1, 0, 1, 1, 0, 0], treated=[1, 0, 1, 0, 1, 0], score=[0.9, 0.8, 0.7, 0.6, 0.5, 0.4], points=6
    )
    # top k: (treated rate - control rate) x k; k = 1 has no control customer yet
    assert np.isnan(curve["incremental"].iloc[1])
    assert curve["incremental"].iloc[2:].tolist() == pytest.approx([2, 3, 2, 5 / 6, 2])
    assert curve["random"].tolist() == pytest.approx([k / 3 for k in range(7)])
    # Qini curve y_t - y_c n_t / n_c (y_t alone while no control customer is in the top k)
    assert curve["qini"].tolist() == pytest.approx([0, 1, 1, 2, 1, 0.5, 1])


def test_qini_coefficient_by_hand():
    y, treated = [1, 0, 1, 1, 0, 0], [1, 0, 1, 0, 1, 0]
    # Model ranking = row order. Qini curve at k = 0..6: 0, 1, 1, 2, 1, 0.5, 1; trapezoids sum to
    # 0.5 + 1 + 1.5 + 1.5 + 0.75 + 0.75 = 6; the random line from (0, 0) to (6, 1) has area 3.
    # Perfect ranking: the two treated responders (score 1), then the three non-responders tied
    # (score 0), then the control responder (score -1): curve 0, 2 (k=2), 2 (k=5), 1 (k=6), area
    # 2 + 6 + 1.5 = 9.5. Coefficient (6 - 3) / (9.5 - 3) = 3 / 6.5.
    q = qini_coefficient(y, treated, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    assert q == pytest.approx(3 / 6.5)
    # the perfect ranking itself scores 1, the model's reverse ranking below 0
    assert qini_coefficient(y, treated, [1, 0, 1, -1, 0, 0]) == pytest.approx(1.0)
    assert qini_coefficient(y, treated, [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) < 0


def test_tied_scores_are_one_block_whatever_the_row_order():
    y, treated, score = [1, 0, 0, 1], [1, 0, 1, 0], [1.0, 1.0, 0.0, 0.0]
    curve = qini_curve(y, treated, score, points=4)
    # inside a tied block the counts grow in a straight line: at k = 1 half of rows 0 and 1,
    # i.e. 0.5 treated with 0.5 responses and 0.5 control with none -> (1 - 0) x 1 = 1
    assert curve["treated"].tolist() == pytest.approx([0, 0.5, 1, 1.5, 2])
    assert curve["incremental"].tolist() == pytest.approx([0, 1, 2, 1, 0])
    assert curve["qini"].tolist() == pytest.approx([0, 0.5, 1, 0.5, 0])
    # Qini curve at the block ends k = 0, 2, 4: 0, 1, 0 -> area 2, random line 0.
    # Perfect scores 1, 0, 0, -1: curve 0, 1 (k=1), 1 (k=3), 0 (k=4) -> area 3. Coefficient 2/3.
    assert qini_coefficient(y, treated, score) == pytest.approx(2 / 3)
    for order in ([3, 2, 1, 0], [1, 0, 3, 2], [2, 0, 3, 1]):
        pick = lambda v, order=order: [v[i] for i in order]  # noqa: E731
        shuffled = qini_curve(pick(y), pick(treated), pick(score), points=4)
        pd.testing.assert_frame_equal(shuffled, curve)
        assert qini_coefficient(pick(y), pick(treated), pick(score)) == pytest.approx(2 / 3)


def test_shuffling_rows_changes_nothing_on_a_larger_tied_example():
    rng = np.random.default_rng(3)
    n = 500
    score = rng.integers(0, 5, n) / 10  # five distinct scores: many ties
    treated = rng.random(n) < 0.5
    y = (rng.random(n) < 0.1 + score * treated).astype(int)
    perm = rng.permutation(n)
    assert qini_coefficient(y[perm], treated[perm], score[perm]) == pytest.approx(
        qini_coefficient(y, treated, score)
    )
    pd.testing.assert_frame_equal(
        qini_curve(y[perm], treated[perm], score[perm]), qini_curve(y, treated, score)
    )
    pd.testing.assert_frame_equal(
        uplift_by_decile(y[perm], treated[perm], score[perm]), uplift_by_decile(y, treated, score)
    )


def test_deciles_keep_tied_blocks_together():
    # scores 3, 3, 2, 1 in two groups: the tied pair has average rank 1.5 -> group 1 (ranks <= 2),
    # score 2 (rank 3) and score 1 (rank 4) -> group 2
    table = uplift_by_decile([1, 0, 1, 0], [1, 0, 1, 0], [3, 3, 2, 1], groups=2)
    assert table["customers"].tolist() == [2, 2]
    assert table["predicted_uplift"].tolist() == pytest.approx([3, 1.5])
    assert table["observed_uplift"].tolist() == pytest.approx([1, 1])
    # scores 3, 2, 2, 1: the tied pair's average rank 2.5 puts both in group 2
    table = uplift_by_decile([1, 0, 1, 0], [1, 0, 1, 0], [3, 2, 2, 1], groups=2)
    assert table["customers"].tolist() == [1, 3]


def test_a_reversed_ranking_has_a_negative_qini():
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.random(n)
    treated = rng.random(n) < 0.5
    y = (rng.random(n) < 0.05 + 0.2 * x * treated).astype(int)  # the e-mail works where x is high
    good = qini_coefficient(y, treated, x)
    bad = qini_coefficient(y, treated, -x)
    assert 1 > good > 0.1 > -0.1 > bad


def test_qini_coefficient_needs_a_binary_outcome():
    with pytest.raises(ParameterError, match="0/1 outcome"):
        qini_coefficient([2.5, 0, 1, 0], [1, 0, 1, 0], [1, 2, 3, 4])


def test_two_model_uplift_recovers_a_known_effect():
    rng = np.random.default_rng(1)
    n = 6000
    df = pd.DataFrame(
        {
            "seg": rng.choice(["a", "b"], n),
            "z": rng.normal(size=n),
            "arm": rng.choice(["mail", "none"], n),
        }
    )
    p = np.where((df["seg"] == "a") & (df["arm"] == "mail"), 0.3, 0.1)
    df["buy"] = (rng.random(n) < p).astype(int)
    model = fit_uplift_models(df, "arm", "buy", ["seg", "z"])
    pred = predict_arms(model, df)
    uplift = (pred["mail"] - pred["none"]).groupby(df["seg"]).mean()
    assert uplift["a"] == pytest.approx(0.2, abs=0.04)
    assert uplift["b"] == pytest.approx(0.0, abs=0.04)
    deciles = uplift_by_decile(df["buy"], df["arm"] == "mail", pred["mail"] - pred["none"], groups=2)
    assert deciles["observed_uplift"].iloc[0] > deciles["observed_uplift"].iloc[1]


def test_uplift_model_needs_a_yes_no_outcome():
    df = pd.DataFrame({"arm": ["a", "b"] * 5, "spend": [0.0, 12.5] * 5, "x": range(10)})
    with pytest.raises(ParameterError, match="0/1 outcome"):
        fit_uplift_models(df, "arm", "spend", ["x"])


def test_assign_best_arm_hand_case():
    pred = pd.DataFrame({"none": [0.10, 0.20, 0.10], "A": [0.15, 0.20, 0.11], "B": [0.12, 0.30, 0.11]})
    out = assign_best_arm(pred, "none", value_per_outcome=100, margin=0.5, cost_per_contact=1)
    # customer 1: A = 50 x .05 - 1 = 1.5, B = 50 x .02 - 1 = 0; customer 2: B = 50 x .1 - 1 = 4
    assert out["net_A"].tolist() == pytest.approx([1.5, -1.0, -0.5])
    assert out["net_B"].tolist() == pytest.approx([0.0, 4.0, -0.5])
    assert out["assigned"].tolist() == ["A", "B", "none"]


def test_compare_policies_hand_case():
    arms = ["A", "A", "C", "C"]
    net = [4.0, 0.0, 1.0, 1.0]
    table = compare_policies(
        arms, net, {"all_A": ["A"] * 4, "all_C": ["C"] * 4, "mixed": ["A", "C", "C", "A"]}, baseline="all_A"
    ).set_index("policy")
    # each arm has half the customers: weight 2
    assert table["value_per_customer"].to_dict() == pytest.approx({"all_A": 2.0, "all_C": 1.0, "mixed": 2.5})
    assert table.loc["all_C", "gain"] == pytest.approx(-1.0)
    assert table.loc["mixed", "gain"] == pytest.approx(0.5)
    # per-customer differences 0, 0, 2, 0: sd 1, se .5
    assert table.loc["mixed", "gain_high"] - 0.5 == pytest.approx(1.959964 * 0.5, abs=1e-5)
    assert table.loc["mixed", "matched"] == 2
    with pytest.raises(ParameterError, match="not in the test"):
        compare_policies(arms, net, {"x": ["B"] * 4}, baseline="x")


def test_rule_summary_shares():
    df = pd.DataFrame({"g": ["x", "x", "y", "y", "y"]})
    out = rule_summary(df, ["A", "none", "A", "A", "none"], ["g"]).set_index("level")
    assert out.loc["x", "A"] == pytest.approx(0.5)
    assert out.loc["y", "A"] == pytest.approx(2 / 3)
    assert out["customers"].tolist() == [2, 3]


def test_unknown_group_column_and_control_are_named():
    df = pd.DataFrame({"arm": ["A", "C"], "buy": [1, 0]})
    with pytest.raises(ParameterError, match="'channel'"):
        uplift_by_group(df, "arm", "C", "buy", ["channel"])
    with pytest.raises(DataError, match="control arm 'none'"):
        uplift_by_group(df, "arm", "none", "buy", [])
