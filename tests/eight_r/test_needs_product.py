"""Right Needs and Right Product: basket rules, ABC classes, returns, repeat purchases."""

import pandas as pd
import pytest

from toolkit.eight_r.baskets import basket_rules, sample_orders
from toolkit.eight_r.products import (
    abc_classes,
    product_repeat_rates,
    return_rates,
    weighted_repeat_rate,
)
from toolkit.errors import DataError, ParameterError

# The textbook toy basket set (five orders).
BASKETS = {
    "T1": ["bread", "milk"],
    "T2": ["bread", "diapers", "beer", "eggs"],
    "T3": ["milk", "diapers", "beer", "cola"],
    "T4": ["bread", "milk", "diapers", "beer"],
    "T5": ["bread", "milk", "diapers", "cola"],
}


def basket_frame():
    rows = [(o, i) for o, items in BASKETS.items() for i in items]
    return pd.DataFrame(rows, columns=["order_id", "product_id"])


def rule(rules, a, b):
    hit = rules[(rules["antecedent"] == a) & (rules["consequent"] == b)]
    assert len(hit) == 1, (a, b)
    return hit.iloc[0]


def test_toy_basket_rules_hand_computed():
    res = basket_rules(basket_frame(), min_support=0.4, min_confidence=0.5, min_lift=0.0)
    assert res.orders == 5 and res.single_item_orders == 0
    # eggs (1/5) and cola (2/5 -> kept) : frequent items are bread, milk, diapers, beer, cola
    assert res.frequent_items == 5
    r = rule(res.rules, "beer", "diapers")
    assert (r["support"], r["confidence"], r["lift"]) == pytest.approx((0.6, 1.0, 1.25))
    r = rule(res.rules, "diapers", "beer")
    assert (r["support"], r["confidence"], r["lift"]) == pytest.approx((0.6, 0.75, 1.25))
    r = rule(res.rules, "milk", "bread")
    assert (r["support"], r["confidence"], r["lift"]) == pytest.approx((0.6, 0.75, 0.9375))
    assert r["orders_both"] == 3
    # {milk, cola} appears in T3 and T5: support 0.4, cola -> milk confidence 1, lift 1 / 0.8
    r = rule(res.rules, "cola", "milk")
    assert (r["confidence"], r["lift"]) == pytest.approx((1.0, 1.25))
    # pairs below the minimum support never appear (beer & cola only in T3)
    assert res.rules[(res.rules["antecedent"] == "beer") & (res.rules["consequent"] == "cola")].empty
    # sorted by lift
    assert res.rules["lift"].is_monotonic_decreasing


def test_min_lift_and_confidence_filter_and_exclusion():
    res = basket_rules(basket_frame(), min_support=0.4, min_confidence=0.8, min_lift=1.1)
    assert set(zip(res.rules["antecedent"], res.rules["consequent"])) == {
        ("beer", "diapers"),
        ("cola", "milk"),
        ("cola", "diapers"),
    }
    res = basket_rules(basket_frame(), min_support=0.4, min_confidence=0.1, exclude=["diapers"])
    assert "diapers" not in set(res.rules["antecedent"]) | set(res.rules["consequent"])


def test_duplicate_lines_and_returns_count_once():
    df = basket_frame()
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    df["is_return"] = False
    extra = pd.DataFrame({"order_id": ["C9"], "product_id": ["beer"], "is_return": [True]})
    res = basket_rules(pd.concat([df, extra], ignore_index=True), min_support=0.4)
    assert res.orders == 5
    assert rule(res.rules, "beer", "diapers")["support"] == pytest.approx(0.6)


def test_names_are_attached_and_bad_parameters_rejected():
    df = basket_frame()
    df["product_name"] = df["product_id"].str.upper() + "  "
    res = basket_rules(df, min_support=0.4)
    assert rule(res.rules, "beer", "diapers")["consequent_name"] == "DIAPERS"
    with pytest.raises(ParameterError, match="'min_support' parameter"):
        basket_rules(df, min_support=0)
    with pytest.raises(DataError, match="order_id"):
        basket_rules(df.drop(columns="order_id"))


def test_sample_orders_keeps_whole_orders_reproducibly():
    df = basket_frame()
    s1, s2 = sample_orders(df, 2, seed=3), sample_orders(df, 2, seed=3)
    assert s1.equals(s2) and s1["order_id"].nunique() == 2
    for o, part in s1.groupby("order_id"):
        assert sorted(part["product_id"]) == sorted(BASKETS[o])
    assert len(sample_orders(df, 99)) == len(df)


def products():
    rows = [  # product, amount, quantity, customer, order, is_return
        ("A", 50.0, 5, "c1", "1", False),
        ("B", 25.0, 5, "c1", "1", False),
        ("C", 10.0, 10, "c2", "2", False),
        ("A", 10.0, 1, "c2", "2", False),
        ("D", 5.0, 1, "c3", "3", False),
        ("A", -10.0, -1, "c2", "C2", True),
        ("E", 4.0, 4, "c3", "3", False),
        ("E", -4.0, -4, "c3", "C3", True),
        ("A", 10.0, 1, "c1", "4", False),
    ]
    return pd.DataFrame(
        rows, columns=["product_id", "amount", "quantity", "customer_id", "order_id", "is_return"]
    )


def test_abc_classes_on_net_revenue():
    df = products()
    abc, excluded = abc_classes(df, a=0.6, b=0.9)
    # net revenue: A 60, B 25, C 10, D 5, E 0 (all returned) -> total 100
    assert excluded == 1
    assert abc["product_id"].tolist() == ["A", "B", "C", "D"]
    assert abc["share"].tolist() == pytest.approx([0.6, 0.25, 0.1, 0.05])
    # A: nothing before it -> A; B: 60% before (not < 60%) -> B; C: 85% before -> B; D: 95% -> C
    assert abc["abc"].tolist() == ["A", "B", "B", "C"]
    with pytest.raises(ParameterError, match="'a' parameter must be smaller than 'b'"):
        abc_classes(df, a=0.9, b=0.8)


def test_return_rates_by_quantity_and_value():
    df = products()
    per, summary = return_rates(df)
    per = per.set_index("product_id")
    assert per.loc["A", "return_rate"] == pytest.approx(1 / 7)
    assert per.loc["E", "return_rate"] == pytest.approx(1.0)
    assert per.loc["B", "return_rate"] == 0
    assert summary["return_rate_qty"] == pytest.approx(5 / 27)
    assert summary["return_rate_value"] == pytest.approx(14 / 114)
    with pytest.raises(DataError, match="returns: keep"):
        return_rates(df[~df["is_return"]])


def test_product_repeat_rates_and_weighted_mean():
    df = products()
    rep = product_repeat_rates(df).set_index("product_id")
    # A: c1 bought it in orders 1 and 4 (repeat), c2 once -> 1 of 2
    assert rep.loc["A", ["customers", "repeat_customers"]].tolist() == [2, 1]
    assert rep.loc["A", "repeat_rate"] == 0.5
    assert rep.loc["B", "repeat_rate"] == 0
    abc, _ = abc_classes(df, a=0.6, b=0.9)
    assert weighted_repeat_rate(rep.reset_index(), abc, classes=("A", "B")) == pytest.approx(
        (60 * 0.5 + 25 * 0 + 10 * 0) / 95
    )
