"""The ``pmkt`` command: list, run and build reports, and check a data file.

Errors the user can fix are printed as one line starting with ``error:``
and exit with status 2; a failing notebook exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import ParameterError, PmktError, RunError

__all__ = ["main"]


def _plain(value: Any) -> Any:
    """Dates read from YAML become ISO text, as notebooks expect for date parameters."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parse_value(text: str) -> Any:
    """Read a ``-p key value`` value as YAML, so 3 is a number and [a, b] a list."""
    try:
        return _plain(yaml.safe_load(text))
    except yaml.YAMLError:
        return text


def _collect_params(args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if args.params:
        path = Path(args.params)
        if not path.exists():
            raise ParameterError(f"parameter file not found: {path}")
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"{path.name}: expected 'name: value' lines")
        params.update(_plain(loaded))
    for key, value in args.param or []:
        params[key] = _parse_value(value)
    return params


def _mapping(items: list[str] | None) -> dict[str, str]:
    from toolkit.data.mapping import parse_mapping

    if not items:
        return {}
    files = [i for i in items if i.lower().endswith((".yaml", ".yml"))]
    pairs = [i for i in items if i not in files]
    mapping: dict[str, str] = {}
    # checked against the notebook's own column names when it loads its data
    for f in files:
        mapping.update(parse_mapping(f, strict=False))
    mapping.update(parse_mapping(pairs, strict=False))
    return mapping


def _cmd_list(args: argparse.Namespace) -> int:
    from toolkit.report.catalog import list_notebooks

    for spec in list_notebooks():
        print(f"{spec.name}  —  {spec.description_in(args.lang)}")
        for pname, info in spec.parameters.items():
            if pname == "output_dir":
                continue
            default = repr(info["default"])
            print(f"    {pname:<18} {info['type']:<6} default {default:<14} {info['help']}")
        print()
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from toolkit.report.runner import run_notebook

    result = run_notebook(
        args.name, data=args.data or "", columns=_mapping(args.map), as_of=args.as_of or "", lang=args.lang,
        brand=args.brand or "", params=_collect_params(args), out=args.out, timeout=args.timeout,
    )
    for text in result.warnings:
        print(f"warning: the notebook wrote to stderr: {text.strip()[:300]}", file=sys.stderr)
    print(f"{result.html}  ({result.seconds:.1f} s); result files in {result.results_dir}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from toolkit.i18n import check_lang
    from toolkit.report.build import build_reports

    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    for lang in langs:
        check_lang(lang)
    if args.edition:
        from toolkit.course import build_edition

        for index in build_edition(args.edition, langs, args.out):
            print(f"{args.edition} edition ({index.parent.name}): open {index.resolve()}")
        return 0
    items = build_reports(langs, out=args.out, jobs=args.jobs, brand=args.brand or "",
                          names=args.only.split(",") if args.only else None, timeout=args.timeout)
    failed = [i for i in items if not i.ok]
    total = sum(i.seconds for i in items)
    print(f"{len(items) - len(failed)} of {len(items)} reports built ({total:.0f} s of notebook time); "
          f"open {Path(args.out).resolve() / 'index.html'}")
    return 1 if failed else 0


def _cmd_check_data(args: argparse.Namespace) -> int:
    from toolkit.data import load_transactions

    rules = dict(item.split("=", 1) for item in (args.rule or []))
    result = load_transactions(args.data, columns=_mapping(args.map), as_of=args.as_of or "", rules=rules)
    prov = result.provenance()
    print(f"{result.source.name}: {result.source.format}, {prov['rows_read']:,} rows read, "
          f"{prov['rows_analysed']:,} rows analysed; analysis date {prov['as_of']} ({prov['as_of_rule']})")
    print("column mapping: " + ", ".join(f"{k} <- {v}" for k, v in result.mapping.items()))
    table = result.quality.table(args.lang)
    table["share_removed"] = (table["share_removed"] * 100).map("{:.2f}%".format)
    print(table.to_string(index=False))
    return 0


def _cmd_bullseye_template(args: argparse.Namespace) -> int:
    from toolkit.bullseye import write_template

    path = write_template(args.path, products=tuple(args.product or ["Product A"]),
                          raters=tuple(args.rater or [""]), lang=args.lang)
    print(f"blank Bullseye scorecard written to {path}; fill in the scores (0-10) and run "
          f"pmkt run bullseye -p scorecard {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmkt", description="Precision-marketing reports from notebooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="the notebooks, what each does, and their parameters")
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run one notebook and export its HTML report")
    p.add_argument("name")
    p.add_argument("--data", help="transactions file (CSV/TSV/Excel/Parquet/DuckDB file#table) or URL")
    p.add_argument("--map", action="append", metavar="CANONICAL=COLUMN",
                   help="column mapping, repeatable; or a YAML mapping file")
    p.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD")
    p.add_argument("--params", help="YAML file of notebook parameters")
    p.add_argument("-p", dest="param", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="one notebook parameter (value read as YAML)")
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.add_argument("--brand", help="branding YAML file")
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.add_argument("--timeout", type=int, default=900, help="seconds a single cell may run")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("build", help="every report on the bundled data, in parallel, with index.html")
    p.add_argument("--lang", default="en,zh", help="comma-separated languages (default en,zh)")
    p.add_argument("--out", default="reports")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: one per core)")
    p.add_argument("--brand", help="branding YAML file for every report")
    p.add_argument("--only", help="comma-separated notebook names")
    p.add_argument("--edition", choices=["student", "instructor"],
                   help="build a course edition (notebooks + pages + syllabus) instead of reports")
    p.add_argument("--timeout", type=int, default=900)
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("check-data", help="validate a data file and show the data-quality table")
    p.add_argument("--data", required=True)
    p.add_argument("--map", action="append", metavar="CANONICAL=COLUMN")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--rule", action="append", metavar="RULE=drop|keep", help="cleaning action override")
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.set_defaults(func=_cmd_check_data)

    p = sub.add_parser("bullseye-template", help="a blank Bullseye scorecard (.xlsx, .csv or .yaml) for a class to fill in")
    p.add_argument("path", help="file to write; its suffix picks the format")
    p.add_argument("--product", action="append", help="product name, repeatable")
    p.add_argument("--rater", action="append", help="rater name, repeatable")
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.set_defaults(func=_cmd_bullseye_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pmkt`` command."""
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except PmktError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
