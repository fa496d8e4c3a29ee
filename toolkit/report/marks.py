"""Marks in report prose: ``**bold**`` and data values.

A data value (a product or country name from the data, a customer id, a
user's column name) is wrapped in :data:`DATA_OPEN` ... :data:`DATA_CLOSE`
by :func:`mark_data`; the page shows it as ``<span class="pmkt-data">``,
which the report lint accepts in any language.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["DATA_OPEN", "DATA_CLOSE", "mark_data", "marks_html", "prose_html", "plain_text"]

DATA_OPEN, DATA_CLOSE = "\u27e6", "\u27e7"


def mark_data(value: Any) -> str:
    """Wrap a data value so that the report shows it as data."""
    return f"{DATA_OPEN}{value}{DATA_CLOSE}"


def marks_html(text: str) -> str:
    """Escape text and turn marked data values into ``pmkt-data`` spans (no bold)."""
    return (
        html.escape(str(text)).replace(DATA_OPEN, '<span class="pmkt-data">').replace(DATA_CLOSE, "</span>")
    )


def prose_html(text: str) -> str:
    """Escape prose and turn ``**bold**`` and marked data values into HTML."""
    parts = marks_html(text).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


def plain_text(text: str) -> str:
    """Prose without the data-value marks, for summary.json, alt text and the console."""
    return str(text).replace(DATA_OPEN, "").replace(DATA_CLOSE, "")
