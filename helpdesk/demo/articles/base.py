"""The shape of the demo help-center content."""

from dataclasses import dataclass


@dataclass(frozen=True)
class T:
    """One language's version of an article."""

    title: str
    summary: str
    body: str  # Markdown


@dataclass(frozen=True)
class A:
    slug: str
    translations: dict[str, T]  # "en", "ru", "zh-hans"
