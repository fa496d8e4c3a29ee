"""The Bullseye model (布尔塞模型): will a product sell directly online.

A company scores its product 0-10 on 30 criteria in six groups (target
market, product and brand, distribution, price, promotion, market
environment; 300 points in all). The total as a share of 300 is read as the
probability that selling the product directly online succeeds.

Typical use::

    from toolkit import bullseye as bx
    criteria = bx.load_criteria()
    card = bx.read_scorecard("my_scorecard.xlsx")
    per_criterion = bx.score_criteria(card.scores, criteria)
    groups = bx.group_scores(per_criterion, criteria)
    totals = bx.product_totals(groups)
    bx.what_if(per_criterion)                # which improvements gain most
    bx.write_template("class.xlsx", products=["Our product"], raters=["A", "B"])
"""

from toolkit.bullseye.analysis import (
    DEFAULT_TARGET,
    apply_changes,
    textbook_check,
    weakest_criteria,
    what_if,
)
from toolkit.bullseye.criteria import (
    BAND_RANGES,
    BANDS,
    GROUP_SIZES,
    GROUPS,
    band_of,
    bands_of,
    default_criteria_path,
    group_maxima,
    load_criteria,
)
from toolkit.bullseye.io import (
    example_scorecard_path,
    load_textbook_reference,
    read_scorecard,
    textbook_scorecard_path,
)
from toolkit.bullseye.model import (
    DEFAULT_DISAGREEMENT,
    compare_products,
    group_scores,
    product_totals,
    rater_totals,
    score_criteria,
)
from toolkit.bullseye.scorecard import Scorecard, validate_scores
from toolkit.bullseye.template import template_frame, write_template

__all__ = [
    "BANDS",
    "BAND_RANGES",
    "DEFAULT_DISAGREEMENT",
    "DEFAULT_TARGET",
    "GROUPS",
    "GROUP_SIZES",
    "Scorecard",
    "apply_changes",
    "band_of",
    "bands_of",
    "compare_products",
    "default_criteria_path",
    "example_scorecard_path",
    "group_maxima",
    "group_scores",
    "load_criteria",
    "load_textbook_reference",
    "product_totals",
    "rater_totals",
    "read_scorecard",
    "score_criteria",
    "template_frame",
    "textbook_check",
    "textbook_scorecard_path",
    "validate_scores",
    "weakest_criteria",
    "what_if",
    "write_template",
]
