"""Checking a filled-in scorecard.

A scorecard in memory is a long table with one row per product, rater and
criterion::

    product | rater | criterion | score | evidence

``rater`` is ``""`` when the file names no raters and ``evidence`` is ``""``
when no note was given. :func:`validate_scores` turns raw rows (as read from
a CSV, Excel or YAML file) into that table, or raises one
:class:`~toolkit.errors.DataError` that lists every problem it found, each
naming the place in the file, the product, the rater, the criterion and the
value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Number
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.bullseye.criteria import SCORE_MAX, SCORE_MIN
from toolkit.errors import DataError

__all__ = ["SCORE_COLUMNS", "Scorecard", "validate_scores", "MAX_LISTED_PROBLEMS"]

#: Columns of a validated scorecard, in order.
SCORE_COLUMNS: tuple[str, ...] = ("product", "rater", "criterion", "score", "evidence")

#: How many problems an error message lists before "and N more".
MAX_LISTED_PROBLEMS: int = 12


@dataclass(frozen=True)
class Scorecard:
    """A validated scorecard and what is known about it.

    Attributes
    ----------
    scores : pandas.DataFrame
        Columns :data:`SCORE_COLUMNS`; ``score`` is an int 0-10. Products in
        the order they first appear, criteria in the criteria-file order.
    products : pandas.DataFrame
        One row per product: ``product``, ``description``, ``raters``
        (number of raters).
    source : str
        Where the scorecard came from (a path, or a name).
    title, note : str
        Optional title and note from a YAML file (``""`` otherwise).
    remarks : list of str
        Things the reader assumed, e.g. a product name taken from the file
        name; a report should show them.
    sha256 : str
        Checksum of the file read (``""`` when not read from a file).
    rows_read : int
        Score entries found in the file (rows of a table, scores of a YAML
        file), all of which passed validation.
    bundled : str
        Name of the bundled scorecard, ``""`` for a user's file.
    """

    scores: pd.DataFrame
    products: pd.DataFrame
    source: str
    title: str = ""
    note: str = ""
    remarks: list[str] = field(default_factory=list)
    sha256: str = ""
    rows_read: int = 0
    bundled: str = ""

    def provenance(self) -> dict[str, object]:
        """A JSON-ready record of where the scorecard came from, for reports."""
        suffix = self.source.rsplit(".", 1)[-1].lower() if "." in self.source else ""
        return {
            "input": f"bundled:{self.bundled}" if self.bundled else str(Path(self.source).resolve()),
            "format": suffix,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "products": int(self.scores["product"].nunique()),
            "raters": int(self.scores.groupby("product")["rater"].nunique().sum()),
            "scores": int(len(self.scores)),
        }


def _text(value: Any) -> str:
    """Text of a cell: ``""`` for missing, ``"3"`` for a float 3.0."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _shown(value: Any) -> str:
    """A raw score as the user wrote it: numbers bare, other text quoted."""
    text = value.strip() if isinstance(value, str) else value
    try:
        float(text)
    except (TypeError, ValueError):
        return repr(text)
    return str(text)


def _parse_score(value: Any) -> tuple[int | None, str | None]:
    """Return ``(score, None)`` or ``(None, problem)`` for one raw score."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, "no score"
    if isinstance(value, bool):
        return None, f"score {_shown(value)} is not a whole number from {SCORE_MIN} to {SCORE_MAX}"
    if isinstance(value, str):
        raw = value.strip()
        if raw == "":
            return None, "no score"
        try:
            number = float(raw)
        except ValueError:
            return None, f"score {_shown(value)} is not a whole number from {SCORE_MIN} to {SCORE_MAX}"
    elif isinstance(value, Number):
        number = float(value)  # type: ignore[arg-type]
    else:
        return None, f"score {_shown(value)} is not a whole number from {SCORE_MIN} to {SCORE_MAX}"
    if math.isnan(number):
        return None, "no score"
    if not number.is_integer():
        return (
            None,
            f"score {_shown(value)} is not a whole number (scores are integers {SCORE_MIN}-{SCORE_MAX})",
        )
    if not SCORE_MIN <= number <= SCORE_MAX:
        return None, f"score {_shown(value)} is outside {SCORE_MIN}-{SCORE_MAX}"
    return int(number), None


def _who(product: str, rater: str, criterion: str | None = None) -> str:
    parts = [f"product {product!r}"]
    if rater:
        parts.append(f"rater {rater!r}")
    if criterion is not None:
        parts.append(f"criterion {criterion!r}")
    return ", ".join(parts)


def validate_scores(
    raw: pd.DataFrame,
    criteria: pd.DataFrame,
    source: str = "scorecard",
) -> pd.DataFrame:
    """Check raw scorecard rows and return the clean long table.

    Parameters
    ----------
    raw : pandas.DataFrame
        Columns ``product``, ``criterion``, ``score`` and optionally
        ``rater``, ``evidence`` and ``where`` (the place of each row in the
        file, e.g. ``"row 7"``; defaults to the spreadsheet row number,
        header = row 1).
    criteria : pandas.DataFrame
        Output of :func:`toolkit.bullseye.load_criteria`.
    source : str
        Name of the file, for error messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORE_COLUMNS`, ``score`` as int. Criterion ids are
        matched without regard to case and returned as the criteria file
        spells them.

    Raises
    ------
    toolkit.errors.DataError
        Listing every problem: empty product names, unknown criteria,
        missing scores, scores that are not whole numbers or lie outside
        0-10, the same product/rater/criterion given twice, and criteria
        missing for a product and rater.
    """
    for col in ("product", "criterion", "score"):
        if col not in raw.columns:
            raise DataError(
                f"the scorecard has no {col!r} column; it has {list(raw.columns)}. "
                "Expected columns: product, rater (optional), criterion, score, evidence (optional).",
                source=source,
                column=col,
            )
    if raw.empty:
        raise DataError("the scorecard has no rows.", source=source)

    ids = list(criteria["id"])
    canonical = {i.upper(): i for i in ids}
    n = len(raw)
    where = list(raw["where"]) if "where" in raw.columns else [f"row {i + 2}" for i in range(n)]
    raters = [_text(v) for v in raw["rater"]] if "rater" in raw.columns else [""] * n
    evidence = [_text(v) for v in raw["evidence"]] if "evidence" in raw.columns else [""] * n

    problems: list[str] = []
    rows: list[int] = []

    def problem(i: int, text: str) -> None:
        problems.append(f"{where[i]}: {text}")
        if where[i].startswith("row "):
            rows.append(int(where[i].split()[1]))

    records = []
    for i, (product_raw, crit_raw, score_raw) in enumerate(
        zip(raw["product"], raw["criterion"], raw["score"])
    ):
        product = _text(product_raw)
        crit_text = _text(crit_raw)
        crit = canonical.get(crit_text.upper())
        if product == "":
            rater_part = f"rater {raters[i]!r}, " if raters[i] else ""
            problem(i, f"empty product name ({rater_part}criterion {crit_text!r})")
            continue
        if crit is None:
            shown = repr(crit_text) if crit_text else "(empty)"
            problem(
                i,
                f"{_who(product, raters[i])}: unknown criterion {shown}; "
                f"the criteria are {ids[0]} ... {ids[-1]} ({', '.join(ids)})",
            )
            continue
        score, trouble = _parse_score(score_raw)
        if trouble:
            problem(i, f"{_who(product, raters[i], crit)}: {trouble}")
            continue
        records.append((i, product, raters[i], crit, score, evidence[i]))

    seen: dict[tuple[str, str, str], int] = {}
    for i, product, rater, crit, _, _ in records:
        key = (product, rater, crit)
        if key in seen:
            problem(i, f"{_who(product, rater, crit)} is given twice (also at {where[seen[key]]})")
        else:
            seen[key] = i

    # Every product/rater pair seen anywhere in the file must score all criteria.
    pairs: dict[tuple[str, str], set[str]] = {}
    for i in range(n):
        product = _text(raw["product"].iloc[i])
        if product:
            pairs.setdefault((product, raters[i]), set())
    for product, rater, crit in seen:
        pairs[(product, rater)].add(crit)
    attempted = {
        (_text(p), raters[i], canonical.get(_text(c).upper()))
        for i, (p, c) in enumerate(zip(raw["product"], raw["criterion"]))
    }
    for (product, rater), have in pairs.items():
        absent = [c for c in ids if c not in have and (product, rater, c) not in attempted]
        if absent:
            problems.append(f"{_who(product, rater)}: no row for {len(absent)} criteria {absent}")

    if problems:
        listed = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(listed)
        tail = f"; and {more} more" if more > 0 else ""
        raise DataError(
            f"the scorecard has {len(problems)} problem(s): " + "; ".join(listed) + tail + ".",
            source=source,
            rows=sorted(set(rows)),
        )

    out = pd.DataFrame([(p, r, c, s, e) for _, p, r, c, s, e in records], columns=list(SCORE_COLUMNS))
    product_order = {p: k for k, p in enumerate(dict.fromkeys(out["product"]))}
    rater_order = {r: k for k, r in enumerate(dict.fromkeys(out["rater"]))}
    crit_order = {c: k for k, c in enumerate(ids)}
    keys = pd.DataFrame(
        {
            "p": out["product"].map(product_order),
            "r": out["rater"].map(rater_order),
            "c": out["criterion"].map(crit_order),
        }
    )
    out = out.loc[keys.sort_values(["p", "r", "c"]).index].reset_index(drop=True)
    out["score"] = out["score"].astype(int)
    return out
