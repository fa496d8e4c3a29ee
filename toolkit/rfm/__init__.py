"""RFM: customer table, scores, named segments, cell response economics, migration.

Modules, one job each:

- :mod:`~toolkit.rfm.customers` — customer table from canonical transactions (pandas)
- :mod:`~toolkit.data.duckdb.customers` — the same table straight from a CSV/Parquet file (DuckDB)
- :mod:`~toolkit.rfm.customer_level` — customer-level input (R, F, M already computed)
- :mod:`~toolkit.rfm.scoring` — quantile scores, Hughes nested sort, textbook weighted points
- :mod:`~toolkit.rfm.segments` — segment table as data, summary, playbook
- :mod:`~toolkit.rfm.response` — break-even rate, cell response, roll-out forecast
- :mod:`~toolkit.rfm.migration` — segments at two dates and the transition matrix

The rules (recency in days and months, the zero-month rule, ties, returns)
are documented in ``docs/rfm.md``.
"""

from toolkit.data.duckdb.customers import customer_table_from_file
from toolkit.rfm.customer_level import customers_from_table
from toolkit.rfm.customers import CustomerTable, customer_table, months_since
from toolkit.rfm.migration import Migration, segment_migration, transition_matrix
from toolkit.rfm.response import (
    CellResponse,
    break_even_index,
    break_even_rate,
    cell_response,
    rollout_forecast,
    wilson_interval,
)
from toolkit.rfm.scoring import (
    MIN_CUSTOMERS_PER_BIN,
    Scores,
    SmallSampleWarning,
    TiedBinsWarning,
    WeightedScores,
    apply_thresholds,
    nested_scores,
    quantile_scores,
    score_values,
    weighted_scores,
)
from toolkit.rfm.segments import (
    DEFAULT_SEGMENTS_PATH,
    UNASSIGNED,
    assign_segments,
    load_segment_table,
    playbook,
    segment_coverage,
    segment_summary,
)

__all__ = [
    "CellResponse",
    "CustomerTable",
    "DEFAULT_SEGMENTS_PATH",
    "Migration",
    "Scores",
    "TiedBinsWarning",
    "SmallSampleWarning",
    "MIN_CUSTOMERS_PER_BIN",
    "UNASSIGNED",
    "WeightedScores",
    "apply_thresholds",
    "assign_segments",
    "break_even_index",
    "break_even_rate",
    "cell_response",
    "customer_table",
    "customer_table_from_file",
    "customers_from_table",
    "load_segment_table",
    "months_since",
    "nested_scores",
    "playbook",
    "quantile_scores",
    "rollout_forecast",
    "score_values",
    "segment_coverage",
    "segment_migration",
    "segment_summary",
    "transition_matrix",
    "weighted_scores",
    "wilson_interval",
]
