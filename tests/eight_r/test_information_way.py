"""Right Information and Right Way: message test, funnel, contact method and number of calls."""

import numpy as np
import pandas as pd
import pytest

from toolkit.data.datasets import load_bank_marketing, load_hillstrom
from toolkit.eight_r.information import add_buyer_type, arm_summary, mean_difference, message_by_group
from toolkit.eight_r.way import contact_cap, contact_curve, funnel, success_rates, wilson_interval
from toolkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def hillstrom():
    return load_hillstrom()


@pytest.fixture(scope="module")
def bank():
    return load_bank_marketing()


def test_hillstrom_arms_match_published_figures(hillstrom):
    s = arm_summary(hillstrom).set_index("arm")
    assert s.loc["Mens E-Mail", "customers"] == 21307
    assert s.loc["Womens E-Mail", "customers"] == 21387
    assert s.loc["No E-Mail", "customers"] == 21306
    assert s.loc["Mens E-Mail", ["visit", "conversion", "spend"]].round(4).tolist() == [
        0.1828,
        0.0125,
        1.4226,
    ]
    assert s.loc["Womens E-Mail", ["visit", "conversion", "spend"]].round(4).tolist() == [
        0.1514,
        0.0088,
        1.0772,
    ]
    assert s.loc["No E-Mail", ["visit", "conversion", "spend"]].round(4).tolist() == [0.1062, 0.0057, 0.6528]


def test_message_by_group_on_a_hand_made_test():
    rows = []
    for grp, (a, b, c) in {"g1": (8, 2, 1), "g2": (3, 3, 1), "g3": (6, 2, 1)}.items():
        for arm, hits in zip(["A", "B", "C"], (a, b, c)):
            rows += [(grp, arm, 1)] * hits + [(grp, arm, 0)] * (10 - hits)
    df = pd.DataFrame(rows, columns=["g", "arm", "y"])
    out = message_by_group(df, "g", "y", arm="arm", arms=("A", "B", "C")).set_index("group")
    assert out.loc["g1", ["rate_a", "rate_b", "rate_control"]].tolist() == pytest.approx([0.8, 0.2, 0.1])
    assert out.loc["g1", ["lift_a", "lift_b", "diff"]].tolist() == pytest.approx([0.7, 0.1, 0.6])
    # se = sqrt(var_a/10 + var_b/10), sample variances 0.8*0.2*10/9 each
    se = np.sqrt(2 * 0.16 * 10 / 9 / 10)
    assert out.loc["g1", "ci_low"] == pytest.approx(0.6 - 1.959964 * se, abs=1e-6)
    assert out.loc["g1", "best"] == "a"
    assert out.loc["g2", "diff"] == 0 and out.loc["g2", "best"] == "either"
    # 0.6 vs 0.2 of 10 each: se = 0.2108, half-width 0.413 > 0.4, so no clear winner
    assert out.loc["g3", "ci_low"] < 0 and out.loc["g3", "best"] == "either"


def test_buyer_type_and_hillstrom_groups(hillstrom):
    typed = add_buyer_type(hillstrom)
    assert typed["buyer_type"].value_counts().to_dict() == {"mens": 28818, "womens": 28734, "both": 6448}
    out = message_by_group(hillstrom).set_index("group")
    assert out.loc["mens", "best"] == "a" and out.loc["womens", "best"] == "either"
    assert out["customers"].sum() == 64000


def test_mean_difference_and_errors():
    d = mean_difference([1, 2, 3, 4], [1, 1, 1, 1])
    assert d["diff"] == 1.5 and d["se"] == pytest.approx(np.sqrt(np.var([1, 2, 3, 4], ddof=1) / 4))
    with pytest.raises(DataError, match="at least 2"):
        mean_difference([1], [1, 2])
    df = pd.DataFrame({"segment": ["A", "B"], "g": [1, 1], "y": [0, 1]})
    with pytest.raises(DataError, match=r"no rows for arm\(s\)"):
        message_by_group(df, "g", "y")
    with pytest.raises(ParameterError, match="three different arms"):
        message_by_group(df, "g", "y", arms=("A", "A", "B"))


def test_funnel_leaves_out_the_control_and_counts_it(hillstrom):
    out = funnel(hillstrom).set_index("group")
    assert out.attrs["control_rows"] == 21306
    assert out["contacts"].sum() == 21307 + 21387
    contacted = hillstrom[hillstrom["segment"] != "No E-Mail"]
    web = contacted[contacted["channel"] == "Web"]
    assert out.loc["Web", "visit_rate"] == pytest.approx(web["visit"].mean())
    assert out.loc["Web", "visit_to_purchase"] == pytest.approx(web["conversion"].sum() / web["visit"].sum())
    bad = pd.DataFrame({"channel": ["x"], "segment": ["m"], "visit": [0], "conversion": [1]})
    with pytest.raises(DataError, match="conversion without a visit"):
        funnel(bad)


def test_wilson_interval_known_value():
    lo, hi = wilson_interval(np.array([5]), np.array([10]))
    assert lo[0] == pytest.approx(0.2366, abs=1e-4) and hi[0] == pytest.approx(0.7634, abs=1e-4)


def test_bank_success_rates_match_published_total(bank):
    out = success_rates(bank, "contact")
    assert out["calls"].sum() == 41188 and out["successes"].sum() == 4640
    assert out["successes"].sum() / out["calls"].sum() == pytest.approx(0.1127, abs=5e-5)
    cell = out.set_index("group").loc["cellular"]
    assert cell["ci_low"] < cell["success_rate"] < cell["ci_high"]
    months = success_rates(bank, "month", order=["mar", "apr", "may"])
    assert months["group"].tolist()[:3] == ["mar", "apr", "may"]


def test_contact_curve_hand_computed():
    # clients: 4 called once (1 success), 3 called twice (1 success), 1 called 3 times (success)
    df = pd.DataFrame(
        {"campaign": [1, 1, 1, 1, 2, 2, 2, 3], "y": ["yes", "no", "no", "no", "yes", "no", "no", "yes"]}
    )
    out = contact_curve(df, max_contacts=3)
    assert out["reached"].tolist() == [8, 4, 1]
    assert out["successes"].tolist() == [1, 1, 1]
    assert out["success_rate"].tolist() == pytest.approx([1 / 8, 1 / 4, 1.0])
    assert out["cum_success_share"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    short = contact_curve(df, max_contacts=1)
    assert short["later_successes"].tolist() == [2]
    cap = contact_cap(out, cost_per_contact=1.0, value_per_success=5.0)  # break-even 20%
    assert cap == {"break_even_rate": 0.2, "cap": 0, "successes_kept": 0.0}
    cap = contact_cap(out, cost_per_contact=1.0, value_per_success=10.0)  # 10%: all pay
    assert cap["cap"] == 3 and cap["successes_kept"] == 1.0
    with pytest.raises(DataError, match="must be >= 1"):
        contact_curve(pd.DataFrame({"campaign": [0], "y": ["no"]}))


def test_bank_calls_show_diminishing_returns(bank):
    out = contact_curve(bank, max_contacts=6)
    assert out["reached"].iloc[0] == 41188
    assert out["successes"].iloc[0] == 2300
    assert out["success_rate"].is_monotonic_decreasing
