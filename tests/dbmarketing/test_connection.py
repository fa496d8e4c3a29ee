"""Opening the marketing database: DuckDB files (written, closed, reopened),
URLs, secrets kept out of labels, and clear errors."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.dbmarketing.test_etl import AS_OF, small_frame
from toolkit.dbmarketing import etl, queries
from toolkit.dbmarketing.connection import DEFAULT_FILE_NAME, MarketingDB, _mask_password, open_database
from toolkit.errors import ParameterError


def test_default_is_a_duckdb_file_in_the_output_folder_that_survives_closing(tmp_path):
    out = tmp_path / "report"
    with open_database("", out) as db:
        assert db.backend == "duckdb" and db.label == f"DuckDB file {DEFAULT_FILE_NAME}"
        etl.build_database(db, small_frame(), as_of=AS_OF)
        before = db.query("SELECT * FROM {s}.orders").sort_values("order_id").reset_index(drop=True)
    path = out / DEFAULT_FILE_NAME
    assert path.exists()
    # reopened by the toolkit and by plain duckdb, read-only
    with open_database(str(path)) as again:
        after = again.query("SELECT * FROM {s}.orders").sort_values("order_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT COUNT(*) FROM marketing.customers").fetchone()[0] == 3
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marketing'"
            ).fetchall()
        }
    assert {"raw_lines", "line_status", "cleaning_log", "customers", "orders", "order_lines"} <= tables


def test_duckdb_url_and_plain_path_open_the_same_file(tmp_path):
    path = tmp_path / "crm.duckdb"
    with open_database(str(path)) as db:
        etl.build_database(db, small_frame(), as_of=AS_OF)
    with open_database(f"duckdb:///{path}") as db:
        assert db.scalar("SELECT COUNT(*) FROM {s}.order_lines") == 5


def test_without_output_folder_the_database_lives_in_memory():
    with open_database("", "") as db:
        assert db.label == "DuckDB (in memory)" and db.path is None


def test_own_schema_keeps_tables_apart(tmp_path):
    path = str(tmp_path / "two.duckdb")
    with open_database(path, schema="first") as db:
        etl.build_database(db, small_frame(), as_of=AS_OF)
    with open_database(path, schema="second") as db:
        etl.build_database(db, small_frame().iloc[:3], as_of=AS_OF)
    with open_database(path, schema="first") as db:
        assert db.scalar("SELECT COUNT(*) FROM {s}.raw_lines") == 12
        assert len(queries.monthly_sales(db)) == 3


def test_env_prefix_reads_the_url_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "secret.duckdb"
    monkeypatch.setenv("PMKT_TEST_DB", str(path))
    with open_database("env:PMKT_TEST_DB") as db:
        assert db.label == "DuckDB file secret.duckdb"
    monkeypatch.delenv("PMKT_TEST_DB")
    with pytest.raises(ParameterError, match="PMKT_TEST_DB.*not set"):
        open_database("env:PMKT_TEST_DB")


def test_passwords_never_show_in_labels():
    assert (
        _mask_password("postgresql+psycopg://pmkt:s3cret@db.example.com:5432/crm")
        == "postgresql+psycopg://pmkt:***@db.example.com:5432/crm"
    )
    assert _mask_password("postgresql://db.example.com/crm") == "postgresql://db.example.com/crm"


def test_unreachable_server_gives_a_clear_error_without_the_password():
    with pytest.raises(ParameterError) as info:
        MarketingDB("postgresql+psycopg://pmkt:s3cret@127.0.0.1:1/nowhere")
    message = str(info.value)
    assert "Could not connect" in message and "s3cret" not in message and "***" in message


def test_bad_urls_schemas_and_folders_are_explained(tmp_path):
    with pytest.raises(ParameterError, match="not a database URL"):
        MarketingDB("nosuchdialect://x/y")
    with pytest.raises(ParameterError, match="plain SQL name"):
        MarketingDB(":memory:", schema="marketing; DROP TABLE x")
    with pytest.raises(ParameterError, match="does not exist"):
        MarketingDB(str(tmp_path / "missing" / "db.duckdb"))
    with pytest.raises(ParameterError, match="must be text"):
        open_database(None)  # type: ignore[arg-type]
