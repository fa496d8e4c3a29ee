"""BG/NBD and Gamma-Gamma formulas on tiny cases checked by hand or by integration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from toolkit.errors import DataError, ParameterError
from toolkit.value import bgnbd, gammagamma


def frame(x, tx, T, m=None) -> pd.DataFrame:
    data = {"frequency": x, "recency": tx, "T": T}
    if m is not None:
        data["monetary_value"] = m
    return pd.DataFrame(data, index=[f"c{i}" for i in range(len(x))])


UNIT = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}


def test_bgnbd_likelihood_by_hand():
    # r = alpha = a = b = 1.
    # x=0, T=1:            L = (1/(1+1))^1                                 = 1/2
    # x=1, t_x=1, T=2:     L = B(1,2)/B(1,1) * 1/3^2 + B(2,1)/B(1,1) * 1/2^2 = 1/18 + 1/8 = 13/72
    ll = bgnbd.log_likelihood(UNIT, frame([0, 1], [0.0, 1.0], [1.0, 2.0]))
    assert ll.to_numpy() == pytest.approx([math.log(1 / 2), math.log(13 / 72)], rel=1e-12)


def test_bgnbd_probability_alive_by_hand():
    # 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + (3/2)^2) = 4/13; x = 0 -> 1
    p = bgnbd.probability_alive(UNIT, frame([1, 0], [1.0, 0.0], [2.0, 5.0]))
    assert p.to_numpy() == pytest.approx([4 / 13, 1.0], rel=1e-12)


@pytest.mark.parametrize("x,tx,T", [(0, 0.0, 4.0), (2, 4.0, 6.0), (5, 2.5, 9.0)])
def test_bgnbd_likelihood_matches_the_individual_model_integrated(x, tx, T):
    # Integrate the individual-level likelihood over the gamma (lambda) and beta (p) mixing laws.
    r, alpha, a, b = 2.0, 3.0, 1.5, 2.5
    log_gamma_norm = r * math.log(alpha) - math.lgamma(r)
    log_beta_norm = -special.betaln(a, b)

    def integrand(lam, p):
        alive = (1 - p) ** x * lam**x * math.exp(-lam * T)
        dead = p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * tx) if x > 0 else 0.0
        prior = math.exp(
            log_gamma_norm
            + (r - 1) * math.log(lam)
            - alpha * lam
            + log_beta_norm
            + (a - 1) * math.log(p)
            + (b - 1) * math.log1p(-p)
        )
        return (alive + dead) * prior

    value, _ = integrate.dblquad(integrand, 1e-300, 1, 1e-300, 40, epsabs=1e-12, epsrel=1e-9)
    ll = bgnbd.log_likelihood({"r": r, "alpha": alpha, "a": a, "b": b}, frame([x], [tx], [T]))
    assert ll.iloc[0] == pytest.approx(math.log(value), abs=1e-7)


def _expected_by_integration(params, x, tx, T, t):
    """E[Y(t) | x, t_x, T] by a 1-D integral over the dropout probability p.

    Given lambda and p, a customer alive at T makes (1 - exp(-lambda p t)) / p purchases
    in (T, T+t]. Integrating lambda out analytically against its gamma posterior leaves
    an integral over p, computed with quad: no hypergeometric function involved.
    """
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    s, beta = r + x, alpha + T
    log_c_T = (
        special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) - (r + x) * math.log(alpha + T)
    )
    log_c_tx = (
        special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) - (r + x) * math.log(alpha + tx)
    )
    log_beta = special.betaln(a, b)

    def alive(p):  # prior(p) * P(x purchases, alive at T | p), without c_T
        return math.exp((a - 1) * math.log(p) + (b + x - 1) * math.log1p(-p) - log_beta)

    def future(p):
        return alive(p) * (1 - (beta / (beta + p * t)) ** s) / p

    peak = min(0.5, a / (a + b + x))
    num = sum(integrate.quad(future, lo, hi, limit=400, epsrel=1e-11)[0] for lo, hi in ((0, peak), (peak, 1)))
    den_alive = sum(
        integrate.quad(alive, lo, hi, limit=400, epsrel=1e-11)[0] for lo, hi in ((0, peak), (peak, 1))
    )
    den_dead = 0.0
    if x > 0:
        den_dead = math.exp(special.betaln(a + 1, b + x - 1) - log_beta + log_c_tx - log_c_T)
    return num / (den_alive + den_dead)


@pytest.mark.parametrize(
    "x,tx,T,t",
    [
        (0, 0.0, 38.86, 39.0),
        (2, 30.43, 38.86, 39.0),
        (26, 30.86, 31.0, 39.0),
        (400, 2990.0, 3000.0, 365.0),  # a very long, busy history
        (300, 800.0, 3000.0, 365.0),  # busy, then silent for years
    ],
)
def test_expected_purchases_match_integration(x, tx, T, t):
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    got = bgnbd.expected_purchases(params, frame([x], [tx], [T]), t).iloc[0]
    assert np.isfinite(got)
    assert got == pytest.approx(_expected_by_integration(params, x, tx, T, t), rel=1e-6, abs=1e-10)


def test_new_customer_expectation_agrees_with_conditional_formula():
    # A customer observed for T = 0 with no repeat purchase is a brand-new customer.
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    t = np.array([1.0, 10.0, 39.0, 78.0])
    conditional = [bgnbd.expected_purchases(params, frame([0], [0.0], [0.0]), h).iloc[0] for h in t]
    assert bgnbd.expected_purchases_new_customer(params, t) == pytest.approx(conditional, rel=1e-10)


def test_purchase_count_probabilities_sum_to_one_and_give_the_mean():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    t = np.array([5.0, 39.0])
    probs = np.array([bgnbd.probability_of_purchases(params, n, t) for n in range(400)])
    assert probs.sum(axis=0) == pytest.approx([1.0, 1.0], abs=1e-6)
    mean = (np.arange(400)[:, None] * probs).sum(axis=0)
    assert mean == pytest.approx(bgnbd.expected_purchases_new_customer(params, t), rel=1e-4)


def test_no_dropout_edge_reduces_to_the_nbd():
    nbd = {"r": 2.0, "alpha": 10.0, "a": 0.0, "b": float("nan")}
    data = frame([0, 3], [0.0, 5.0], [8.0, 12.0])
    assert bgnbd.probability_alive(nbd, data).tolist() == [1.0, 1.0]
    # E[Y(t)] = (r + x) t / (alpha + T)
    assert bgnbd.expected_purchases(nbd, data, 4.0).to_numpy() == pytest.approx([2 * 4 / 18, 5 * 4 / 22])
    # and the general formula tends to it as a -> 0
    near = {"r": 2.0, "alpha": 10.0, "a": 1e-9, "b": 3.0}
    assert bgnbd.expected_purchases(near, data, 4.0).to_numpy() == pytest.approx([8 / 18, 20 / 22], rel=1e-6)
    # negative binomial counts
    assert bgnbd.probability_of_purchases(nbd, 1, 10.0) == pytest.approx(
        2 * (10 / 20) ** 2 * (10 / 20), rel=1e-12
    )


def test_gamma_gamma_likelihood_by_hand_and_by_integration():
    # p=1, q=2, gamma=1, x=1, m=1: integral of nu e^{-nu} * nu e^{-nu} d nu = 2/2^3 = 1/4
    ll = gammagamma.log_likelihood({"p": 1.0, "q": 2.0, "gamma": 1.0}, frame([1], [1.0], [2.0], [1.0]))
    assert ll.iloc[0] == pytest.approx(math.log(1 / 4), rel=1e-12)
    # general case: the mean of x gamma(p, nu) values is gamma(p x, x nu); nu ~ gamma(q, gamma)
    p, q, g, x, m = 6.25, 3.74, 15.44, 3, 28.5
    value, _ = integrate.quad(
        lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * stats.gamma.pdf(nu, q, scale=1 / g),
        0,
        5,
        epsabs=1e-14,
        limit=200,
    )
    ll = gammagamma.log_likelihood({"p": p, "q": q, "gamma": g}, frame([x], [1.0], [2.0], [m]))
    assert ll.iloc[0] == pytest.approx(math.log(value), abs=1e-8)


def test_expected_spend_formula():
    params = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    data = frame([0, 2], [0.0, 10.0], [20.0, 20.0], [0.0, 30.0])
    got = gammagamma.expected_spend(params, data).to_numpy()
    population = 6.25 * 15.44 / 2.74
    own = 6.25 * (15.44 + 2 * 30.0) / (6.25 * 2 + 3.74 - 1)
    assert got == pytest.approx([population, own], rel=1e-12)
    assert gammagamma.population_mean_spend(params) == pytest.approx(population)
    with pytest.raises(ParameterError, match="q <= 1"):
        gammagamma.population_mean_spend({"p": 1.0, "q": 0.9, "gamma": 1.0})


def test_bad_summary_values_are_named():
    with pytest.raises(DataError, match="'recency' must be at most T.*c0"):
        bgnbd.log_likelihood(UNIT, frame([1], [5.0], [2.0]))
    with pytest.raises(DataError, match="'frequency' must be a whole number"):
        bgnbd.log_likelihood(UNIT, frame([1.5], [1.0], [2.0]))
    with pytest.raises(DataError, match="customers without a repeat purchase"):
        bgnbd.log_likelihood(UNIT, frame([0], [1.0], [2.0]))
    with pytest.raises(DataError, match=r"\['T'\] not found"):
        bgnbd.log_likelihood(UNIT, pd.DataFrame({"frequency": [1], "recency": [1.0]}))
    with pytest.raises(ParameterError, match="positive numbers"):
        bgnbd.log_likelihood({"r": 1, "alpha": -1, "a": 1, "b": 1}, frame([0], [0.0], [1.0]))
    with pytest.raises(ParameterError, match="horizon"):
        bgnbd.expected_purchases(UNIT, frame([0], [0.0], [1.0]), 0)
