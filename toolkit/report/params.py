"""Notebook parameters: their declared types and constraints, and the values a user gives.

A notebook declares each parameter in its ``parameters`` cell with a default,
and the default's type is the parameter's type::

    bins = 5              # scores per dimension, 2-9
    positive = "yes"      # value of the outcome column that counts as a success

Values typed on the command line (``-p bins 4``) or written in a ``--params``
YAML file are converted to that type before the kernel starts:

- ``str`` keeps the text exactly as written (``yes`` stays ``"yes"``);
- ``int`` reads decimal digits (``010`` is 10); ``1e3`` is 1000 because it is
  whole, ``2.5`` is refused;
- ``float`` reads ``1e3``, ``0.5`` or ``3``; ``nan`` and ``inf`` are refused;
- ``bool`` accepts true/false/yes/no;
- ``list`` and ``dict`` take YAML or JSON syntax (``[a, b]``, ``{recency: [30, 90]}``),
  read with YAML 1.2 rules, so ``yes`` inside a list is text and ``010`` is 10;
  a list whose default holds only text keeps its items as text.

Constraints beyond the type are declared as data in the notebook's metadata,
next to the parameters: ``"pmkt": {"parameters": {"bins": {"min": 2, "max": 9},
"method": {"choices": ["quantile", "nested"]}, "calibration_end": {"kind": "date"},
"as_of": {"unused": true}}}``. A parameter whose help text starts with
"not used" counts as unused, so the command line refuses an option that
would set it.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import ParameterError, check_choice, check_date, check_number, parameter_error

__all__ = [
    "ParamSpec",
    "declared_type",
    "parameter_spec",
    "convert_value",
    "check_parameters",
    "load_params_file",
    "load_yaml_file",
]

_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}
_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class ParamSpec:
    """What a notebook parameter accepts.

    Attributes
    ----------
    name : str
    type : {"str", "int", "float", "bool", "list", "dict", "any"}
        The type of the declared default (``any`` when it is ``None`` or not a literal).
    default : object
        The declared default value.
    help : str
        The help comment shown by ``pmkt list``.
    item_type : str or None
        For a list: ``str`` when the default holds only text, ``number`` when
        only numbers, else None (items read by YAML 1.2 rules).
    choices : tuple or None
        Allowed values.
    minimum, maximum : float or None
        Bounds for a number.
    kind : str or None
        ``"date"`` for a text parameter that must be a date (or empty).
    unused : bool
        The notebook keeps the parameter only for a uniform interface.
    """

    name: str
    type: str
    default: Any = None
    help: str = ""
    item_type: str | None = None
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    kind: str | None = None
    unused: bool = False

    @property
    def rule(self) -> str:
        """The declared constraint in words, for ``pmkt list``: ``2 to 9``, ``en | zh``, ``a date``."""
        if self.unused:
            return "not used"
        if self.choices is not None:
            return " | ".join(str(c) for c in self.choices)
        if self.kind == "date":
            return "a date"
        if self.kind == "currency":
            return "an ISO currency code"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"{low:g} to {high:g}"
        if low is not None:
            return f"at least {low:g}"
        if high is not None:
            return f"at most {high:g}"
        return ""


def declared_type(source: str | None) -> tuple[str, Any]:
    """The type name and value of a default as written in the parameters cell.

    Parameters
    ----------
    source : str or None
        The default's source text as papermill reports it, e.g. ``'"en"'`` or ``'[10, 2]'``.

    Returns
    -------
    type_name : str
        ``str``, ``int``, ``float``, ``bool``, ``list``, ``dict`` or ``any``.
    value : object
        The default's value (the source text when it is not a literal).
    """
    try:
        value = ast.literal_eval(source) if isinstance(source, str) else source
    except (ValueError, SyntaxError):
        return "any", source
    for kind in (bool, int, float, str, list, dict):  # bool before int: True is an int
        if isinstance(value, kind):
            return kind.__name__, value
    if isinstance(value, tuple):
        return "list", list(value)
    return "any", value


def _item_type(default: Any) -> str | None:
    if not isinstance(default, list) or not default:
        return None
    if all(isinstance(v, str) for v in default):
        return "str"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in default):
        return "number"
    return None


def parameter_spec(
    name: str, source: str | None, help_text: str = "", constraints: Mapping[str, Any] | None = None
) -> ParamSpec:
    """Build a :class:`ParamSpec` from the declared default and the notebook's constraints.

    Raises
    ------
    ParameterError
        For a constraint key the toolkit does not know (a typo in the notebook).
    """
    constraints = dict(constraints or {})
    unknown = set(constraints) - {"choices", "min", "max", "kind", "unused"}
    if unknown:
        raise ParameterError(
            f"parameter {name!r}: unknown constraint(s) {sorted(unknown)} in the notebook metadata; "
            "use choices, min, max, kind or unused."
        )
    type_name, default = declared_type(source)
    choices = constraints.get("choices")
    return ParamSpec(
        name=name,
        type=type_name,
        default=default,
        help=help_text,
        item_type=_item_type(default),
        choices=tuple(choices) if choices is not None else None,
        minimum=constraints.get("min"),
        maximum=constraints.get("max"),
        kind=constraints.get("kind"),
        unused=bool(constraints.get("unused")) or help_text.strip().lower().startswith("not used"),
    )


# ------------------------------------------------------------- YAML reading
class _Plain(str):
    """An unquoted YAML scalar, kept as its text until the parameter's type is known."""


class _TextLoader(yaml.SafeLoader):
    """YAML loader that resolves no plain scalar: each stays text (as :class:`_Plain`)."""


_TextLoader.yaml_implicit_resolvers = {}


def _construct_scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    return _Plain(text) if node.style is None else str(text)


_TextLoader.add_constructor("tag:yaml.org,2002:str", _construct_scalar)


def _yaml12(value: Any) -> Any:
    """Resolve plain scalars by the YAML 1.2 core rules (null, true/false, decimal int, float)."""
    if isinstance(value, dict):
        return {_yaml12(k): _yaml12(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml12(v) for v in value]
    if not isinstance(value, _Plain):
        return value
    text = str(value)
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _parse_text(text: str, where: str) -> Any:
    try:
        return yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a safe loader without implicit types
    except yaml.YAMLError as exc:
        raise ParameterError(f"{where}: not valid YAML/JSON ({_yaml_problem(exc)}).") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def load_yaml_file(path: str | Path, what: str, *, text_scalars: bool = False) -> Any:
    """Read a small YAML file the user gave, with one clear error for every way it can be wrong.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages ("parameter file", "column mapping file").
    text_scalars : bool
        Keep unquoted scalars as text (see :func:`load_params_file`); else YAML 1.2 rules.

    Raises
    ------
    ParameterError
        The file is missing, is a folder, is not UTF-8, is not valid YAML
        (tabs used for indentation included).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise ParameterError(f"{what} not found: {path}")
    if not path.is_file():
        raise ParameterError(f"{what} {path} is not a file; give a YAML file.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParameterError(
            f"{path.name}: the {what} is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}, line {line}); "
            "save it as UTF-8."
        ) from None
    tab_lines = [
        i for i, line in enumerate(text.splitlines(), 1) if line[: len(line) - len(line.lstrip())].count("\t")
    ]
    if tab_lines:
        raise ParameterError(
            f"{path.name}: line(s) {tab_lines[:5]} are indented with tabs; YAML needs spaces."
        )
    try:
        loaded = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a safe loader without implicit types
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: the {what} is not valid YAML ({_yaml_problem(exc)}).") from None
    return loaded if text_scalars else _yaml12(loaded)


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--params`` YAML file; values stay as written until :func:`check_parameters` types them.

    Raises
    ------
    ParameterError
        As :func:`load_yaml_file`, or when the file is not ``name: value`` lines.
    """
    loaded = load_yaml_file(path, "parameter file", text_scalars=True)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{Path(path).name}: expected 'name: value' lines, one per parameter.")
    return {str(k): v for k, v in loaded.items()}


# --------------------------------------------------------------- conversion
def _fail(spec: ParamSpec, expected: str, value: Any) -> ParameterError:
    return parameter_error(spec.name, expected, str(value) if isinstance(value, _Plain) else value)


def _to_int(spec: ParamSpec, value: Any) -> int:
    if isinstance(value, bool):
        raise _fail(spec, "a whole number", value)
    if isinstance(value, int):
        return value
    number = _to_float(spec, value, expected="a whole number")
    if not number.is_integer():
        raise _fail(spec, "a whole number", value)
    return int(number)


def _to_float(spec: ParamSpec, value: Any, expected: str = "a number") -> float:
    if isinstance(value, bool):
        raise _fail(spec, expected, value)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and _FLOAT.match(value.strip()):
        number = float(value.strip())
    else:
        raise _fail(spec, expected, value)
    if not math.isfinite(number):
        raise _fail(spec, expected, value)
    return number


def _to_bool(spec: ParamSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _fail(spec, "true or false (yes or no)", value)


def _container(spec: ParamSpec, value: Any, kind: type) -> Any:
    if isinstance(value, str):
        value = _parse_text(value, f"the parameter `{spec.name}`")
    if not isinstance(value, kind):
        example = "[a, b]" if kind is list else "{key: value}"
        raise _fail(spec, f"a {kind.__name__} like {example}", value)
    if isinstance(value, list) and spec.item_type == "str":
        bad = [v for v in value if isinstance(v, (list, dict))]
        if bad:
            raise _fail(spec, "a list of texts", value)
        return [str(v) if v is not None else "" for v in value]
    if kind is list and spec.item_type == "number":
        items = _yaml12(value)
        try:
            return [
                v if isinstance(v, int) and not isinstance(v, bool) else _to_float(spec, v) for v in items
            ]
        except ParameterError:
            raise _fail(spec, "a list of numbers", items) from None
    return _yaml12(value)


def convert_value(spec: ParamSpec, value: Any) -> Any:
    """Convert one given value to the parameter's type and check its constraints.

    Parameters
    ----------
    spec : ParamSpec
    value : object
        Text from the command line, a value from a ``--params`` file, or a
        Python value given to :func:`toolkit.report.runner.run_notebook`.

    Returns
    -------
    object
        The value the notebook receives.

    Raises
    ------
    ParameterError
        Naming the parameter, the type expected and the value received.
    """
    if spec.type == "str":
        if isinstance(value, (list, dict, bool)):
            raise _fail(spec, "a text", value)
        result: Any = "" if value is None else str(value)
        if spec.kind == "date" and result.strip():
            check_date(spec.name, result, example="2011-12-09 (or empty)")
        if spec.kind == "currency":
            from toolkit.i18n.numbers import check_currency

            result = check_currency(result)
    elif spec.type == "int":
        result = _to_int(spec, value)
    elif spec.type == "float":
        result = _to_float(spec, value)
    elif spec.type == "bool":
        result = _to_bool(spec, value)
    elif spec.type in ("list", "dict"):
        result = _container(spec, value, list if spec.type == "list" else dict)
    elif isinstance(value, str) and not isinstance(value, _Plain):
        result = value
    else:
        result = _yaml12(value)
    if spec.choices is not None:
        check_choice(spec.name, result, spec.choices)
    if (spec.minimum is not None or spec.maximum is not None) and isinstance(result, (int, float)):
        check_number(spec.name, result, low=spec.minimum, high=spec.maximum, integer=spec.type == "int")
    return result


def check_parameters(
    notebook: str, specs: Mapping[str, ParamSpec], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Convert and check every given value before the kernel starts.

    Parameters
    ----------
    notebook : str
        The notebook's name, for messages.
    specs : dict of ParamSpec
        The notebook's parameters.
    values : dict
        The values given.

    Returns
    -------
    dict
        The converted values.

    Raises
    ------
    ParameterError
        For a name the notebook does not declare (listing the valid ones) or a value that does not fit.
    """
    unknown = [k for k in values if k not in specs]
    if unknown:
        raise ParameterError(
            f"Notebook {notebook!r} has no parameter(s) {unknown}; its parameters are {list(specs)}."
        )
    return {key: convert_value(specs[key], value) for key, value in values.items()}
