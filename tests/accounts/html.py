"""Reading rendered forms in tests: which errors sit next to which field."""

import html
import re

_FIELD_START = re.compile(r'<div class="field[ "]')
_ERROR = re.compile(r'<p class="field-error"[^>]*>(.*?)</p>', re.S)
_FORM_ERROR = re.compile(r'<div class="form-errors"[^>]*>(.*?)</div>', re.S)


def field_block(page: str, name: str) -> str:
    """The rendered block (label, input, help, errors) of the form field ``name``."""
    starts = [m.start() for m in _FIELD_START.finditer(page)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else page.find("</form>", start)
        block = page[start:end]
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name!r} on the page")


def field_errors(page: str, name: str) -> list[str]:
    """The error texts shown in the block of field ``name``."""
    return [html.unescape(e).strip() for e in _ERROR.findall(field_block(page, name))]


def form_errors(page: str) -> str:
    """The text of the non-field errors at the top of the form."""
    found = _FORM_ERROR.search(page)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""
