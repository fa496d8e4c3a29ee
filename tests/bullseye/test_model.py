"""Bullseye scoring: the textbook example, groups, raters, what-if, comparison."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import bullseye as bx
from toolkit.errors import DataError, ParameterError

CRITERIA = bx.load_criteria()
IDS = list(CRITERIA["id"])


def _card(product_scores: dict[str, dict[str, int]], default: int, rater: str = "") -> pd.DataFrame:
    """A validated scorecard: every criterion ``default`` unless overridden."""
    rows = []
    for product, special in product_scores.items():
        for crit in IDS:
            rows.append(
                {
                    "product": product,
                    "rater": rater,
                    "criterion": crit,
                    "score": special.get(crit, default),
                    "evidence": "",
                }
            )
    return bx.validate_scores(pd.DataFrame(rows), CRITERIA)


# --- criteria file -----------------------------------------------------------


def test_criteria_file_has_the_published_structure():
    assert len(CRITERIA) == 30
    assert CRITERIA["id"].is_unique
    sizes = CRITERIA["group"].value_counts().to_dict()
    assert sizes == {
        "target_market": 7,
        "product_brand": 10,
        "distribution": 2,
        "price": 2,
        "promotion": 1,
        "market_environment": 8,
    }
    maxima = bx.group_maxima(CRITERIA)
    assert list(maxima["possible"]) == [70, 100, 20, 20, 10, 80]
    assert maxima["possible"].sum() == 300


def test_criteria_provenance_follows_the_notes():
    prov = dict(zip(CRITERIA["id"], CRITERIA["provenance"]))
    assert [i for i, p in prov.items() if p == "original"] == ["T1", "T2", "T3", "T4"]
    assert sorted(i for i, p in prov.items() if p == "proposed") == ["E8", "Pr1"]
    # Band labels are known only for the four original items.
    bands = dict(zip(CRITERIA["id"], CRITERIA["bands_provenance"]))
    assert [i for i, p in bands.items() if p == "original"] == ["T1", "T2", "T3", "T4"]
    direction = dict(zip(CRITERIA["id"], CRITERIA["direction"]))
    assert direction["P2"] == "less" and direction["P5"] == "less" and direction["D1"] == "less"
    assert direction["R1"] == "middle" and direction["R2"] == "more"


def test_every_criterion_has_both_languages_and_four_bands():
    for lang in ("en", "zh"):
        for col in ("text", "band_0_1", "band_2_4", "band_5_7", "band_8_10"):
            assert (CRITERIA[f"{col}_{lang}"].str.len() > 0).all(), f"{col}_{lang}"
    assert CRITERIA["text_zh"].str.contains(r"[\u4e00-\u9fff]").all()


def test_edited_criteria_file_with_a_bad_group_is_refused(tmp_path):
    bad = CRITERIA.copy()
    bad.loc[3, "group"] = "pricing"
    bad.loc[5, "id"] = "T1"
    path = tmp_path / "criteria.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        bx.load_criteria(path)
    msg = str(err.value)
    assert "row 5 (id 'T4'): group 'pricing'" in msg
    assert "ids used more than once: ['T1'] (rows [2, 7])" in msg


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "low"),
        (1, "low"),
        (2, "low_medium"),
        (4, "low_medium"),
        (5, "medium"),
        (7, "medium"),
        (8, "high"),
        (10, "high"),
        (1.49, "low"),
        (1.5, "low_medium"),
        (4.5, "medium"),
        (7.4, "medium"),
        (7.5, "high"),
    ],
)
def test_band_of_scores_and_means(score, band):
    assert bx.band_of(score) == band


def test_band_of_refuses_scores_outside_the_scale():
    with pytest.raises(ValueError):
        bx.band_of(11)


# --- the textbook example ----------------------------------------------------


def test_textbook_example_reproduces_the_printed_group_totals_and_total():
    card = bx.read_scorecard(bx.textbook_scorecard_path())
    per = bx.score_criteria(card.scores, CRITERIA)
    groups = bx.group_scores(per, CRITERIA)
    totals = bx.product_totals(groups)
    printed = bx.load_textbook_reference().set_index("group")
    assert list(groups["score"]) == [46, 71, 8, 15, 5, 44]
    assert list(groups["possible"]) == [70, 100, 20, 20, 10, 80]
    for row in groups.itertuples():
        assert row.score == printed.loc[row.group, "score"]
        assert row.possible == printed.loc[row.group, "possible"]
    assert totals.loc[0, "total"] == 189 == printed.loc["total", "score"]
    assert totals.loc[0, "possible"] == 300
    assert totals.loc[0, "rate"] == pytest.approx(0.63, abs=1e-12)
    assert round(100 * totals.loc[0, "rate"]) == printed.loc["total", "printed_rate_pct"]


def test_textbook_scorecard_says_it_is_an_illustrative_split():
    for lang in ("en", "zh"):
        card = bx.read_scorecard(bx.textbook_scorecard_path(), lang=lang)
        assert ("illustrative" in card.title.lower()) if lang == "en" else ("示意" in card.title)
        assert card.scores["criterion"].tolist() == IDS  # all 30, one rater


def test_textbook_check_finds_exactly_the_four_wrong_printed_rates():
    check = bx.textbook_check(bx.load_textbook_reference()).set_index("group")
    assert check["rate_pct"].to_dict() == {
        "target_market": 66,
        "product_brand": 71,
        "distribution": 40,
        "price": 75,
        "promotion": 50,
        "market_environment": 55,
        "total": 63,
    }
    wrong = sorted(check.index[~check["matches"]])
    assert wrong == ["distribution", "market_environment", "product_brand", "target_market"]
    assert check.loc["total", "matches"]
    assert check.loc["distribution", "difference_pct"] == 10  # printed 50, computed 40
    assert check.loc["target_market", "rate"] == pytest.approx(46 / 70)


# --- groups, totals, ranking -------------------------------------------------


def test_group_rates_and_ranking_on_a_hand_made_case():
    scores = bx.validate_scores(
        pd.concat(
            [
                _card({"Low": {}}, default=5),
                _card({"High": {"T1": 10, "P1": 0}}, default=6),
            ]
        ),
        CRITERIA,
    )
    per = bx.score_criteria(scores, CRITERIA)
    groups = bx.group_scores(per, CRITERIA).set_index(["product", "group"])
    # High: T1 = 10 and six 6s in target market = 46; P1 = 0 and nine 6s = 54.
    assert groups.loc[("High", "target_market"), "score"] == 46
    assert groups.loc[("High", "product_brand"), "score"] == 54
    assert groups.loc[("High", "product_brand"), "rate"] == pytest.approx(0.54)
    assert groups.loc[("Low", "promotion"), "rate"] == pytest.approx(0.5)
    totals = bx.product_totals(bx.group_scores(per, CRITERIA)).set_index("product")
    assert totals.loc["Low", "total"] == 150
    assert totals.loc["High", "total"] == 46 + 54 + 13 * 6 == 178
    assert totals.loc["High", "rank"] == 1 and totals.loc["Low", "rank"] == 2
    wide = bx.compare_products(bx.group_scores(per, CRITERIA), totals.reset_index())
    assert list(wide["product"]) == ["High", "Low"]
    assert wide.loc[0, "target_market"] == pytest.approx(46 / 70)


def test_equal_totals_share_a_rank():
    scores = _card({"A": {}, "B": {"T1": 4, "T2": 6}, "C": {"T1": 9}}, default=5)
    totals = bx.product_totals(bx.group_scores(bx.score_criteria(scores, CRITERIA), CRITERIA))
    assert dict(zip(totals["product"], totals["rank"])) == {"C": 1, "A": 2, "B": 2}


# --- several raters ----------------------------------------------------------


def _three_raters() -> pd.DataFrame:
    rows = []
    special = {"A": {"T1": 2, "T2": 5}, "B": {"T1": 6, "T2": 5}, "C": {"T1": 7, "T2": 8}}
    for rater, values in special.items():
        for crit in IDS:
            rows.append(
                {
                    "product": "X",
                    "rater": rater,
                    "criterion": crit,
                    "score": values.get(crit, 5),
                    "evidence": "seen" if crit == "T1" else "",
                }
            )
    return bx.validate_scores(pd.DataFrame(rows), CRITERIA)


def test_raters_are_averaged_and_disagreements_flagged():
    per = bx.score_criteria(_three_raters(), CRITERIA).set_index("criterion")
    t1, t2 = per.loc["T1"], per.loc["T2"]
    assert t1["score"] == pytest.approx(5.0) and t1["spread"] == 5 and t1["raters"] == 3
    assert (t1["score_min"], t1["score_max"]) == (2, 7)
    assert bool(t1["disagree"]) and t1["band"] == "medium"
    assert t2["score"] == pytest.approx(6.0) and t2["spread"] == 3 and not bool(t2["disagree"])
    assert per["disagree"].sum() == 1
    assert t1["evidence"] == "A: seen | B: seen | C: seen"
    groups = bx.group_scores(per.reset_index(), CRITERIA).set_index("group")
    assert groups.loc["target_market", "score"] == pytest.approx(5 + 6 + 5 * 5)


def test_disagreement_threshold_is_a_parameter():
    per = bx.score_criteria(_three_raters(), CRITERIA, disagreement=3).set_index("criterion")
    assert bool(per.loc["T2", "disagree"]) and per["disagree"].sum() == 2
    with pytest.raises(ParameterError, match="'disagreement' parameter must be an integer in the range"):
        bx.score_criteria(_three_raters(), CRITERIA, disagreement=0)


def test_rater_totals():
    totals = bx.rater_totals(_three_raters()).set_index("rater")
    assert totals.loc["A", "total"] == 2 + 5 + 28 * 5
    assert totals.loc["C", "total"] == 7 + 8 + 28 * 5
    assert totals.loc["B", "rate"] == pytest.approx((6 + 5 + 140) / 300)


def test_scoring_does_not_change_its_input():
    scores = _three_raters()
    before = scores.copy()
    per = bx.score_criteria(scores, CRITERIA)
    bx.what_if(per)
    bx.apply_changes(per, {"T1": 9})
    pd.testing.assert_frame_equal(scores, before)


# --- weakest criteria and what-if -------------------------------------------


def _hand_case() -> pd.DataFrame:
    # 25 criteria at 8 plus T1=2, P2=5, E8=5, R1=7, D1=9: total 200 + 28 = 228.
    scores = _card({"P": {"T1": 2, "P2": 5, "E8": 5, "R1": 7, "D1": 9}}, default=8)
    return bx.score_criteria(scores, CRITERIA)


def test_what_if_ranking_on_a_hand_computed_case():
    table = bx.what_if(_hand_case(), target=8)
    assert list(table["criterion"]) == ["T1", "P2", "E8", "R1"]  # P2 before E8: equal gain, criteria order
    assert list(table["step"]) == [1, 2, 3, 4]
    assert list(table["gain"]) == [6, 3, 3, 1]
    assert list(table["total_after"]) == [234, 231, 231, 229]
    assert list(table["cumulative_total"]) == [234, 237, 240, 241]
    assert table.loc[0, "rate_after"] == pytest.approx(234 / 300)
    assert table.loc[3, "cumulative_rate"] == pytest.approx(241 / 300)


def test_what_if_to_ten_lists_every_criterion_below_ten():
    table = bx.what_if(_hand_case(), target=10)
    assert len(table) == 30
    assert table.loc[0, "criterion"] == "T1" and table.loc[0, "gain"] == 8
    assert table["cumulative_total"].iloc[-1] == 300


def test_what_if_rejects_a_bad_target():
    with pytest.raises(
        ParameterError, match="The 'target' parameter must be an integer in the range \\[1, 10\\]"
    ):
        bx.what_if(_hand_case(), target=11)


def test_weakest_criteria():
    weak = bx.weakest_criteria(_hand_case(), n=3)
    assert list(weak["criterion"]) == ["T1", "P2", "E8"]
    assert list(weak["headroom"]) == [8, 5, 5]
    assert list(weak["band"]) == ["low_medium", "medium", "medium"]


def test_apply_changes_rescore_matches_the_what_if():
    per = _hand_case()
    changed = bx.apply_changes(per, {"T1": 8, "P2": 8})
    total = bx.product_totals(bx.group_scores(changed, CRITERIA))["total"].iloc[0]
    assert total == 237 == bx.what_if(per).loc[1, "cumulative_total"]
    assert changed["changed"].sum() == 2
    assert changed.set_index("criterion").loc["T1", "band"] == "high"
    with pytest.raises(DataError, match="unknown criterion \\['Z9'\\]"):
        bx.apply_changes(per, {"Z9": 3})
    with pytest.raises(ParameterError, match="changes\\['T1'\\]"):
        bx.apply_changes(per, {"T1": 12})
    with pytest.raises(DataError, match="unknown product 'Q'"):
        bx.apply_changes(per, {"T1": 3}, product="Q")


# --- the bundled example -----------------------------------------------------


def test_bundled_example_has_several_products_raters_and_evidence():
    card = bx.read_scorecard()
    assert len(card.products) >= 3
    assert (card.products["raters"] >= 2).all()
    assert (card.scores["evidence"] != "").sum() >= 10
    assert "invented" in card.note.lower()
    per = bx.score_criteria(card.scores, CRITERIA)
    assert per["disagree"].any()
    # Independent total: mean over raters of each criterion, summed.
    expected = card.scores.groupby(["product", "criterion"])["score"].mean().groupby("product").sum()
    totals = bx.product_totals(bx.group_scores(per, CRITERIA)).set_index("product")["total"]
    pd.testing.assert_series_equal(totals.sort_index(), expected.sort_index(), check_names=False)


def test_bundled_example_reads_in_chinese():
    en, zh = bx.read_scorecard(lang="en"), bx.read_scorecard(lang="zh")
    assert en.scores["score"].tolist() == zh.scores["score"].tolist()
    assert zh.products["product"].str.contains(r"[\u4e00-\u9fff]").all()
