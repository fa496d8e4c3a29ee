"""Read a user's table from a file, whatever its format.

Supported: CSV/TSV/TXT (delimiter sniffed, encoding detected), Excel
(.xlsx, .xlsm), Parquet, and a table or SQL query in a DuckDB database file
(``sales.duckdb#orders`` or ``sales.duckdb#SELECT ...``). Every failure is a
one-line :class:`~toolkit.errors.DataError` naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.data.encoding import bad_byte_error, detect_encoding
from toolkit.errors import DataError

__all__ = [
    "SourceInfo",
    "read_table",
    "file_sha256",
    "text_layout",
    "check_unique_header",
    "SUPPORTED_SUFFIXES",
]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
DUCKDB_SUFFIXES = (".duckdb", ".db", ".ddb")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES + DUCKDB_SUFFIXES


@dataclass
class SourceInfo:
    """Where a table came from, for the report's provenance appendix.

    ``row_offset`` converts a 0-based data row index into the row number a
    user sees: 2 for files with a header line (the header is row 1), 1 for
    Parquet and database tables.
    """

    path: str
    name: str
    format: str
    sha256: str
    rows: int
    encoding: str | None = None
    delimiter: str | None = None
    table: str | None = None
    row_offset: int = 1
    extra: dict = field(default_factory=dict)
    # canonical column -> how its values were read (decimal mark, date order), filled by validation
    formats: dict[str, str] = field(default_factory=dict)

    def row_numbers(self, index: pd.Index | list[int]) -> list[int]:
        """Row numbers as the user would find them in the file."""
        return [int(i) + self.row_offset for i in index]


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_url(url: str) -> Path:
    suffix = Path(url.split("?")[0]).suffix
    target = Path(tempfile.mkdtemp(prefix="pmkt-")) / f"download{suffix}"
    try:
        with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
            out.write(response.read())
    except OSError as exc:
        raise DataError(f"could not download the file: {exc}", source=url) from None
    return target


def _split_duckdb_target(spec: str) -> tuple[str, str | None]:
    if "#" in spec:
        path, target = spec.split("#", 1)
        if Path(path).suffix.lower() in DUCKDB_SUFFIXES:
            return path, target.strip() or None
    return spec, None


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def check_unique_header(names: list, name: str) -> None:
    """Refuse a header that names one column twice (readers would rename the second copy silently).

    Raises
    ------
    DataError
        Naming the column and both positions (1-based).
    """
    seen: dict[str, int] = {}
    for position, column in enumerate(names, start=1):
        key = str(column).strip()
        if not key or key.lower() in {"nan", "none"}:
            continue
        if key in seen:
            raise DataError(
                f"the header names column {key!r} twice (columns {seen[key]} and {position}); "
                "rename one of them, or delete the copy, so each column has its own name",
                source=name,
                column=key,
            )
        seen[key] = position


_HEAD_CHARS = 64_000  # the part of a text file read to find its delimiter and check its lines


def _check_fields(head: str, delimiter: str, name: str, truncated: bool) -> None:
    """Raise a DataError when a line near the top has more or fewer fields than the header.

    Readers otherwise guess: pandas turns surplus leading fields into an
    index (shifting every column), DuckDB's sniffer may take a data line or
    the whole line as the header. Blank lines are skipped, as both readers
    do; when the head was cut off, its last (perhaps partial) record is not
    judged.
    """
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    records = [(reader.line_num, row) for row in reader]
    if truncated:
        records = records[:-1]
    records = [(line, row) for line, row in records if any(field.strip() for field in row)]
    if not records:
        return
    header = records[0][1]
    check_unique_header(header, name)
    for line, row in records[1:]:
        if len(row) != len(header):
            shown = ", ".join(repr(f) for f in header[:8]) + (", ..." if len(header) > 8 else "")
            raise DataError(
                f"line {line} has {len(row)} field(s) but the header (line {records[0][0]}) has {len(header)} "
                f"({shown}) with the delimiter {delimiter!r}; the first line must be the header and every line "
                "must have one value per column (look for a title line above the header, or a stray delimiter)",
                source=name,
            )


def text_layout(path: Path, name: str | None = None) -> tuple[str, str]:
    """The encoding and delimiter of a text table, after checking its first lines.

    Parameters
    ----------
    path : Path
        A CSV, TSV or TXT file with a header line.
    name : str, optional
        The file's name in error messages (default: ``path.name``).

    Returns
    -------
    (encoding, delimiter)

    Raises
    ------
    DataError
        An empty file, text that is not valid in the detected encoding, or a
        line near the top whose number of fields differs from the header's.
    """
    name = name or path.name
    encoding = detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, errors="strict", newline="") as handle:
            head = handle.read(_HEAD_CHARS)
            truncated = bool(handle.read(1))
    except UnicodeDecodeError:
        raise bad_byte_error(path, encoding, name) from None
    if not head.strip():
        raise DataError("the file is empty", source=name)
    delimiter = _sniff_delimiter(head, path.suffix.lower())
    _check_fields(head, delimiter, name, truncated)
    return encoding, delimiter


def _read_text(path: Path, name: str) -> tuple[pd.DataFrame, str, str]:
    encoding, delimiter = text_layout(path, name)
    try:
        frame = pd.read_csv(
            path,
            sep=delimiter,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    except UnicodeDecodeError:
        raise bad_byte_error(path, encoding, name) from None
    except pd.errors.ParserError as exc:
        raise DataError(
            f"cannot be read as a table with delimiter {delimiter!r}: {exc}", source=name
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, encoding, delimiter


def _read_duckdb(path: Path, name: str, target: str | None) -> tuple[pd.DataFrame, str]:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"is not a DuckDB database that can be opened: {exc}", source=name) from None
    try:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()
        ]
        if target is None:
            if len(tables) != 1:
                raise DataError(
                    f"holds {len(tables)} tables {tables}; name one as {name}#TABLE or give a query as {name}#SELECT ...",
                    source=name,
                )
            target = tables[0]
        is_query = target.lower().startswith(("select", "with"))
        if not is_query and target not in tables:
            raise DataError(f"has no table {target!r}; tables: {tables}", source=name)
        sql = target if is_query else f'SELECT * FROM "{target}"'
        try:
            frame = con.execute(sql).df()
        except duckdb.Error as exc:
            raise DataError(f"the query failed: {exc}", source=name) from None
    finally:
        con.close()
    return frame, target


def _magic(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(16)


def read_table(data: str | Path) -> tuple[pd.DataFrame, SourceInfo]:
    """Read a table from a file path or URL.

    Parameters
    ----------
    data : str or Path
        A CSV/TSV/TXT, Excel, Parquet or DuckDB file, or an http(s) URL to
        one. For DuckDB add ``#table`` or ``#SELECT ...`` to choose what to
        read (optional when the database holds one table).

    Returns
    -------
    frame : DataFrame
        The table as stored (text files are read as strings, so that
        validation can report values exactly as written).
    info : SourceInfo
        Provenance: path, format, sha256, rows, encoding and delimiter.

    Raises
    ------
    DataError
        Missing, empty or unreadable files, unsupported types.
    """
    spec, target = _split_duckdb_target(str(data))
    if spec.startswith(("http://", "https://")):
        display_name = spec
        path = _fetch_url(spec)
    else:
        path = Path(spec).expanduser()
        display_name = path.name
    if not path.exists():
        raise DataError(f"file not found (looked for {path.resolve()})", source=display_name)
    if path.is_dir():
        raise DataError("is a folder, not a file", source=display_name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix == ".xls":
            raise DataError(
                "old Excel .xls files are not supported; save it as .xlsx or CSV", source=display_name
            )
        raise DataError(
            f"unsupported file type {suffix or '(none)'!r}; expected one of {' '.join(SUPPORTED_SUFFIXES)}",
            source=display_name,
        )
    if path.stat().st_size == 0:
        raise DataError("the file is empty", source=display_name)
    magic = _magic(path)
    encoding = delimiter = None
    row_offset = 1
    if suffix in TEXT_SUFFIXES:
        frame, encoding, delimiter = _read_text(path, display_name)
        fmt, row_offset = "csv" if delimiter != "\t" else "tsv", 2
    elif suffix in EXCEL_SUFFIXES:
        if not magic.startswith(b"PK"):
            raise DataError(
                "has an Excel name but is not an Excel workbook (was it renamed from CSV?)",
                source=display_name,
            )
        try:
            header = pd.read_excel(path, header=None, nrows=1, dtype=object)
            frame = pd.read_excel(path, dtype=object)
        except Exception as exc:  # openpyxl raises many kinds
            raise DataError(f"cannot be read as an Excel workbook: {exc}", source=display_name) from None
        check_unique_header(header.iloc[0].tolist() if len(header) else [], display_name)
        frame.columns = [str(c).strip() for c in frame.columns]
        fmt, row_offset = "excel", 2
    elif suffix in PARQUET_SUFFIXES:
        if not magic.startswith(b"PAR1"):
            raise DataError("has a Parquet name but is not a Parquet file", source=display_name)
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise DataError(f"cannot be read as Parquet: {exc}", source=display_name) from None
        fmt = "parquet"
    else:
        frame, target = _read_duckdb(path, display_name, target)
        fmt = "duckdb"
    if len(frame) == 0:
        raise DataError("has column headers but no data rows", source=display_name)
    info = SourceInfo(
        path=str(data),
        name=display_name,
        format=fmt,
        sha256=file_sha256(path),
        rows=len(frame),
        encoding=encoding,
        delimiter=delimiter,
        table=target,
        row_offset=row_offset,
    )
    return frame.reset_index(drop=True), info
