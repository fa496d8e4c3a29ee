"""Questionnaire, evidence grades, the 8R profile and gap list, coverage, verdicts, charts."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from toolkit.eight_r import verdicts as vd
from toolkit.eight_r.coverage import RS, coverage, metrics_frame
from toolkit.eight_r.questionnaire import (
    evidence_scores,
    gap_list,
    grade,
    profile,
    read_answers,
    read_evidence_scale,
    read_questionnaire,
    self_scores,
)
from toolkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def questions():
    return read_questionnaire()


def test_bundled_questionnaire_covers_every_r_in_both_languages(questions):
    assert questions["r"].value_counts().reindex(list(RS)).tolist() == [4] * 8
    assert questions["question_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert not questions["question_en"].str.contains(r"[\u4e00-\u9fff]").any()


def test_example_answers_are_complete_and_valid(questions):
    answers = read_answers(None, questions)
    assert len(answers) == len(questions) and answers.between(1, 5).all()


def test_answers_files_yaml_and_csv_and_their_errors(tmp_path, questions):
    y = tmp_path / "a.yaml"
    y.write_text("answers:\n  P1: 5\n  P2: 3\n", encoding="utf-8")
    a = read_answers(y, questions)
    assert a.to_dict() == {"P1": 5, "P2": 3}
    s = self_scores(questions, a).set_index("r")
    assert s.loc["people", "self_score"] == 4.0 and s.loc["people", "answered"] == 2
    assert pd.isna(s.loc["needs", "self_score"]) and s.loc["needs", "answered"] == 0
    c = tmp_path / "a.csv"
    c.write_text("id,score\nN1,2\nN2,\n", encoding="utf-8")
    assert read_answers(c, questions).to_dict() == {"N1": 2}
    y.write_text("P1: 6\n", encoding="utf-8")
    with pytest.raises(DataError, match="whole numbers from 1 to 5; got {'P1': 6}"):
        read_answers(y, questions)
    y.write_text("X9: 3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"unknown question id\(s\) \['X9'\]"):
        read_answers(y, questions)
    with pytest.raises(DataError, match="does not exist"):
        read_answers(tmp_path / "nope.yaml", questions)


def test_questionnaire_errors(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text("id,r,question_en,question_zh\nA1,people,x,甲\nA2,pepole,y,乙\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"'pepole'.*rows \[3\]"):
        read_questionnaire(p)


def test_grade_thresholds():
    assert grade(0.1, "higher", [0.2, 0.35, 0.5, 0.65]) == 1
    assert grade(0.35, "higher", [0.2, 0.35, 0.5, 0.65]) == 3
    assert grade(0.9, "higher", [0.2, 0.35, 0.5, 0.65]) == 5
    assert grade(0.054, "lower", [0.15, 0.1, 0.05, 0.02]) == 3
    assert grade(0.01, "lower", [0.15, 0.1, 0.05, 0.02]) == 5
    assert np.isnan(grade(float("nan"), "higher", [1, 2, 3, 4]))
    with pytest.raises(ParameterError):
        grade(1.0, "more", [1, 2, 3, 4])


def test_scale_file_is_checked(tmp_path):
    scale = read_evidence_scale()
    assert set(scale["r"]) <= set(RS)
    p = tmp_path / "s.csv"
    p.write_text("r,metric,better,s2,s3,s4,s5\npeople,m,higher,0.5,0.4,0.6,0.7\n", encoding="utf-8")
    with pytest.raises(DataError, match="must increase"):
        read_evidence_scale(p)


def test_profile_and_gap_list_hand_computed(questions):
    answers = pd.Series({q: 2 for q in questions["id"]})
    answers.loc[questions.loc[questions["r"] == "people", "id"]] = 4
    selfs = self_scores(questions, answers)
    metrics = metrics_frame(
        [
            {"r": "people", "metric": "repeat_customer_share", "value": 0.7},  # grade 5
            {"r": "needs", "metric": "product_repeat_rate_a", "value": 0.05},  # grade 1
            {"r": "product", "metric": "return_rate_value", "value": None},  # not measured
        ]
    )
    ev = evidence_scores(metrics, read_evidence_scale()).set_index("r")
    assert ev.loc["people", "evidence_score"] == 5 and ev.loc["needs", "evidence_score"] == 1
    assert ev.loc["product", "evidence_status"] == "not_measured"
    assert ev.loc["price", "evidence_status"] == "no_scale"
    prof = profile(selfs, ev.reset_index()).set_index("r")
    assert prof.loc["people", "score"] == 4.5 and prof.loc["needs", "score"] == 1.5
    assert prof.loc["price", "score"] == 2 and prof.loc["price", "gap"] == 3
    assert not prof.loc["people", "disagreement"]
    gaps = gap_list(prof.reset_index())
    assert gaps["r"].iloc[0] == "needs" and gaps["r"].iloc[-1] == "people"
    # ties (score 2) keep the syllabus order
    assert gaps["r"].tolist()[1:4] == ["product", "price", "information"]


def test_metrics_frame_orders_by_r_and_rejects_bad_records():
    m = metrics_frame(
        [
            {"r": "place", "metric": "a", "value": 1},
            {"r": "people", "metric": "b", "value": 2},
            {"r": "people", "metric": "c", "value": 3, "source": "x"},
        ]
    )
    assert m[["r", "metric"]].values.tolist() == [["people", "b"], ["people", "c"], ["place", "a"]]
    with pytest.raises(
        ParameterError, match=r"The 'records\[0\].r' parameter must be one of 'people', .* Got 'nope' instead"
    ):
        metrics_frame([{"r": "nope", "metric": "a", "value": 1}])
    with pytest.raises(ParameterError, match="recorded twice"):
        metrics_frame([{"r": "people", "metric": "a"}, {"r": "people", "metric": "a"}])


def test_coverage_says_why_an_r_is_not_assessed():
    minimal = pd.DataFrame(
        {"customer_id": ["a"], "order_date": pd.to_datetime(["2011-01-01"]), "amount": [1.0]}
    )
    cov = coverage(minimal).set_index("analysis")
    assert cov.loc["concentration", "status"] == "assessed"
    assert cov.loc["baskets", "status"] == "not_assessed"
    assert cov.loc["baskets", "missing"] == "order_id, product_id"
    assert cov.loc["hour_weekday", "reason"] == "no_times"
    assert cov.loc["message_test", "status"] == "case_data"
    full = minimal.assign(
        order_date=pd.to_datetime(["2011-01-01 10:00"]), product_id="p", quantity=1, is_return=[False]
    )
    cov = coverage(full).set_index("analysis")
    assert cov.loc["hour_weekday", "status"] == "assessed"
    assert cov.loc["returns", "reason"] == "no_returns"
    assert set(cov["r"]) == set(RS)


def test_verdict_rules_and_table_in_both_languages():
    assert vd.people_verdict(0.85, 0.5, 0.8).judgement.endswith(".very")
    assert vd.people_verdict(0.74, 0.5, 0.7).judgement.endswith(".conc")
    assert vd.people_verdict(0.4, 0.5, 0.3).judgement.endswith(".broad")
    assert vd.price_verdict(-0.4, -0.8, 0.1).judgement.endswith(".unclear")
    assert vd.price_verdict(-1.5, -2.0, -1.1).judgement.endswith(".elastic")
    assert vd.price_verdict(-0.5, -0.8, -0.2).judgement.endswith(".inelastic")
    assert vd.product_verdict(0.22, 0.054).judgement.endswith(".high_returns")
    assert vd.product_verdict(0.22, None).figure.endswith(".noreturns")
    assert vd.place_verdict("UK", 0.82, "EIRE", 1.2, 38).judgement.endswith(".home")
    rules = pd.DataFrame(
        {
            "antecedent": ["1"],
            "consequent": ["2"],
            "antecedent_name": ["Cup"],
            "consequent_name": ["Saucer"],
            "lift": [5.0],
            "confidence": [0.5],
        }
    )
    verdicts = [
        vd.people_verdict(0.74, 0.66, 0.7),
        vd.needs_verdict(rules, 100, 0.3),
        vd.product_verdict(0.22, 0.054),
        vd.price_verdict(-0.4, -0.8, 0.1),
        vd.information_verdict(0.077, 0.045, 2, 1),
        vd.way_verdict("mobile phone", 0.147, 0.052, 0.056, 2, 0.76),
        vd.time_verdict(28, 0.46, "2011-11", 0.13),
        vd.not_assessed("place", "missing_columns", missing="region"),
    ]
    en, zh = vd.verdict_table(verdicts, "en"), vd.verdict_table(verdicts, "zh")
    assert en["r"].tolist()[0] == "Right People" and zh["r"].tolist()[0] == "精准客户定位"
    assert "74%" in en.loc[0, "figure"] and "74%" in zh.loc[0, "figure"]
    assert "Cup → Saucer" in en.loc[1, "figure"]
    assert "from call 3 on" in en.loc[5, "figure"]
    assert en.loc[7, "figure"] == "The data has no column for Region"
    assert zh.loc[7, "figure"] == "数据中缺少地区列"
    assert en.loc[4, "source"].startswith("Hillstrom")
    assert en.loc[0, "source"] == "Online Retail transactions (bundled)"
    assert vd.verdict_table(verdicts, "en", user_data=True).loc[0, "source"] == "Your transactions"


def test_verdict_figures_use_the_number_style_of_each_language():
    price = vd.price_verdict(-3.48, -4.26, -2.70)
    assert (
        price.text("figure", "en")
        == "Pooled price elasticity of the best sellers: −3.48 (95% interval −4.26–−2.70)."
    )
    assert "-" not in price.text("figure", "zh")
    info = vd.information_verdict(0.0766, 0.0452, 2, 1)
    assert "by 7.7 pp and the women's by 4.5 pp" in info.text("figure", "en")
    assert "7.7 个百分点" in info.text("figure", "zh") and "%" not in info.text("figure", "zh")
    time = vd.time_verdict(28, 0.455, "2011-11", 0.137)
    assert "busiest month Nov 2011 (14% of revenue)" in time.text("figure", "en")
    assert "2011年11月" in time.text("figure", "zh")
    place = vd.place_verdict("Atlantis", 0.82, "Lemuria", -0.05, 38)
    marked = place.text("figure", "zh", mark=lambda s: f"[{s}]")
    assert marked.startswith("[Atlantis]") and "[Lemuria]（−5%）" in marked
    assert "(+120%)" in vd.place_verdict("A", 0.5, "B", 1.2, 3).text("figure", "en")
    assert vd.code_label("Multichannel", "eight_r.channel", "zh") == "多渠道"
    assert vd.code_label("Own segment", "eight_r.channel", "zh", mark=lambda s: f"[{s}]") == "[Own segment]"


def test_every_chart_returns_a_figure_in_both_languages():
    from toolkit.charts import eight_r as ch
    from toolkit.eight_r.concentration import concentration

    conc = concentration(pd.Series([1.0, 2.0, 3.0, 10.0]))
    prof = pd.DataFrame(
        {
            "r": list(RS),
            "self_score": [3, 2, 4, 2, 3, 3, 2, 4],
            "evidence_score": [5, 3, np.nan, np.nan, np.nan, np.nan, 4, np.nan],
        }
    )
    prof["score"] = prof[["self_score", "evidence_score"]].mean(axis=1)
    alloc = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "spend": [1.0, 2.0],
            "recommended_spend": [1.5, 1.5],
            "expected_romi": [0.5, 0.2],
        }
    )
    for lang in ("en", "zh"):
        for fig in (
            ch.lorenz_chart(conc, lang),
            ch.radar_chart(prof, lang),
            ch.allocation_chart(alloc, lang),
        ):
            assert isinstance(fig, Figure)
            assert fig.axes[0].get_title()
            matplotlib.pyplot.close(fig)
    assert "基尼系数" in ch.lorenz_chart(conc, "zh").axes[0].get_title()


def test_skip_text_says_why_and_how_to_fix_in_both_languages():
    minimal = pd.DataFrame(
        {"customer_id": ["a"], "order_date": pd.to_datetime(["2011-01-01"]), "amount": [1.0]}
    )
    cov = coverage(minimal)
    assert vd.skip_text(cov, "concentration", "en") is None
    assert vd.skip_text(cov, "baskets", "en") == (
        "Market-basket rules — Not assessed: the data has no column for Order and Product code. "
        "Map a column of your file to Order and Product code and run again."
    )
    assert vd.skip_text(cov, "baskets", "zh").startswith(
        "购物篮关联规则 — 未评估：数据中缺少订单号和商品编码列。"
    )
    with pytest.raises(ParameterError, match="The 'analysis' parameter must be one of 'concentration', "):
        vd.skip_text(cov, "nope", "en")
    h = vd.headers(["spend", "revenue", "my_col"], "zh")
    assert h == {"spend": "投入", "revenue": "销售额"}
    assert vd.label_codes(["few_prices;not_significant", "", None], "eight_r.caveat", "en") == [
        "few prices, not significant",
        "",
        "",
    ]


def test_all_analysis_charts_render_on_a_small_shop():
    """Every chart function on the outputs of the models for a tiny synthetic shop, both languages."""
    from toolkit import eight_r as er
    from toolkit.charts import eight_r as ch

    rng = np.random.default_rng(3)
    rows = []
    for o in range(300):
        cust = f"c{rng.integers(0, 40)}"
        when = pd.Timestamp("2011-01-03 08:00") + pd.Timedelta(hours=int(rng.integers(0, 24 * 200)))
        for p in rng.choice(["p1", "p2", "p3", "p4", "p5"], size=rng.integers(1, 4), replace=False):
            price = {"p1": 1.0, "p2": 2.5, "p3": 4.0, "p4": 8.0, "p5": 12.0}[p] * (1 + 0.1 * (when.month % 3))
            q = int(rng.integers(1, 12))
            rows.append((cust, when, f"o{o}", p, f"Product {p}", q, price, q * price, ["UK", "FR"][o % 2]))
    tx = pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "order_date",
            "order_id",
            "product_id",
            "product_name",
            "quantity",
            "unit_price",
            "amount",
            "region",
        ],
    )
    tx["is_return"] = False
    abc, _ = er.abc_classes(tx)
    rules = er.basket_rules(tx, min_support=0.05, min_confidence=0.05).rules
    el = er.product_elasticities(tx, top_n=3, min_obs=5)
    pooled = er.pooled_elasticity(tx, el.loc[el["estimated"], "product_id"].tolist())
    gaps = er.inter_purchase_days(tx)
    test = pd.DataFrame(
        {
            "channel": ["Web", "Phone"] * 60,
            "segment": ["Mens E-Mail", "Womens E-Mail", "No E-Mail"] * 40,
            "visit": rng.integers(0, 2, 120),
            "mens": 1,
            "womens": 0,
        }
    )
    test["conversion"] = test["visit"] * rng.integers(0, 2, 120)
    bank = pd.DataFrame(
        {
            "campaign": rng.integers(1, 5, 200),
            "y": rng.choice(["yes", "no"], 200),
            "month": rng.choice(["may", "jun"], 200),
        }
    )
    curve = er.contact_curve(bank, max_contacts=4)
    for lang in ("en", "zh"):
        figs = [
            ch.new_returning_chart(er.new_vs_returning(tx), lang),
            ch.rules_chart(rules, lang),
            ch.abc_chart(abc, lang),
            ch.elasticity_chart(el, pooled, lang),
            ch.price_band_chart(er.price_bands(tx), lang),
            ch.message_chart(er.message_by_group(test, "channel"), lang),
            ch.funnel_chart(er.funnel(test), lang),
            ch.contact_curve_chart(curve, 0.1, lang),
            ch.hour_weekday_chart(er.hour_weekday(tx), lang),
            ch.monthly_chart(er.monthly(tx), lang),
            ch.gap_chart(gaps, er.gap_summary(gaps), lang),
            ch.success_by_group_chart(er.success_rates(bank, "month"), lang),
            ch.region_chart(er.region_summary(tx), lang),
        ]
        for fig in figs:
            assert isinstance(fig, Figure) and fig.axes
            matplotlib.pyplot.close(fig)
