"""The RFM benchmark runs end to end on a small file and its methods agree on the customers."""

from __future__ import annotations

import json

from benchmarks import rfm_benchmark


def test_benchmark_runs_and_methods_agree(tmp_path, capsys):
    code = rfm_benchmark.main(
        [
            "--rows",
            "3000",
            "--out",
            str(tmp_path),
            "--repeat",
            "2",
            "--methods",
            "toolkit-duckdb,pandas-groupby",
            "--formats",
            "parquet,csv",
        ]
    )
    assert code == 0
    results = json.loads((tmp_path / "results.json").read_text())
    summary = {(r["method"], r["file"]): r for r in results["summary"]}
    assert set(summary) == {(m, f) for m in ("toolkit-duckdb", "pandas-groupby") for f in ("parquet", "csv")}
    assert len(results["runs"]) == 8 and not any("error" in r for r in results["runs"])
    # the plain groupby drops the same lines (no customer, cancellations, zero prices) as the toolkit
    customers = {r["customers"] for r in results["summary"]}
    assert len(customers) == 1 and customers.pop() > 100
    duckdb_run = next(r for r in results["runs"] if r["method"] == "toolkit-duckdb")
    assert duckdb_run["quality"]["duplicates"]["matching"] > 0  # the generator writes exact duplicates
    assert results["meta"]["reference_seconds_before"] > 0
    assert "| toolkit-duckdb | parquet | 2 |" in capsys.readouterr().out
