"""The 30 Bullseye criteria, their groups and the four score bands.

The criteria live in an editable data file (``criteria.csv`` next to this
module) so that a trainer who holds the textbook can correct a wording or a
band label without touching code. Each row has

``id``
    Short code (``T1`` ... ``E8``), used in scorecards.
``group``
    One of :data:`GROUPS`.
``text_en``, ``text_zh``
    The question the company answers, in English and Chinese.
``band_0_1_en`` ... ``band_8_10_zh``
    What a score in each of the four bands means for this criterion.
``direction``
    ``more`` (more of the attribute scores higher), ``less`` (reverse
    scored) or ``middle`` (the middle of the range scores highest).
``provenance``
    Where the criterion comes from: ``original`` (the English original),
    ``textbook`` (named in the Chinese textbook) or ``proposed`` (a
    completion by this toolkit, in no source).
``bands_provenance``
    The same for the band labels and the scoring direction.
``note_en``, ``note_zh``
    Optional remarks shown with the criterion.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from toolkit.errors import DataError, check_number

__all__ = [
    "GROUPS",
    "GROUP_SIZES",
    "BANDS",
    "BAND_RANGES",
    "DIRECTIONS",
    "PROVENANCES",
    "SCORE_MIN",
    "SCORE_MAX",
    "CRITERIA_COLUMNS",
    "default_criteria_path",
    "load_criteria",
    "validate_criteria",
    "band_of",
    "bands_of",
    "group_maxima",
]

#: The six groups, in the order the textbook lists them.
GROUPS: tuple[str, ...] = (
    "target_market",
    "product_brand",
    "distribution",
    "price",
    "promotion",
    "market_environment",
)

#: Number of criteria per group in the published model (maximum = 10 x size).
GROUP_SIZES: dict[str, int] = {
    "target_market": 7,
    "product_brand": 10,
    "distribution": 2,
    "price": 2,
    "promotion": 1,
    "market_environment": 8,
}

#: The four bands of a 0-10 score, lowest first.
BANDS: tuple[str, ...] = ("low", "low_medium", "medium", "high")

#: Integer scores belonging to each band (inclusive).
BAND_RANGES: dict[str, tuple[int, int]] = {
    "low": (0, 1),
    "low_medium": (2, 4),
    "medium": (5, 7),
    "high": (8, 10),
}

DIRECTIONS: tuple[str, ...] = ("more", "less", "middle")
PROVENANCES: tuple[str, ...] = ("original", "textbook", "proposed")
SCORE_MIN: int = 0
SCORE_MAX: int = 10

_BAND_SUFFIXES: tuple[str, ...] = ("0_1", "2_4", "5_7", "8_10")

#: Columns a criteria file must have.
CRITERIA_COLUMNS: tuple[str, ...] = (
    "id",
    "group",
    "text_en",
    "text_zh",
    *(f"band_{s}_{lang}" for lang in ("en", "zh") for s in _BAND_SUFFIXES),
    "direction",
    "provenance",
    "bands_provenance",
    "note_en",
    "note_zh",
)

_OPTIONAL = ("note_en", "note_zh")


def default_criteria_path() -> Path:
    """Return the path of the bundled ``criteria.csv``."""
    return Path(__file__).with_name("criteria.csv")


def load_criteria(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check a criteria file.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file with the columns of :data:`CRITERIA_COLUMNS` (``note_en``
        and ``note_zh`` may be missing). ``None`` or ``""`` reads the bundled
        file.

    Returns
    -------
    pandas.DataFrame
        One row per criterion, in file order, with the columns of
        :data:`CRITERIA_COLUMNS`.

    Raises
    ------
    toolkit.errors.DataError
        If the file is missing, a column is missing or a value is not
        allowed (see :func:`validate_criteria`).
    """
    path = Path(path) if path else default_criteria_path()
    if not path.is_file():
        raise DataError(f"criteria file not found: {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return validate_criteria(frame, source=str(path))


def validate_criteria(frame: pd.DataFrame, source: str = "criteria") -> pd.DataFrame:
    """Check a criteria table and return a clean copy.

    Parameters
    ----------
    frame : pandas.DataFrame
        Criteria rows, all values as text.
    source : str
        Name of the file, for error messages.

    Returns
    -------
    pandas.DataFrame
        A copy with surrounding spaces stripped and empty notes filled with
        ``""``.

    Raises
    ------
    toolkit.errors.DataError
        Naming the row (as a spreadsheet numbers it, header = row 1), the
        column and the value, for: missing columns, empty required cells,
        duplicate ids, unknown groups, directions or provenances.
    """
    out = frame.copy()
    for col in _OPTIONAL:
        if col not in out.columns:
            out[col] = ""
    missing = [c for c in CRITERIA_COLUMNS if c not in out.columns]
    if missing:
        raise DataError(
            f"the criteria file lacks the column(s) {missing}; it has {list(frame.columns)}.",
            source=source,
        )
    out = out[list(CRITERIA_COLUMNS)].fillna("").astype(str)
    out = out.apply(lambda col: col.str.strip())
    if out.empty:
        raise DataError("the criteria file has no rows.", source=source)

    problems: list[str] = []
    rows: list[int] = []
    required = [c for c in CRITERIA_COLUMNS if c not in _OPTIONAL]
    for i, record in enumerate(out.to_dict("records")):
        row = i + 2
        empty = [c for c in required if record[c] == ""]
        if empty:
            problems.append(f"row {row} (id {record['id']!r}): empty {empty}")
            rows.append(row)
        for col, allowed in (
            ("group", GROUPS),
            ("direction", DIRECTIONS),
            ("provenance", PROVENANCES),
            ("bands_provenance", PROVENANCES),
        ):
            if record[col] and record[col] not in allowed:
                problems.append(
                    f"row {row} (id {record['id']!r}): {col} {record[col]!r} is not one of {list(allowed)}"
                )
                rows.append(row)
    dup = out["id"].str.upper().duplicated(keep=False) & (out["id"] != "")
    if dup.any():
        ids = sorted(set(out.loc[dup, "id"]))
        where = [int(i) + 2 for i in out.index[dup]]
        problems.append(f"ids used more than once: {ids} (rows {where})")
        rows.extend(where)
    if problems:
        raise DataError(
            f"the criteria file has {len(problems)} problem(s): " + "; ".join(problems) + ".",
            source=source,
            rows=sorted(set(rows)),
        )
    return out.reset_index(drop=True)


def band_of(score: float) -> str:
    """Return the band of one score.

    Integer scores follow the published bands: 0-1 ``low``, 2-4
    ``low_medium``, 5-7 ``medium``, 8-10 ``high``. A mean of several raters
    takes the band of the nearest whole score, halves rounded up (so 4.5 is
    ``medium`` and 7.5 is ``high``).

    Parameters
    ----------
    score : float
        A score between 0 and 10.

    Returns
    -------
    str
        One of :data:`BANDS`.

    Raises
    ------
    ParameterError
        If ``score`` is missing or outside 0-10.
    """
    check_number("score", score, low=SCORE_MIN, high=SCORE_MAX, hint="A missing score has no band.")
    whole = math.floor(score + 0.5)
    for band, (low, high) in BAND_RANGES.items():
        if low <= whole <= high:
            return band
    raise AssertionError("unreachable")  # pragma: no cover


def bands_of(scores: pd.Series) -> pd.Series:
    """Apply :func:`band_of` to a Series of scores (a new Series)."""
    return scores.map(band_of)


def group_maxima(criteria: pd.DataFrame) -> pd.DataFrame:
    """Number of criteria and maximum points of each group.

    Parameters
    ----------
    criteria : pandas.DataFrame
        Output of :func:`load_criteria`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``criteria``, ``possible``, in :data:`GROUPS`
        order; groups without criteria are left out.
    """
    counts = criteria["group"].value_counts()
    rows = [
        {"group": g, "criteria": int(counts[g]), "possible": int(counts[g]) * SCORE_MAX}
        for g in GROUPS
        if g in counts
    ]
    return pd.DataFrame(rows, columns=["group", "criteria", "possible"])
