"""Customer value: cohorts, historic value, lifetime value and value tiers.

- :mod:`~toolkit.value.summary` -- frequency/recency/T/monetary per customer.
- :mod:`~toolkit.value.cohorts` -- monthly acquisition cohorts and retention.
- :mod:`~toolkit.value.historic` -- realised value and its concentration.
- :mod:`~toolkit.value.bgnbd` -- the BG/NBD purchase model.
- :mod:`~toolkit.value.gammagamma` -- the Gamma-Gamma spend model.
- :mod:`~toolkit.value.clv` -- discounted lifetime value per customer.
- :mod:`~toolkit.value.holdout` -- in-sample and calibration/holdout checks.
- :mod:`~toolkit.value.tiers` -- realised vs potential value tiers.
- :mod:`~toolkit.value.cdnow` -- the bundled CDNOW benchmark.
"""

from toolkit.value._mle import FitResult
from toolkit.value.bgnbd import expected_purchases, fit_bgnbd, probability_alive
from toolkit.value.clv import customer_lifetime_value, forecast_customers
from toolkit.value.cohorts import cohort_table, customer_cohorts, retention_matrix
from toolkit.value.gammagamma import expected_spend, fit_gamma_gamma, spend_frequency_correlation
from toolkit.value.historic import gini, historic_value, lorenz_curve, top_share
from toolkit.value.holdout import (
    CalibrationFit,
    fit_calibration,
    frequency_fit,
    frequency_groups,
    holdout_check,
)
from toolkit.value.summary import (
    CalibrationSplit,
    calibration_holdout_split,
    customer_summary,
    default_calibration_end,
)
from toolkit.value.tiers import TIERS, ValueTiers, tier_segment_table, tier_summary, value_tiers

__all__ = [
    "FitResult",
    "CalibrationSplit",
    "ValueTiers",
    "TIERS",
    "customer_summary",
    "calibration_holdout_split",
    "default_calibration_end",
    "cohort_table",
    "customer_cohorts",
    "retention_matrix",
    "historic_value",
    "lorenz_curve",
    "gini",
    "top_share",
    "fit_bgnbd",
    "probability_alive",
    "expected_purchases",
    "fit_gamma_gamma",
    "expected_spend",
    "spend_frequency_correlation",
    "customer_lifetime_value",
    "forecast_customers",
    "frequency_fit",
    "frequency_groups",
    "holdout_check",
    "CalibrationFit",
    "fit_calibration",
    "value_tiers",
    "tier_summary",
    "tier_segment_table",
]
