"""Exceptions with messages a user can act on.

Every error the toolkit raises for bad input is a :class:`PmktError`, so the
command line can print its message on one line instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "PmktError",
    "DataError",
    "ParameterError",
    "RunError",
    "check_choice",
    "format_examples",
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


def check_choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """Raise a uniform error when ``value`` is not one of ``choices``.

    Parameters
    ----------
    name : str
        The parameter's name, as the user wrote it.
    value : object
        The value received.
    choices : sequence
        The allowed values.

    Returns
    -------
    object
        ``value`` unchanged, when allowed.

    Raises
    ------
    ParameterError
        "The value for `method` must be one of ['quantile', 'nested'], but
        'kmeans' was passed."
    """
    if value not in choices:
        raise ParameterError(
            f"The value for `{name}` must be one of {list(choices)}, but {value!r} was passed."
        )
    return value
