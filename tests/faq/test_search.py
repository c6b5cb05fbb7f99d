"""Search quality in three languages. CI runs this file on SQLite and again on PostgreSQL, so
every case holds on both engines."""

import pytest
from django.db import connection, transaction

from faq import services
from faq.models import ArticleStatus, NoResultSearch, SearchDocument, SearchTerm
from faq.search import postgres
from faq.selectors import article_search
from faq.services import TranslationInput as T

pytestmark = pytest.mark.django_db


def slugs(page):
    return [r.article.slug for r in page.results]


def test_exact_word_finds_the_article_and_marks_the_word(corpus):
    page = article_search(query="refund", language="en")
    assert slugs(page)[0] == "how-refunds-work"
    assert "<mark>refunds</mark>" in page.results[0].title_html
    assert "<mark>refund</mark>" in page.results[0].snippet_html


def test_typo_finds_the_refund_article_and_says_what_was_searched(corpus):
    page = article_search(query="refnud", language="en")
    assert slugs(page) == ["how-refunds-work"]
    assert page.corrected == "refund"


def test_typo_with_a_letter_missing_or_doubled(corpus):
    assert "late-delivery" in slugs(article_search(query="delivry", language="en"))
    assert "late-delivery" in slugs(article_search(query="deliverry", language="en"))


def test_partial_word_finds_delivery(corpus):
    page = article_search(query="deliv", language="en")
    assert slugs(page)[0] == "late-delivery"
    assert "<mark>delivery</mark>" in page.results[0].title_html


def test_russian_inflection_finds_the_base_form(corpus):
    # The Russian article's title says "возврат"; the customer types the genitive "возврата".
    page = article_search(query="возврата", language="ru")
    assert slugs(page) == ["how-refunds-work"]
    assert page.results[0].language == "ru"
    assert "<mark>возврат</mark>" in page.results[0].title_html


def test_russian_base_form_finds_an_inflected_text(db):
    cat = services.category_save(slug="c", names={"ru": ("К", "")})
    services.article_save(slug="money", category=cat, translations={
        "ru": T("Сроки", "Сроки возврата денег зависят от банка."),
    })
    assert slugs(article_search(query="возврат", language="ru")) == ["money"]


def test_chinese_two_character_word_inside_a_sentence(corpus):
    # 如何申请退货 has no spaces; 退货 sits at its end.
    page = article_search(query="退货", language="zh-hans")
    assert slugs(page)[0] == "how-refunds-work"
    assert page.results[0].language == "zh-hans"
    assert "<mark>退货</mark>" in page.results[0].title_html


def test_chinese_bigram_does_not_match_characters_that_are_apart(db):
    cat = services.category_save(slug="c", names={"zh-hans": ("类", "")})
    services.article_save(slug="apart", category=cat, translations={
        "zh-hans": T("货物退回", "退回货物的说明"),  # 退 and 货 both occur, never as 退货
    })
    assert article_search(query="退货", language="zh-hans").results == []


def test_search_prefers_the_customers_language_for_the_same_article(corpus):
    page = article_search(query="late", language="en")
    assert page.results[0].language == "en"
    # The Russian customer typing an English word still finds the article (in English)...
    assert slugs(article_search(query="refund", language="ru")) == ["how-refunds-work"]
    # ...and one result per article, never each translation.
    page = article_search(query="5", language="ru")
    assert len(slugs(page)) == len(set(slugs(page)))
    assert page.results[0].language == "ru"


def test_query_with_no_result_finds_nothing(corpus):
    assert article_search(query="zebra xylophone", language="en").results == []


def test_drafts_are_never_found(corpus):
    assert "secret-draft" not in slugs(article_search(query="upcoming", language="en"))
    assert "secret-draft" not in slugs(article_search(query="policy", language="en"))


def test_publishing_and_unpublishing_updates_search_at_once(corpus):
    article = corpus["cards"]
    services.article_status_set(article=article, status=ArticleStatus.DRAFT)
    assert article_search(query="mastercard", language="en").results == []
    services.article_status_set(article=article, status=ArticleStatus.PUBLISHED)
    assert slugs(article_search(query="mastercard", language="en")) == ["payment-cards"]


def test_editing_a_translation_reindexes_it(corpus):
    services.article_save(slug="payment-cards", category=corpus["cards"].category, translations={
        "en": T("Which cards we accept", "We accept Visa and UnionPay cards."),
    })
    assert article_search(query="mastercard", language="en").results == []
    assert slugs(article_search(query="unionpay", language="en")) == ["payment-cards"]


def test_deleted_translation_leaves_the_index(corpus):
    article = corpus["refund"]
    article.translations.filter(language="zh-hans").delete()
    services.article_index_refresh(article=article)
    assert article_search(query="退货", language="zh-hans").results == []
    assert not SearchDocument.objects.filter(article=article, language="zh-hans").exists()


def test_long_question_matches_any_word_when_not_all_are_found(corpus):
    page = article_search(query="my parcel delivery never came", language="en")
    assert "late-delivery" in slugs(page)


def test_snippet_escapes_the_article_text_before_marking(db):
    cat = services.category_save(slug="c", names={"en": ("C", "")})
    services.article_save(slug="html", category=cat, translations={
        "en": T("Coupons", "Type `<b>coupon</b>` & press apply: coupon codes are case-blind."),
    })
    result = article_search(query="coupon", language="en").results[0]
    assert "<b>" not in result.snippet_html
    assert "&lt;b&gt;<mark>coupon</mark>&lt;/b&gt;" in result.snippet_html
    assert "&amp;" in result.snippet_html


def test_query_text_is_never_trusted_as_html_or_search_syntax(corpus):
    for query in ['"refund', "refund OR", "refund:*", "<script>", "refund & | !", "NEAR(", "*"]:
        page = article_search(query=query, language="en")
        for result in page.results:
            assert "<script>" not in result.snippet_html


def test_rebuild_reproduces_the_same_results(corpus):
    before = {q: slugs(article_search(query=q, language="en")) for q in ["refund", "deliv"]}
    assert services.search_index_rebuild() == SearchDocument.objects.count()
    after = {q: slugs(article_search(query=q, language="en")) for q in ["refund", "deliv"]}
    assert before == after


def test_dictionary_holds_the_words_typo_correction_picks_from(corpus):
    assert SearchTerm.objects.filter(term="refund", language="en").exists()
    assert SearchTerm.objects.filter(term="возврат", language="ru").exists()
    assert not SearchTerm.objects.filter(language="zh-hans", term__contains="退").exists()


def test_no_result_log_counts_per_query_and_language(db):
    services.no_result_search_record(query="  Zebra   Stripes ", language="en")
    services.no_result_search_record(query="zebra stripes", language="en")
    services.no_result_search_record(query="zebra stripes", language="ru")
    en = NoResultSearch.objects.get(query="zebra stripes", language="en")
    assert en.count == 2
    assert NoResultSearch.objects.get(query="zebra stripes", language="ru").count == 1


def _plan(sql: str, params: dict, *, analyze: bool = False) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}COSTS OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _find_params(words: str, **extra) -> dict:
    return {"latin": words, "russian": "", "chinese": "", "language": "en", "limit": 30,
            "candidates": postgres.CANDIDATES, **extra}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan")
def test_postgres_search_can_read_every_tier_index(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
                       "WHERE tablename = 'faq_searchdocument' AND indexdef LIKE '%%USING gin%%'")
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'faq_searchterm_trgm'")
        (term_index,) = cursor.fetchone()
    names = {f"faq_searchdoc_{kind}_t{n}" for kind in ("title", "body")
             for n in range(len(postgres.TIERS))}
    # One partial index per vector and tier, and no whole-table index beside them.
    assert set(indexes) == names
    # On a few rows a sequential scan is rightly cheaper; switched off here only to prove that
    # each branch of the statement matches its tier index's predicate.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _plan(postgres._FIND_SQL, _find_params("refund:*"))
    assert all(name in plan for name in names), plan
    assert "Seq Scan on faq_searchdocument" not in plan
    assert "USING gin (term gin_trgm_ops)" in term_index


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan")
def test_postgres_search_stops_reading_tiers_once_it_has_enough_candidates(db, monkeypatch):
    cat = services.category_save(slug="c", names={"en": ("C", "")})
    for n in range(6):
        services.article_save(slug=f"refund-{n}", category=cat, translations={
            "en": T(f"Refund case {n}", "How the money comes back."),
        })
    services.article_save(slug="body-only", category=cat, translations={
        "en": T("Money back", "A refund takes five days."),
    })
    plan = _plan(postgres._FIND_SQL, _find_params("refund:*", candidates=3), analyze=True)
    # Three title matches were enough: the body indexes were never read.
    assert plan.count("never executed") >= 2 * len(postgres.TIERS) - 1, plan
    # With room for every candidate, the body tiers are read and the body-only match found.
    assert "body-only" in slugs(article_search(query="refund", language="en"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_postgres_search_statement_is_planned_once_per_connection(corpus):
    for query in ["refund", "deliv", "возврата", "退货"]:
        assert article_search(query=query, language="en").results
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", ["%title_vector @@%"])
        assert cursor.fetchall() == [(4,)]


def test_a_result_carries_its_article_for_links_and_topics(corpus):
    result = article_search(query="refund", language="en").results[0]
    assert result.article.pk == corpus["refund"].pk
    assert result.article.slug == "how-refunds-work"
    assert result.article.category.topic == "returns"
    assert result.article.status == "published"  # any other field loads when asked for


def test_chinese_phrase_first_then_its_words_anywhere(db):
    cat = services.category_save(slug="c", names={"zh-hans": ("类", "")})
    services.article_save(slug="together", category=cat, translations={
        "zh-hans": T("物流跟踪说明", "查看物流跟踪记录。"),
    })
    services.article_save(slug="apart", category=cat, translations={
        "zh-hans": T("物流问题", "如何跟踪包裹。"),
    })
    assert slugs(article_search(query="物流跟踪", language="zh-hans")) == ["together"]
    assert slugs(article_search(query="物流跟进", language="zh-hans")) == []
    # No article has these characters side by side: their two-character words anywhere will do.
    assert slugs(article_search(query="物流包裹跟踪", language="zh-hans")) == ["apart"]
    assert sorted(slugs(article_search(query="跟踪物流", language="zh-hans"))) == [
        "apart", "together"]
