"""Benchmark: RFM customer table plus quantile scores on generated transactions.

One command generates transactions of realistic shape (skewed orders per
customer, several lines per order, cancellations, lines without a customer,
exact duplicates, zero prices) as Parquet and CSV, then times, each in a
fresh process so peak memory is its own:

- ``toolkit-duckdb``: :func:`toolkit.rfm.customer_table_from_file` (every
  cleaning rule of :mod:`toolkit.data.cleaning`, counted) +
  :func:`toolkit.rfm.quantile_scores`;
- ``pandas-groupby``: a plain pandas read + filter + groupby + ``qcut``
  (the three filters only, no duplicate check, no counts);
- ``lifetimes``: the same read and filters, then lifetimes'
  ``summary_data_from_transaction_data`` (frequency = repeat periods,
  recency and T in days, monetary value) — a library's RFM summary;
- optionally ``toolkit-pandas``: the notebook's default engine
  (:func:`toolkit.data.load_transactions` + customer table + scores).

Usage::

    python -m benchmarks.rfm_benchmark                # 10 million rows, ~1 million customers
    python -m benchmarks.rfm_benchmark --rows 1000000 # a quick run
    python -m benchmarks.rfm_benchmark --reuse --repeat 5 --methods toolkit-duckdb

Results go to ``--out`` (``results.json``) and are printed as a Markdown
table with each method's time as a ratio to the toolkit's DuckDB engine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

METHODS = ("toolkit-duckdb", "pandas-groupby", "lifetimes", "toolkit-pandas")


def generate(rows: int, out: Path, seed: int = 42) -> dict:
    """Write ``transactions.parquet`` and ``transactions.csv`` with ``rows`` lines."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    parquet, csv = out / "transactions.parquet", out / "transactions.csv"
    customers = max(10, int(rows / 8))  # ~80% of ids place an order: about rows / 10 customers
    orders = max(10, int(rows / 3))  # about 3.5 lines per order; the LIMIT trims the excess
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SELECT setseed({seed / 100})")
    con.execute(f"""
        CREATE TEMP TABLE o AS
        SELECT o AS order_no,
               CAST(floor(pow(random(), 2) * {customers}) AS BIGINT) AS cust,
               random() < 0.02 AS cancelled,
               random() < 0.05 AS anonymous,
               TIMESTAMP '2022-01-01' + to_seconds(CAST(floor(random() * 730 * 86400) AS BIGINT)) AS ts,
               1 + CAST(floor(-ln(random()) * 3) AS INTEGER) AS n_lines
        FROM range({orders}) t(o)
    """)
    con.execute(f"""
        CREATE TEMP TABLE lines AS
        SELECT CASE WHEN cancelled THEN 'C' ELSE '' END || CAST(500000 + order_no AS VARCHAR) AS order_id,
               'P' || CAST(CAST(floor(pow(random(), 1.5) * 5000) AS INTEGER) AS VARCHAR) AS product_id,
               (CASE WHEN cancelled THEN -1 ELSE 1 END) * (1 + CAST(floor(-ln(random()) * 4) AS INTEGER)) AS quantity,
               ts AS order_date,
               CASE WHEN random() < 0.002 THEN 0.0 ELSE round(exp(random() * 3.5) * 0.5, 2) END AS unit_price,
               CASE WHEN anonymous THEN NULL ELSE CAST(10000 + cust AS DOUBLE) END AS customer_id,
               ['United Kingdom', 'Germany', 'France', 'EIRE', 'Spain', 'Netherlands'][
                   1 + CAST(floor(pow(random(), 4) * 6) AS INTEGER)] AS region
        FROM (SELECT *, unnest(range(n_lines)) FROM o)
        LIMIT {int(rows * 0.995)}
    """)
    con.execute(
        f"INSERT INTO lines SELECT * FROM lines USING SAMPLE {rows - int(rows * 0.995)} ROWS (reservoir, {seed})"
    )
    con.execute(
        f"COPY (SELECT * FROM lines) TO '{parquet}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
    )
    con.execute(f"COPY (SELECT * FROM lines) TO '{csv}' (HEADER, DELIMITER ',')")
    n, n_customers = con.execute("SELECT count(*), count(DISTINCT customer_id) FROM lines").fetchone()
    con.close()
    return {
        "rows": int(n),
        "customers": int(n_customers),
        "parquet_mb": parquet.stat().st_size / 2**20,
        "csv_mb": csv.stat().st_size / 2**20,
    }


def _pandas_read(path: Path):
    import pandas as pd

    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype={"order_id": str, "product_id": str}, parse_dates=["order_date"])
    keep = (
        frame["customer_id"].notna()
        & ~frame["order_id"].str.startswith("C")
        & (frame["quantity"] > 0)
        & (frame["unit_price"] > 0)
    )
    frame = frame.loc[keep]
    return frame.assign(amount=frame["quantity"] * frame["unit_price"])


def run_method(method: str, path: Path) -> dict:
    """Run one method on one file in this process; return seconds and what it produced."""
    import pandas as pd

    # imports are not timed: every method starts with its libraries loaded
    if method.startswith("toolkit"):
        import duckdb  # noqa: F401

        from toolkit.data import load_transactions
        from toolkit.rfm import customer_table, customer_table_from_file, quantile_scores
    elif method == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    if method == "toolkit-duckdb":
        table = customer_table_from_file(path)
        scores = quantile_scores(table.customers, 5, warn=False)
        customers = len(table.customers)
        extra = {"cuts": scores.cuts, "quality": table.quality.counts()}
    elif method == "toolkit-pandas":
        data = load_transactions(path)
        table = customer_table(data.transactions, data.as_of)
        quantile_scores(table.customers, 5, warn=False)
        customers, extra = len(table.customers), {}
    elif method == "pandas-groupby":
        frame = _pandas_read(path)
        as_of = frame["order_date"].max().normalize() + pd.Timedelta(days=1)
        g = frame.groupby("customer_id")
        table = pd.DataFrame(
            {
                "recency": (as_of - g["order_date"].max()).dt.days,
                "frequency": g["order_id"].nunique(),
                "monetary": g["amount"].sum(),
            }
        )
        table["r"] = pd.qcut(table["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
        table["f"] = pd.qcut(table["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
        table["m"] = pd.qcut(table["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
        customers, extra = len(table), {}
    elif method == "lifetimes":
        frame = _pandas_read(path)
        end = frame["order_date"].max().normalize() + pd.Timedelta(days=1)
        table = summary_data_from_transaction_data(
            frame, "customer_id", "order_date", monetary_value_col="amount", observation_period_end=end
        )
        customers, extra = len(table), {}
    else:
        raise ValueError(f"The value for `method` must be one of {list(METHODS)}, but {method!r} was passed.")
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return {
        "method": method,
        "file": path.suffix.lstrip("."),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": usage.ru_maxrss / 1024,
        "load_average": os.getloadavg()[0],
        "customers": customers,
        **extra,
    }


def _child(method: str, path: Path, timeout: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.rfm_benchmark", "--child", method, str(path)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parents[1]
        )
    except subprocess.TimeoutExpired:
        return {"method": method, "file": path.suffix.lstrip("."), "error": f"timed out after {timeout} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"method": method, "file": path.suffix.lstrip("."), "error": last}
    return json.loads(done.stdout.strip().splitlines()[-1])


def reference_seconds() -> float:
    """Seconds for a fixed single-threaded task (sorting 10 million random numbers three times).

    The project's machine is shared and its speed drifts by a third over an
    hour; this number, taken before and after the runs, says how fast it was.
    """
    import numpy as np

    values = np.random.default_rng(0).random(10_000_000)
    start = time.perf_counter()
    for _ in range(3):
        np.sort(values)
    return time.perf_counter() - start


def summarise(runs: list[dict]) -> list[dict]:
    """One row per method and file: median and best of the repeated runs."""
    rows: dict[tuple[str, str], dict] = {}
    for run in runs:
        key = (run["method"], run["file"])
        row = rows.setdefault(key, {"method": run["method"], "file": run["file"], "runs": []})
        if "error" in run:
            row["error"] = run["error"]
        else:
            row["runs"].append(run)
    for row in rows.values():
        done = row["runs"]
        if not done:
            continue
        row.update(
            {
                "seconds": statistics.median(r["seconds"] for r in done),
                "best_seconds": min(r["seconds"] for r in done),
                "cpu_seconds": statistics.median(r["cpu_seconds"] for r in done),
                "peak_mb": max(r["peak_mb"] for r in done),
                "customers": done[0]["customers"],
                "load_average": statistics.median(r["load_average"] for r in done),
            }
        )
    return list(rows.values())


def report(rows: list[dict], meta: dict) -> str:
    """Markdown table: median and best time, ratio to toolkit-duckdb on the same file, CPU, peak memory."""
    base = {r["file"]: r["seconds"] for r in rows if r["method"] == "toolkit-duckdb" and "seconds" in r}
    lines = [
        f"rows {meta['rows']:,}; customers {meta['customers']:,}; Parquet {meta['parquet_mb']:.0f} MB; "
        f"CSV {meta['csv_mb']:.0f} MB; {meta['machine']}; reference task "
        f"{meta.get('reference_seconds_before', float('nan')):.2f} s before, "
        f"{meta.get('reference_seconds_after', float('nan')):.2f} s after",
        "",
        "| method | file | runs | median s | best s | x toolkit-duckdb | CPU s | peak memory (MB) | customers |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "seconds" not in r:
            lines.append(f"| {r['method']} | {r['file']} | 0 | {r.get('error', 'failed')} | | | | | |")
            continue
        ratio = r["seconds"] / base[r["file"]] if r["file"] in base else float("nan")
        lines.append(
            f"| {r['method']} | {r['file']} | {len(r['runs'])} | {r['seconds']:.1f} | {r['best_seconds']:.1f} | "
            f"{ratio:.1f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:,.0f} | {r['customers']:,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="transaction lines to generate")
    parser.add_argument(
        "--out", default="/tmp/pmkt-rfm-benchmark", help="folder for the data and results.json"
    )
    parser.add_argument(
        "--methods",
        default="toolkit-duckdb,pandas-groupby,lifetimes",
        help=f"comma-separated, from {','.join(METHODS)}",
    )
    parser.add_argument("--formats", default="parquet,csv", help="parquet, csv or both")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per method")
    parser.add_argument("--reuse", action="store_true", help="reuse generated files of the same size")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per method, taken in turns so that a slower spell of the machine hits all",
    )
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_method(args.child[0], Path(args.child[1])), default=str))
        return 0
    out = Path(args.out) / f"rows-{args.rows}"
    meta_path = out / "meta.json"
    if args.reuse and meta_path.exists():
        meta = json.loads(meta_path.read_text())
    else:
        started = time.perf_counter()
        meta = generate(args.rows, out)
        meta["generate_seconds"] = time.perf_counter() - started
        meta_path.write_text(json.dumps(meta))
    meta["machine"] = (
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )
    meta["reference_seconds_before"] = reference_seconds()
    runs = []
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        path = out / f"transactions.{fmt}"
        for turn in range(max(1, args.repeat)):
            for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
                result = _child(method, path, args.timeout)
                runs.append(result)
                print(
                    f"{method:16s} {fmt:8s} run {turn + 1}  "
                    + (
                        f"{result['seconds']:7.1f} s  {result['cpu_seconds']:6.1f} CPU s  {result['peak_mb']:8,.0f} MB  "
                        f"load {result['load_average']:.1f}"
                        if "seconds" in result
                        else result["error"]
                    ),
                    flush=True,
                )
    meta["reference_seconds_after"] = reference_seconds()
    rows = summarise(runs)
    (Path(args.out) / "results.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "summary": [{k: v for k, v in r.items() if k != "runs"} for r in rows],
                "runs": runs,
            },
            indent=2,
            default=str,
        )
    )
    print()
    print(report(rows, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
