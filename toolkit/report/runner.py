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
from toolkit.report.export import READING_FLAGS, export_report
from toolkit.report.output import Interrupted, OutputSlot, prepare_out
from toolkit.report.params import check_parameters

__all__ = ["RunResult", "run_notebook", "build_parameters", "DEFAULT_TIMEOUT", "Interrupted"]

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


def _source_cell_number(executed_path: Path, cell_index: int) -> int:
    """1-based position of a failing cell in the source notebook (papermill adds one cell)."""
    try:
        cells = nbformat.read(executed_path, as_version=4).cells
    except (OSError, ValueError):
        return cell_index + 1
    injected = [
        i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])
    ]
    return cell_index if injected and injected[0] < cell_index else cell_index + 1


def _refuse_unusable(spec: NotebookSpec, data: str, columns: Mapping[str, Any], as_of: str) -> None:
    """An option the notebook cannot use is an error, not silently ignored."""
    given = {"data": ("--data", data), "columns": ("--map", columns), "as_of": ("--as-of", as_of)}
    for name, (option, value) in given.items():
        if value and not spec.accepts(name):
            why = (
                f"does not use its `{name}` parameter" if name in spec.specs else f"has no `{name}` parameter"
            )
            usable = [p for p in spec.specs if spec.accepts(p) and p != "output_dir"]
            raise ParameterError(
                f"The notebook {spec.name!r} {why}, so {option} cannot be used with it; leave {option} out "
                f"(its parameters: {usable})."
            )
    options = [k for k in (columns or {}) if k in READING_FLAGS]
    if options and not spec.reads_transactions:
        flags = [READING_FLAGS[k] for k in options]
        raise ParameterError(
            f"The notebook {spec.name!r} does not read a transaction file, so the reading option(s) {flags} "
            "do not apply to it; leave them out."
        )


def build_parameters(
    spec: NotebookSpec,
    *,
    data: str = "",
    columns: Mapping[str, str] | None = None,
    as_of: str = "",
    lang: str = "en",
    brand: str = "",
    output_dir: Path,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The parameters papermill injects: shared ones the notebook declares, plus ``params``.

    Every value is converted to the type of the parameter's declared default
    and checked (see :mod:`toolkit.report.params`) before any kernel starts.

    Raises
    ------
    ParameterError
        For a parameter the notebook does not declare, a value of the wrong
        type, or a shared option (data, mapping, analysis date, reading
        options) the notebook cannot use.
    """
    from toolkit.data.transactions import parse_as_of

    _refuse_unusable(spec, data, columns or {}, as_of)
    parse_as_of(as_of)
    values = check_parameters(spec.name, spec.specs, dict(params or {}))
    if isinstance(values.get("as_of"), str):
        parse_as_of(values["as_of"])
    shared = {
        "data": _absolute(data),
        "columns": dict(columns or {}),
        "as_of": as_of or "",
        "lang": lang,
        "brand": _absolute(brand),
        "output_dir": str(output_dir),
    }
    merged = {k: v for k, v in shared.items() if k in spec.parameters}
    for key, value in values.items():
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
        Unknown notebook or parameter, a value of the wrong type, an option
        the notebook cannot use, a bad language, branding file or output
        folder, or another run writing the same results.
    Interrupted
        On Ctrl-C; ``OUT/NAME/`` and ``OUT/NAME.html`` are left as they were.
    """
    check_lang(lang)
    spec = find_notebook(name)
    brand_obj = load_brand(_absolute(brand))
    # every value is checked before a kernel starts; output_dir is set once the slot exists
    parameters = build_parameters(
        spec,
        data=data,
        columns=columns,
        as_of=as_of,
        lang=lang,
        brand=brand,
        output_dir=Path(),
        params=params,
    )
    out = prepare_out(out)
    # one BLAS thread per kernel: builds run one report per core, and threaded
    # BLAS on a busy machine makes the logistic fits many times slower
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    with OutputSlot(out, spec.name) as slot:
        if "output_dir" in parameters:
            parameters["output_dir"] = str(slot.results_dir)
        try:
            return _execute(
                spec, slot, lang=lang, brand_obj=brand_obj, timeout=timeout, parameters=parameters
            )
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted: {slot.unchanged_message()}") from None


def _execute(
    spec: NotebookSpec,
    slot: OutputSlot,
    *,
    lang: str,
    brand_obj: Any,
    timeout: int,
    parameters: dict[str, Any],
) -> RunResult:
    """Run the notebook into the slot's temporary folder, export the page, move both into place."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    failed_path = slot.out / f"{spec.name}.failed.ipynb"
    started = time.perf_counter()
    try:
        executed = pm.execute_notebook(
            str(spec.path),
            str(slot.running),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=True,
            execution_timeout=timeout,
            cwd=None,
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        if exc.ename == "KeyboardInterrupt":  # Ctrl-C reaches the kernel too
            raise KeyboardInterrupt from None
        slot.keep_failed(failed_path)
        cell = _first_line(exc.source)
        number = _source_cell_number(failed_path, exc.cell_index)
        raise RunError(
            spec.name,
            f"{spec.name} ({lang}): cell {number} (`{cell}`) failed: {exc.ename}: {exc.evalue}\n"
            f"  executed notebook kept at {failed_path}",
            cell_index=exc.cell_index,
            cell_title=cell,
            error_name=exc.ename,
            error_value=exc.evalue,
            executed_path=str(failed_path),
        ) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # timeouts and dead kernels come from nbclient
        slot.keep_failed(failed_path)
        kind = type(exc).__name__
        what = "timed out" if "Timeout" in kind else "stopped"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise RunError(
            spec.name,
            f"{spec.name} ({lang}): the run {what} ({kind}: {first})\n  executed notebook kept at {failed_path}",
            error_name=kind,
            error_value=str(exc),
            executed_path=str(failed_path),
        ) from None
    seconds = time.perf_counter() - started
    summary = _final_summary(slot)
    # the appendix lists every parameter with the value in force, defaults included
    shown_params = {
        k: _mask_secrets(parameters.get(k, info["default"]))
        for k, info in spec.parameters.items()
        if k != "output_dir"
    }
    currency = (summary.get("metrics") or {}).get("currency") or ""
    warnings = export_report(
        nbformat.from_dict(executed),
        slot.html,
        lang=lang,
        title=spec.title_in(lang),
        description=spec.description_in(lang),
        brand=brand_obj,
        parameters=shown_params,
        provenance=summary.get("provenance", {}),
        run_seconds=seconds,
        defaults={k: info["default"] for k, info in spec.parameters.items()},
        links=_sibling_links(slot.out, spec.name, lang),
        downloads=_downloads(slot.results_dir, spec.name, lang, currency),
        currency=currency if summary.get("money_shown") else None,
    )
    slot.running.unlink(missing_ok=True)
    slot.commit()
    failed_path.unlink(missing_ok=True)
    return RunResult(spec.name, lang, slot.final_html, slot.final_results, seconds, summary, warnings)


def _sibling_links(out: Path, name: str, lang: str) -> dict[str, str]:
    """Links to the index and the other language, when the report sits in a build (OUT/<lang>/)."""
    if out.name not in ("en", "zh"):
        return {}
    other = "zh" if lang == "en" else "en"
    return {"index": "../index.html", "other_lang": f"../{other}/{name}.html"}


def _downloads(results: Path, name: str, lang: str, currency: str) -> list[tuple[str, str]]:
    """Write the Excel workbook of the result tables; return the download links (label HTML, href)."""
    import html

    from toolkit.i18n import t
    from toolkit.report.workbook import write_workbook

    if not results.is_dir():
        return []
    links = []
    book = write_workbook(results, results / f"{name}.xlsx", lang, currency)
    if book is not None:
        links.append((html.escape(t("report.label.workbook", lang)), f"{name}/{book.name}"))
    csvs = sorted(results.glob("*.csv"))
    if csvs:
        files = ", ".join(
            f'<a href="{html.escape(f"{name}/{p.name}", quote=True)}"><span class="pmkt-data">{html.escape(p.name)}</span></a>'
            for p in csvs
        )
        links.append((f"{html.escape(t('report.label.csv_files', lang))}: {files}", ""))
    return links


def _final_summary(slot: OutputSlot) -> dict[str, Any]:
    """summary.json with paths inside the temporary folder replaced by their final place."""
    path = slot.results_dir / "summary.json"
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    temp = json.dumps(str(slot.temp))[1:-1]
    if temp in text:
        text = text.replace(temp, json.dumps(str(slot.out))[1:-1])
        path.write_text(text, encoding="utf-8")
    return json.loads(text)
