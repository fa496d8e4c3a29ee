"""Reports: the notebook API, the runner, the export and the build.

The ``Report`` object notebooks use, the papermill runner, the HTML export
with branding, and the parallel build with its index page.
"""

from toolkit.report.notebook import Report

__all__ = ["Report"]
