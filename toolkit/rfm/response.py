"""RFM cell response economics: test a sample, then roll out to the cells that pay.

The direct-marketing routine (A. Hughes): mail a test sample, measure each
RFM cell's response rate, and contact in the roll-out only the cells whose
rate beats the break-even rate

    break-even rate = cost per contact / net profit per response
    break-even index = (cell rate - break-even rate) / break-even rate x 100

so at 0.55 per piece and 40 net profit per sale the break-even rate is
1.375%, and a cell answering at 2.5% has index 81.82. Rates come with a
Wilson confidence interval, so small cells are not trusted more than they
deserve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError, ParameterError, check_choice, check_number

__all__ = [
    "DECISIONS",
    "CellResponse",
    "break_even_rate",
    "break_even_index",
    "wilson_interval",
    "cell_response",
    "rollout_forecast",
]

DECISIONS: tuple[str, ...] = ("rate", "ci_low")


def _positive(name: str, value: float) -> float:
    return float(check_number(name, value, low=0, closed="neither"))


def break_even_rate(cost_per_contact: float, profit_per_response: float) -> float:
    """Response rate at which a contact pays for itself: cost / net profit per response.

    >>> round(break_even_rate(0.55, 40), 5)
    0.01375
    """
    return _positive("cost_per_contact", cost_per_contact) / _positive(
        "profit_per_response", profit_per_response
    )


def break_even_index(
    response_rate: float | np.ndarray | pd.Series, break_even: float
) -> float | np.ndarray | pd.Series:
    """(rate - break-even rate) / break-even rate x 100; positive means the cell pays.

    >>> round(break_even_index(0.025, 0.01375), 2)
    81.82
    """
    be = _positive("break_even", break_even)
    return (response_rate - be) / be * 100


def wilson_interval(
    responses: np.ndarray | pd.Series | int, contacts: np.ndarray | pd.Series | int, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a response rate.

    Parameters
    ----------
    responses, contacts : int or array
        Responses and contacts per cell (contacts > 0).
    confidence : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    (low, high) : arrays
        Bounds within [0, 1]; unlike the normal approximation they stay
        sensible for cells with 0 responses.
    """
    check_number("confidence", confidence, low=0, high=1, closed="neither")
    x = np.asarray(responses, dtype="float64")
    n = np.asarray(contacts, dtype="float64")
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


@dataclass(frozen=True)
class CellResponse:
    """A test campaign's result per RFM cell.

    Attributes
    ----------
    cells : DataFrame
        ``cell, contacts, responses, response_rate, ci_low, ci_high,
        revenue (if given), break_even_index, test_profit, roll_out``.
    break_even_rate, cost_per_contact, profit_per_response : float
        The economics used.
    profit_basis : str
        ``"given"`` or ``"margin x revenue per response"``.
    confidence : float
        Level of the intervals.
    decision : str
        ``"rate"`` (roll out where the rate beats break-even: positive
        index) or ``"ci_low"`` (only where the interval's lower bound does).
    counts : dict
        ``rows``, ``contacted``, ``not_contacted`` (left out of the cells).
    """

    cells: pd.DataFrame
    break_even_rate: float
    cost_per_contact: float
    profit_per_response: float
    profit_basis: str
    confidence: float
    decision: str
    counts: dict = field(default_factory=dict)


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        raise DataError(
            f"the test results have no column {column!r}; available: {list(frame.columns)}.", column=column
        )
    values = pd.to_numeric(frame[column].astype("object").replace({True: 1, False: 0}), errors="coerce")
    bad = ~values.isin([0, 1])
    if bad.any():
        rows = list(np.flatnonzero(bad.to_numpy())[:5] + 1)
        raise DataError(
            f"column {column!r} must hold 0/1 (or True/False); {int(bad.sum()):,} value(s) do not, "
            f"e.g. rows {rows}.",
            column=column,
            rows=rows,
        )
    return values.to_numpy(dtype="int64")


def cell_response(
    tests: pd.DataFrame,
    cell: str = "rfm_cell",
    contacted: str = "contacted",
    responded: str = "responded",
    revenue: str | None = None,
    *,
    cost_per_contact: float,
    profit_per_response: float | None = None,
    margin: float | None = None,
    confidence: float = 0.95,
    decision: str = "rate",
    control: pd.DataFrame | None = None,
) -> CellResponse:
    """Response rate, interval and break-even index per RFM cell of a test.

    Parameters
    ----------
    tests : DataFrame
        One row per customer of the test: the cell, whether contacted
        (0/1), whether responded (0/1), optionally the revenue.
    cell, contacted, responded, revenue : str
        Column names. ``contacted`` may be absent when every row was
        contacted.
    cost_per_contact : float
        Cost of one contact (print and postage, or sending cost).
    profit_per_response : float, optional
        Net profit of one response. Give it, or give ``margin``.
    margin : float, optional
        Share of revenue that is profit (0-1); the net profit per response
        is then ``margin x`` the test's mean revenue per response.
    confidence : float, default 0.95
        Level of the Wilson intervals.
    decision : {"rate", "ci_low"}, default "rate"
        Roll out cells whose rate (or, more cautious, whose interval's
        lower bound) is above the break-even rate.
    control : DataFrame, optional
        A hold-out group that was not contacted, with the same ``cell`` and
        ``responded`` columns. Adds ``control_customers``, ``control_rate``
        and ``incremental_rate`` (the cell's rate minus the control rate): the part of
        the response the contact caused, which the break-even rule of thumb
        does not see.

    Returns
    -------
    CellResponse
    """
    check_choice("decision", decision, DECISIONS)
    if cell not in tests:
        raise DataError(
            f"the test results have no column {cell!r}; available: {list(tests.columns)}.", column=cell
        )
    cost = _positive("cost_per_contact", cost_per_contact)
    was_contacted = _flag(tests, contacted) if contacted in tests else np.ones(len(tests), dtype="int64")
    did_respond = _flag(tests, responded)
    odd = (did_respond == 1) & (was_contacted == 0)
    if odd.any():
        rows = list(np.flatnonzero(odd)[:5] + 1)
        raise DataError(
            f"{int(odd.sum()):,} row(s) responded without being contacted (rows {rows}); "
            "check the contacted and responded columns.",
            column=responded,
            rows=rows,
        )
    frame = pd.DataFrame(
        {"cell": tests[cell].astype(str).to_numpy(), "contacts": was_contacted, "responses": did_respond}
    )
    if revenue is not None:
        if revenue not in tests:
            raise DataError(f"the test results have no column {revenue!r}.", column=revenue)
        frame["revenue"] = pd.to_numeric(tests[revenue], errors="coerce").fillna(0.0).to_numpy() * did_respond
    frame = frame[frame["contacts"] == 1]
    if frame.empty:
        raise DataError("no row of the test results was contacted.", column=contacted)
    if (profit_per_response is None) == (margin is None):
        raise ParameterError(
            "Give exactly one of 'profit_per_response' and 'margin' (with a revenue column)."
        )
    if profit_per_response is not None:
        profit, basis = _positive("profit_per_response", profit_per_response), "given"
    else:
        if revenue is None:
            raise ParameterError("The 'margin' parameter needs the revenue column of the test results.")
        m = float(
            check_number("margin", margin, low=0, high=1, closed="right", hint="It is a share of revenue.")
        )
        total_responses = frame["responses"].sum()
        if total_responses == 0:
            raise DataError(
                "the test has no responses, so the revenue per response is unknown; give profit_per_response."
            )
        profit, basis = m * frame["revenue"].sum() / total_responses, "margin x revenue per response"
    be = break_even_rate(cost, profit)
    cells = frame.groupby("cell", sort=True).sum()
    cells["response_rate"] = cells["responses"] / cells["contacts"]
    cells["ci_low"], cells["ci_high"] = wilson_interval(cells["responses"], cells["contacts"], confidence)
    cells["break_even_index"] = break_even_index(cells["response_rate"], be)
    cells["test_profit"] = cells["responses"] * profit - cells["contacts"] * cost
    basis_col = "response_rate" if decision == "rate" else "ci_low"
    cells["roll_out"] = cells[basis_col] > be
    order = (
        ["contacts", "responses", "response_rate", "ci_low", "ci_high"]
        + (["revenue"] if "revenue" in cells else [])
        + ["break_even_index", "test_profit", "roll_out"]
    )
    if control is not None:
        if cell not in control:
            raise DataError(f"the control group has no column {cell!r}.", column=cell)
        ctrl = pd.DataFrame(
            {"cell": control[cell].astype(str).to_numpy(), "responses": _flag(control, responded)}
        )
        grouped = ctrl.groupby("cell")["responses"]
        cells["control_customers"] = grouped.size().reindex(cells.index).fillna(0).astype("int64")
        cells["control_rate"] = grouped.mean().reindex(cells.index)
        cells["incremental_rate"] = cells["response_rate"] - cells["control_rate"]
        order += ["control_customers", "control_rate", "incremental_rate"]
    cells = cells[order].reset_index()
    counts = {
        "rows": int(len(tests)),
        "contacted": int(was_contacted.sum()),
        "not_contacted": int(len(tests) - was_contacted.sum()),
    }
    return CellResponse(cells, be, cost, profit, basis, confidence, decision, counts)


def rollout_forecast(
    result: CellResponse, universe: Mapping[str, int] | pd.Series, *, only_roll_out: bool = True
) -> pd.DataFrame:
    """Expected responses and profit of contacting the rest of the file.

    Parameters
    ----------
    result : CellResponse
        The test's result per cell.
    universe : dict or Series
        Customers available for the roll-out per cell.
    only_roll_out : bool, default True
        Forecast only the cells marked ``roll_out``.

    Returns
    -------
    DataFrame
        Per cell ``cell, contacts, response_rate, expected_responses,
        responses_low, responses_high, expected_profit, profit_low,
        profit_high`` and a last row ``cell = "total"``. A cell's interval
        scales the Wilson interval of its test rate; the total's uses the
        normal approximation of the summed cell estimates,
        ``sqrt(sum(N^2 p (1-p) / n))``. Cells of the universe that were not
        tested get no forecast and are not in the table.
    """
    uni = pd.Series(universe, dtype="float64")
    uni.index = uni.index.astype(str)
    if (uni < 0).any() or uni.isna().any():
        raise ParameterError("The roll-out universe must give a number of customers >= 0 per cell.")
    cells = result.cells.set_index("cell")
    if only_roll_out:
        cells = cells[cells["roll_out"]]
    cells = cells.loc[cells.index.intersection(uni.index)]
    n_out = uni.reindex(cells.index).to_numpy()
    p, n_test = cells["response_rate"].to_numpy(), cells["contacts"].to_numpy()
    cost, profit = result.cost_per_contact, result.profit_per_response
    out = pd.DataFrame(
        {
            "cell": cells.index,
            "contacts": n_out.astype("int64"),
            "response_rate": p,
            "expected_responses": n_out * p,
            "responses_low": n_out * cells["ci_low"].to_numpy(),
            "responses_high": n_out * cells["ci_high"].to_numpy(),
        }
    )
    for col, src in (
        ("expected_profit", "expected_responses"),
        ("profit_low", "responses_low"),
        ("profit_high", "responses_high"),
    ):
        out[col] = out[src] * profit - out["contacts"] * cost
    z = stats.norm.ppf(0.5 + result.confidence / 2)
    total_n, total_resp = n_out.sum(), (n_out * p).sum()
    sd = float(np.sqrt(np.sum(n_out**2 * p * (1 - p) / n_test))) if len(n_out) else 0.0
    low, high = max(total_resp - z * sd, 0.0), total_resp + z * sd
    total = {
        "cell": "total",
        "contacts": int(total_n),
        "response_rate": total_resp / total_n if total_n else np.nan,
        "expected_responses": total_resp,
        "responses_low": low,
        "responses_high": high,
        "expected_profit": total_resp * profit - total_n * cost,
        "profit_low": low * profit - total_n * cost,
        "profit_high": high * profit - total_n * cost,
    }
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
