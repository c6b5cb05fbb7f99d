"""Clean text from any bytes: declared charsets read with their usual supersets, codecs that
are no mail's text encoding read as UTF-8, surrogate escapes and NULs removed."""

import codecs
import re

# Charsets that mail programs name but mean a superset of (or that Python lacks).
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "ks_c_5601-1987": "cp949", "unknown-8bit": "utf-8", "x-unknown": "utf-8",
                    "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874", "ansi_x3.4-1968": "ascii"}
# Python codecs that are not the text encoding of any mail: read as UTF-8 instead.
_UNSAFE_CODECS = {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined",
                  "unicode_internal", "mbcs", "oem"}
_ESCAPED_BYTES = re.compile(r"[\udc80-\udcff]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _unescape_bytes(match: re.Match) -> str:
    raw = match.group(0).encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def text_clean(value) -> str:
    """``value`` as text any database stores: bytes the parser kept as surrogate escapes
    decoded (UTF-8 per RFC 6532, else windows-1252), lone surrogates replaced, NULs removed."""
    text = str(value or "")
    if _SURROGATES.search(text):
        text = _ESCAPED_BYTES.sub(_unescape_bytes, text)
        text = _SURROGATES.sub("\ufffd", text)
    return text.replace("\x00", "")


def _codec(charset: str | None) -> str:
    name = (charset or "utf-8").strip().lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return "utf-8"
    if info.name in _UNSAFE_CODECS or not getattr(info, "_is_text_encoding", True):
        return "utf-8"
    return info.name


def bytes_decode(data: bytes, charset: str | None) -> str:
    """``data`` decoded by its declared charset (never failing), as clean text."""
    try:
        text = data.decode(_codec(charset), errors="replace")
    except Exception:  # noqa: BLE001 - a codec may fail in ways other than the ones asked for
        text = data.decode("utf-8", errors="replace")
    return text_clean(text)
