"""Right People: concentration, Lorenz/Gini, new vs returning, repeat customers."""

import numpy as np
import pandas as pd
import pytest

from toolkit.eight_r.concentration import (
    concentration,
    customer_revenue,
    lorenz_curve,
    new_vs_returning,
    repeat_customers,
)
from toolkit.errors import DataError, ParameterError


def tx(rows):
    """Transactions from (customer, date, amount, order[, is_return]) tuples."""
    cols = ["customer_id", "order_date", "amount", "order_id", "is_return"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def test_values_one_to_five_hand_computed():
    # revenue 1..5: top 20% = the customer with 5 -> 5/15; Gini = (n-1)/(3n) = 4/15
    c = concentration(pd.Series([3.0, 1.0, 5.0, 2.0, 4.0]))
    assert c.top_share == pytest.approx(1 / 3)
    assert c.gini == pytest.approx(4 / 15)
    assert c.customers == 5 and c.excluded == 0
    assert c.lorenz["share_of_revenue"].tolist() == pytest.approx([0, 1 / 15, 3 / 15, 6 / 15, 10 / 15, 1])


def test_equal_customers_have_no_concentration():
    c = concentration(pd.Series([7.0] * 10), top=0.3)
    assert c.top_share == pytest.approx(0.3)
    assert c.gini == pytest.approx(0.0, abs=1e-12)


def test_pareto_distribution_matches_theory():
    # Pareto with alpha = 3: top-p share = p^(1 - 1/alpha), Gini = 1 / (2 alpha - 1)
    a, n = 3.0, 200_000
    u = (np.arange(n) + 0.5) / n
    c = concentration(pd.Series((1 - u) ** (-1 / a)))
    assert c.top_share == pytest.approx(0.2 ** (1 - 1 / a), abs=1e-3)
    assert c.gini == pytest.approx(1 / (2 * a - 1), abs=1e-3)


def test_fractional_top_rounds_up_to_whole_customers():
    # 3 customers, top 50% = ceil(1.5) = 2 customers, the 6 and the 3: 9 / 10
    c = concentration(pd.Series([1.0, 3.0, 6.0]), top=0.5)
    assert c.top_share == pytest.approx(0.9) and c.top_customers == 2


def test_net_revenue_uses_returns_and_excludes_non_positive_customers():
    d = tx(
        [
            ("a", "2011-01-01", 100.0, "1", False),
            ("a", "2011-02-01", -30.0, "C1", True),
            ("b", "2011-01-05", 50.0, "2", False),
            ("b", "2011-01-06", -50.0, "C2", True),
            ("c", "2011-01-07", 20.0, "3", False),
            ("c", "2011-03-07", 20.0, "4", False),
        ]
    )
    rev = customer_revenue(d).set_index("customer_id")
    assert rev.loc["a", "revenue"] == 70 and rev.loc["a", "orders"] == 1
    assert rev.loc["c", "orders"] == 2
    c = concentration(d)
    assert c.customers == 2 and c.excluded == 1  # b returned everything
    assert c.gini == pytest.approx(1 - 2 * (0.5 * 40 / 110 / 2 + 0.5 * (40 / 110 + 1) / 2))


def test_lorenz_rejects_bad_values():
    # a zero customer is left out of the curve (concentration() counts it in 'excluded')
    assert lorenz_curve([1.0, 0.0])["share_of_revenue"].tolist() == [0.0, 1.0]
    with pytest.raises(DataError, match="finite"):
        lorenz_curve([1.0, float("inf")])
    with pytest.raises(DataError, match="at least one"):
        lorenz_curve([])
    with pytest.raises(ParameterError, match="'top' parameter must be a number in the range"):
        concentration(pd.Series([1.0]), top=1.5)


def test_new_vs_returning_by_month():
    d = tx(
        [
            ("a", "2011-01-03", 10.0, "1"),
            ("b", "2011-01-09", 5.0, "2"),
            ("a", "2011-02-01", 20.0, "3"),
            ("c", "2011-02-02", 7.0, "4"),
            ("c", "2011-02-20", 3.0, "5"),
            ("b", "2011-03-01", 1.0, "6"),
        ]
    )
    out = new_vs_returning(d)
    assert out["period"].tolist() == ["2011-01", "2011-02", "2011-03"]
    assert out["new_customers"].tolist() == [2, 1, 0]
    assert out["returning_customers"].tolist() == [0, 1, 1]
    assert out["revenue_new"].tolist() == [15.0, 10.0, 0.0]
    assert out["revenue_returning"].tolist() == [0.0, 20.0, 1.0]
    assert out["returning_share"].tolist() == [0.0, 0.5, 1.0]
    assert out["censored"].tolist() == [True, False, False]


def test_repeat_customers_by_order_or_by_day():
    d = tx([("a", "2011-01-01", 1.0, "1"), ("a", "2011-01-01", 1.0, "2"), ("b", "2011-01-02", 1.0, "3")])
    assert repeat_customers(d) == {"customers": 2, "repeat_customers": 1, "repeat_share": 0.5}
    # without order ids, two orders on the same day are one purchase day
    assert repeat_customers(d.drop(columns="order_id"))["repeat_customers"] == 0


def test_missing_column_error_names_the_column():
    with pytest.raises(DataError, match=r"needs the column\(s\) \['amount'\].*--map amount="):
        customer_revenue(pd.DataFrame({"customer_id": ["a"], "order_date": ["2011-01-01"]}))
