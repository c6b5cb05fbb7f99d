"""A small help center in three languages, written through the services."""

import pytest

from faq import services
from faq.models import ArticleStatus
from faq.services import TranslationInput as T


def build_corpus():
    orders = services.category_save(slug="orders-delivery", topic="orders", position=1, names={
        "en": ("Orders and delivery", "Tracking, delays and delivery options"),
        "ru": ("Заказы и доставка", "Отслеживание, задержки и способы доставки"),
        "zh-hans": ("订单与配送", "物流跟踪、延误和配送方式"),
    })
    returns = services.category_save(slug="returns-refunds", topic="returns", position=2, names={
        "en": ("Returns and refunds", "Sending items back and getting your money"),
        "ru": ("Возвраты", "Как вернуть товар и получить деньги"),
        "zh-hans": ("退货与退款", "退回商品并拿回货款"),
    })
    payment = services.category_save(slug="payment", topic="payment", position=3, names={
        "en": ("Payment", ""),
    })
    articles = {}
    articles["refund"] = services.article_save(slug="how-refunds-work", category=returns, translations={
        "en": T("How refunds work", "We refund the item price to the card you paid with within "
                "5 business days after the parcel reaches our warehouse.\n\n"
                "* Refunds for damaged items include delivery costs.", "When your money comes back"),
        "ru": T("Как оформить возврат", "Возврат денег за товар приходит на карту, которой вы "
                "платили, в течение 5 рабочих дней после получения посылки складом.",
                "Когда придут деньги"),
        "zh-hans": T("如何申请退货", "在订单页面选择要退回的商品并申请退货，仓库收到包裹后5个工作日内退款。",
                     "退款多久到账"),
    })
    articles["late"] = services.article_save(slug="late-delivery", category=orders, translations={
        "en": T("My delivery is late", "If your delivery is late, check the tracking timeline "
                "on the order page. Most parcels arrive within two days of the estimate."),
        "ru": T("Заказ задерживается", "Если доставка задерживается, посмотрите историю "
                "отслеживания на странице заказа."),
        "zh-hans": T("配送延误怎么办", "如果包裹配送延误，请在订单页面查看物流跟踪记录。"),
    })
    articles["track"] = services.article_save(slug="track-order", category=orders, translations={
        "en": T("Tracking your order", "Open **My orders** and pick the order to see the carrier "
                "and the tracking number."),
    })
    articles["cards"] = services.article_save(slug="payment-cards", category=payment, translations={
        "en": T("Which cards we accept", "We accept Visa, Mastercard and Mir cards."),
    })
    articles["draft"] = services.article_save(
        slug="secret-draft", category=returns, status=ArticleStatus.DRAFT, translations={
            "en": T("Upcoming refund policy draft", "Unreleased refund policy."),
        })
    return articles


@pytest.fixture
def corpus(db):
    return build_corpus()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def in_browser():
    """``in_browser(steps, **context_options)`` runs ``steps(page)`` in headless Chromium.

    Playwright's sync API runs an event loop in its thread, where Django refuses ORM calls;
    so the browser gets a thread of its own and the test keeps the ORM in its thread.
    Returns (steps' result, console lines).
    """
    from concurrent.futures import ThreadPoolExecutor

    from tests.services import CHROMIUM, chromium_available, require

    require(chromium_available(), f"needs Chromium at {CHROMIUM}")

    def run(steps, **context_options):
        def job():
            from playwright.sync_api import sync_playwright

            console: list[str] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(**context_options)
                    context.set_default_timeout(15_000)
                    page = context.new_page()
                    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
                    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
                    return steps(page), console
                finally:
                    browser.close()

        with ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(job).result(timeout=180)

    return run
