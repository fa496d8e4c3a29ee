"""Work out the text encoding of a delimited file, or say exactly why not.

Three encodings cover the exports analysts bring: UTF-8 (most tools, with
or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
"Unicode text"), and GBK/GB18030 (Chinese Excel's "CSV"). A file is read in
one of them or refused: one stray byte in a UTF-8 file is reported with its
value, offset and line, never "fixed" by switching the whole file to some
code page a guesser prefers. The encoding used is recorded in
``SourceInfo.encoding`` and shown by check-data and in every report's
appendix.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from toolkit.errors import DataError

__all__ = ["detect_encoding", "first_bad_byte", "bad_byte_error", "SAMPLE_BYTES"]

SAMPLE_BYTES = 4_000_000
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FIX = "save the file as UTF-8 (in Excel: Save As > CSV UTF-8), or correct that line"


def _decodes(sample: bytes, encoding: str, truncated: bool) -> str | None:
    """Decode ``sample``, forgiving a multi-byte character cut at the end."""
    for cut in range(0, 4 if truncated else 1):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _mostly_utf8(sample: bytes) -> bool:
    """Whether more of the non-ASCII characters are valid UTF-8 than not."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good > bad


def _mostly_gb2312(text: str) -> bool:
    r"""Whether most non-ASCII characters are two bytes of 0x80 or more in GB18030.

    Common Chinese characters (the GB2312 set) are; a stray Western byte that
    GB18030 pairs with the ASCII letter after it (``Caf\xe9s`` read as
    ``Caf閟``) is not, so a mostly-ASCII file with a stray byte is refused
    rather than read as Chinese.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    common = sum(1 for ch in wide if all(b >= 0x80 for b in ch.encode("gb18030")))
    return common * 2 > len(wide)


def first_bad_byte(path: str | Path, encoding: str = "utf-8") -> tuple[int, int, int] | None:
    """Where a file first stops being valid text in ``encoding``.

    Parameters
    ----------
    path : str or Path
        The file, read in chunks (any size).
    encoding : str, default "utf-8"
        The encoding to check.

    Returns
    -------
    (offset, byte, line) or None
        The 0-based byte offset and value of the first byte that cannot be
        decoded, and its 1-based line; None when the whole file decodes.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # the decoder may hold back up to three bytes of the previous chunk
                pending = len(exc.object) - len(chunk)
                at = offset - pending + exc.start
                handle.seek(0)
                head = handle.read(at + 1)
                return at, head[at], head[:at].count(b"\n") + 1
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        with Path(path).open("rb") as handle:
            data = handle.read()
        at = len(data) - 1
        return at, data[at], data.count(b"\n") + 1 - (1 if data.endswith(b"\n") else 0)
    return None


def bad_byte_error(path: Path, encoding: str, name: str | None = None) -> DataError:
    """The one message for text that is not valid in ``encoding``, naming the byte and its place."""
    where = first_bad_byte(path, encoding)
    label = "UTF-8" if encoding.lower().startswith("utf-8") else encoding
    if where is None:
        return DataError(f"the text is not valid {label}; {_FIX}", source=name or path.name)
    offset, byte, line = where
    return DataError(
        f"byte 0x{byte:02X} at offset {offset:,} (line {line}) is not valid {label}; {_FIX}",
        source=name or path.name,
    )


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
        ``"utf-8-sig"`` (UTF-8 with or without BOM), ``"utf-16"`` (with a
        byte-order mark, little or big endian) or ``"gb18030"`` (covers GBK
        and GB2312, chosen only when the text holds Chinese characters).

    Raises
    ------
    DataError
        For binary data, or text that is none of these; the message names
        the first byte that is not UTF-8, its offset and its line.
    """
    path = Path(path)
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes)
        truncated = bool(handle.read(1))
    if sample.startswith(_UTF16_BOMS):
        if _decodes(sample, "utf-16", truncated) is None:
            raise bad_byte_error(path, "utf-16")
        return "utf-16"
    if sample.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if _CONTROL.search(sample[:2000].decode("latin-1")):  # NUL and other control bytes
        raise DataError(
            "this is not a text file (it contains binary data); save it as CSV, Excel or Parquet",
            source=path.name,
        )
    if _decodes(sample, "utf-8", truncated) is not None:
        return "utf-8-sig"
    if _mostly_utf8(sample):
        # Chinese UTF-8 also decodes as GB18030, into the wrong characters: a few bad bytes among
        # valid UTF-8 ones are stray bytes in a UTF-8 file, not a GBK file
        raise bad_byte_error(path, "utf-8")
    text = _decodes(sample, "gb18030", truncated)
    if text is not None and _CJK.search(text) and _mostly_gb2312(text):
        return "gb18030"
    raise bad_byte_error(path, "utf-8")
