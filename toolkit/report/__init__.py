"""Reports: the ``Report`` object notebooks use, the papermill runner, the
HTML export with branding, and the parallel build with its index page."""

from toolkit.report.notebook import Report

__all__ = ["Report"]
