"""Self-assessment: the 8R audit questionnaire, the data evidence, the profile.

The syllabus' guiding questions for each R are kept as a questionnaire
file (``data/eight_r/questionnaire.csv``, English and Chinese). A company
answers each statement from 1 (not at all) to 5 (fully) in a small answers
file (YAML ``id: score`` lines, or a CSV with ``id`` and ``score``).

The data evidence grades some Rs on the same 1-5 scale through an
editable scale file (``data/eight_r/evidence_scale.csv``): for each graded
R, a metric from ``metrics.csv``, whether higher or lower is better, and
the values at which the grade reaches 2, 3, 4 and 5. The defaults are
rules of thumb for a retailer; change them for another business. An R
without a row (or whose metric could not be measured) is profiled from the
self-assessment alone, and the profile says so.

The profile combines the two (the mean of those available), and the gap
list ranks the Rs by their distance from 5, the largest gap first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from toolkit.eight_r.coverage import RS
from toolkit.errors import DataError, check_choice, format_examples, parameter_error

__all__ = [
    "default_path",
    "read_questionnaire",
    "read_answers",
    "read_evidence_scale",
    "self_scores",
    "grade",
    "evidence_scores",
    "profile",
    "gap_list",
]

_FILES = {
    "questionnaire": "questionnaire.csv",
    "answers": "answers_example.yaml",
    "scale": "evidence_scale.csv",
}


def default_path(kind: str) -> Path:
    """Path of a bundled 8R file: ``"questionnaire"``, ``"answers"`` (the example) or ``"scale"``."""
    from toolkit.data.datasets import data_dir

    check_choice("kind", kind, list(_FILES))
    return data_dir() / "eight_r" / _FILES[kind]


def _path(path: str | Path | None, kind: str) -> Path:
    p = default_path(kind) if path in (None, "") else Path(path)
    if not p.exists():
        raise DataError(f"The {kind} file {str(p)!r} does not exist.", source=str(p))
    return p


def read_questionnaire(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the questionnaire (default: the bundled one).

    Returns
    -------
    DataFrame
        ``id``, ``r``, ``question_en``, ``question_zh``.

    Raises
    ------
    DataError
        On a missing column, an unknown R, a repeated id or an empty question.
    """
    p = _path(path, "questionnaire")
    q = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    need = ["id", "r", "question_en", "question_zh"]
    missing = [c for c in need if c not in q.columns]
    if missing:
        raise DataError(
            f"missing column(s) {missing}; the questionnaire needs {need}.", source=str(p), column=missing[0]
        )
    bad_r = ~q["r"].isin(RS)
    if bad_r.any():
        raise DataError(
            f"column 'r' has values {format_examples(q.loc[bad_r, 'r'].unique())} "
            f"(rows {[int(i) + 2 for i in q.index[bad_r][:5]]}); expected one of {list(RS)}.",
            source=str(p),
            column="r",
            rows=[int(i) + 2 for i in q.index[bad_r][:5]],
        )
    dup = q["id"].duplicated(keep=False)
    if dup.any():
        raise DataError(
            f"question ids must be unique; repeated: {sorted(q.loc[dup, 'id'].unique())}.",
            source=str(p),
            column="id",
        )
    for col in ("id", "question_en", "question_zh"):
        empty = q[col].str.strip() == ""
        if empty.any():
            raise DataError(
                f"column '{col}' is empty in rows {[int(i) + 2 for i in q.index[empty][:5]]}.",
                source=str(p),
                column=col,
                rows=[int(i) + 2 for i in q.index[empty][:5]],
            )
    return q[need].reset_index(drop=True)


def read_answers(path: str | Path | None, questions: pd.DataFrame) -> pd.Series:
    """Read a self-assessment: scores 1-5 by question id.

    Parameters
    ----------
    path : str or Path or None
        YAML file of ``id: score`` lines (or ``answers: {id: score}``), or
        a CSV with columns ``id`` and ``score``. ``None``/empty: the
        bundled example.
    questions : DataFrame
        The questionnaire, to check the ids against.

    Returns
    -------
    Series
        Scores (int) indexed by question id, in questionnaire order;
        unanswered questions are left out (count them with
        ``len(questions) - len(result)``).

    Raises
    ------
    DataError
        For an unknown id or a score that is not a whole number from 1 to 5.
    """
    p = _path(path, "answers")
    if p.suffix.lower() in (".yaml", ".yml"):
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):
            raw = raw["answers"]
        if not isinstance(raw, dict):
            raise DataError("expected 'id: score' lines.", source=str(p))
        answers = pd.Series({str(k): v for k, v in raw.items()}, dtype=object)
    elif p.suffix.lower() == ".csv":
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if not {"id", "score"} <= set(frame.columns):
            raise DataError(f"expected columns 'id' and 'score'; found {list(frame.columns)}.", source=str(p))
        frame = frame[frame["score"].str.strip() != ""]
        if frame["id"].duplicated().any():
            raise DataError(
                f"question ids answered twice: {sorted(frame.loc[frame['id'].duplicated(), 'id'])}.",
                source=str(p),
                column="id",
            )
        answers = pd.Series(frame["score"].to_numpy(), index=frame["id"].astype(str), dtype=object)
    else:
        raise DataError(
            f"answers must be a .yaml, .yml or .csv file; got {p.suffix or 'no extension'}.", source=str(p)
        )
    answers = answers[answers.notna()]
    unknown = sorted(set(answers.index) - set(questions["id"]))
    if unknown:
        raise DataError(
            f"unknown question id(s) {unknown}; the questionnaire has ids like "
            f"{format_examples(questions['id'])}.",
            source=str(p),
        )
    scores = pd.to_numeric(answers, errors="coerce")
    bad = scores.isna() | ~scores.isin([1, 2, 3, 4, 5])
    if bad.any():
        shown = {k: answers[k] for k in answers.index[bad][:5]}
        raise DataError(f"scores must be whole numbers from 1 to 5; got {shown}.", source=str(p))
    order = [i for i in questions["id"] if i in scores.index]
    return scores.loc[order].astype(int)


def read_evidence_scale(path: str | Path | None = None) -> pd.DataFrame:
    """Read the evidence scale (default: the bundled one).

    Returns
    -------
    DataFrame
        ``r``, ``metric``, ``better`` ("higher"/"lower"), ``s2``..``s5``.
    """
    p = _path(path, "scale")
    s = pd.read_csv(p, encoding="utf-8-sig")
    need = ["r", "metric", "better", "s2", "s3", "s4", "s5"]
    missing = [c for c in need if c not in s.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; the evidence scale needs {need}.", source=str(p))
    bad = ~s["r"].isin(RS)
    if bad.any():
        raise DataError(
            f"column 'r' has values {format_examples(s.loc[bad, 'r'].unique())}; expected one of {list(RS)}.",
            source=str(p),
            column="r",
        )
    if s["r"].duplicated().any():
        raise DataError(f"one row per R; repeated: {sorted(s.loc[s['r'].duplicated(), 'r'])}.", source=str(p))
    bad = ~s["better"].isin(["higher", "lower"])
    if bad.any():
        raise DataError(
            f"column 'better' must be 'higher' or 'lower'; got "
            f"{format_examples(s.loc[bad, 'better'].unique())}.",
            source=str(p),
            column="better",
        )
    t = s[["s2", "s3", "s4", "s5"]].astype(float).to_numpy()
    steps = np.diff(t, axis=1)
    wrong = np.where(s["better"].eq("higher").to_numpy()[:, None], steps <= 0, steps >= 0).any(axis=1)
    if wrong.any():
        raise DataError(
            f"thresholds s2..s5 must increase when higher is better and decrease when lower is "
            f"better; check the rows for {s.loc[wrong, 'r'].tolist()}.",
            source=str(p),
        )
    return s[need].reset_index(drop=True)


def self_scores(questions: pd.DataFrame, answers: pd.Series) -> pd.DataFrame:
    """Mean self-assessed score per R.

    Returns
    -------
    DataFrame
        ``r``, ``questions``, ``answered``, ``self_score`` (mean of the
        answers; missing when none), in the order of the Rs.
    """
    q = questions[["id", "r"]].copy()
    q["score"] = q["id"].map(answers)
    out = q.groupby("r").agg(
        questions=("id", "size"), answered=("score", "count"), self_score=("score", "mean")
    )
    return (
        out.reindex(list(RS))
        .rename_axis("r")
        .reset_index()
        .astype({"questions": "Int64", "answered": "Int64"})
    )


def grade(value: float, better: str, thresholds: list[float] | np.ndarray) -> float:
    """Grade a value 1-5: 1 plus the number of thresholds (s2..s5) it reaches.

    For ``better="higher"`` a value reaches threshold t when value >= t; for
    ``"lower"`` when value <= t. Missing values give NaN.
    """
    if value is None or not np.isfinite(value):
        return float("nan")
    t = np.asarray(thresholds, dtype=float)
    if better == "higher":
        return float(1 + np.sum(value >= t))
    if better == "lower":
        return float(1 + np.sum(value <= t))
    raise parameter_error("better", "one of 'higher' or 'lower'", better)


def evidence_scores(metrics: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    """Grade the Rs that have a scale row from the measured metrics.

    Parameters
    ----------
    metrics : DataFrame
        The metrics table (``r``, ``metric``, ``value``), see
        :func:`toolkit.eight_r.coverage.metrics_frame`.
    scale : DataFrame
        The evidence scale, see :func:`read_evidence_scale`.

    Returns
    -------
    DataFrame
        One row per R: ``r``, ``evidence_metric``, ``evidence_value``,
        ``evidence_score`` (NaN when the R has no scale row or the metric
        was not measured) and ``evidence_status`` (``"graded"``,
        ``"not_measured"`` or ``"no_scale"``).
    """
    values = metrics.set_index(["r", "metric"])["value"]
    rows = []
    for r in RS:
        row = scale[scale["r"] == r]
        if row.empty:
            rows.append(
                {
                    "r": r,
                    "evidence_metric": "",
                    "evidence_value": np.nan,
                    "evidence_score": np.nan,
                    "evidence_status": "no_scale",
                }
            )
            continue
        row = row.iloc[0]
        value = float(values.get((r, row["metric"]), np.nan))
        score = grade(value, row["better"], row[["s2", "s3", "s4", "s5"]].to_numpy(float))
        rows.append(
            {
                "r": r,
                "evidence_metric": row["metric"],
                "evidence_value": value,
                "evidence_score": score,
                "evidence_status": "graded" if np.isfinite(score) else "not_measured",
            }
        )
    return pd.DataFrame(rows)


def profile(selfs: pd.DataFrame, evidence: pd.DataFrame, disagree: float = 2.0) -> pd.DataFrame:
    """The 8R profile: self-assessment, data evidence and their combination.

    Returns
    -------
    DataFrame
        One row per R (syllabus order): ``r``, ``self_score``,
        ``evidence_score``, ``evidence_metric``, ``evidence_value``,
        ``evidence_status``, ``score`` (mean of the two when both exist,
        else the one available), ``gap`` (5 - score) and ``disagreement``
        (True when self and evidence differ by ``disagree`` points or more).
    """
    out = selfs[["r", "self_score"]].merge(evidence, on="r", how="left")
    out["score"] = out[["self_score", "evidence_score"]].mean(axis=1, skipna=True)
    out["gap"] = 5 - out["score"]
    out["disagreement"] = (out["self_score"] - out["evidence_score"]).abs() >= disagree
    return out


def gap_list(prof: pd.DataFrame) -> pd.DataFrame:
    """The Rs ranked by gap, the largest first (ties keep the syllabus order).

    Rs with no score at all (no answers, no evidence) come last.

    Returns
    -------
    DataFrame
        ``rank``, ``r``, ``score``, ``gap``, ``self_score``,
        ``evidence_score``, ``evidence_status``, ``disagreement``.
    """
    p = prof.copy()
    p["_order"] = p["r"].map({r: i for i, r in enumerate(RS)})
    p = p.sort_values(["gap", "_order"], ascending=[False, True], na_position="last").reset_index(drop=True)
    p.insert(0, "rank", np.arange(1, len(p) + 1))
    return p[["rank", "r", "score", "gap", "self_score", "evidence_score", "evidence_status", "disagreement"]]
