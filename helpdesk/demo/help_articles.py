"""The demo help center's content, read from ``articles/``: one category per topic, each
article in en, ru and zh-hans.

``articles/categories.toml`` lists the categories in order (slug, topic, icon, name and
description per language, and the slugs of their articles in order); each article's version in
one language is ``articles/<category slug>/<article slug>.<language>.md``: a front matter of
``title:`` and ``summary:`` lines between ``---`` lines, then the Markdown body. Written for
this project as data; ``helpdesk.demo.seed_helpcenter`` stores it with the faq services.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from accounts.choices import Topic

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
LANGUAGES = ("en", "ru", "zh-hans")


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


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    topic: str
    icon: str
    # language -> (name, description)
    translations: dict[str, tuple[str, str]]
    articles: list[A]


def article_file_read(path: Path) -> T:
    """One ``.md`` file: its front matter's title and summary, and the body after it."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        raise ValueError(f"{path}: no front matter between --- lines")
    front, body = text[4:].split("\n---\n", 1)
    fields = dict(line.split(": ", 1) for line in front.splitlines() if line.strip())
    if set(fields) != {"title", "summary"}:
        raise ValueError(f"{path}: the front matter holds title and summary, not {sorted(fields)}")
    # The file ends with a newline that is not part of the body.
    return T(title=fields["title"], summary=fields["summary"], body=body.removesuffix("\n"))


@cache
def categories() -> list[CategorySpec]:
    """The categories in order, with their articles in every language (read once)."""
    manifest = tomllib.loads((ARTICLES_DIR / "categories.toml").read_text(encoding="utf-8"))
    specs = []
    for entry in manifest["category"]:
        if entry["topic"] not in Topic.values:
            raise ValueError(f"category {entry['slug']}: unknown topic {entry['topic']!r}")
        folder = ARTICLES_DIR / entry["slug"]
        articles = [A(slug, {lang: article_file_read(folder / f"{slug}.{lang}.md")
                             for lang in LANGUAGES})
                    for slug in entry["articles"]]
        specs.append(CategorySpec(slug=entry["slug"], topic=entry["topic"], icon=entry["icon"],
                                  translations={lang: tuple(pair)
                                                for lang, pair in entry["names"].items()},
                                  articles=articles))
    return specs
