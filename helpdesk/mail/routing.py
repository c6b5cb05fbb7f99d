"""Routing of new email conversations: a topic guessed from the text, then a team for it.

The guess: keywords per topic in English, Russian and Chinese (stems for the inflected
languages, whole terms for Chinese), the subject counting twice; when no keyword matches, the
help center's own search (``faq.selectors.article_search``) on the subject, whose best article's
category names a topic. The team: the first team (by name) whose topics list the guessed one;
none when only catch-all teams (no topics) exist, so the conversation waits for anyone.
"""

import logging
import re

from django.db import DatabaseError, transaction

from accounts.choices import Topic
from faq.selectors import article_search
from helpdesk.models import Conversation, Team

logger = logging.getLogger(__name__)

# Regular expressions, matched case-insensitively at a word start (Latin and Cyrillic); Chinese
# terms anywhere. The order of topics breaks ties (the more specific trouble first).
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    Topic.RETURNS: (
        r"return", r"refund", r"money back", r"broken", r"damaged?", r"defect", r"faulty",
        r"wrong item", r"exchange",
        r"возврат", r"верн[иу]", r"брак", r"сломан", r"разбит", r"поврежд", r"обмен",
        r"退货", r"退款", r"退回", r"损坏", r"坏了", r"破损", r"换货",
    ),
    Topic.PAYMENT: (
        r"payment", r"paid\b", r"pay\b", r"charged?", r"card\b", r"invoice", r"bank",
        r"receipt",
        r"оплат", r"плат[её]ж", r"списа", r"карт[аеуыо]", r"сч[её]т", r"банк", r"чек\b",
        r"支付", r"付款", r"扣款", r"银行卡", r"信用卡", r"发票", r"扣钱",
    ),
    Topic.ACCOUNT: (
        r"password", r"log ?in\b", r"sign ?in\b", r"account", r"hacked", r"two-factor",
        r"парол", r"войти", r"вход\b", r"аккаунт", r"уч[её]тн", r"взлом", r"личн\w+ кабинет",
        r"密码", r"登录", r"账号", r"账户", r"帐号", r"被盗",
    ),
    Topic.PROMOTIONS: (
        r"coupon", r"promo", r"discount", r"voucher", r"sale\b",
        r"купон", r"промокод", r"скидк", r"акци[яиюй]",
        r"优惠券", r"优惠码", r"折扣", r"促销", r"优惠",
    ),
    Topic.MEMBERSHIP: (
        r"membership", r"member\b", r"premium", r"subscription",
        r"подписк", r"премиум", r"членств",
        r"会员", r"订阅",
    ),
    Topic.TECHNICAL: (
        r"apps?\b", r"website", r"crash", r"error", r"bug\b", r"page\b", r"doesn'?t work",
        r"приложени", r"сайт", r"ошибк", r"не работает", r"вылета", r"глюч",
        r"应用", r"网站", r"闪退", r"错误", r"打不开", r"页面",
    ),
    Topic.ORDERS: (
        r"order", r"deliver", r"parcel", r"package", r"shipment", r"shipping", r"tracking",
        r"courier", r"not arrived", r"late\b",
        r"заказ", r"доставк", r"посылк", r"курьер", r"трек", r"отслежива", r"не приш[её]л",
        r"опазд",
        r"订单", r"快递", r"物流", r"包裹", r"配送", r"发货", r"没收到", r"送达",
    ),
}


def _compiled() -> dict[str, list[re.Pattern]]:
    out = {}
    for topic, words in TOPIC_KEYWORDS.items():
        out[topic] = [
            re.compile(w if re.match(r"[\u4e00-\u9fff]", w) else rf"(?<!\w){w}", re.IGNORECASE)
            for w in words
        ]
    return out


_PATTERNS = _compiled()


def topic_scores(*, subject: str, text: str) -> dict[str, int]:
    """How many of each topic's keywords the email holds (the subject's count twice)."""
    scores = {}
    for topic, patterns in _PATTERNS.items():
        score = sum(2 * bool(p.search(subject)) + bool(p.search(text)) for p in patterns)
        if score:
            scores[topic] = score
    return scores


def _topic_from_faq(query: str, language: str) -> str | None:
    """The topic of the help center article that best answers ``query``, if any."""
    if not query.strip():
        return None
    try:
        with transaction.atomic():  # a failed search must not break the caller's transaction
            page = article_search(query=query[:200], language=language, limit=3)
    except DatabaseError:
        logger.warning("FAQ search failed while routing an email", exc_info=True)
        return None
    for result in page.results:
        topic = getattr(result.article.category, "topic", "")
        if topic in Topic.values:
            return topic
    return None


def topic_guess(*, subject: str, text: str, language: str = "en") -> str | None:
    """The likeliest topic of an email, or None when nothing points anywhere."""
    scores = topic_scores(subject=subject, text=text[:4000])
    if scores:
        order = list(TOPIC_KEYWORDS)
        return max(scores, key=lambda t: (scores[t], -order.index(t)))
    return _topic_from_faq(subject or text[:200], language)


def team_for_topic(*, topic: str) -> Team | None:
    """The first team, by name, whose topics list ``topic``."""
    for team in Team.objects.order_by("name"):
        if topic in (team.topics or []):
            return team
    return None


def email_conversation_route(*, conversation: Conversation) -> Conversation:
    """Give a new email conversation a team for its topic (caller holds the transaction)."""
    team = team_for_topic(topic=conversation.topic)
    if team is not None and conversation.team_id != team.pk:
        conversation.team = team
        conversation.save(update_fields=["team", "updated_at"])
    return conversation
