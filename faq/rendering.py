"""Markdown to safe HTML: authors write Markdown, customers get HTML that cannot run script."""

import html

import markdown
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
# No javascript:, data: or vbscript: URLs; relative links stay allowed.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["extra", "sane_lists", "smarty"]


def render_markdown(source: str) -> SafeString:
    """Render Markdown and sanitize the result. Raw HTML in the source is sanitized too."""
    rendered = markdown.markdown(source, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


def render_cached(*, key: str, source: str) -> SafeString:
    """``render_markdown`` memoised under ``key`` (callers put the version in the key)."""
    cache_key = f"faq:md:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = str(render_markdown(source))
        cache.set(cache_key, value, 60 * 60 * 24)
    return mark_safe(value)  # noqa: S308 - stored value came from render_markdown


def markdown_to_text(source: str) -> str:
    """The plain text of a Markdown document (for the search index and snippets)."""
    rendered = markdown.markdown(source, extensions=EXTENSIONS, output_format="html")
    text = nh3.clean(rendered.replace("</p>", "</p> ").replace("</li>", "</li> "), tags=set())
    return " ".join(html.unescape(text).split())
