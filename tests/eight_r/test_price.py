"""Right Price: log-log elasticity on synthetic data with a known elasticity, price bands."""

import numpy as np
import pandas as pd
import pytest

from toolkit.eight_r.price import loglog_elasticity, pooled_elasticity, price_bands, product_elasticities
from toolkit.errors import DataError, ParameterError


def test_exact_power_law_recovers_elasticity():
    p = np.array([1.0, 1.5, 2.0, 3.0, 4.0])
    q = 100 * p**-1.5
    fit = loglog_elasticity(p, q)
    assert fit["elasticity"] == pytest.approx(-1.5)
    assert fit["r2"] == pytest.approx(1.0)
    assert fit["n_prices"] == 5


def test_noisy_data_interval_covers_the_true_value():
    rng = np.random.default_rng(7)
    p = rng.choice([2.0, 2.2, 2.5, 2.8, 3.0], size=400)
    q = 500 * p**-2.0 * np.exp(rng.normal(0, 0.2, size=p.size))
    fit = loglog_elasticity(p, q)
    assert fit["ci_low"] < -2.0 < fit["ci_high"]
    assert fit["elasticity"] == pytest.approx(-2.0, abs=0.15)
    # a 90% interval is narrower than the 95% one
    narrow = loglog_elasticity(p, q, confidence=0.9)
    assert narrow["ci_high"] - narrow["ci_low"] < fit["ci_high"] - fit["ci_low"]


def test_elasticity_errors():
    with pytest.raises(DataError, match="two different prices"):
        loglog_elasticity([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(DataError, match="positive"):
        loglog_elasticity([1.0, 2.0, 3.0], [1.0, 0.0, 3.0])
    with pytest.raises(DataError, match="at least 3"):
        loglog_elasticity([1.0, 2.0], [1.0, 2.0])


def synthetic_tx(elasticity=-1.2, days=60, tiers=False, seed=0):
    """Two products; the list price changes every 10 days; demand follows the power law.

    With ``tiers``, half the days also have one big order at a 20% volume discount,
    which the average-price basis wrongly reads as price response.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for code, base, level in (("P1", 2.0, 300), ("P2", 5.0, 80)):
        for d in range(days):
            date = pd.Timestamp("2011-01-01") + pd.Timedelta(days=d)
            price = base * (1 + 0.1 * ((d // 10) % 4))
            q = level * (price / base) ** elasticity * np.exp(rng.normal(0, 0.05))
            n_small = 4
            for i in range(n_small):
                rows.append((code, date, q / n_small, price, f"c{i}"))
            if tiers and rng.random() < 0.5:
                rows.append((code, date, int(20 * q), price * 0.8, "big"))
    df = pd.DataFrame(rows, columns=["product_id", "order_date", "quantity", "unit_price", "customer_id"])
    df["amount"] = df["quantity"] * df["unit_price"]
    return df


def test_product_elasticities_on_known_demand():
    out = product_elasticities(synthetic_tx(), top_n=2, min_obs=20)
    assert out["product_id"].tolist() == ["P1", "P2"]  # P1 sells more revenue
    assert out["estimated"].all()
    for _, row in out.iterrows():
        assert row["ci_low"] < -1.2 < row["ci_high"]
        assert row["n_prices"] == 4 and row["n_obs"] == 60
        assert "not_significant" not in row["caveats"]
    pooled = pooled_elasticity(synthetic_tx(), ["P1", "P2"])
    assert pooled["ci_low"] < -1.2 < pooled["ci_high"]
    assert pooled["products"] == 2 and pooled["n_obs"] == 120


def test_list_price_resists_volume_discounts_average_price_does_not():
    df = synthetic_tx(tiers=True, seed=1)
    listed = product_elasticities(df, top_n=1)
    average = product_elasticities(df, top_n=1, basis="average")
    assert listed.loc[0, "ci_low"] < -1.2 < listed.loc[0, "ci_high"]
    assert average.loc[0, "elasticity"] < -2  # biased by the big discounted orders
    assert "volume_tiers" in average.loc[0, "caveats"]
    assert "volume_tiers" not in listed.loc[0, "caveats"]


def test_products_without_enough_data_are_listed_with_a_reason():
    df = synthetic_tx()
    one_price = df[df["product_id"] == "P2"].assign(unit_price=5.0, product_id="P3")
    one_price["amount"] = one_price["quantity"] * 100.0  # make it the best seller
    df = pd.concat([df, one_price], ignore_index=True)
    out = product_elasticities(df, top_n=3, min_obs=20).set_index("product_id")
    assert out.loc["P3", "reason"] == "one_price" and not out.loc["P3", "estimated"]
    out = product_elasticities(df, top_n=3, min_obs=61).set_index("product_id")
    assert (out["reason"] == "too_few_periods").all()
    with pytest.raises(ParameterError, match="The 'basis' parameter must be one of 'list' or 'average'"):
        product_elasticities(df, basis="mean")


def test_price_bands_hand_computed():
    rows = [  # customer, unit price, quantity
        ("a", 1.0, 1),
        ("a", 10.0, 1),  # a spends 11
        ("b", 1.0, 2),  # b spends 2
        ("c", 10.0, 3),
        ("c", 1.0, 10),  # c spends 40
        ("d", 1.0, 1),  # d spends 1
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "unit_price", "quantity"])
    df["amount"] = df["unit_price"] * df["quantity"]
    out = price_bands(df, bands=[0, 5, 20], tiers=2)
    # tiers by spend: low = d, b; high = a, c
    high = out[out["spend_tier"] == 2].set_index("band")
    assert high["revenue"].tolist() == [11.0, 40.0]
    assert high["share_of_tier"].tolist() == pytest.approx([11 / 51, 40 / 51])
    assert high["customers"].iloc[0] == 2
    assert high["tier_mean_spend"].iloc[0] == pytest.approx(25.5)
    assert high["avg_unit_price"].iloc[0] == pytest.approx(51 / 15)
    low = out[out["spend_tier"] == 1]
    assert low["price_band"].tolist() == ["0.00-5.00"] and low["share_of_tier"].tolist() == [1.0]
    with pytest.raises(DataError, match="outside the band edges"):
        price_bands(df, bands=[0, 5])
