"""One translation catalogue for every label the toolkit shows.

The catalogue is split by topic into ``catalogue/<topic>.yaml`` files with
flat keys, each holding an ``en`` and a ``zh`` text. They are merged when
first used; a key defined in two files is an error, so topics cannot
silently overwrite each other.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["LANGUAGES", "t", "has", "catalogue", "check_lang", "translate_columns"]

LANGUAGES: tuple[str, ...] = ("en", "zh")
_CATALOGUE_DIR = Path(__file__).with_name("catalogue")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Return the merged catalogue ``{key: {"en": ..., "zh": ...}}``.

    Raises
    ------
    ValueError
        If a key is defined in more than one file or lacks a language.
    """
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(_CATALOGUE_DIR.glob("*.yaml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in entries.items():
            if key in merged:
                raise ValueError(f"catalogue key {key!r} is defined in both {origin[key]} and {path.name}")
            missing = [lang for lang in LANGUAGES if not isinstance(texts, dict) or lang not in texts]
            if missing:
                raise ValueError(f"catalogue key {key!r} in {path.name} has no text for {missing}")
            merged[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
            origin[key] = path.name
    return merged


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise.

    Raises
    ------
    toolkit.errors.ParameterError
        For anything but ``"en"`` or ``"zh"``.
    """
    from toolkit.errors import check_choice

    return check_choice("lang", lang, LANGUAGES)


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in catalogue()


def t(key: str, lang: str = "en", /, **fmt: Any) -> str:
    """Translate ``key`` into ``lang`` and fill its ``{placeholders}``.

    Parameters
    ----------
    key : str
        Catalogue key, e.g. ``"rfm.segment.champions"``.
    lang : {"en", "zh"}
        Report language.
    **fmt
        Values for the text's ``str.format`` placeholders.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    KeyError
        If the key is not in the catalogue.
    """
    check_lang(lang)
    try:
        text = catalogue()[key][lang]
    except KeyError:
        raise KeyError(f"no catalogue entry {key!r}; add it to a file in {_CATALOGUE_DIR}") from None
    return text.format(**fmt) if fmt else text


def translate_columns(columns: list[str] | Any, lang: str) -> list[str]:
    """Translate column names through their ``common.column.<name>`` entries.

    Names without an entry are returned unchanged, so a user's own columns
    still show.
    """
    cat = catalogue()
    return [cat[f"common.column.{c}"][lang] if f"common.column.{c}" in cat else str(c) for c in columns]
