"""FAQ search latency on PostgreSQL with 10,000 and 100,000 generated articles.

    .venv/bin/python -m tests.benchmarks.faq_search [--sizes 10000,100000] [--samples 100]
        [--runs N] [--keep | --reuse]

Creates the database ``helpdesk_bench_faq`` (dropped at the end unless ``--keep``) on the
server of ``BENCH_POSTGRES_URL`` (default postgres://postgres@127.0.0.1:5432/postgres), migrates
it, and fills it with articles in English, Russian and Chinese (one translation each, so 3
search documents per article). ``--reuse`` measures a database kept by an earlier ``--keep``
run as it is (after migrating it), without filling it again.

Every size is measured on a warm cache: each query runs once, then ``--samples`` timed runs
per query type through ``faq.selectors.article_search`` (the whole read the search page does:
the search passes, the document fetch and the highlighted snippets). Each measurement also
times a same-run baseline, a plain indexed lookup of one article by slug through the ORM, so
a loaded machine can be told from a slow search. With ``--runs N`` the measurement is repeated
N times and the medians of the runs are reported. Prints p50/p95 per query type and the
result of each query, as a Markdown table.
"""

import argparse
import os
import random
import statistics
import sys
import time
from itertools import accumulate
from urllib.parse import urlparse, urlunparse

DB_NAME = "helpdesk_bench_faq"
TARGET_P95_MS = 20.0

# --- generated text -------------------------------------------------------------------------

EN_COMMON = ("the a to and of you your is in for on with it we can be order this if or at "
             "our are as from not will by have please after when".split())
EN_DOMAIN = ("refund delivery parcel payment card coupon password account order return item "
             "courier tracking warehouse address discount membership subscription invoice "
             "receipt exchange damaged missing seller pickup shipping cancel balance bonus "
             "points promotion checkout basket login email phone verification notification "
             "application website error update bank transfer wallet instalment warranty "
             "size colour quality complaint review rating").split()
RU_COMMON = "и в на с по для не что вы ваш как это если при от до за или после".split()
RU_DOMAIN = ("возврат возврата возврате возвратом доставка доставки доставку доставкой заказ "
             "заказа заказом заказы оплата оплаты оплату карта карты картой купон купона "
             "пароль пароля аккаунт аккаунта товар товара товары курьер курьера склад склада "
             "адрес адреса скидка скидки подписка подписки чек чека обмен обмена посылка "
             "посылки продавец продавца отмена отмены баланс бонусы баллы акция акции корзина "
             "корзины вход почта телефон уведомление приложение сайт ошибка банк перевод "
             "кошелёк рассрочка гарантия размер цвет качество жалоба отзыв").split()
ZH_DOMAIN = ("退货 退款 配送 快递 包裹 订单 支付 银行卡 优惠券 密码 账户 商品 仓库 地址 折扣 会员 "
             "订阅 发票 收据 换货 损坏 缺少 卖家 自提 运费 取消 余额 积分 促销 结算 购物车 登录 "
             "邮箱 手机 验证 通知 应用 网站 错误 更新 转账 钱包 分期 保修 尺码 颜色 质量 投诉 "
             "评价 物流 跟踪 签收 客服 售后 申请 审核 到账 时间 问题").split()
ZH_FILLER = "的 了 在 是 我 您 请 和 就 不 也 都 要 会 可以 如果 因为 所以 我们 已经 需要 如何".split()

LATIN_SYLLABLES = ("ka lo mi ne ru sa te vo zi bra cle dro fle gri pla sto tri vex quo nor "
                   "lam pen tor gus hal wik yen zor").split()
CYR_SYLLABLES = "ка ло ми не ру са те во зи бра кле дро фле гри пла сто три нор лам пен тор".split()
# Common CJK characters for filler text (U+4E00 block, a fixed slice).
CJK_POOL = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]

QUERIES = {
    "exact word": [("refund", "en"), ("courier", "en"), ("warranty", "en"), ("coupon", "en")],
    "typo": [("refnud", "en"), ("delivry", "en"), ("pasword", "en"), ("warrenty", "en")],
    "partial word": [("deliv", "en"), ("subscr", "en"), ("warehou", "en"), ("notif", "en")],
    "Russian inflection": [("возврата", "ru"), ("доставкой", "ru"), ("гарантии", "ru"),
                           ("посылкой", "ru")],
    "Chinese": [("退货", "zh-hans"), ("优惠券", "zh-hans"), ("物流跟踪", "zh-hans"),
                ("保修", "zh-hans")],
    "no result": [("zqxjv", "en"), ("flurbish wobbleton", "en"), ("квазиморфизм", "ru"),
                  ("龘龘", "zh-hans")],
}


def pseudo_words(rng: random.Random, syllables: list[str], count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class TextMaker:
    """Zipf-distributed words: function words first, domain words next, then a long tail of
    made-up words (product names, rare words), as real help-center text has."""

    def __init__(self, rng: random.Random, tail: int = 20000):
        self.rng = rng
        self.vocab = {
            "en": EN_COMMON + EN_DOMAIN + pseudo_words(rng, LATIN_SYLLABLES, tail),
            "ru": RU_COMMON + RU_DOMAIN + pseudo_words(rng, CYR_SYLLABLES, tail),
        }
        self.cum_weights = {lang: list(accumulate(1 / (rank + 1) for rank in range(len(words))))
                            for lang, words in self.vocab.items()}
        zh_words = ZH_FILLER + ZH_DOMAIN
        self.zh_words = zh_words
        self.zh_cum = list(accumulate(1 / (rank + 1) for rank in range(len(zh_words))))

    def words(self, language: str, n: int) -> list[str]:
        return self.rng.choices(self.vocab[language], cum_weights=self.cum_weights[language], k=n)

    def zh_pick(self, n: int) -> list[str]:
        return self.rng.choices(self.zh_words, cum_weights=self.zh_cum, k=n)

    def title(self, language: str) -> str:
        if language == "zh-hans":
            return "".join(self.zh_pick(self.rng.randint(3, 5)))
        return " ".join(self.words(language, self.rng.randint(4, 7))).capitalize()

    def body(self, language: str) -> str:
        if language == "zh-hans":
            sentences = []
            for _ in range(self.rng.randint(4, 8)):
                parts = self.zh_pick(self.rng.randint(4, 8))
                parts += self.rng.choices(CJK_POOL, k=self.rng.randint(2, 6))
                self.rng.shuffle(parts)
                sentences.append("".join(parts) + "。")
            return "".join(sentences)
        return ". ".join(" ".join(self.words(language, self.rng.randint(8, 16))).capitalize()
                         for _ in range(self.rng.randint(4, 8))) + "."


# --- database -------------------------------------------------------------------------------

def server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def admin_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    parsed = urlparse(server_url())
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{DB_NAME}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ["HELPDESK_READ_DOT_ENV"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


_SEEN_TERMS: set[tuple[str, str]] = set()


def fill(maker: TextMaker, start: int, stop: int, batch: int = 2000) -> None:
    """Articles ``start``..``stop``-1, each in three languages, and their search documents.

    The generated bodies are plain text, so the Markdown step of faq.services is skipped
    here (it is the indexing cost, not the search cost, and would take most of the run);
    everything else goes through the same helpers the services use.
    """
    from django.db import transaction

    from faq import search
    from faq.models import (
        Article,
        ArticleStatus,
        ArticleTranslation,
        Category,
        SearchDocument,
        SearchTerm,
    )
    from faq.search.text import lexicon_words, segment_cjk

    categories = list(Category.objects.all())
    for first in range(start, stop, batch):
        last = min(first + batch, stop)
        with transaction.atomic():
            articles = Article.objects.bulk_create([
                Article(slug=f"bench-{n}", category=categories[n % len(categories)],
                        status=ArticleStatus.PUBLISHED) for n in range(first, last)
            ])
            translations = ArticleTranslation.objects.bulk_create([
                ArticleTranslation(article=a, language=lang, title=maker.title(lang),
                                   body=maker.body(lang))
                for a in articles for lang in ("en", "ru", "zh-hans")
            ])
            documents, terms = [], set()
            for t in translations:
                chinese = t.language == "zh-hans"
                documents.append(SearchDocument(
                    translation=t, article_id=t.article_id, language=t.language,
                    is_published=True, title=t.title, text=t.body,
                    index_title=segment_cjk(t.title) if chinese else t.title,
                    index_body=segment_cjk(t.body) if chinese else t.body,
                ))
                terms |= {(t.language, w) for w in lexicon_words(f"{t.title} {t.body}")}
            SearchDocument.objects.bulk_create(documents)
            new_terms = terms - _SEEN_TERMS
            _SEEN_TERMS.update(new_terms)
            SearchTerm.objects.bulk_create(
                [SearchTerm(language=lang, term=w) for lang, w in new_terms],
                ignore_conflicts=True, batch_size=5000,
            )
            search.index_documents(documents)
        print(f"  ... {last:,} articles", file=sys.stderr, flush=True)


def add_known_articles() -> None:
    """The articles the quality checks look for, among the generated ones."""
    from faq import services
    from faq.services import TranslationInput as T

    categories = [services.category_save(slug=f"bench-{i}", topic="orders", position=i)
                  for i in range(7)]
    services.article_save(slug="known-refund", category=categories[0], translations={
        "en": T("How refunds work", "We refund the price within 5 business days."),
        "ru": T("Как оформить возврат", "Деньги за возврат приходят за 5 рабочих дней."),
        "zh-hans": T("如何申请退货", "仓库收到包裹后5个工作日内退款。"),
    })


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


BASELINE = "baseline: article by slug"


def measure(samples: int) -> dict[str, dict]:
    from django.db import connection

    from faq.models import Article
    from faq.selectors import article_search

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE faq_searchdocument")
        cursor.execute("VACUUM ANALYZE faq_searchterm")
    results = {}
    # The baseline: one row by a unique indexed key, through the ORM, in the same run.
    top = Article.objects.count()
    slugs = [f"bench-{n}" for n in random.Random(1).sample(range(max(top - 1, 1)), 50)]
    Article.objects.filter(slug=slugs[0]).first()
    timings = []
    for i in range(samples):
        started = time.perf_counter()
        Article.objects.filter(slug=slugs[i % len(slugs)]).first()
        timings.append((time.perf_counter() - started) * 1000)
    results[BASELINE] = {"p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95),
                         "max": max(timings), "found": {}}
    for kind, queries in QUERIES.items():
        for query, language in queries:  # warm-up
            article_search(query=query, language=language)
        timings, found = [], {}
        for i in range(samples):
            query, language = queries[i % len(queries)]
            started = time.perf_counter()
            page = article_search(query=query, language=language)
            timings.append((time.perf_counter() - started) * 1000)
            found[query] = (len(page.results), page.results[0].article.slug if page.results else "",
                            page.corrected)
        results[kind] = {"p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95),
                         "max": max(timings), "found": found}
    return results


def median_of_runs(runs: list[dict[str, dict]]) -> dict[str, dict]:
    """Per query type, the median over runs of p50, p95 and max (found: the last run's)."""
    return {kind: {**{stat: statistics.median(r[kind][stat] for r in runs)
                      for stat in ("p50", "p95", "max")}, "found": runs[-1][kind]["found"]}
            for kind in runs[0]}


def report(size: int, documents: int, terms: int, results: dict[str, dict],
           runs: list[dict[str, dict]]) -> str:
    title = f"### {size:,} articles ({documents:,} search documents, {terms:,} dictionary words)"
    if len(runs) > 1:
        title += f", median of {len(runs)} runs"
    lines = [title, "", "| query type | p50 ms | p95 ms | max ms | p95 of each run "
             "| queries (results, top, corrected) |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for kind, r in results.items():
        found = "; ".join(f"{q}: {n}{', ' + top if top else ''}{', → ' + fix if fix else ''}"
                          for q, (n, top, fix) in r["found"].items())
        each = " / ".join(f"{run[kind]['p95']:.1f}" for run in runs)
        lines.append(f"| {kind} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {each} "
                     f"| {found} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1, help="measurements per size (medians)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the database for a look")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the kept database as it is (no drop, no fill)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    if not args.reuse:
        admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin_execute(f"CREATE DATABASE {DB_NAME}")
    worst = 0.0
    try:
        setup_django()
        from django.db import connection

        from faq.models import Article, SearchDocument, SearchTerm

        maker = TextMaker(random.Random(args.seed))
        filled = 0
        if args.reuse:
            sizes = [Article.objects.count()]
        else:
            add_known_articles()
        print(f"## FAQ search on PostgreSQL {connection.pg_version // 10000}, "
              f"{args.samples} timed searches per query type\n")
        for size in sizes:
            if not args.reuse:
                print(f"filling {size:,} articles", file=sys.stderr, flush=True)
                fill(maker, filled, size - 1)  # the known article makes up the last one
                filled = size - 1
            runs = []
            for run in range(args.runs):
                print(f"  run {run + 1}/{args.runs}, load average {os.getloadavg()[0]:.1f}",
                      file=sys.stderr, flush=True)
                runs.append(measure(args.samples))
            results = median_of_runs(runs)
            print(report(size, SearchDocument.objects.count(), SearchTerm.objects.count(),
                         results, runs) + "\n", flush=True)
            worst = max(r["p95"] for kind, r in results.items() if kind != BASELINE)
        print(f"Worst p95 at {sizes[-1]:,} articles: {worst:.1f} ms (target {TARGET_P95_MS} ms)")
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0 if worst <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
