"""Campaign analytics: read a randomised test, model uplift and response, plan the call list.

Modules
-------
ab_test
    Results per arm with intervals, tests against control, incremental revenue.
uplift
    Uplift by customer group, the two-model uplift, uplift curves, targeting rules.
response_model
    Logistic response model, AUC, calibration and decile gains tables.
profit
    Profit curve of a ranked call list and the best depth.
design
    Model columns (dummies, pooled rare levels, collinear columns dropped).
"""

from toolkit.campaign.ab_test import arm_results, campaign_economics, compare_arms
from toolkit.campaign.profit import optimal_depth, profit_curve, sample_curve, strategy_table
from toolkit.campaign.response_model import (
    auc,
    calibration_table,
    fit_response_model,
    gains_table,
    prepare_response_data,
    split_test,
)
from toolkit.campaign.uplift import (
    assign_best_arm,
    compare_policies,
    fit_uplift_models,
    qini_curve,
    uplift_by_group,
)

__all__ = [
    "arm_results",
    "compare_arms",
    "campaign_economics",
    "uplift_by_group",
    "fit_uplift_models",
    "qini_curve",
    "assign_best_arm",
    "compare_policies",
    "prepare_response_data",
    "split_test",
    "fit_response_model",
    "auc",
    "calibration_table",
    "gains_table",
    "profit_curve",
    "optimal_depth",
    "sample_curve",
    "strategy_table",
]
