"""Importing the toolkit and running a report leave the process's settings as they were."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from toolkit.report.notebook import Report

SNAPSHOT = r"""
import json, logging, os, sys, warnings, pkgutil, importlib
import matplotlib, matplotlib.font_manager as fm, pandas as pd

def snapshot():
    loggers = {name: repr(getattr(logger, "level", None)) + repr(getattr(logger, "handlers", []))
               for name, logger in logging.root.manager.loggerDict.items()}
    return {
        "rc": {k: repr(v) for k, v in matplotlib.rcParams.items()},
        "pandas": {k: repr(pd.get_option(k)) for k in pd._config.config._registered_options},
        "other": {"warnings": repr(warnings.filters), "sys.path": repr(sys.path),
                  "environ": repr(sorted(os.environ.items())),
                  "fonts": repr(sorted((f.name, f.fname) for f in fm.fontManager.ttflist)),
                  "root logger": repr(logging.root.level) + repr(logging.root.handlers)},
        "loggers": {k: v for k, v in loggers.items() if not k.startswith("toolkit")},
        "backend": matplotlib.get_backend(),
    }

# third-party libraries set their own warning filters when first imported (statsmodels does);
# they are imported first so that only what the toolkit itself does is compared
import scipy.stats, statsmodels.api  # noqa: F401
before = snapshot()
import toolkit
for module in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
    importlib.import_module(module.name)
after = snapshot()
changed = {part: sorted(k for k in before[part] if before[part][k] != after[part].get(k))
           for part in ("rc", "pandas", "other", "loggers")}
changed["backend"] = before["backend"] != after["backend"]
print(json.dumps(changed))
"""


def test_importing_every_module_changes_no_global_setting():
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", SNAPSHOT], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "rc": [],
        "pandas": [],
        "other": [],
        "loggers": [],
        "backend": False,
    }


def _settings() -> tuple[dict[str, str], object]:
    return {k: repr(v) for k, v in matplotlib.rcParams.items()}, pd.get_option("display.max_columns")


def test_a_report_restores_the_settings_it_changed(tmp_path):
    plt.rcParams["font.size"] = 7.0  # a setting of the caller's own, which the report style overrides
    before = _settings()
    try:
        rpt = Report(lang="zh", output_dir=str(tmp_path), name="state")
        # while the report is open, its chart style and display options hold
        assert matplotlib.rcParams["font.size"] == 10.5 and pd.get_option("display.max_columns") == 30
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        rpt.figure(fig, "chart")
        rpt.table(pd.DataFrame({"a": [1.5]}), "numbers")
        rpt.finding(en="One finding.", zh="一条发现。")
        rpt.finish()
        assert _settings() == before
        # a report used as a context manager restores them too, even after an error
        try:
            with Report(lang="en") as other:
                assert matplotlib.rcParams["font.size"] == 10.5
                raise RuntimeError(other.lang)
        except RuntimeError:
            pass
        assert _settings() == before
    finally:
        plt.rcParams["font.size"] = 10.5
