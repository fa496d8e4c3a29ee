"""Work out the text encoding of a delimited file.

Chinese spreadsheets saved as CSV by Excel are usually GBK (GB18030 is its
superset), while most other tools write UTF-8, sometimes with a byte-order
mark. We try those first because they are by far the most common, and only
then ask ``charset_normalizer`` for its best guess.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.errors import DataError

__all__ = ["detect_encoding", "SAMPLE_BYTES"]

SAMPLE_BYTES = 4_000_000
_UTF8_BOM = b"\xef\xbb\xbf"
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _decodes(sample: bytes, encoding: str, truncated: bool) -> str | None:
    """Decode ``sample``, forgiving a multi-byte character cut at the end."""
    for cut in range(0, 4 if truncated else 1):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def detect_encoding(path: str | Path, sample_bytes: int = SAMPLE_BYTES) -> str:
    """Return the encoding to read ``path`` with.

    Parameters
    ----------
    path : str or Path
        A text file (CSV, TSV).
    sample_bytes : int
        How much of the file to inspect.

    Returns
    -------
    str
        ``"utf-8-sig"`` (UTF-8 with or without BOM), ``"gb18030"`` (covers
        GBK and GB2312) or the name ``charset_normalizer`` settles on.

    Raises
    ------
    DataError
        If no encoding reads the file as text.
    """
    path = Path(path)
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes)
        truncated = bool(handle.read(1))
    if sample.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if _CONTROL.search(sample[:2000].decode("latin-1")):  # NUL and other control bytes
        raise DataError(
            "this is not a text file (it contains binary data); save it as CSV, Excel or Parquet",
            source=path.name,
        )
    if _decodes(sample, "utf-8", truncated) is not None:
        return "utf-8-sig"
    text = _decodes(sample, "gb18030", truncated)
    if text is not None and _CJK.search(text):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise DataError(
            "cannot tell the text encoding; save the file as UTF-8 "
            "(in Excel: Save As > CSV UTF-8) and try again",
            source=path.name,
        )
    return best.encoding
