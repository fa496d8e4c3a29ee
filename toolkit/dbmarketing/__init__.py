"""Database marketing (数据库营销) in a real database.

The six steps, and the economics of keeping and winning back customers.

- :mod:`~toolkit.dbmarketing.connection` — open a DuckDB file or a
  SQLAlchemy URL (e.g. PostgreSQL) as a :class:`MarketingDB`.
- :mod:`~toolkit.dbmarketing.schema` — the tables.
- :mod:`~toolkit.dbmarketing.etl` — collect, store, process (cleaning in SQL).
- :mod:`~toolkit.dbmarketing.queries` — summaries and customer scores in SQL.
- :mod:`~toolkit.dbmarketing.targeting` — the target list and hold-out group.
- :mod:`~toolkit.dbmarketing.outcomes` — outcomes recorded and measured.
- :mod:`~toolkit.dbmarketing.retention` — the retention calculator.
- :mod:`~toolkit.dbmarketing.reactivation` — dormant customers.
"""

from toolkit.dbmarketing.connection import MarketingDB, open_database
from toolkit.dbmarketing.etl import EtlResult, RawLines, build_database, collect
from toolkit.dbmarketing.outcomes import (
    CampaignMeasure,
    campaign_results,
    measure_campaign,
    minimum_detectable_lift,
    observed_outcomes,
    record_outcomes,
    response_by_score,
    simulate_campaign_effect,
)
from toolkit.dbmarketing.queries import (
    customer_values,
    monthly_sales,
    region_summary,
    score_customers,
    score_summary,
    score_thresholds,
)
from toolkit.dbmarketing.reactivation import (
    find_dormant,
    reactivation_depth,
    reactivation_scenarios,
    status_profile,
)
from toolkit.dbmarketing.retention import churn_sensitivity, retention_loss, retention_projection
from toolkit.dbmarketing.targeting import (
    Campaign,
    assign_holdout,
    load_suppressions,
    record_campaign,
    select_targets,
    target_list,
)

__all__ = [
    "Campaign",
    "CampaignMeasure",
    "EtlResult",
    "MarketingDB",
    "RawLines",
    "assign_holdout",
    "build_database",
    "campaign_results",
    "churn_sensitivity",
    "collect",
    "customer_values",
    "find_dormant",
    "load_suppressions",
    "measure_campaign",
    "minimum_detectable_lift",
    "monthly_sales",
    "observed_outcomes",
    "open_database",
    "reactivation_depth",
    "reactivation_scenarios",
    "record_campaign",
    "record_outcomes",
    "region_summary",
    "response_by_score",
    "retention_loss",
    "retention_projection",
    "score_customers",
    "score_summary",
    "score_thresholds",
    "select_targets",
    "simulate_campaign_effect",
    "status_profile",
    "target_list",
]
