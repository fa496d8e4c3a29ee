"""Precision-marketing (精准营销) analytics toolkit.

The package is organised by job: ``toolkit.data`` loads and cleans data,
the topic packages (``toolkit.rfm``, ``toolkit.bullseye``, ...) hold the
marketing models as pure functions, ``toolkit.charts`` draws them and
``toolkit.report`` turns notebooks into client-ready HTML reports.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
