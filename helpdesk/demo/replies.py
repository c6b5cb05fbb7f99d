"""Canned replies for agents, in the three languages.

Placeholders ({customer_name}, {order_number}, {estimated_delivery}, {agent_name},
{reference}) are filled in by the agent console when the reply is inserted.
"""

from dataclasses import dataclass

from accounts.choices import Topic


@dataclass(frozen=True)
class ReplySpec:
    key: str  # the shortcut is "<key>-<en|ru|zh>"
    topic: str
    # language -> (title, body)
    translations: dict[str, tuple[str, str]]


SHORT = {"en": "en", "ru": "ru", "zh-hans": "zh"}


def shortcut(key: str, language: str) -> str:
    return f"{key}-{SHORT[language]}"


REPLIES = [
    ReplySpec("greeting", "", {
        "en": ("Greeting", "Hello {customer_name}, my name is {agent_name} and I will be glad to "
                           "help you. Give me a moment to look at your request."),
        "ru": ("Приветствие", "Здравствуйте, {customer_name}! Меня зовут {agent_name}, я с "
                              "радостью вам помогу. Дайте мне минуту, чтобы разобраться в вашем "
                              "вопросе."),
        "zh-hans": ("问候", "{customer_name}，您好！我是{agent_name}，很高兴为您服务。请稍等，"
                           "我先了解一下您的问题。"),
    }),
    ReplySpec("delayed-shipment", Topic.ORDERS, {
        "en": ("Delayed shipment", "I am sorry your order {order_number} is taking longer than "
                                   "expected, {customer_name}. I have checked with the carrier: "
                                   "the parcel is on its way and the new estimated delivery date "
                                   "is {estimated_delivery}. I will keep an eye on it, and if it "
                                   "does not arrive by then we will send a replacement or refund "
                                   "you in full."),
        "ru": ("Задержка доставки", "{customer_name}, приносим извинения: заказ {order_number} "
                                    "едет дольше, чем ожидалось. Я уточнил(а) у перевозчика — "
                                    "посылка в пути, новая ожидаемая дата доставки: "
                                    "{estimated_delivery}. Я прослежу за ней, и если к этой дате "
                                    "заказ не придёт, мы отправим его повторно или полностью "
                                    "вернём деньги."),
        "zh-hans": ("配送延误", "{customer_name}，非常抱歉，您的订单 {order_number} 比预计送达"
                               "时间晚了。我已向承运商核实：包裹正在运输中，新的预计送达日期为 "
                               "{estimated_delivery}。我会持续跟进；如果届时仍未送达，我们将为您"
                               "补发或全额退款。"),
    }),
    ReplySpec("return-approved", Topic.RETURNS, {
        "en": ("Return approved", "Good news, {customer_name}: the return for order "
                                  "{order_number} is approved. Please drop the item at any "
                                  "pickup point within 7 days; the refund is sent as soon as the "
                                  "warehouse receives it."),
        "ru": ("Возврат одобрен", "{customer_name}, хорошие новости: возврат по заказу "
                                  "{order_number} одобрен. Сдайте товар в любой пункт выдачи в "
                                  "течение 7 дней — деньги вернутся, как только товар поступит "
                                  "на склад."),
        "zh-hans": ("退货已批准", "{customer_name}，好消息：订单 {order_number} 的退货申请已批"
                                 "准。请在 7 天内将商品送到任一自提点，仓库收到后会立即为您退"
                                 "款。"),
    }),
    ReplySpec("refund-timeline", Topic.RETURNS, {
        "en": ("Refund timeline", "The refund for order {order_number} has been sent. It "
                                  "arrives instantly in the marketplace wallet, within 1 "
                                  "business day with SBP, and within 3-10 business days on a "
                                  "bank card, depending on your bank."),
        "ru": ("Сроки возврата денег", "Деньги по заказу {order_number} отправлены. На кошелёк "
                                       "маркетплейса они поступают сразу, по СБП — в течение 1 "
                                       "рабочего дня, на банковскую карту — за 3–10 рабочих "
                                       "дней в зависимости от банка."),
        "zh-hans": ("退款时效", "订单 {order_number} 的退款已发出。退回平台钱包即时到账，通过"
                               "快速支付系统 1 个工作日内到账，退回银行卡需 3-10 个工作日，具体"
                               "取决于您的银行。"),
    }),
    ReplySpec("payment-hold", Topic.PAYMENT, {
        "en": ("Payment on hold", "{customer_name}, the second amount you see for order "
                                  "{order_number} is a temporary hold from the failed attempt, "
                                  "not a payment. Your bank releases it automatically within "
                                  "1-3 business days. We received the payment only once."),
        "ru": ("Блокировка суммы", "{customer_name}, вторая сумма по заказу {order_number} — "
                                   "это временная блокировка после неудачной попытки, а не "
                                   "списание. Банк снимет её автоматически в течение 1–3 "
                                   "рабочих дней. Оплату мы получили только один раз."),
        "zh-hans": ("款项冻结", "{customer_name}，您看到的订单 {order_number} 的第二笔金额是"
                               "上次支付失败产生的临时冻结，并非实际扣款。银行会在 1-3 个工作日"
                               "内自动解冻。我们只收到了一笔付款。"),
    }),
    ReplySpec("password-reset", Topic.ACCOUNT, {
        "en": ("Password reset", "To set a new password, choose \"Forgot your password?\" on "
                                 "the login page and follow the link we email you. For your "
                                 "security we can never see or send your password."),
        "ru": ("Сброс пароля", "Чтобы задать новый пароль, нажмите «Забыли пароль?» на странице "
                               "входа и перейдите по ссылке из письма. В целях безопасности мы "
                               "не видим ваш пароль и не можем его прислать."),
        "zh-hans": ("重置密码", "如需设置新密码，请在登录页面点击“忘记密码？”，然后点击我们"
                               "发送到您邮箱的链接。为了您的安全，我们无法查看或发送您的密码。"),
    }),
    ReplySpec("closing", "", {
        "en": ("Closing", "Is there anything else I can help you with? Your request reference "
                          "is {reference}; quote it if you contact us again. Have a nice day!"),
        "ru": ("Завершение", "Могу ли я помочь чем-то ещё? Номер вашего обращения — {reference}; "
                             "назовите его, если снова обратитесь к нам. Хорошего дня!"),
        "zh-hans": ("结束语", "请问还有其他可以帮您的吗？您的工单编号是 {reference}，再次联系我"
                             "们时请提供该编号。祝您生活愉快！"),
    }),
]
