"""The DuckDB engine: transaction files larger than memory, read and cleaned in SQL.

It applies the same reading decisions (:mod:`toolkit.data.formats`), ids
(:mod:`toolkit.data.ids`) and cleaning rules (:mod:`toolkit.data.cleaning`) as
the pandas core, but streams the file through an embedded DuckDB database, so
only one row per customer comes back into Python.

- :mod:`~toolkit.data.duckdb.lines` writes the SQL that parses, flags and
  classifies each transaction line (ids, numbers, dates, cleaning rules).
- :mod:`~toolkit.data.duckdb.customers` runs it on a CSV or Parquet file and
  aggregates the kept lines into the RFM customer table
  (:class:`toolkit.rfm.customers.CustomerTable`), with the cleaning counts.

``tests/data/duckdb/test_engine_parity.py`` checks that both engines give the
same customers, figures and counts.
"""
