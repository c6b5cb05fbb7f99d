"""The demo's help articles are Markdown files listed in a manifest: every file is listed, every
listed article exists in every language, and each reads as a title, a summary and a body."""

from helpdesk.demo.help_articles import ARTICLES_DIR, LANGUAGES, article_file_read, categories


def test_every_article_file_is_listed_in_the_manifest_and_every_listed_one_exists():
    listed = {f"{spec.slug}/{article.slug}.{lang}.md"
              for spec in categories() for article in spec.articles for lang in LANGUAGES}
    on_disk = {str(path.relative_to(ARTICLES_DIR)) for path in ARTICLES_DIR.glob("*/*.md")}
    assert on_disk == listed


def test_each_article_has_a_title_a_summary_and_a_markdown_body():
    for spec in categories():
        assert set(spec.translations) == set(LANGUAGES)
        for article in spec.articles:
            for lang, version in article.translations.items():
                assert version.title and version.summary and version.body, (article.slug, lang)
                assert not version.body.startswith("---"), (article.slug, lang)


def test_a_file_without_front_matter_is_refused(tmp_path):
    path = tmp_path / "broken.en.md"
    path.write_text("No front matter here.\n", encoding="utf-8")
    try:
        article_file_read(path)
    except ValueError as exc:
        assert "front matter" in str(exc)
    else:
        raise AssertionError("read a file without front matter")
