"""The ``pmkt`` command: list, run and build reports, and check a data file.

Errors the user can fix are printed as one line starting with ``error:``
and exit with status 2 (also when a notebook cell stops on a data or
parameter error); a failing notebook exits with status 1; Ctrl-C exits
with status 130 and says what was left unchanged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from toolkit.errors import ParameterError, PmktError, RunError, parameter_error

__all__ = ["main"]


def _collect_params(args: argparse.Namespace) -> dict[str, Any]:
    """``--params`` file values, then ``-p`` values, as written; the runner types them."""
    from toolkit.report.params import load_params_file

    params: dict[str, Any] = load_params_file(args.params) if args.params else {}
    for key, value in args.param or []:
        params[key] = value
    return params


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    """The column mapping from ``--map`` items and files, plus the reading options (contract 1)."""
    from toolkit.data.mapping import parse_mapping
    from toolkit.report.params import load_yaml_file

    items = args.map or []
    files = [i for i in items if i.lower().endswith((".yaml", ".yml"))]
    pairs = [i for i in items if i not in files]
    mapping: dict[str, str] = {}
    # checked against the notebook's own column names when it loads its data
    for f in files:
        load_yaml_file(f, "column mapping file")  # one clear error for a missing, tabbed or non-UTF-8 file
        mapping.update(parse_mapping(f, strict=False))
    mapping.update(parse_mapping(pairs, strict=False))
    options = {
        "decimal": args.decimal,
        "date_format": args.date_format,
        "dayfirst": args.dayfirst,
        "non_merchandise": args.non_merchandise,
    }
    mapping.update({k: v for k, v in options.items() if v is not None})
    if any(k in mapping for k in options):
        from toolkit.data.options import split_options

        split_options(mapping)  # a bad decimal mark or date format fails here, before any work
    return mapping


def _rules(items: list[str] | None) -> dict[str, str]:
    """``--rule name=drop|keep`` items as a dict, checked against the cleaning rules."""
    from toolkit.data.cleaning import ACTIONS, RULES

    rules: dict[str, str] = {}
    for item in items or []:
        name, sep, action = item.partition("=")
        name, action = name.strip(), action.strip()
        if not sep:
            raise ParameterError(
                f"--rule {item!r} must look like rule=drop or rule=keep, e.g. --rule returns=keep."
            )
        if name not in RULES:
            raise ParameterError(
                f"--rule {item!r}: there is no cleaning rule {name!r}; the rules are {list(RULES)}."
            )
        if action not in ACTIONS:
            raise parameter_error(f"--rule {name}", "one of " + " or ".join(map(repr, ACTIONS)), action)
        rules[name] = action
    return rules


def _cmd_list(args: argparse.Namespace) -> int:
    from toolkit.report.catalog import list_notebooks

    for spec in list_notebooks():
        print(f"{spec.name}  —  {spec.description_in(args.lang)}")
        for pname, info in spec.specs.items():
            if pname == "output_dir":
                continue
            default = repr(info.default)
            print(f"    {pname:<18} {info.type:<5} default {default:<14} {info.rule:<16} {info.help}")
        print()
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from toolkit.report.runner import run_notebook

    try:
        result = run_notebook(
            args.name,
            data=args.data or "",
            columns=_mapping(args),
            as_of=args.as_of or "",
            lang=args.lang,
            brand=args.brand or "",
            params=_collect_params(args),
            out=args.out,
            timeout=args.timeout,
        )
    except RunError as exc:
        if exc.error_name not in _USER_ERRORS:
            raise
        # the notebook refused the data or a parameter: the same one line and status as check-data
        message = " ".join(str(exc.error_value or "").split())
        print(f"error: {message} (executed notebook kept at {exc.executed_path})", file=sys.stderr)
        return 2
    for text in result.warnings:
        print(f"warning: the notebook wrote to stderr: {text.strip()[:300]}", file=sys.stderr)
    print(f"{result.html}  ({result.seconds:.1f} s); result files in {result.results_dir}")
    if args.pdf:
        from toolkit.report.pdf import write_pdf

        print(f"{write_pdf(result.html)}  (PDF, A4)")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from toolkit.i18n import check_lang
    from toolkit.report.build import build_reports

    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    for lang in langs:
        check_lang(lang)
    if args.edition in ("student", "instructor"):
        from toolkit.course import build_edition

        for index in build_edition(args.edition, langs, args.out):
            print(f"{args.edition} edition ({index.parent.name}): open {index.resolve()}")
        return 0
    items = build_reports(
        langs,
        out=args.out,
        jobs=args.jobs,
        brand=args.brand or "",
        names=args.only.split(",") if args.only else None,
        timeout=args.timeout,
    )
    failed = [i for i in items if not i.ok]
    total = sum(i.seconds for i in items)
    if args.pdf:
        from toolkit.report.pdf import write_pdf

        for item in items:
            if item.ok:
                write_pdf(Path(args.out) / item.lang / f"{item.name}.html")
        print(f"{len(items) - len(failed)} PDF(s) written beside the HTML reports (A4)")
    print(
        f"{len(items) - len(failed)} of {len(items)} reports built ({total:.0f} s of notebook time); "
        f"open {Path(args.out).resolve() / 'index.html'}"
    )
    return 1 if failed else 0


def _cmd_check_data(args: argparse.Namespace) -> int:
    from toolkit.data import load_transactions

    result = load_transactions(
        args.data, columns=_mapping(args), as_of=args.as_of or "", rules=_rules(args.rule)
    )
    prov = result.provenance()
    print(
        f"{result.source.name}: {result.source.format}, {prov['rows_read']:,} rows read, "
        f"{prov['rows_analysed']:,} rows analysed; analysis date {prov['as_of']} ({prov['as_of_rule']})"
    )
    for line in _reading_lines(result.source, prov):
        print(line)
    print("column mapping: " + ", ".join(f"{k} <- {v}" for k, v in result.mapping.items()))
    table = result.quality.table(args.lang)
    table["share_removed"] = (table["share_removed"] * 100).map("{:.2f}%".format)
    print(table.to_string(index=False))
    return 0


def _reading_lines(source: Any, prov: dict[str, Any]) -> list[str]:
    """How the file was read: encoding, delimiter, each column's format decision, the options given."""
    lines = []
    encoding = prov.get("encoding") or getattr(source, "encoding", None)
    delimiter = prov.get("delimiter") or getattr(source, "delimiter", None)
    if encoding:
        lines.append(f"encoding: {encoding}")
    if delimiter:
        lines.append(f"delimiter: {delimiter!r}")
    formats = prov.get("formats") or getattr(source, "formats", None) or {}
    for column, decision in formats.items():
        lines.append(f"format of {column}: {decision}")
    from toolkit.report.export import options_as_flags

    lines.append(
        "reading options: "
        + (options_as_flags(prov.get("options") or {}) or "none given (decided from the data)")
    )
    return lines


def _cmd_bullseye_template(args: argparse.Namespace) -> int:
    from toolkit.bullseye import write_template

    path = write_template(
        args.path,
        products=tuple(args.product or ["Product A"]),
        raters=tuple(args.rater or [""]),
        lang=args.lang,
    )
    print(
        f"blank Bullseye scorecard written to {path}; fill in the scores (0-10) and run "
        f"pmkt run bullseye -p scorecard {path}"
    )
    return 0


_USER_ERRORS = {"DataError", "ParameterError"}


def _reading_options(p: argparse.ArgumentParser) -> None:
    """The options that say how to read the user's file (contract 1: they join the column mapping)."""
    p.add_argument(
        "--decimal",
        choices=[".", ","],
        help="decimal mark of every number column (default: decided from the values)",
    )
    p.add_argument(
        "--date-format",
        dest="date_format",
        metavar="FMT",
        help="date format of the order date, e.g. %%d/%%m/%%Y (default: decided from the values)",
    )
    p.add_argument(
        "--dayfirst",
        choices=["yes", "no"],
        help="read ambiguous dates like 03/04/2011 day first (yes) or month first (no)",
    )
    p.add_argument(
        "--non-merchandise",
        dest="non_merchandise",
        metavar="CODES",
        help="comma-separated product codes that are fees or postage, besides the built-in list",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmkt", description="Precision-marketing reports from notebooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="the notebooks, what each does, and their parameters")
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run one notebook and export its HTML report")
    p.add_argument("name")
    p.add_argument("--data", help="transactions file (CSV/TSV/Excel/Parquet/DuckDB file#table) or URL")
    p.add_argument(
        "--map",
        action="append",
        metavar="CANONICAL=COLUMN",
        help="column mapping, repeatable; or a YAML mapping file",
    )
    p.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD")
    p.add_argument("--params", help="YAML file of notebook parameters")
    p.add_argument(
        "-p",
        dest="param",
        nargs=2,
        action="append",
        metavar=("KEY", "VALUE"),
        help="one notebook parameter, converted to the type of its default (see pmkt list)",
    )
    _reading_options(p)
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.add_argument("--brand", help="branding YAML file")
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.add_argument("--timeout", type=int, default=900, help="seconds a single cell may run")
    p.add_argument("--pdf", action="store_true", help="also write NAME.pdf (A4, via WeasyPrint)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("build", help="every report on the bundled data, in parallel, with index.html")
    p.add_argument("--lang", default="en,zh", help="comma-separated languages (default en,zh)")
    p.add_argument("--out", default="reports")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: one per core)")
    p.add_argument("--brand", help="branding YAML file for every report")
    p.add_argument("--only", help="comma-separated notebook names")
    p.add_argument(
        "--edition",
        choices=["report", "student", "instructor"],
        default="report",
        help="report (the client deliverable, default), or a course edition: student or instructor "
        "(notebooks + pages + syllabus)",
    )
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--pdf", action="store_true", help="also write a PDF beside each report (A4)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("check-data", help="validate a data file and show the data-quality table")
    p.add_argument("--data", required=True)
    p.add_argument("--map", action="append", metavar="CANONICAL=COLUMN")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--rule", action="append", metavar="RULE=drop|keep", help="cleaning action override")
    _reading_options(p)
    p.add_argument("--lang", default="en", choices=["en", "zh"])
    p.set_defaults(func=_cmd_check_data)

    p = sub.add_parser(
        "bullseye-template", help="a blank Bullseye scorecard (.xlsx, .csv or .yaml) for a class to fill in"
    )
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
    except KeyboardInterrupt as exc:
        print(str(exc) if str(exc) else "interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
