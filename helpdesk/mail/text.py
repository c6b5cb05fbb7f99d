"""Mail bodies as plain text: HTML turned into text, quoted history cut off.

No markup survives ``html_to_text``: the result is text that every view escapes. Quoted
history is recognised by the reply headers of the common mail programs in English, Russian and
Chinese, by Outlook's separators, and by trailing ``>`` lines.
"""

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol",
          "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "hr", "center"}
_SKIP = {"script", "style", "head", "title", "template", "noscript", "svg", "object"}
_QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_stack: list[str] = []  # tags whose content we drop, innermost last
        self.href: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip_stack:
            if tag not in {"br", "img", "hr", "meta", "link", "input"}:
                self.skip_stack.append(tag)
            return
        classes = (attrs.get("class") or "").lower()
        if tag in _SKIP or tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES):
            self.skip_stack.append(tag)
            return
        if tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in _BLOCK or tag == "td":
            self.out.append("\n" if tag != "td" else " ")
        elif tag == "a":
            href = attrs.get("href") or ""
            self.href = href if href.startswith(("http://", "https://")) else None
            self.link_text = []

    def handle_endtag(self, tag):
        if self.skip_stack:
            if tag == self.skip_stack[-1]:
                self.skip_stack.pop()
            elif tag in self.skip_stack:  # sloppy HTML: close up to the matching tag
                while self.skip_stack and self.skip_stack.pop() != tag:
                    pass
            return
        if tag in _BLOCK:
            self.out.append("\n")
        elif tag == "a" and self.href:
            text = "".join(self.link_text).strip()
            if text and text != self.href:
                self.out.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if self.skip_stack:
            return
        data = re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", data)
        self.out.append(data)
        if self.href is not None:
            self.link_text.append(data)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    try:
        parser.feed(html or "")
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; never let a mail break ingest
        return ""
    lines = [" ".join(line.split()) for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_REPLY_HEADERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote\s*:\s*$", re.IGNORECASE),
    re.compile(r"^.{0,300}\bнаписал(?:а|\(а\))?\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*在.{0,300}写道\s*[:：]\s*$"),
    re.compile(r"^\s*-{2,}\s*(?:Original Message|Исходное сообщение|原始邮件)\s*-{2,}\s*$",
               re.IGNORECASE),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:From|От|发件人)\s*\*?\s*[:：]", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """``text`` without the quoted history below a reply header; unchanged when nothing but
    quote would be left."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = None
    for i, line in enumerate(lines):
        joined = f"{line} {lines[i + 1]}" if i + 1 < len(lines) else line
        if any(p.match(line) for p in _REPLY_HEADERS):
            cut = i
        elif line.strip() and any(p.match(joined) for p in _REPLY_HEADERS[:3]) and \
                not line.rstrip().endswith((".", "!", "?")) and line.lstrip().startswith(
                    ("On ", "on ", "在")):
            cut = i  # the header wrapped over two lines
        elif re.match(r"^\s*_{10,}\s*$", line) and i + 1 < len(lines) and \
                _OUTLOOK_FROM.match(lines[i + 1]):
            cut = i
        elif _OUTLOOK_FROM.match(line) and i > 0 and not lines[i - 1].strip() and \
                i + 1 < len(lines) and re.match(r"^\s*(Sent|Отправлено|发送时间)\s*[:：]",
                                                lines[i + 1], re.IGNORECASE):
            cut = i
        if cut is not None:
            break
    kept = lines[:cut] if cut is not None else lines
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or (text or "").strip()
