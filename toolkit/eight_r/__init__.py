"""The 8R model of data-driven precision marketing as a diagnostic.

For each R - People, Needs, Product, Price, Information, Way, Time, Place
(the syllabus order) - the package measures evidence from data:

========================  ==============================================
module                    evidence
========================  ==============================================
:mod:`.concentration`     revenue concentration, Lorenz/Gini, new vs returning
:mod:`.baskets`           market-basket rules (support, confidence, lift)
:mod:`.products`          ABC classes, return and repeat-purchase rates
:mod:`.price`             log-log price elasticity, price bands
:mod:`.information`       message test by customer group (Hillstrom)
:mod:`.way`               funnel, contact method, number of contacts
:mod:`.timing`            hour/weekday, months, time between purchases
:mod:`.place`             revenue, customers and growth by region, channel
:mod:`.allocation`        conversion, CPA, cost rate, expense ratio, ROMI, budget split
:mod:`.questionnaire`     audit questionnaire, evidence grades, 8R profile, gaps
:mod:`.verdicts`          figure, judgement and next step per R
:mod:`.coverage`          which analyses the data allows; the metrics table
========================  ==============================================
"""

from toolkit.eight_r.allocation import campaign_segments, effectiveness, read_spend_file, reallocate
from toolkit.eight_r.baskets import BasketRules, basket_rules, sample_orders
from toolkit.eight_r.concentration import (
    Concentration,
    concentration,
    customer_revenue,
    lorenz_curve,
    new_vs_returning,
    repeat_customers,
)
from toolkit.eight_r.coverage import ANALYSES, RS, coverage, metrics_frame
from toolkit.eight_r.information import add_buyer_type, arm_summary, mean_difference, message_by_group
from toolkit.eight_r.place import channel_summary, leading_share, region_summary
from toolkit.eight_r.price import loglog_elasticity, pooled_elasticity, price_bands, product_elasticities
from toolkit.eight_r.products import (
    abc_classes,
    abc_summary,
    product_repeat_rates,
    return_rates,
    weighted_repeat_rate,
)
from toolkit.eight_r.questionnaire import (
    evidence_scores,
    gap_list,
    profile,
    read_answers,
    read_evidence_scale,
    read_questionnaire,
    self_scores,
)
from toolkit.eight_r.timing import gap_summary, hour_weekday, inter_purchase_days, monthly, repurchase_within
from toolkit.eight_r.way import contact_cap, contact_curve, funnel, success_rates

__all__ = [
    "RS",
    "ANALYSES",
    "coverage",
    "metrics_frame",
    "Concentration",
    "customer_revenue",
    "lorenz_curve",
    "concentration",
    "new_vs_returning",
    "repeat_customers",
    "BasketRules",
    "basket_rules",
    "sample_orders",
    "abc_classes",
    "abc_summary",
    "return_rates",
    "product_repeat_rates",
    "weighted_repeat_rate",
    "loglog_elasticity",
    "product_elasticities",
    "pooled_elasticity",
    "price_bands",
    "add_buyer_type",
    "arm_summary",
    "mean_difference",
    "message_by_group",
    "funnel",
    "success_rates",
    "contact_curve",
    "contact_cap",
    "hour_weekday",
    "monthly",
    "inter_purchase_days",
    "gap_summary",
    "repurchase_within",
    "region_summary",
    "channel_summary",
    "leading_share",
    "campaign_segments",
    "read_spend_file",
    "effectiveness",
    "reallocate",
    "read_questionnaire",
    "read_answers",
    "read_evidence_scale",
    "self_scores",
    "evidence_scores",
    "profile",
    "gap_list",
]
