"""Response model: model columns, data checks, AUC, calibration and gains on known cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.campaign.design import OTHER, apply_design, fit_design, unseen_levels
from toolkit.campaign.response_model import (
    auc,
    calibration_table,
    fit_response_model,
    gains_table,
    hosmer_lemeshow,
    predict_response,
    prepare_response_data,
    split_test,
)
from toolkit.errors import DataError, ParameterError


# ------------------------------------------------------------ gains table
def test_gains_table_on_a_small_known_ranking():
    y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0]
    score = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    order = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4]  # shuffled input: the table must sort by score
    table = gains_table(np.array(y)[order], np.array(score)[order], groups=5)
    assert table["customers"].tolist() == [2, 2, 2, 2, 2]
    assert table["responses"].tolist() == [2, 1, 0, 1, 0]
    assert table["response_rate"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.5, 0.0])
    assert table["lift"].tolist() == pytest.approx([2.5, 1.25, 0.0, 1.25, 0.0])
    assert table["cum_responses"].tolist() == [2, 3, 3, 4, 4]
    assert table["gain"].tolist() == pytest.approx([0.5, 0.75, 0.75, 1.0, 1.0])
    assert table["cum_lift"].tolist() == pytest.approx([2.5, 1.875, 1.25, 1.25, 1.0])
    assert table["cum_share_customers"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert table[["min_score", "max_score"]].iloc[0].tolist() == [0.8, 0.9]


def test_gains_table_groups_differ_by_at_most_one():
    table = gains_table([1, 0] * 11 + [1], np.linspace(1, 0, 23), groups=10)
    assert table["customers"].tolist() == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    assert table["customers"].sum() == 23


def test_auc_counts_ties_as_half():
    # pairs (pos, neg): (.9,.8) 1, (.9,.1) 1, (.8,.8) 0.5, (.8,.1) 1 -> 3.5 / 4
    assert auc([1, 0, 1, 0], [0.9, 0.8, 0.8, 0.1]) == pytest.approx(0.875)
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0


def test_calibration_table_and_hosmer_lemeshow_hand_case():
    table = calibration_table([1, 0, 0, 1], [0.8, 0.6, 0.3, 0.1], groups=2)
    assert table["predicted_rate"].tolist() == pytest.approx([0.7, 0.2])
    assert table["observed_rate"].tolist() == pytest.approx([0.5, 0.5])
    assert table["expected_responses"].tolist() == pytest.approx([1.4, 0.4])
    stat, dof, p = hosmer_lemeshow(table)
    # (1 - 1.4)^2 / (1.4 * .3) + (1 - .4)^2 / (.4 * .8) = .380952 + 1.125
    assert stat == pytest.approx(1.505952, abs=1e-6)
    assert dof == 2
    assert p == pytest.approx(np.exp(-stat / 2))  # chi-squared with 2 df


def test_scored_inputs_are_checked():
    with pytest.raises(ParameterError, match="only 0 and 1"):
        auc([1, 2], [0.1, 0.2])
    with pytest.raises(ParameterError, match="same length"):
        gains_table([1, 0], [0.1])
    with pytest.raises(ParameterError, match="'groups'"):
        gains_table([1, 0, 1], [0.1, 0.2, 0.3], groups=1)


# ----------------------------------------------------------------- design
def test_rare_levels_pool_into_other_or_the_reference():
    df = pd.DataFrame({"c": ["a"] * 50 + ["b"] * 40 + ["c"] * 20 + ["d"] * 15})
    design = fit_design(df, ["c"], min_level_count=30)
    assert design.pooled["c"] == (OTHER, ("c", "d"))  # 35 pooled rows >= 30: own level
    assert design.reference["c"] == "a"
    assert design.levels["c"] == (OTHER, "b")
    design = fit_design(df, ["c"], min_level_count=16)
    assert design.pooled["c"] == ("a", ("d",))  # 15 rows alone are too few: joined the reference
    assert design.levels["c"] == ("b", "c")


def test_collinear_columns_are_dropped_and_unseen_levels_counted():
    df = pd.DataFrame(
        {
            "x": np.arange(40, dtype=float),
            "x2": 2 * np.arange(40, dtype=float),
            "h": ["yes", "no", "unknown", "no"] * 10,
            "l": ["no", "no", "unknown", "yes"] * 10,  # "unknown" in both columns on the same rows
        }
    )
    design = fit_design(df, ["x", "x2", "h", "l"], min_level_count=1)
    assert "x2" in design.dropped
    assert "l=unknown" in design.dropped
    X = apply_design(design, df)
    assert np.linalg.matrix_rank(X.to_numpy()) == X.shape[1]
    new = pd.DataFrame({"x": [1.0], "x2": [2.0], "h": ["maybe"], "l": ["no"]})
    assert unseen_levels(design, new) == {"h": 1}


def test_missing_feature_column_is_named():
    with pytest.raises(DataError, match=r"\['age'\] not found"):
        fit_design(pd.DataFrame({"x": [1.0]}), ["age"])


# ---------------------------------------------------------- data and split
def test_prepare_response_data_counts_what_it_leaves_out():
    df = pd.DataFrame(
        {
            "y": ["yes", "no", None, "no", "yes", "no"],
            "age": [30, np.nan, 40, 50, 60, 70],
            "job": ["a", "b", "a", None, "b", "a"],
            "duration": [100, 200, 300, 400, 500, 600],
        }
    )
    data = prepare_response_data(df, "y", "yes")
    assert data.features == ["age", "job"]
    assert data.excluded == {"y": 1, "age": 1}
    assert data.y.tolist() == [1, 0, 1, 0]
    assert data.rows_read == 6


def test_prepare_response_data_refuses_post_call_features_and_unknown_labels():
    df = pd.DataFrame({"y": [1, 0], "duration": [5, 6], "age": [1, 2]})
    with pytest.raises(ParameterError, match="duration"):
        prepare_response_data(df, "y", 1, features=["age", "duration"])
    with pytest.raises(DataError, match=r"positive label 'yes' not found.*'0', '1'"):
        prepare_response_data(df, "y", "yes")
    assert prepare_response_data(df, "y", "1").y.tolist() == [1, 0]
    with pytest.raises(DataError, match="target column 'outcome' not found"):
        prepare_response_data(df, "outcome", 1)


def test_split_test_keeps_the_success_rate():
    y = pd.Series([1] * 100 + [0] * 900)
    test = split_test(y, 0.3, seed=5)
    assert test.sum() == 300
    assert y[test].sum() == 30
    assert (split_test(y, 0.3, seed=5) == test).all()
    with pytest.raises(ParameterError, match="'test_share'"):
        split_test(y, 1.5)


# ------------------------------------------------------- bank marketing data
@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    from toolkit.data.datasets import load_bank_marketing

    return load_bank_marketing()


def test_bank_data_facts(bank):
    data = prepare_response_data(bank, "y", "yes", exclude=["duration", "campaign"])
    assert len(data.y) == 41_188
    assert data.y.sum() == 4_640
    assert data.excluded == {}
    assert "duration" not in data.features and "campaign" not in data.features


def test_bank_model_without_duration_ranks_well_and_duration_would_leak(bank):
    data = prepare_response_data(bank, "y", "yes", exclude=["duration", "campaign"])
    test = split_test(data.y, 0.3, seed=0)
    model = fit_response_model(data.frame[~test], data.y[~test], data.features)
    score = predict_response(model, data.frame[test])
    honest = auc(data.y[test], score)
    assert 0.75 < honest < 0.85
    assert "loan=unknown" in model.design.dropped  # always together with housing=unknown
    # calibrated on held-out customers: predicted and observed responders agree within 5%
    table = calibration_table(data.y[test], score)
    assert table["expected_responses"].sum() == pytest.approx(table["responses"].sum(), rel=0.05)
    leaky = fit_response_model(data.frame[~test], data.y[~test], [*data.features, "duration"])
    assert auc(data.y[test], predict_response(leaky, data.frame[test])) > 0.9
