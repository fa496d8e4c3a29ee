"""Open the marketing database: a DuckDB file or any SQLAlchemy URL.

DuckDB files (and the in-memory database used in tests) are opened with the
``duckdb`` package directly. Anything written as a URL — for example
``postgresql+psycopg://user:password@host:5432/marketing`` — goes through
SQLAlchemy, so the same SQL runs against a company's server.

All SQL in this package is written once, in the part of SQL that DuckDB and
PostgreSQL share, with named parameters written ``:name``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import ParameterError, parameter_error

__all__ = ["MarketingDB", "open_database", "DEFAULT_FILE_NAME", "DEFAULT_SCHEMA"]

DEFAULT_FILE_NAME = "marketing_database.duckdb"
DEFAULT_SCHEMA = "marketing"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _mask_password(url: str) -> str:
    """Hide the password in a database URL before it is shown or stored."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _quiet(connection: Any) -> None:
    """Turn DuckDB's progress bar off (no bar on the console or in a report)."""
    import duckdb

    try:
        connection.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass  # inside Jupyter without ipywidgets DuckDB refuses the setting; it shows no bar there anyway


class MarketingDB:
    """A connection to the marketing database.

    Use :func:`open_database` to create one. The object is a context manager
    and closes its connection on exit.

    Parameters
    ----------
    target : str
        ``":memory:"``, a DuckDB file path, or a SQLAlchemy URL.
    schema : str, default "marketing"
        The schema that holds the toolkit's tables, so they never mix with a
        server's other tables.

    Attributes
    ----------
    backend : str
        ``"duckdb"`` or the SQLAlchemy dialect name (e.g. ``"postgresql"``).
    label : str
        Where the data are, safe to print (passwords masked, file name only).
    path : str or None
        The DuckDB file's full path (None in memory or on a server).
    """

    def __init__(self, target: str, schema: str = DEFAULT_SCHEMA) -> None:
        if not isinstance(schema, str) or not _IDENTIFIER.match(schema):
            raise parameter_error(
                "schema", "a plain SQL name (letters, digits, underscore; not starting with a digit)", schema
            )
        self.schema = schema
        self._duck: Any = None
        self._engine: Any = None
        if "://" in target and not target.startswith("duckdb://"):
            self._open_sqlalchemy(target)
        else:
            path = target[len("duckdb:///") :] if target.startswith("duckdb:///") else target
            self._open_duckdb(path or ":memory:")

    # -- opening -----------------------------------------------------------
    def _open_duckdb(self, path: str) -> None:
        import duckdb

        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise ParameterError(
                    f"The folder for the database file {path!r} does not exist ({parent}). "
                    "Create it first or choose another path."
                )
        try:
            self._duck = duckdb.connect(path)
        except duckdb.Error as exc:
            raise ParameterError(f"Could not open the DuckDB database file {path!r}: {exc}") from None
        _quiet(self._duck)
        self.backend = "duckdb"
        self.label = "DuckDB (in memory)" if path == ":memory:" else f"DuckDB file {Path(path).name}"
        self.path = None if path == ":memory:" else str(Path(path).expanduser().resolve())
        # A DuckDB file is a catalog named after the file; qualify with it, so a
        # file whose name equals the schema (marketing.duckdb) never clashes with it.
        catalog = self._duck.execute("SELECT current_database()").fetchone()[0]
        self._qualifier = '"' + str(catalog).replace('"', '""') + '".' + self.schema
        self._duck.execute(f"CREATE SCHEMA IF NOT EXISTS {self._qualifier}")

    def _open_sqlalchemy(self, url: str) -> None:
        try:
            import sqlalchemy as sa
        except ImportError:  # pragma: no cover - depends on the installation
            raise ParameterError(
                "A database URL needs the 'sqlalchemy' package (and a driver such as 'psycopg[binary]' "
                "for PostgreSQL). Install them with: pip install sqlalchemy 'psycopg[binary]'"
            ) from None
        shown = _mask_password(url)
        try:
            self._engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
            raise ParameterError(
                f"The 'database_url' parameter is not a database URL SQLAlchemy understands: {shown} ({exc}). "
                "Expected e.g. postgresql+psycopg://user:password@host:5432/dbname or a path to a .duckdb file."
            ) from None
        except ImportError as exc:
            raise ParameterError(
                f"The database driver for {shown} is not installed ({exc}). "
                "For PostgreSQL: pip install 'psycopg[binary]'."
            ) from None
        try:
            with self._engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
        except sa.exc.SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise ParameterError(
                f"Could not connect to the database {shown}: {first}. "
                "Check the host, port, user, password and database name, and that the server is running."
            ) from None
        self.backend = self._engine.dialect.name
        self.label = shown
        self.path = None
        self._qualifier = self.schema

    # -- use ---------------------------------------------------------------
    @property
    def qualifier(self) -> str:
        """What ``{s}`` stands for in SQL: the schema, with the catalog for DuckDB files."""
        return self._qualifier

    def table(self, name: str) -> str:
        """The schema-qualified name of one of the toolkit's tables."""
        return f"{self._qualifier}.{name}"

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one statement that returns no rows.

        ``{s}`` in the SQL stands for the schema; parameters are ``:name``.
        """
        sql = sql.replace("{s}", self._qualifier)
        if self._duck is not None:
            self._duck.execute(_PARAM.sub(r"$\1", sql), dict(params or {}) or None)
        else:
            import sqlalchemy as sa

            with self._engine.begin() as conn:
                conn.execute(sa.text(sql), dict(params or {}))

    def execute_all(self, statements: Sequence[str], params: Mapping[str, Any] | None = None) -> None:
        """Run several statements in order (each may use only the parameters it names)."""
        for statement in statements:
            names = set(_PARAM.findall(statement))
            self.execute(statement, {k: v for k, v in (params or {}).items() if k in names})

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a query and return its rows as a new DataFrame."""
        sql = sql.replace("{s}", self._qualifier)
        if self._duck is not None:
            return self._duck.execute(_PARAM.sub(r"$\1", sql), dict(params or {}) or None).df()
        import sqlalchemy as sa

        with self._engine.connect() as conn:
            result = conn.execute(sa.text(sql), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """Run a query that returns one value and return it."""
        frame = self.query(sql, params)
        return frame.iat[0, 0] if len(frame) else None

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append the rows of ``frame`` to ``table`` (columns by name).

        DuckDB reads the frame directly; PostgreSQL (psycopg) uses COPY;
        other servers use batched INSERTs through pandas.

        Returns
        -------
        int
            The number of rows written.
        """
        if frame.empty:
            return 0
        columns = [str(c) for c in frame.columns]
        col_list = ", ".join(columns)
        qualified = self.table(table)
        if self._duck is not None:
            self._duck.register("_pmkt_frame", frame)
            try:
                self._duck.execute(f"INSERT INTO {qualified} ({col_list}) SELECT {col_list} FROM _pmkt_frame")
            finally:
                self._duck.unregister("_pmkt_frame")
            return len(frame)
        if self.backend == "postgresql" and self._engine.dialect.driver == "psycopg":
            self._copy_postgres(qualified, frame, columns)
            self.execute(f"ANALYZE {qualified}")  # fresh statistics, so the planner sees the new rows
            return len(frame)
        rows = frame.astype(object).where(frame.notna(), None)
        with self._engine.begin() as conn:
            rows.to_sql(
                table,
                conn,
                schema=self.schema,
                if_exists="append",
                index=False,
                chunksize=5000,
                method="multi",
            )
        return len(frame)

    def _copy_postgres(self, qualified: str, frame: pd.DataFrame, columns: list[str]) -> None:
        """Bulk-load through COPY: DuckDB writes the CSV (NULL unquoted, '' quoted)."""
        import duckdb

        with tempfile.TemporaryDirectory(prefix="pmkt-copy-") as tmp:
            path = Path(tmp) / "rows.csv"
            helper = duckdb.connect()
            try:
                _quiet(helper)
                helper.register("_pmkt_frame", frame)
                select = ", ".join(f'"{c}"' for c in columns)
                helper.execute(
                    f"COPY (SELECT {select} FROM _pmkt_frame) TO '{path.as_posix()}' (FORMAT csv, HEADER false)"
                )
            finally:
                helper.close()
            raw = self._engine.raw_connection()
            try:
                with (
                    raw.cursor() as cur,
                    cur.copy(f"COPY {qualified} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy,
                    path.open("rb") as handle,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                raw.commit()
            finally:
                raw.close()

    def table_exists(self, name: str) -> bool:
        """Whether the toolkit's table ``name`` exists in the schema."""
        count = self.scalar(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = :schema AND table_name = :name",
            {"schema": self.schema, "name": name},
        )
        return bool(count)

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        if self._duck is not None:
            self._duck.close()
            self._duck = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> MarketingDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MarketingDB({self.label!r}, schema={self.schema!r})"


def open_database(
    database_url: str = "", output_dir: str | Path = "", schema: str = DEFAULT_SCHEMA
) -> MarketingDB:
    """Open the marketing database the notebook parameters point to.

    Parameters
    ----------
    database_url : str, default ""
        Empty: a DuckDB file ``marketing_database.duckdb`` in ``output_dir`` (in
        memory when there is no output folder). A path: that DuckDB file. A
        URL: that server, through SQLAlchemy, e.g.
        ``postgresql+psycopg://user:password@host:5432/dbname``.
        ``env:NAME`` reads the URL from environment variable ``NAME``, so a
        password never appears in the report's parameter list (leaving the
        password out of the URL and setting ``PGPASSWORD`` works too).
    output_dir : str or Path, default ""
        The report's output folder.
    schema : str, default "marketing"
        Schema for the toolkit's tables.

    Returns
    -------
    MarketingDB
    """
    if not isinstance(database_url, str):
        raise ParameterError(
            f"The 'database_url' parameter must be text. Got {type(database_url).__name__} instead."
        )
    target = database_url.strip()
    if target.startswith("env:"):
        variable = target[4:].strip()
        target = os.environ.get(variable, "").strip()
        if not target:
            raise ParameterError(
                f"The 'database_url' parameter points to the environment variable {variable!r}, which is not set. "
                f"Set it to the database URL (e.g. export {variable}=postgresql+psycopg://user:password@host/db)."
            )
    if not target:
        if output_dir:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
            target = str(Path(output_dir) / DEFAULT_FILE_NAME)
        else:
            target = ":memory:"
    return MarketingDB(target, schema=schema)
