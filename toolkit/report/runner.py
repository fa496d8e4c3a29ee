"""Execute one notebook with papermill and export its HTML report."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from toolkit.errors import ParameterError, RunError
from toolkit.i18n import check_lang
from toolkit.report.branding import load_brand
from toolkit.report.catalog import NotebookSpec, find_notebook
from toolkit.report.export import export_report

__all__ = ["RunResult", "run_notebook", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 900


@dataclass
class RunResult:
    """What one notebook run produced."""

    name: str
    lang: str
    html: Path
    results_dir: Path
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _absolute(value: str) -> str:
    """Absolute path for local files, so the kernel's working folder does not matter."""
    if not value or value.startswith(("http://", "https://")):
        return value
    path, sep, target = value.partition("#")
    return str(Path(path).expanduser().resolve()) + sep + target


def _is_local_file(value: str) -> bool:
    """Whether a text parameter names an existing file relative to the caller's folder."""
    try:
        return bool(value) and "\n" not in value and Path(value.partition("#")[0]).expanduser().is_file()
    except OSError:
        return False


_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I)


def _mask_secrets(value: Any) -> Any:
    """Hide passwords in database URLs before a parameter is shown in a report."""
    if isinstance(value, str):
        return _URL_PASSWORD.sub(lambda m: m.group("head") + "***@", value)
    return value


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _keep(running: Path, failed: Path) -> None:
    """Keep the partly executed notebook under its failure name."""
    if running.exists():
        running.replace(failed)


def _source_cell_number(executed_path: Path, cell_index: int) -> int:
    """1-based position of a failing cell in the source notebook (papermill adds one cell)."""
    try:
        cells = nbformat.read(executed_path, as_version=4).cells
    except (OSError, ValueError):
        return cell_index + 1
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return cell_index if injected and injected[0] < cell_index else cell_index + 1


def build_parameters(spec: NotebookSpec, *, data: str = "", columns: Mapping[str, str] | None = None,
                     as_of: str = "", lang: str = "en", brand: str = "", output_dir: Path,
                     params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameters papermill injects: shared ones the notebook declares, plus ``params``.

    Raises
    ------
    ParameterError
        For a parameter the notebook does not declare.
    """
    params = dict(params or {})
    unknown = [k for k in params if k not in spec.parameters]
    if unknown:
        raise ParameterError(
            f"Notebook {spec.name!r} has no parameter(s) {unknown}; its parameters are {list(spec.parameters)}."
        )
    shared = {"data": _absolute(data), "columns": dict(columns or {}), "as_of": as_of or "", "lang": lang,
              "brand": _absolute(brand), "output_dir": str(output_dir)}
    merged = {k: v for k, v in shared.items() if k in spec.parameters}
    for key, value in params.items():
        if isinstance(value, str) and (key in ("data", "brand") or _is_local_file(value)):
            value = _absolute(value)
        merged[key] = value
    return merged


def run_notebook(
    name: str,
    *,
    data: str = "",
    columns: Mapping[str, str] | None = None,
    as_of: str = "",
    lang: str = "en",
    brand: str = "",
    params: Mapping[str, Any] | None = None,
    out: str | Path = "reports",
    timeout: int = DEFAULT_TIMEOUT,
) -> RunResult:
    """Execute notebook ``name`` and write ``OUT/NAME.html`` and ``OUT/NAME/``.

    Parameters
    ----------
    name : str
        Notebook name (see ``pmkt list``).
    data, columns, as_of, lang, brand
        The shared parameters (see ``docs/architecture.md``).
    params : dict, optional
        The notebook's own parameters.
    out : str or Path
        Output folder.
    timeout : int
        Seconds a single cell may run before the run is stopped.

    Returns
    -------
    RunResult

    Raises
    ------
    RunError
        When a cell fails or times out; the executed notebook is kept as
        ``OUT/NAME.failed.ipynb`` for debugging.
    ParameterError
        Unknown notebook or parameter, bad language or branding file.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    check_lang(lang)
    # one BLAS thread per kernel: builds run one report per core, and threaded
    # BLAS on a busy machine makes the logistic fits many times slower
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    spec = find_notebook(name)
    brand_obj = load_brand(_absolute(brand))
    out = Path(out).resolve()
    results_dir = out / spec.name
    results_dir.mkdir(parents=True, exist_ok=True)
    parameters = build_parameters(spec, data=data, columns=columns, as_of=as_of, lang=lang, brand=brand,
                                  output_dir=results_dir, params=params)
    running_path = out / f".{spec.name}.running.ipynb"   # saved as cells run; renamed on failure
    executed_path = out / f"{spec.name}.failed.ipynb"
    executed_path.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        executed = pm.execute_notebook(
            str(spec.path), str(running_path), parameters=parameters, kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=True,
            execution_timeout=timeout, cwd=None, extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        _keep(running_path, executed_path)
        cell = _first_line(exc.source)
        number = _source_cell_number(executed_path, exc.cell_index)
        raise RunError(
            spec.name,
            f"{spec.name} ({lang}): cell {number} (`{cell}`) failed: {exc.ename}: {exc.evalue}\n"
            f"  executed notebook kept at {executed_path}",
            cell_index=exc.cell_index, cell_title=cell, error_name=exc.ename, error_value=exc.evalue,
            executed_path=str(executed_path),
        ) from None
    except Exception as exc:  # timeouts and dead kernels come from nbclient
        _keep(running_path, executed_path)
        kind = type(exc).__name__
        what = "timed out" if "Timeout" in kind else "stopped"
        raise RunError(
            spec.name,
            f"{spec.name} ({lang}): the run {what} ({kind}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''})\n"
            f"  executed notebook kept at {executed_path}",
            error_name=kind, error_value=str(exc), executed_path=str(executed_path),
        ) from None
    seconds = time.perf_counter() - started
    running_path.unlink(missing_ok=True)
    summary_path = results_dir / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    # the appendix lists every parameter with the value in force, defaults included
    shown_params = {k: _mask_secrets(parameters.get(k, info["default"]))
                    for k, info in spec.parameters.items() if k != "output_dir"}
    html_path = out / f"{spec.name}.html"
    warnings = export_report(
        nbformat.from_dict(executed), html_path, lang=lang, title=spec.title_in(lang),
        description=spec.description_in(lang), brand=brand_obj, parameters=shown_params,
        provenance=summary.get("provenance", {}), run_seconds=seconds,
    )
    return RunResult(spec.name, lang, html_path, results_dir, seconds, summary, warnings)
