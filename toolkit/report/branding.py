"""Client branding for reports, read from a small YAML file.

Example ``brand.yaml``::

    company: Acme Analytics
    client: Example Retail Ltd
    author: Li Wei
    accent: "#0b7a75"
    logo: logo.png          # relative to the YAML file
    confidentiality: Confidential - prepared for Example Retail Ltd
    currency: CNY           # ISO code of the client's money amounts
    version: "1.0"          # report version shown in the header and footer
"""

from __future__ import annotations

import base64
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from toolkit.charts.style import DEFAULT_ACCENT
from toolkit.errors import ParameterError, parameter_error

__all__ = ["Brand", "load_brand", "read_logo", "MAX_LOGO_BYTES"]

#: The largest logo embedded in a report (2 MB): a logo is a few kilobytes, and
#: every byte is copied, base64-encoded, into each report.
MAX_LOGO_BYTES = 2 * 1024 * 1024
_SVG_FORBIDDEN = (
    (re.compile(rb"<\s*script", re.I), "a <script> element"),
    (re.compile(rb"\son[a-z]+\s*=", re.I), "an on...= event attribute"),
    (re.compile(rb"javascript\s*:", re.I), "a javascript: URL"),
    (re.compile(rb"<\s*foreignObject", re.I), "a <foreignObject> element"),
    (re.compile(rb"<!ENTITY", re.I), "an XML entity declaration"),
    (
        re.compile(rb"(?:href|src)\s*=\s*[\"']\s*(?!#|data:image/(?:png|jpeg);)", re.I),
        "a link to another file or site",
    ),
    (re.compile(rb"url\s*\(\s*[\"']?\s*(?!#)", re.I), "a url(...) reference"),
    (re.compile(rb"@import", re.I), "a style @import"),
)

_FIELDS = ("company", "client", "author", "accent", "logo", "confidentiality", "currency", "version")
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
    currency: str = ""
    version: str = ""


def load_brand(path: str | Path | None) -> Brand:
    """Read a branding YAML file; empty path gives the neutral brand.

    Raises
    ------
    ParameterError
        Unknown fields, a malformed colour, or a logo that is missing or not
        a small, harmless image (see :func:`read_logo`), naming the file and
        the field.
    """
    if path is None or not str(path).strip():
        return Brand()
    from toolkit.report.params import load_yaml_file

    path = Path(path).expanduser()
    spec = load_yaml_file(path, "branding file") or {}
    if not isinstance(spec, dict):
        raise ParameterError(f"{path.name}: expected 'field: value' lines with fields {list(_FIELDS)}")
    unknown = [k for k in spec if k not in _FIELDS]
    if unknown:
        raise ParameterError(f"{path.name}: unknown field(s) {unknown}; allowed: {list(_FIELDS)}")
    accent = str(spec.get("accent") or DEFAULT_ACCENT)
    if not _HEX.match(accent):
        raise parameter_error("accent", "a colour like '#1f5f8b'", accent, f"Fix it in {path.name}.")
    logo_uri = read_logo(path.parent / str(spec["logo"]), path.name) if spec.get("logo") else ""
    return Brand(
        company=str(spec.get("company", "")),
        client=str(spec.get("client", "")),
        author=str(spec.get("author", "")),
        accent=accent,
        logo_data_uri=logo_uri,
        confidentiality=str(spec.get("confidentiality", "")),
        currency=_brand_currency(spec.get("currency"), path.name),
        version=str(spec.get("version", "") or ""),
    )


def _brand_currency(value: object, file_name: str) -> str:
    from toolkit.i18n.numbers import check_currency

    try:
        return check_currency(value)
    except ParameterError as exc:
        raise ParameterError(f"{file_name}: {exc}") from None


def _image_type(head: bytes) -> str | None:
    """The image type by its first bytes: PNG, JPEG or SVG (XML text with an <svg> element)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def read_logo(logo: str | Path, brand_file: str = "branding file") -> str:
    """Read a logo as a ``data:`` URI, refusing anything that is not a small, harmless image.

    The logo must be a regular file of at most :data:`MAX_LOGO_BYTES`, whose
    first bytes show a PNG, JPEG or SVG (the extension is not trusted). An SVG
    must carry no script, event attribute, ``javascript:`` URL or reference
    to another file or site. Devices, folders and oversized files are refused
    before any of their content is read.

    Parameters
    ----------
    logo : str or Path
        The logo file.
    brand_file : str
        The branding file's name, for messages.

    Returns
    -------
    str
        ``data:image/...;base64,...``.

    Raises
    ------
    ParameterError
        Naming the logo and what is wrong with it.
    """
    path = Path(logo).expanduser()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ParameterError(f"{brand_file}: logo file not found: {path.resolve()}") from None
    except OSError as exc:
        raise ParameterError(f"{brand_file}: cannot read the logo {path} ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ParameterError(f"{brand_file}: the logo {path} is {what}; give a PNG, JPEG or SVG file.")
    if info.st_size > MAX_LOGO_BYTES:
        raise ParameterError(
            f"{brand_file}: the logo {path.name} is {info.st_size / 1024 / 1024:.1f} MB; "
            f"a logo may be at most {MAX_LOGO_BYTES // (1024 * 1024)} MB. Save a smaller image."
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise ParameterError(f"{brand_file}: cannot read the logo {path} ({exc.strerror}).") from None
    if len(data) > MAX_LOGO_BYTES:  # the file grew after stat
        raise ParameterError(
            f"{brand_file}: the logo {path.name} is larger than "
            f"{MAX_LOGO_BYTES // (1024 * 1024)} MB; save a smaller image."
        )
    mime = _image_type(data[:1024])
    if mime is None:
        raise ParameterError(
            f"{brand_file}: the logo {path.name} is not a PNG, JPEG or SVG image "
            "(judged by its content, not its name)."
        )
    if mime == "image/svg+xml":
        for pattern, what in _SVG_FORBIDDEN:
            if pattern.search(data):
                raise ParameterError(
                    f"{brand_file}: the SVG logo {path.name} contains {what}; a logo in a report "
                    "may hold no scripts or outside references. Export a plain SVG, or use PNG."
                )
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
