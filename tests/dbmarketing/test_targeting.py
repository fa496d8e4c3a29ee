"""Find prospects, use and refine: scores in SQL, the target list with its
hold-out group, and the campaign's outcomes measured — on a small database
whose every figure is worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from toolkit.dbmarketing import etl, outcomes, queries, targeting
from toolkit.dbmarketing.connection import open_database
from toolkit.errors import ParameterError

TS = pd.Timestamp
SCORED_AT = TS("2011-07-01")

# customer, order date, amount
ORDERS = [
    ("a", "2011-06-30", 100.0),  # R 1 day,  F 1, M 100
    ("b", "2011-06-01", 100.0),
    ("b", "2011-06-15", 200.0),  # R 16,     F 2, M 300
    ("c", "2011-01-01", 20.0),
    ("c", "2011-02-01", 20.0),
    ("c", "2011-03-01", 20.0),  # R 122, F 3, M 60
    ("d", "2011-05-01", 1000.0),  # R 61,     F 1, M 1000
    ("e", "2010-12-01", 10.0),
    ("e", "2010-12-02", 10.0),
    ("e", "2010-12-03", 10.0),
    ("e", "2010-12-04", 10.0),  # R 209, F 4, M 40
    ("f", "2011-07-05", 70.0),  # only after the scoring date
    ("a", "2011-07-10", 50.0),  # a orders again in the window
    ("b", "2011-08-15", 80.0),  # b orders after a 30-day window
]


def small_orders() -> pd.DataFrame:
    frame = pd.DataFrame(ORDERS, columns=["customer_id", "order_date", "amount"])
    frame["order_date"] = pd.to_datetime(frame["order_date"]) + pd.Timedelta(hours=12)
    frame["order_id"] = [f"O{i}" for i in range(len(frame))]
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["order_id"] = frame["order_id"].astype("string")
    return frame


@pytest.fixture()
def db():
    with open_database("") as database:
        etl.build_database(database, small_orders(), as_of="2011-12-01")
        yield database


def test_scores_follow_the_rank_formula_with_shared_ties(db):
    scores = queries.score_customers(db, SCORED_AT).set_index("customer_id")
    assert list(scores.index) == ["a", "b", "c", "d", "e"]  # f bought only after the scoring date
    assert scores["recency_days"].to_dict() == {"a": 1, "b": 16, "c": 122, "d": 61, "e": 209}
    assert scores["frequency"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 1, "e": 4}
    assert scores["monetary"].to_dict() == {"a": 100.0, "b": 300.0, "c": 60.0, "d": 1000.0, "e": 40.0}
    # five customers: score = 1 + floor(5 * (rank - 1) / 5) = rank
    assert scores["r_score"].to_dict() == {"a": 5, "b": 4, "c": 2, "d": 3, "e": 1}
    # a and d tie at one order: both rank 1 -> score 1; b is rank 3
    assert scores["f_score"].to_dict() == {"a": 1, "b": 3, "c": 4, "d": 1, "e": 5}
    assert scores["m_score"].to_dict() == {"a": 3, "b": 4, "c": 2, "d": 5, "e": 1}
    assert scores["score"].to_dict() == {"a": 9, "b": 11, "c": 8, "d": 9, "e": 7}
    thresholds = queries.score_thresholds(db).set_index("level")
    assert thresholds.at[1, "frequency_max"] == 1 and pd.isna(thresholds.at[2, "f_customers"])
    assert thresholds.at[5, "recency_min"] == 1 and thresholds.at[1, "recency_max"] == 209


def test_score_summary_shares_add_up(db):
    queries.score_customers(db, SCORED_AT)
    summary = queries.score_summary(db).set_index("score")
    assert summary.at[9, "customers"] == 2
    assert summary["share_of_customers"].sum() == pytest.approx(1.0)
    assert summary.at[9, "share_of_revenue"] == pytest.approx(1100 / 1500)


def test_target_selection_leaves_out_and_counts_opted_out_customers(db):
    queries.score_customers(db, SCORED_AT)
    assert targeting.load_suppressions(db, ["d.0", "d.0", " ", None, "zz"]) == 2  # "d.0" still means d
    targets, counts = targeting.select_targets(db, 9)
    assert list(targets["customer_id"]) == ["a", "b"]
    assert counts == {"scored": 5, "qualifying": 3, "suppressed": 1, "selected": 2}
    with pytest.raises(ParameterError, match="min_score"):
        targeting.select_targets(db, 16)


def test_holdout_split_is_exact_stratified_and_repeatable():
    rng = np.random.default_rng(0)
    targets = pd.DataFrame(
        {"customer_id": [f"c{i:04d}" for i in range(1000)], "score": rng.integers(9, 16, 1000)}
    )
    split = targeting.assign_holdout(targets, 0.25, seed=7)
    for _score, part in split.groupby("score"):
        assert (part["campaign_group"] == "holdout").sum() == round(len(part) * 0.25)
    shuffled = targeting.assign_holdout(targets.sample(frac=1, random_state=3), 0.25, seed=7)
    assert shuffled["campaign_group"].tolist() == split["campaign_group"].tolist()
    other = targeting.assign_holdout(targets, 0.25, seed=8)
    assert other["campaign_group"].tolist() != split["campaign_group"].tolist()
    plain = targeting.assign_holdout(targets, 0.3, seed=7, strata=None)
    assert (plain["campaign_group"] == "holdout").sum() == 300
    with pytest.raises(ParameterError, match="holdout_share"):
        targeting.assign_holdout(targets, 1.0, seed=7)
    with pytest.raises(ParameterError, match="repeats customer ids"):
        targeting.assign_holdout(pd.concat([targets.head(2), targets.head(1)]), 0.5, seed=1)


def _campaign(extra_note: str = "") -> targeting.Campaign:
    return targeting.Campaign("t1", "Test", SCORED_AT, 30, 9, 0.5, 11, 2.0, extra_note)


def test_campaign_round_trip_records_contacts_and_outcomes(db):
    queries.score_customers(db, SCORED_AT)
    targets, _ = targeting.select_targets(db, 9)  # a, b, d
    contacts = targets.assign(campaign_group=["mail", "holdout", "mail"])
    assert targeting.record_campaign(db, _campaign(), contacts) == 3
    listed = targeting.target_list(db, "t1")
    assert listed["customer_id"].tolist() == ["a", "d", "b"]  # contacted first, then by score
    observed = outcomes.observed_outcomes(db, _campaign()).set_index("customer_id")
    # window 1-30 July: a ordered 50 on 10 July; b's August order falls outside; d nothing
    assert observed["observed_orders"].to_dict() == {"a": 1, "b": 0, "d": 0}
    assert observed["observed_revenue"].to_dict() == {"a": 50.0, "b": 0.0, "d": 0.0}
    assert observed["average_order_value"].to_dict() == {"a": 100.0, "b": 150.0, "d": 1000.0}
    everyone = outcomes.simulate_campaign_effect(observed.reset_index(), 1.0, seed=11).set_index(
        "customer_id"
    )
    # only d can be won: contacted and did not buy anyway; b is held out
    assert everyone["simulated_response"].to_dict() == {"a": False, "b": False, "d": True}
    assert everyone.at["d", "simulated_revenue"] == 1000.0 and everyone.at["d", "revenue"] == 1000.0
    assert outcomes.record_outcomes(db, "t1", everyone.reset_index()) == 3
    results = outcomes.campaign_results(db, "t1").set_index("campaign_group")
    assert results.at["mail", "contacts"] == 2 and results.at["mail", "responses"] == 2
    assert results.at["mail", "observed_responses"] == 1 and results.at["mail", "simulated_responses"] == 1
    assert results.at["mail", "revenue"] == 1050.0 and results.at["holdout", "responses"] == 0
    by_score = outcomes.response_by_score(db, "t1").set_index("score")
    assert by_score.at[9, "mail_contacts"] == 2 and by_score.at[9, "mail_rate"] == 1.0
    assert by_score.at[9, "observed_rate"] == 0.5 and by_score.at[11, "holdout_rate"] == 0.0
    # recording again replaces, never duplicates
    targeting.record_campaign(db, _campaign(), contacts)
    assert db.scalar("SELECT COUNT(*) FROM {s}.campaign_outcomes") == 0
    assert db.scalar("SELECT COUNT(*) FROM {s}.campaign_contacts") == 3


def test_simulation_uses_only_its_seed_and_leaves_the_hold_out_alone():
    observed = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(2000)],
            "campaign_group": ["mail", "holdout"] * 1000,
            "observed_orders": [0] * 2000,
            "observed_revenue": [0.0] * 2000,
            "average_order_value": [10.0] * 2000,
        }
    )
    first = outcomes.simulate_campaign_effect(observed, 0.2, seed=5)
    again = outcomes.simulate_campaign_effect(observed.sample(frac=1, random_state=1), 0.2, seed=5)
    assert first["simulated_response"].tolist() == again["simulated_response"].tolist()
    assert not first.loc[first["campaign_group"] == "holdout", "simulated_response"].any()
    won = first.loc[first["campaign_group"] == "mail", "simulated_response"].mean()
    assert 0.16 < won < 0.24  # 1,000 draws at 20%
    with pytest.raises(ParameterError, match="extra_response"):
        outcomes.simulate_campaign_effect(observed, 1.5, seed=5)


def test_measure_campaign_against_hand_computed_figures():
    results = pd.DataFrame(
        {
            "campaign_group": ["holdout", "mail"],
            "contacts": [50, 100],
            "responses": [10, 30],
            "revenue": [800.0, 3000.0],
            "revenue_sd": [40.0, 50.0],
        }
    )
    measure = outcomes.measure_campaign(results, cost_per_contact=2.0, margin=0.25)
    e = measure.effect
    z = norm.ppf(0.975)
    se = np.sqrt(0.3 * 0.7 / 100 + 0.2 * 0.8 / 50)
    assert e["lift"] == pytest.approx(0.1)
    assert (e["lift_low"], e["lift_high"]) == pytest.approx((0.1 - z * se, 0.1 + z * se))
    assert e["relative_lift"] == pytest.approx(0.5)
    assert e["incremental_responses"] == pytest.approx(10.0)
    assert e["incremental_revenue"] == pytest.approx((30 - 16) * 100)
    se_rev = np.sqrt(50**2 / 100 + 40**2 / 50)
    assert e["incremental_revenue_low"] == pytest.approx((14 - z * se_rev) * 100)
    assert e["cost"] == 200.0
    assert e["incremental_profit"] == pytest.approx(1400 * 0.25 - 200)
    assert e["roi"] == pytest.approx(150 / 200)
    assert e["naive_profit"] == pytest.approx(3000 * 0.25 - 200) and e["naive_roi"] == pytest.approx(
        550 / 200
    )
    groups = measure.groups.set_index("campaign_group")
    low, high = proportion_confint(30, 100, method="wilson")
    assert (groups.at["mail", "ci_low"], groups.at["mail", "ci_high"]) == pytest.approx((low, high))
    with pytest.raises(ParameterError, match="both groups"):
        outcomes.measure_campaign(results.iloc[1:], 2.0, 0.25)
    with pytest.raises(ParameterError, match="margin"):
        outcomes.measure_campaign(results, 2.0, 25)


def test_minimum_detectable_lift_formula():
    expected = (norm.ppf(0.975) + norm.ppf(0.8)) * np.sqrt(0.2 * 0.8 * (1 / 100 + 1 / 50))
    assert outcomes.minimum_detectable_lift(0.2, 100, 50) == pytest.approx(expected)
    # four times the sample halves the detectable lift
    assert outcomes.minimum_detectable_lift(0.2, 400, 200) == pytest.approx(expected / 2)


def test_campaign_date_defaults_to_a_window_inside_the_data():
    as_of = TS("2011-12-10")
    assert targeting.resolve_campaign_date("", as_of, 90) == TS("2011-09-11")
    assert targeting.resolve_campaign_date("2011-08-01", as_of, 90) == TS("2011-08-01")
    with pytest.raises(ParameterError, match="after the analysis date"):
        targeting.resolve_campaign_date("2011-11-01", as_of, 90)
    with pytest.raises(ParameterError, match="campaign_date"):
        targeting.resolve_campaign_date("soon", as_of, 90)


def test_suppression_file_ids_are_normalised(tmp_path):
    path = tmp_path / "opt_out.csv"
    path.write_text("customer_id\n12347\n12348.0\n\n", encoding="utf-8")
    assert targeting.read_suppression_file(str(path)) == ["12347", "12348"]
