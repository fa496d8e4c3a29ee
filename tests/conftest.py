"""Shared fixtures: the bundled data, small files in every format, and one
end-to-end build of every report (both languages) per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# one BLAS thread: the suite runs beside notebook kernels on a 2-core machine
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd  # noqa: E402  (after the thread limits above)
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# charts under test look as they do in reports, whatever test ran first
from toolkit.charts.style import apply_style  # noqa: E402

apply_style()
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def online_retail_raw() -> pd.DataFrame:
    """UCI Online Retail as published."""
    from toolkit.data.datasets import load_online_retail_raw

    return load_online_retail_raw()


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every notebook in English and Chinese once; return the output folder.

    Layout: OUT/index.html, OUT/build.json, OUT/<lang>/<name>.html and
    OUT/<lang>/<name>/ (result CSVs and summary.json).
    """
    from toolkit.report.build import build_reports

    out = tmp_path_factory.mktemp("reports")
    items = build_reports(["en", "zh"], out=out, progress=False)
    failed = [f"{i.name} ({i.lang}): {i.message}" for i in items if not i.ok]
    if failed:
        pytest.fail("report build failed:\n" + "\n".join(failed))
    return out


def chromium_path() -> str | None:
    """The headless browser, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path to Chromium; skip locally when missing, fail in CI."""
    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("chromium is not installed; .ci/run must install it")
        pytest.skip("chromium is not installed")
    return path


def chromium_command(browser: str, profile: Path, width: int, height: int, *action: str) -> list[str]:
    """A headless Chromium command line with its own profile and window size; ``action`` ends it."""
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        *action,
    ]


def screenshot(browser: str, target: Path, png: Path, width: int = 1280, height: int = 2400) -> Path:
    """Render an HTML file in headless Chromium and save a PNG."""
    profile = png.parent / f".profile-{png.stem}"
    subprocess.run(
        chromium_command(browser, profile, width, height, f"--screenshot={png}", target.resolve().as_uri()),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return png
