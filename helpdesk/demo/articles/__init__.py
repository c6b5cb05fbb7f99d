"""The demo help-center content: one category per topic, articles in en, ru and zh-hans.

Written for this project as data; ``helpdesk.demo.seed`` stores it with the faq models.
"""

from dataclasses import dataclass

from accounts.choices import Topic
from helpdesk.demo.articles import (
    account,
    membership,
    orders,
    payment,
    promotions,
    returns,
    technical,
)
from helpdesk.demo.articles.base import A, T


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    topic: str
    icon: str
    # language -> (name, description)
    translations: dict[str, tuple[str, str]]
    articles: list[A]


CATEGORIES = [
    CategorySpec("orders-and-delivery", Topic.ORDERS, "truck", {
        "en": ("Orders and delivery", "Tracking, delivery times, pickup points and late parcels"),
        "ru": ("Заказы и доставка", "Отслеживание, сроки доставки, пункты выдачи и задержки"),
        "zh-hans": ("订单与配送", "物流查询、配送时效、自提点和包裹延误"),
    }, orders.ARTICLES),
    CategorySpec("returns-and-refunds", Topic.RETURNS, "undo", {
        "en": ("Returns and refunds", "Returning items, damaged goods and refund times"),
        "ru": ("Возвраты и возмещения", "Возврат товаров, повреждённые товары и сроки возврата денег"),
        "zh-hans": ("退货与退款", "退货流程、损坏商品和退款时效"),
    }, returns.ARTICLES),
    CategorySpec("payment", Topic.PAYMENT, "card", {
        "en": ("Payment", "Payment methods, failed payments, receipts and installments"),
        "ru": ("Оплата", "Способы оплаты, неудачные платежи, чеки и оплата частями"),
        "zh-hans": ("支付", "支付方式、支付失败、收据和分期付款"),
    }, payment.ARTICLES),
    CategorySpec("account-and-security", Topic.ACCOUNT, "lock", {
        "en": ("Account and security", "Passwords, profile, notifications and your data"),
        "ru": ("Аккаунт и безопасность", "Пароли, профиль, уведомления и ваши данные"),
        "zh-hans": ("账户与安全", "密码、个人资料、通知和个人数据"),
    }, account.ARTICLES),
    CategorySpec("promotions-and-coupons", Topic.PROMOTIONS, "tag", {
        "en": ("Promotions and coupons", "Coupon codes, sales, gift cards and bonus points"),
        "ru": ("Акции и купоны", "Промокоды, распродажи, подарочные карты и бонусные баллы"),
        "zh-hans": ("促销与优惠券", "优惠码、促销活动、礼品卡和积分"),
    }, promotions.ARTICLES),
    CategorySpec("membership", Topic.MEMBERSHIP, "star", {
        "en": ("Membership", "Premium benefits, billing and priority support"),
        "ru": ("Подписка Premium", "Привилегии Premium, оплата подписки и приоритетная поддержка"),
        "zh-hans": ("会员", "Premium 会员权益、会员费和优先客服"),
    }, membership.ARTICLES),
    CategorySpec("app-and-website", Topic.TECHNICAL, "device", {
        "en": ("App and website problems", "Loading errors, checkout errors, updates and notifications"),
        "ru": ("Проблемы с приложением и сайтом", "Ошибки загрузки и оформления, обновления и уведомления"),
        "zh-hans": ("应用与网站问题", "加载错误、结算错误、应用更新和通知"),
    }, technical.ARTICLES),
]

__all__ = ["CATEGORIES", "CategorySpec", "A", "T"]
