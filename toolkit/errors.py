"""Exceptions with messages a user can act on.

Every error the toolkit raises for bad input is a :class:`PmktError`, so the
command line can print its message on one line instead of a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "PmktError",
    "DataError",
    "ParameterError",
    "RunError",
    "check_bool",
    "check_choice",
    "check_date",
    "check_number",
    "describe_value",
    "format_examples",
    "parameter_error",
]


class PmktError(Exception):
    """Base class of the errors that carry a message meant for the user."""


class DataError(PmktError):
    """The input data cannot be used as it is.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    source : str, optional
        The file (or table) the data came from.
    column : str, optional
        The column concerned.
    rows : sequence of int, optional
        Some offending row numbers (1-based, as a spreadsheet shows them).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: str | None = None,
        rows: Sequence[int] | None = None,
    ) -> None:
        self.source = source
        self.column = column
        self.rows = list(rows) if rows is not None else []
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + message)


class ParameterError(PmktError, ValueError):
    """An argument or notebook parameter has a value the toolkit cannot use."""


class RunError(PmktError):
    """A notebook failed while it was executed.

    Parameters
    ----------
    notebook : str
        Name of the notebook.
    message : str
        Summary of the failure.
    cell_index : int, optional
        Index of the failing cell in the notebook (0-based).
    cell_title : str, optional
        First line of the failing cell's source, to recognise it.
    error_name, error_value : str, optional
        The exception raised inside the notebook.
    executed_path : str, optional
        Where the executed notebook was kept for debugging.
    """

    def __init__(
        self,
        notebook: str,
        message: str,
        *,
        cell_index: int | None = None,
        cell_title: str | None = None,
        error_name: str | None = None,
        error_value: str | None = None,
        executed_path: str | None = None,
    ) -> None:
        self.notebook = notebook
        self.cell_index = cell_index
        self.cell_title = cell_title
        self.error_name = error_name
        self.error_value = error_value
        self.executed_path = executed_path
        super().__init__(message)


def format_examples(values: Iterable[Any], limit: int = 5) -> str:
    """Format a few example values for an error message.

    Parameters
    ----------
    values : iterable
        The values to show.
    limit : int, default 5
        How many to show before "...".

    Returns
    -------
    str
        For example ``"'abc', '2011-13-01' and 3 more"``.
    """
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    rest = len(values) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def describe_value(value: Any, limit: int = 60) -> str:
    """Show a value the way a user wrote it, for an error message.

    Numpy scalars appear as the Python values they hold, so a message reads
    ``Got 4.0`` rather than ``Got np.float64(4.0)``; long values are cut.

    Parameters
    ----------
    value : object
        The value received.
    limit : int, default 60
        Longest text shown before it is cut with "...".

    Returns
    -------
    str
        For example ``"4.0"``, ``"'kmeans'"`` or ``"[1, 2, 3]"``.
    """
    value = _plain(value)
    if isinstance(value, (list, tuple)):
        value = type(value)(_plain(v) for v in value)
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds; anything else unchanged."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return item()
    return value


def parameter_error(name: str, expected: str, value: Any, hint: str | None = None) -> ParameterError:
    """The one sentence for an argument the toolkit cannot use.

    Parameters
    ----------
    name : str
        The parameter's name, as the user wrote it.
    expected : str
        What it must be, e.g. ``"an integer in the range [2, 9]"``.
    value : object
        The value received.
    hint : str, optional
        How to fix it, when that is not obvious from ``expected``.

    Returns
    -------
    ParameterError
        To be raised by the caller, e.g. "The 'bins' parameter must be an
        integer in the range [2, 9]. Got 12 instead."
    """
    message = f"The '{name}' parameter must be {expected}. Got {describe_value(value)} instead."
    if hint:
        message += " " + hint.strip()
    return ParameterError(message)


def _bound(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _range_text(low: float | None, high: float | None, closed: str) -> str:
    left = "[" if closed in {"both", "left"} and low is not None else "("
    right = "]" if closed in {"both", "right"} and high is not None else ")"
    lo = "-inf" if low is None else _bound(low)
    hi = "inf" if high is None else _bound(high)
    return f"{left}{lo}, {hi}{right}"


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
    integer: bool = False,
    hint: str | None = None,
) -> Any:
    """Check a numeric argument and return it as a plain Python number.

    Parameters
    ----------
    name : str
        The parameter's name, as the user wrote it.
    value : object
        The value received: any real number type (``int``, ``float``,
        numpy scalars); ``bool``, text, NaN and infinity are refused.
    low, high : float, optional
        Bounds of the allowed range; None means unbounded on that side.
    closed : {"both", "left", "right", "neither"}, default "both"
        Which bounds are allowed values themselves.
    integer : bool, default False
        Whether the value must be whole (``3.0`` passes as ``3``).
    hint : str, optional
        How to fix a bad value.

    Returns
    -------
    int or float
        ``value`` as an ``int`` when ``integer``, else as a ``float``.

    Raises
    ------
    ParameterError
        "The 'margin' parameter must be a number in the range (0, 1]. Got
        1.5 instead."

    Examples
    --------
    >>> check_number("bins", 5, low=2, high=9, integer=True)
    5
    >>> check_number("margin", 0.4, low=0, high=1, closed="right")
    0.4
    """
    if closed not in {"both", "left", "right", "neither"}:
        raise ValueError(f"closed must be 'both', 'left', 'right' or 'neither', not {closed!r}")
    kind = "an integer" if integer else "a number"
    bounded = low is not None or high is not None
    expected = f"{kind} in the range {_range_text(low, high, closed)}" if bounded else kind
    plain = _plain(value)
    if isinstance(plain, bool) or not isinstance(plain, (int, float)):
        raise parameter_error(name, expected, value, hint)
    number = float(plain)
    if not math.isfinite(number) or (integer and not number.is_integer()):
        raise parameter_error(name, expected, value, hint)
    low_ok = low is None or (number >= low if closed in {"both", "left"} else number > low)
    high_ok = high is None or (number <= high if closed in {"both", "right"} else number < high)
    if not (low_ok and high_ok):
        raise parameter_error(name, expected, value, hint)
    return int(number) if integer else number


def check_bool(name: str, value: Any) -> bool:
    """Check a yes/no argument: ``True`` or ``False`` (numpy booleans too).

    Raises
    ------
    ParameterError
        "The 'warn' parameter must be True or False. Got 'yes' instead."
    """
    plain = _plain(value)
    if not isinstance(plain, bool):
        raise parameter_error(name, "True or False", value)
    return plain


def _choices_text(choices: Sequence[Any]) -> str:
    shown = [describe_value(c) for c in choices]
    if len(shown) == 1:
        return shown[0]
    return "one of " + ", ".join(shown[:-1]) + " or " + shown[-1]


def check_choice(name: str, value: Any, choices: Sequence[Any], *, hint: str | None = None) -> Any:
    """Raise the uniform error when ``value`` is not one of ``choices``.

    Parameters
    ----------
    name : str
        The parameter's name, as the user wrote it.
    value : object
        The value received.
    choices : sequence
        The allowed values.
    hint : str, optional
        How to fix a bad value.

    Returns
    -------
    object
        ``value`` unchanged, when allowed.

    Raises
    ------
    ParameterError
        "The 'method' parameter must be one of 'quantile' or 'nested'. Got
        'kmeans' instead."
    """
    try:
        allowed = value in choices
    except TypeError:  # unhashable value against a set of choices
        allowed = False
    if not allowed:
        raise parameter_error(name, _choices_text(list(choices)), value, hint)
    return value


def check_date(name: str, value: Any, *, example: str = "2011-12-10") -> Any:
    """Check a date argument and return it as a pandas ``Timestamp``.

    Parameters
    ----------
    name : str
        The parameter's name, as the user wrote it.
    value : object
        Text such as ``"2011-12-10"``, a ``datetime`` or a ``Timestamp``.
    example : str, default "2011-12-10"
        The example shown in the message.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ParameterError
        "The 'as_of' parameter must be a date like 2011-12-10. Got 'soon'
        instead."
    """
    import pandas as pd

    try:
        stamp = pd.Timestamp(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise parameter_error(name, f"a date like {example}", value)
    return stamp
