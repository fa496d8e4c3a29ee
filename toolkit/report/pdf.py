"""Print a report to an A4 PDF with WeasyPrint (CSS paged media, no browser).

The report's print styles (``report.css``, ``@page`` and ``@media print``)
give the cover page (the branded header on its own page), the contents with
page numbers (``target-counter``), a running header with the client and
title, a running footer with the confidentiality line and "page / pages",
headings kept with what follows, and figures, table rows and notes never
split. WeasyPrint is used rather than headless Chromium because Chromium's
command line cannot number the pages of a contents list or draw a running
header of our own.
"""

from __future__ import annotations

import logging
from pathlib import Path

from toolkit.errors import ParameterError

__all__ = ["write_pdf"]


def write_pdf(html_path: Path, pdf_path: Path | None = None) -> Path:
    """Write the PDF of an HTML report beside it (``NAME.pdf``) and return its path.

    Raises
    ------
    ParameterError
        When WeasyPrint (or the Pango library it draws text with) is missing,
        saying how to install it.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango system library is missing
        raise ParameterError(
            f"PDF output needs WeasyPrint and Pango ({exc}). Install them with "
            "'pip install weasyprint' and, on Debian/Ubuntu, 'apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0'."
        ) from None
    html_path = Path(html_path)
    target = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    document = weasyprint.HTML(filename=str(html_path), media_type="print")
    temporary = target.with_name(f".{target.name}.part")
    document.write_pdf(str(temporary))
    temporary.replace(target)
    return target
