"""One definition of the concentration measures (toolkit.concentration), checked by hand and independently."""

import numpy as np
import pandas as pd
import pytest

import toolkit.value as cv
from toolkit import concentration as cm
from toolkit import eight_r as er
from toolkit.errors import DataError, ParameterError


def test_hand_computed_one_to_four_and_ten():
    # revenues 1, 2, 3, 4, 10 (total 20), n = 5
    # top 20%: ceil(0.2 x 5) = 1 customer, the 10 -> 10 / 20 = 0.5
    # top 30%: ceil(1.5) = 2 customers, 10 + 4 -> 14 / 20 = 0.7
    # Gini: sum (2i - n - 1) x_(i) = -4x1 - 2x2 + 0x3 + 2x4 + 4x10 = 40; / (n x total = 100) = 0.4
    # Lorenz (smallest first): 0, 1/20, 3/20, 6/20, 10/20, 20/20
    values = [10.0, 1.0, 3.0, 2.0, 4.0]
    assert cm.top_share(values) == pytest.approx(0.5)
    assert cm.top_share(values, 0.3) == pytest.approx(0.7)
    assert cm.gini(values) == pytest.approx(0.4)
    curve = cm.lorenz_curve(values)
    assert curve["share_of_customers"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert curve["share_of_revenue"].tolist() == pytest.approx([0, 0.05, 0.15, 0.30, 0.50, 1.0])
    c = cm.concentration(values)
    assert (c.top_customers, c.customers, c.excluded) == (1, 5, 0)
    assert (c.top_share, c.gini) == (pytest.approx(0.5), pytest.approx(0.4))


def test_gini_equals_mean_absolute_difference_over_twice_the_mean():
    # hand: the 10 unordered pairs of 1, 2, 3, 4, 10 differ by 1+2+3+9+1+2+8+1+7+6 = 40, so all ordered
    # pairs (i = j included) sum to 80; 80 / 25 = 3.2 = mean absolute difference; mean 4 -> 3.2 / 8 = 0.4
    rng = np.random.default_rng(7)
    for values in (
        [1.0, 2.0, 3.0, 4.0, 10.0],
        rng.lognormal(3, 1.2, 301),
        rng.integers(1, 50, 40).astype(float),
    ):
        x = np.asarray(values)
        mad = np.abs(x[:, None] - x[None, :]).mean()
        assert cm.gini(x) == pytest.approx(mad / (2 * x.mean()), rel=1e-12)


def test_gini_is_one_minus_twice_the_area_under_the_lorenz_curve():
    x = np.random.default_rng(3).pareto(2.0, 500) + 1
    curve = cm.lorenz_curve(x)
    p, s = curve["share_of_customers"].to_numpy(), curve["share_of_revenue"].to_numpy()
    area = np.sum((s[1:] + s[:-1]) / 2 * np.diff(p))
    assert cm.gini(x) == pytest.approx(1 - 2 * area, rel=1e-12)


def test_top_share_agrees_with_sorting_and_adding_the_first_ceil_rows():
    x = pd.Series(np.random.default_rng(11).gamma(0.8, 100.0, 4338))
    # 20% of 4,338 is 867.6 customers: the top group is 868
    assert cm.top_count(4338) == 868
    assert cm.top_share(x) == pytest.approx(x.nlargest(868).sum() / x.sum(), rel=1e-12)
    # whole numbers are not rounded up by floating-point noise: 20% of 10 is 2 customers
    assert cm.top_count(10, 0.2) == 2 and cm.top_count(3, 0.5) == 2 and cm.top_count(1, 0.01) == 1


def test_zero_and_negative_customers_are_left_out_and_counted():
    # the same five customers plus one at zero and one at -5 (returned more than bought)
    c = cm.concentration([10.0, 1.0, 0.0, 3.0, -5.0, 2.0, 4.0])
    assert (c.customers, c.excluded) == (5, 2)
    assert c.top_share == pytest.approx(0.5) and c.gini == pytest.approx(0.4)
    assert cm.gini([10.0, 1.0, 0.0, 3.0, -5.0, 2.0, 4.0]) == pytest.approx(0.4)


def test_extremes_one_customer_and_equal_customers():
    assert cm.gini([0.0, 0.0, 0.0, 8.0]) == pytest.approx(0.0)  # one counted customer: nothing to compare
    assert cm.top_share([8.0]) == 1.0
    assert cm.gini([5.0] * 4) == pytest.approx(0.0)
    assert cm.top_share([5.0] * 10, 0.3) == pytest.approx(0.3)
    # one customer with everything among n: Gini (n - 1) / n
    assert cm.gini([1e-12, 1e-12, 1e-12, 8.0]) == pytest.approx(0.75, abs=1e-9)


def test_bad_values_are_errors_not_skipped():
    with pytest.raises(DataError, match=r"1 are missing or infinite \(customers \[2\]"):
        cm.gini([1.0, np.nan, 3.0])
    with pytest.raises(DataError, match="all 2 customers have zero or less"):
        cm.top_share([0.0, -1.0])
    with pytest.raises(DataError, match="all 0 customers"):
        cm.lorenz_curve([])
    with pytest.raises(ParameterError, match="'share' parameter must be a number in the range"):
        cm.top_share([1.0, 2.0], 0)
    with pytest.raises(ParameterError, match="'share' parameter"):
        cm.top_share([1.0, 2.0], 1.5)


def test_every_report_uses_the_same_functions():
    assert cv.lorenz_curve is cm.lorenz_curve and cv.gini is cm.gini and cv.top_share is cm.top_share
    assert er.lorenz_curve is cm.lorenz_curve and er.Concentration is cm.Concentration
    # the 8R function on transactions gives what the core gives on revenue per customer
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "d", "e"],
            "order_date": pd.to_datetime(
                ["2011-01-01", "2011-02-01", "2011-01-05", "2011-01-07", "2011-01-08", "2011-01-09"]
            ),
            "amount": [6.0, 4.0, 1.0, 3.0, 2.0, 4.0],
            "order_id": ["1", "2", "3", "4", "5", "6"],
        }
    )
    eight = er.concentration(tx)
    assert eight.top_share == pytest.approx(cv.top_share([10.0, 1.0, 3.0, 2.0, 4.0])) == pytest.approx(0.5)
    assert eight.gini == pytest.approx(0.4)


def test_lorenz_chart_marks_the_reported_top_share():
    from toolkit.charts import value as charts

    x = [1.0, 2.0, 3.0, 4.0, 10.0, 5.0, 7.0]  # ceil(0.2 x 7) = 2 customers: 17 / 32
    fig = charts.lorenz_chart(cm.lorenz_curve(x), "en")
    point = [line for line in fig.axes[0].lines if len(line.get_xdata()) == 1][0]
    assert point.get_xdata()[0] == pytest.approx(5 / 7)
    assert 1 - point.get_ydata()[0] == pytest.approx(17 / 32) == pytest.approx(cm.top_share(x))


def test_every_topic_uses_the_one_definition():
    import toolkit.concentration as one
    import toolkit.eight_r as eight_r
    import toolkit.value as value

    assert value.lorenz_curve is one.lorenz_curve and eight_r.lorenz_curve is one.lorenz_curve
    assert value.gini is one.gini and value.top_share is one.top_share


def test_eight_r_rfm_and_value_paths_give_the_same_numbers():
    # the RFM and customer-value notebooks measure the customer table they build;
    # the 8R analysis measures transactions: all three must agree on one case
    from toolkit.rfm.customers import customer_table

    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "d", "e", "b"],
            "order_date": pd.to_datetime(
                [
                    "2011-01-01",
                    "2011-02-01",
                    "2011-01-05",
                    "2011-01-07",
                    "2011-01-08",
                    "2011-01-09",
                    "2011-01-10",
                ]
            ),
            "amount": [6.0, 4.0, 1.0, 3.0, 2.0, 4.0, 7.0],
            "order_id": ["1", "2", "3", "4", "5", "6", "7"],
        }
    )
    # revenue per customer: a 10, b 8, c 3, d 2, e 4 -> total 27; top 20% = 1 customer = 10 / 27
    by_hand_top = 10 / 27
    values = [10.0, 8.0, 3.0, 2.0, 4.0]
    pairs = sum(abs(x - y) for x in values for y in values)
    by_hand_gini = pairs / (2 * len(values) ** 2 * np.mean(values))
    eight = er.concentration(tx)
    rfm = cm.concentration(customer_table(tx).customers["monetary"], top=0.2)
    value = cm.concentration(cv.historic_value(tx)["revenue"], top=0.2)
    for result in (eight, rfm, value):
        assert result.top_share == pytest.approx(by_hand_top)
        assert result.gini == pytest.approx(by_hand_gini)
