"""The names files are downloaded under: one ``Content-Disposition`` for every download.

A name that came from someone else (an email attachment's, an uploaded file's) can carry
characters that make it read as something it is not: a right-to-left override (U+202E) before
"gpj.exe" makes "invoice" + it show as "invoiceexe.jpg", zero-width and other invisible
characters hide or fake parts of it, and line breaks or path separators break the header or
the saved file's place. Every response that names a file builds its header here, so none of
them keeps such a character. Lives in ``accounts`` (the lowest app) because ``orders`` and
``helpdesk`` both serve files.
"""

import unicodedata

from django.utils.http import content_disposition_header

MAX_NAME_LENGTH = 120

# Control, format (bidirectional overrides and isolates, zero-width characters, soft hyphen),
# surrogate, private-use and unassigned code points, and line and paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def download_name(name: str | None, *, fallback: str = "download") -> str:
    """``name`` made safe to show and save: no invisible or direction-changing characters,
    no path separators, other spaces as plain spaces, at most ``MAX_NAME_LENGTH`` characters
    with the extension kept; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFC", str(name or ""))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        if char in "/\\":
            char = "_"
        elif category == "Zs":
            char = " "
        kept.append(char)
    cleaned = " ".join("".join(kept).split()).strip(" .")
    if not cleaned:
        return fallback
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, ext = cleaned.rpartition(".")
        if dot and stem and len(ext) <= 10:
            cleaned = stem[:MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            cleaned = cleaned[:MAX_NAME_LENGTH]
    return cleaned


def content_disposition(name: str | None, *, inline: bool = False,
                        fallback: str = "download") -> str:
    """The ``Content-Disposition`` value for a file called ``name`` (``download_name``):
    ``attachment`` by default, ``inline`` for what the browser may show itself."""
    return content_disposition_header(not inline, download_name(name, fallback=fallback))
