"""Client branding for reports, read from a small YAML file.

Example ``brand.yaml``::

    company: Acme Analytics
    client: Example Retail Ltd
    author: Li Wei
    accent: "#0b7a75"
    logo: logo.png          # relative to the YAML file
    confidentiality: Confidential - prepared for Example Retail Ltd
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from toolkit.charts.style import DEFAULT_ACCENT
from toolkit.errors import ParameterError

__all__ = ["Brand", "load_brand"]

_FIELDS = ("company", "client", "author", "accent", "logo", "confidentiality")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    """Branding shown in a report's header and used for chart colours."""

    company: str = ""
    client: str = ""
    author: str = ""
    accent: str = DEFAULT_ACCENT
    logo_data_uri: str = ""
    confidentiality: str = ""


def load_brand(path: str | Path | None) -> Brand:
    """Read a branding YAML file; empty path gives the neutral brand.

    Raises
    ------
    ParameterError
        Unknown fields, a malformed colour, or a missing logo file, naming
        the file and the field.
    """
    if path is None or not str(path).strip():
        return Brand()
    path = Path(path).expanduser()
    if not path.exists():
        raise ParameterError(f"branding file not found: {path}")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise ParameterError(f"{path.name}: expected 'field: value' lines with fields {list(_FIELDS)}")
    unknown = [k for k in spec if k not in _FIELDS]
    if unknown:
        raise ParameterError(f"{path.name}: unknown field(s) {unknown}; allowed: {list(_FIELDS)}")
    accent = str(spec.get("accent") or DEFAULT_ACCENT)
    if not _HEX.match(accent):
        raise ParameterError(f"{path.name}: The value for `accent` must be a colour like '#1f5f8b'. Got {accent!r} instead.")
    logo_uri = ""
    if spec.get("logo"):
        logo = (path.parent / str(spec["logo"])).resolve()
        if not logo.exists():
            raise ParameterError(f"{path.name}: logo file not found: {logo}")
        mime = mimetypes.guess_type(logo.name)[0] or "image/png"
        if not mime.startswith("image/"):
            raise ParameterError(f"{path.name}: logo must be an image (PNG, JPEG or SVG), got {logo.name}")
        logo_uri = f"data:{mime};base64," + base64.b64encode(logo.read_bytes()).decode("ascii")
    return Brand(
        company=str(spec.get("company", "")),
        client=str(spec.get("client", "")),
        author=str(spec.get("author", "")),
        accent=accent,
        logo_data_uri=logo_uri,
        confidentiality=str(spec.get("confidentiality", "")),
    )
