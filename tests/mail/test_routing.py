"""New email conversations get a topic guessed from their text and the team for that topic."""

import pytest

from faq import services as faq
from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import InboundStatus
from helpdesk.mail.routing import topic_guess
from helpdesk.models import Conversation, Team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("subject", "text", "topic"), [
    ("Where is my parcel?", "Order 1234 has not arrived, the tracking is stuck.", "orders"),
    ("Refund please", "The kettle arrived broken, I want to return it.", "returns"),
    ("Double charge", "My card was charged twice for one payment.", "payment"),
    ("Can't log in", "I forgot my password and the account is locked.", "account"),
    ("Coupon", "The promo code gives no discount.", "promotions"),
    ("Premium", "How do I cancel my membership subscription?", "membership"),
    ("App crash", "The app shows an error on the checkout page.", "technical"),
    ("Где мой заказ?", "Посылка не пришла, курьер не звонил.", "orders"),
    ("Возврат", "Чайник пришёл разбитым, верните деньги, оформите возврат.", "returns"),
    ("Оплата", "С карты списали деньги дважды, платёж не прошёл.", "payment"),
    ("Не могу войти", "Забыл пароль от аккаунта.", "account"),
    ("Промокод", "Промокод не даёт скидку.", "promotions"),
    ("Приложение", "Приложение вылетает с ошибкой.", "technical"),
    ("订单在哪里", "我的包裹还没收到，物流一直没有更新。", "orders"),
    ("退款", "水壶到货时已经损坏，我要退货退款。", "returns"),
    ("付款问题", "银行卡被扣款两次。", "payment"),
    ("登录不了", "我忘记了密码，账号登录不了。", "account"),
    ("会员", "怎么取消会员订阅？", "membership"),
    ("应用闪退", "应用一打开就闪退，页面显示错误。", "technical"),
])
def test_the_topic_is_guessed_from_keywords_in_three_languages(subject, text, topic):
    assert topic_guess(subject=subject, text=text) == topic


def test_the_subject_weighs_more_than_a_word_in_passing():
    # "order" in the text, but the subject and the trouble are a refund.
    assert topic_guess(subject="Refund", text="About my order from May.") == "returns"


def test_without_keywords_the_help_center_search_names_the_topic():
    category = faq.category_save(slug="membership", topic="membership")
    faq.article_save(slug="prime-club", category=category, translations={
        "en": faq.TranslationInput(title="Prime Club benefits",
                                   body="Prime Club gives free shipping on every purchase.")})
    assert topic_guess(subject="Prime Club", text="Hello, a question.") == "membership"
    assert topic_guess(subject="Hello", text="A question.") is None


RAW = ("From: Oleg <oleg@example.net>\r\nTo: support@example.com\r\n"
       "Subject: =?utf-8?b?{subject}?=\r\nMessage-ID: <{mid}@example.net>\r\n"
       "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n")


def ingest(subject: str, text: str, mid: str):
    import base64

    raw = RAW.format(subject=base64.b64encode(subject.encode()).decode(), mid=mid, text=text)
    result = email_ingest(raw.encode(), source="test")
    assert result.status == InboundStatus.CREATED
    return Conversation.objects.get(pk=result.inbound.conversation_id)


def test_a_new_email_conversation_is_routed_to_the_team_of_its_topic():
    Team.objects.create(name="A catch-all", topics=[])
    returns_team = Team.objects.create(name="Returns desk", topics=["returns", "payment"])
    delivery_team = Team.objects.create(name="Delivery", topics=["orders"])
    conv = ingest("Возврат", "Чайник пришёл разбитым, хочу вернуть.", "r1")
    assert (conv.topic, conv.team) == ("returns", returns_team)
    conv = ingest("订单在哪里", "我的包裹还没收到。", "r2")
    assert (conv.topic, conv.team) == ("orders", delivery_team)
    conv = ingest("Double charge", "My card was charged twice.", "r3")
    assert (conv.topic, conv.team) == ("payment", returns_team)


def test_an_email_no_team_covers_waits_for_anyone():
    Team.objects.create(name="A catch-all", topics=[])
    Team.objects.create(name="Delivery", topics=["orders"])
    conv = ingest("Coupon", "The promo code gives no discount.", "p1")
    assert (conv.topic, conv.team) == ("promotions", None)
    conv = ingest("Hello", "Just a question.", "p2")  # nothing to go on: the default topic
    assert conv.topic == "orders"
