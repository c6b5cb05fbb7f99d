"""Help-center articles: payment."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("payment-methods", {
        "en": T(
            "Which payment methods can I use?",
            "Cards, the Faster Payments System, the marketplace wallet and cash on delivery.",
            """You choose how to pay at checkout. We accept:

- **Bank cards**: Mir, Visa and Mastercard issued by Russian banks. You can save a card for the next orders; we store only a token from the bank, never the full card number.
- **Faster Payments System (SBP)**: pay from your bank's app by scanning a QR code or following a link. The money arrives instantly.
- **Marketplace wallet**: top it up in advance or keep refunds there; paying from the wallet takes one tap.
- **Cash or card on delivery**: available for orders up to 100,000 RUB delivered to a pickup point or by our courier.

Some sellers accept only prepayment for large or made-to-order items; the checkout shows the methods available for your basket.

Payment is taken when you place the order. If an item then turns out to be out of stock, we refund it automatically.""",
        ),
        "ru": T(
            "Какими способами можно оплатить заказ?",
            "Банковские карты, СБП, кошелёк маркетплейса и оплата при получении.",
            """Способ оплаты вы выбираете при оформлении заказа. Мы принимаем:

- **Банковские карты** «Мир», Visa и Mastercard российских банков. Карту можно сохранить для следующих заказов; мы храним только токен банка, а не полный номер карты.
- **Систему быстрых платежей (СБП)**: оплата в приложении вашего банка по QR-коду или ссылке. Деньги поступают мгновенно.
- **Кошелёк маркетплейса**: пополните его заранее или получайте на него возвраты; оплата с кошелька — в одно касание.
- **Наличными или картой при получении**: для заказов до 100 000 ₽ с доставкой в пункт выдачи или нашим курьером.

Некоторые продавцы принимают только предоплату за крупные товары и товары на заказ; при оформлении вы увидите способы, доступные для вашей корзины.

Деньги списываются при оформлении заказа. Если товара не окажется в наличии, мы автоматически вернём за него деньги.""",
        ),
        "zh-hans": T(
            "可以使用哪些支付方式？",
            "银行卡、快速支付系统、平台钱包和货到付款。",
            """您可以在结算时选择支付方式。我们支持：

- **银行卡**：俄罗斯银行发行的 Mir、Visa 和 Mastercard 卡。您可以保存银行卡以便下次使用；我们只保存银行提供的令牌，绝不保存完整卡号。
- **快速支付系统（SBP）**：在银行应用中扫描二维码或打开链接付款，款项即时到账。
- **平台钱包**：可以提前充值，也可以用来接收退款；用钱包付款只需轻点一下。
- **货到付款（现金或刷卡）**：适用于 100,000 卢布以内、配送到自提点或由我们的快递员配送的订单。

部分卖家的大件商品或定制商品只接受预付款；结算页面会显示您购物车可用的支付方式。

下单时即扣款。如果之后发现商品缺货，我们会自动退款。""",
        ),
    }),
    A("payment-failed", {
        "en": T(
            "My payment failed: what now?",
            "Common reasons a payment is declined and how to complete the order.",
            """If a payment fails, the order stays in **Awaiting payment** for 24 hours, so you do not lose the items in it. Open the order and choose **Pay again**, with the same or another method.

The most common reasons:

- **3-D Secure code not entered in time.** The bank's confirmation page expires after a few minutes; try again and keep the page open.
- **Not enough money or a limit** for online payments set in your bank's app.
- **The card has expired** or the saved card was reissued. Remove it in **Payment methods** and add the new one.
- **The bank blocked the payment** as suspicious. Confirm it in your bank's app or call the bank, then pay again.

If the money has left your account but the order still says **Payment failed**, do not pay a second time yet: the bank usually releases a held amount within 1-3 business days. Contact us with the order number and we will check the payment with the bank.""",
        ),
        "ru": T(
            "Оплата не прошла: что делать?",
            "Частые причины отказа в оплате и как всё-таки оформить заказ.",
            """Если оплата не прошла, заказ 24 часа остаётся в статусе **Ожидает оплаты**, так что товары из него не пропадут. Откройте заказ и нажмите **Оплатить ещё раз** — тем же или другим способом.

Самые частые причины:

- **Код 3-D Secure не введён вовремя.** Страница подтверждения банка действует несколько минут; попробуйте снова и не закрывайте её.
- **Недостаточно средств или установлен лимит** на онлайн-платежи в приложении банка.
- **Истёк срок действия карты** или сохранённая карта была перевыпущена. Удалите её в разделе **Способы оплаты** и добавьте новую.
- **Банк заблокировал платёж** как подозрительный. Подтвердите его в приложении банка или позвоните в банк, затем оплатите снова.

Если деньги списались со счёта, а у заказа всё ещё статус **Оплата не прошла**, не платите повторно: банк обычно снимает блокировку суммы в течение 1–3 рабочих дней. Напишите нам номер заказа, и мы проверим платёж вместе с банком.""",
        ),
        "zh-hans": T(
            "支付失败怎么办？",
            "付款被拒的常见原因，以及如何完成订单。",
            """如果支付失败，订单会在 24 小时内保持**待付款**状态，商品不会被释放。打开订单，选择**重新支付**，可以使用相同或其他支付方式。

最常见的原因：

- **未及时输入 3-D Secure 验证码。** 银行确认页面几分钟后就会失效，请重试并保持页面打开。
- **余额不足，或在银行应用中设置了网上支付限额。**
- **银行卡已过期**，或已保存的卡被换发。请在**支付方式**中删除旧卡并添加新卡。
- **银行将此笔付款判定为可疑并拦截。** 请在银行应用中确认或致电银行，然后重新支付。

如果钱已从账户中扣除，但订单仍显示**支付失败**，请先不要重复付款：银行通常会在 1-3 个工作日内解除冻结金额。请把订单号发给我们，我们会与银行核实这笔付款。""",
        ),
    }),
    A("charged-twice", {
        "en": T(
            "I was charged twice for one order",
            "Usually a temporary hold that disappears by itself; here is how to tell.",
            """Seeing two amounts for one order is worrying, but most of the time only one of them is a real payment.

**A hold and a charge.** When you pay, the bank first **holds** the amount. If the first attempt failed and you paid again, the failed attempt may still appear as a hold. Holds are released automatically within **1-3 business days**, sometimes up to 30 days for some banks. They show as *pending* or *blocked* in the bank's app.

**Two real charges.** If both amounts are shown as completed after 3 business days, contact us from the order page and attach a screenshot of the bank statement. We check with the payment provider and refund the duplicate, usually within one business day.

The **payment status** on the order page always shows what we actually received: if it says *Paid* with the order total, we charged you once.""",
        ),
        "ru": T(
            "С меня дважды списали деньги за один заказ",
            "Обычно это временная блокировка, которая снимается сама; вот как это понять.",
            """Две суммы за один заказ — это тревожно, но чаще всего настоящий платёж только один.

**Блокировка и списание.** При оплате банк сначала **блокирует** сумму. Если первая попытка не прошла и вы оплатили снова, неудачная попытка может ещё какое-то время отображаться как блокировка. Такие блокировки снимаются автоматически в течение **1–3 рабочих дней**, в некоторых банках — до 30 дней. В приложении банка они отмечены как *в обработке* или *заблокировано*.

**Два настоящих списания.** Если через 3 рабочих дня обе суммы отображаются как проведённые, напишите нам со страницы заказа и приложите снимок экрана выписки. Мы проверим платёж у платёжного провайдера и вернём лишнюю сумму — обычно в течение одного рабочего дня.

**Статус оплаты** на странице заказа всегда показывает, что мы действительно получили: если там написано *Оплачен* и указана сумма заказа, деньги списаны один раз.""",
        ),
        "zh-hans": T(
            "一个订单被扣了两次款",
            "通常只是临时冻结，会自动解除；以下是辨别方法。",
            """一个订单出现两笔扣款确实让人担心，但大多数情况下只有一笔是真正的付款。

**冻结与扣款。** 付款时，银行会先**冻结**这笔金额。如果第一次尝试失败后您又付了一次，失败的那次可能仍显示为冻结。冻结金额通常会在 **1-3 个工作日**内自动解除，个别银行最长需要 30 天。在银行应用中，它们会显示为*处理中*或*已冻结*。

**两笔真实扣款。** 如果 3 个工作日后两笔金额都显示为已完成，请在订单页面联系我们，并附上银行流水截图。我们会与支付服务商核实，并退还重复扣款，通常在一个工作日内完成。

订单页面上的**支付状态**始终反映我们实际收到的款项：如果显示*已支付*且金额与订单总额一致，说明只扣了一次款。""",
        ),
    }),
    A("receipts-and-invoices", {
        "en": T(
            "Where can I find my receipt?",
            "Electronic receipts are emailed after payment and kept on the order page.",
            """By law every payment comes with a **fiscal receipt**. We email it to you as soon as the payment goes through, and it is always available on the order page under **Payment → Receipt**.

- For **cash or card on delivery**, the courier or the pickup point issues the receipt when you pay, and a copy arrives by email.
- For **refunds**, a separate refund receipt is issued on the day the refund is sent.
- Orders that arrive in several parcels may have **one receipt per parcel**.

**Business customers** can ask for an invoice with the company's details: enter them in **Profile → Company details** before placing the order, and the invoice will be attached to the order page.

If the receipt email did not arrive, check the spam folder and that the email address in your profile is correct. You can resend it from the order page at any time.""",
        ),
        "ru": T(
            "Где найти чек?",
            "Электронный чек приходит на почту после оплаты и хранится на странице заказа.",
            """По закону каждый платёж сопровождается **кассовым чеком**. Мы отправляем его на почту сразу после оплаты, а на странице заказа он всегда доступен в разделе **Оплата → Чек**.

- При **оплате наличными или картой при получении** чек выдаёт курьер или пункт выдачи, а копия приходит на почту.
- При **возврате денег** в день возврата формируется отдельный чек возврата.
- Для заказов, пришедших несколькими посылками, может быть **отдельный чек на каждую посылку**.

**Юридические лица** могут получить счёт с реквизитами компании: укажите их в разделе **Профиль → Реквизиты компании** до оформления заказа, и счёт появится на странице заказа.

Если письмо с чеком не пришло, проверьте папку «Спам» и правильность адреса почты в профиле. Отправить чек повторно можно со страницы заказа в любой момент.""",
        ),
        "zh-hans": T(
            "在哪里查看收据？",
            "付款后电子收据会发送到邮箱，并保存在订单页面。",
            """根据法律规定，每笔付款都会开具**电子收据（税务小票）**。付款成功后我们会立即通过邮件发送给您，您也可以随时在订单页面的**付款 → 收据**中查看。

- **货到付款（现金或刷卡）**时，快递员或自提点会在付款时开具收据，副本也会发到您的邮箱。
- **退款**时，会在退款当天单独开具退款收据。
- 分成多个包裹送达的订单，可能**每个包裹对应一张收据**。

**企业客户**可以索取带公司信息的发票：下单前在**个人资料 → 公司信息**中填写，发票会附在订单页面上。

如果没有收到收据邮件，请检查垃圾邮件文件夹，并确认个人资料中的邮箱地址正确。您可以随时在订单页面重新发送。""",
        ),
    }),
    A("pay-in-installments", {
        "en": T(
            "Can I pay in installments?",
            "Split a purchase into four payments with no interest.",
            """For orders from **3,000 RUB to 150,000 RUB** you can choose **Pay in parts** at checkout. The total is split into **four equal payments** two weeks apart:

1. The first quarter is charged when you place the order.
2. The other three are charged automatically from the same card every 14 days.

There is **no interest and no fee** if every payment goes through on time. If a payment fails, we try again for three days and remind you; after that a late fee of 2% of the payment may apply.

You can see the schedule and pay the rest early at any time under **Profile → Payments in parts**.

**Returns.** If you return items bought in parts, the refund first covers the payments not yet made; anything you already paid beyond that goes back to your card.

Pay in parts is not available for gift cards or for orders paid on delivery.""",
        ),
        "ru": T(
            "Можно ли оплатить заказ частями?",
            "Разделите покупку на четыре платежа без процентов.",
            """Для заказов **от 3000 до 150 000 ₽** при оформлении можно выбрать **Оплату частями**. Сумма делится на **четыре равных платежа** с интервалом в две недели:

1. Первая четверть списывается при оформлении заказа.
2. Остальные три списываются автоматически с той же карты каждые 14 дней.

Если все платежи проходят вовремя, **никаких процентов и комиссий нет**. Если платёж не прошёл, мы повторяем попытку три дня и напоминаем о нём; после этого может взиматься пеня в размере 2% от суммы платежа.

График платежей можно посмотреть и досрочно погасить остаток в любой момент в разделе **Профиль → Оплата частями**.

**Возврат.** Если вы возвращаете товары, купленные частями, возврат сначала покрывает ещё не внесённые платежи; всё, что вы заплатили сверх этого, вернётся на карту.

Оплата частями недоступна для подарочных карт и для заказов с оплатой при получении.""",
        ),
        "zh-hans": T(
            "可以分期付款吗？",
            "将一笔订单分成四期支付，零利息。",
            """订单金额在 **3,000 至 150,000 卢布**之间时，可以在结算时选择**分期付款**。总金额将分为**四期等额付款**，每期间隔两周：

1. 下单时支付第一期（总额的四分之一）。
2. 其余三期每隔 14 天从同一张银行卡自动扣款。

只要每期按时扣款成功，**无利息、无手续费**。如果某期扣款失败，我们会在三天内重试并提醒您；之后可能收取该期金额 2% 的滞纳金。

您可以随时在**个人资料 → 分期付款**中查看还款计划，并提前还清剩余款项。

**退货。** 如果退回分期购买的商品，退款会先抵扣尚未支付的分期款项；您已多付的部分将退回银行卡。

礼品卡和货到付款订单不支持分期付款。""",
        ),
    }),
    A("cash-on-delivery", {
        "en": T(
            "Paying on delivery",
            "Pay by cash or card when you receive the order; check the items first.",
            """With **payment on delivery** you pay when you collect the order, by cash or by card, at the pickup point or to our courier.

**Before you pay** you can open the parcel and check the items. Pay only for what you keep: items you refuse are not charged and go back to the warehouse.

**Limits.** Payment on delivery is available for orders up to 100,000 RUB. If you have refused three orders paid on delivery in a row without checking them, we may ask you to prepay the next ones.

**Couriers** of our own delivery service accept cards and contactless payment; partner carriers may accept cash only, which the checkout tells you in advance.

**Receipts** are issued at the moment of payment and also emailed to you.

For a refund of an item paid on delivery and returned later, we send the money to the bank card or the marketplace wallet you choose in the return request.""",
        ),
        "ru": T(
            "Оплата при получении",
            "Оплатите наличными или картой, когда получаете заказ, предварительно проверив товары.",
            """При **оплате при получении** вы платите, когда забираете заказ: наличными или картой, в пункте выдачи или курьеру.

**Перед оплатой** можно вскрыть посылку и проверить товары. Оплачиваете только то, что оставляете себе: за товары, от которых вы отказались, деньги не берутся, и они возвращаются на склад.

**Ограничения.** Оплата при получении доступна для заказов до 100 000 ₽. Если вы три раза подряд отказались от заказов с оплатой при получении, не проверив их, мы можем попросить предоплату для следующих.

**Курьеры** нашей службы доставки принимают карты и бесконтактную оплату; курьеры партнёров могут принимать только наличные — это будет указано при оформлении заказа.

**Чек** выдаётся в момент оплаты и дублируется на почту.

Если вы вернёте товар, оплаченный при получении, деньги придут на банковскую карту или кошелёк маркетплейса, которые вы укажете в заявке на возврат.""",
        ),
        "zh-hans": T(
            "货到付款",
            "收货时用现金或银行卡付款，可先验货再付款。",
            """选择**货到付款**时，您在取件时付款：可在自提点或向快递员以现金或银行卡支付。

**付款前**可以拆开包裹检查商品。只需为您留下的商品付款：拒收的商品不收费，并会退回仓库。

**限制。** 货到付款适用于 100,000 卢布以内的订单。如果您连续三次未验货就拒收货到付款订单，我们可能会要求之后的订单预付。

我们自有配送服务的**快递员**支持银行卡和非接触式支付；合作承运商的快递员可能只收现金，结算时会提前告知。

**收据**在付款时开具，同时发送到您的邮箱。

货到付款的商品如果之后退货，退款会打到您在退货申请中指定的银行卡或平台钱包。""",
        ),
    }),
]
