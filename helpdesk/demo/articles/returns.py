"""Help-center articles: returns and refunds."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("how-to-return-an-item", {
        "en": T(
            "How do I return an item?",
            "Return most items within 30 days of delivery, straight from the order page.",
            """You can return most items within **30 days of delivery**, even if you simply changed your mind.

1. Open the order in **My orders** and choose **Return items**.
2. Pick the items and the quantity, and tell us the reason. If the item is damaged or faulty, add photos.
3. Before you submit, you will see the **return address**, the **cost** of the return and how long processing takes.
4. Submit. You get a **reference number** (it starts with *RT-*) and the request appears under the order.

Pack the item in its original packaging if you still have it, with all accessories and labels, and drop it at any pickup point of the marketplace within 7 days.

You can follow every step of the request on the order page: *Requested*, *Approved*, *Received* and *Refunded*, each with its date. We send you an email at each step too.""",
        ),
        "ru": T(
            "Как вернуть товар?",
            "Большинство товаров можно вернуть в течение 30 дней после получения прямо со страницы заказа.",
            """Большинство товаров можно вернуть в течение **30 дней после получения**, даже если вы просто передумали.

1. Откройте заказ в разделе **Мои заказы** и нажмите **Вернуть товары**.
2. Выберите товары и количество и укажите причину. Если товар повреждён или неисправен, приложите фото.
3. Перед отправкой заявки вы увидите **адрес возврата**, **стоимость** возврата и срок его обработки.
4. Отправьте заявку. Вы получите **номер заявки** (он начинается с *RT-*), а сама заявка появится на странице заказа.

Упакуйте товар в оригинальную упаковку, если она сохранилась, со всеми аксессуарами и ярлыками, и сдайте его в любой пункт выдачи маркетплейса в течение 7 дней.

Каждый шаг заявки виден на странице заказа: *Создана*, *Одобрена*, *Получена* и *Деньги возвращены* — с датой каждого этапа. О каждом шаге мы также сообщаем по электронной почте.""",
        ),
        "zh-hans": T(
            "如何退货？",
            "大多数商品可在签收后 30 天内直接从订单页面申请退货。",
            """大多数商品可在**签收后 30 天内**退货，即使只是改变主意也可以。

1. 在**我的订单**中打开订单，选择**退货**。
2. 选择要退的商品和数量，并说明原因。如果商品损坏或有故障，请上传照片。
3. 提交前，您会看到**退货地址**、退货**费用**以及处理所需时间。
4. 提交申请。您会收到一个**退货编号**（以 *RT-* 开头），申请也会显示在订单页面上。

如果原包装还在，请用原包装打包商品，并附上所有配件和标签，在 7 天内送到平台的任一自提点。

您可以在订单页面查看申请的每一步进度：*已申请*、*已批准*、*已收货*、*已退款*，每一步都附有日期。每一步我们也会发邮件通知您。""",
        ),
    }),
    A("return-damaged-item", {
        "en": T(
            "My item arrived damaged: how do I return it?",
            "Report it with photos; the return is free and the refund includes delivery.",
            """We are sorry your item arrived broken. Damaged items are always returned **for free**, and the refund includes the delivery cost you paid.

**Do this as soon as possible**

1. Take **two or three photos**: the damaged item, the damage up close, and the outer box with its label. Photos of the packaging help us claim the damage from the carrier.
2. Open the order in **My orders**, choose **Return items**, select the item and the reason **Arrived damaged**, and attach the photos.
3. Check the return address and the processing time, then submit. You get a reference number starting with *RT-*.

Please report damage **within 7 days** of delivery. If you noticed it at the pickup point, you can also refuse the item on the spot.

**What happens next.** An agent reviews the photos, usually within one business day, and approves the request; you get an email. Drop the item at a pickup point; fragile items can be collected by courier, just ask in the chat. Once the warehouse receives it, the refund is paid within 3-10 business days to a bank card, or instantly to the marketplace wallet. If you prefer a replacement instead of a refund, say so in the description.""",
        ),
        "ru": T(
            "Товар пришёл повреждённым: как его вернуть?",
            "Сообщите о повреждении с фото — возврат бесплатный, а доставка тоже возмещается.",
            """Нам жаль, что товар пришёл разбитым. Повреждённые товары всегда возвращаются **бесплатно**, а в сумму возврата входит и оплаченная вами доставка.

**Что сделать как можно скорее**

1. Сделайте **две-три фотографии**: повреждённый товар, повреждение крупным планом и внешнюю коробку с этикеткой. Фото упаковки помогают нам предъявить претензию перевозчику.
2. Откройте заказ в разделе **Мои заказы**, нажмите **Вернуть товары**, выберите товар и причину **Пришёл повреждённым** и приложите фото.
3. Проверьте адрес возврата и срок обработки и отправьте заявку. Вы получите номер заявки, начинающийся с *RT-*.

Пожалуйста, сообщите о повреждении **в течение 7 дней** после получения. Если вы заметили его в пункте выдачи, от товара можно отказаться сразу.

**Что будет дальше.** Специалист проверит фотографии — обычно в течение одного рабочего дня — и одобрит заявку, а вы получите письмо. Сдайте товар в пункт выдачи; хрупкий товар может забрать курьер — просто напишите нам в чат. Когда товар поступит на склад, деньги вернутся на банковскую карту в течение 3–10 рабочих дней или сразу на кошелёк маркетплейса. Если вместо возврата денег вы хотите замену, укажите это в описании.""",
        ),
        "zh-hans": T(
            "收到的商品已损坏，如何退货？",
            "附照片报告损坏，退货免费，退款包含运费。",
            """很抱歉您收到的商品已损坏。损坏商品的退货始终**免费**，退款还包括您支付的运费。

**请尽快完成以下步骤**

1. 拍摄**两到三张照片**：损坏的商品、损坏部位特写，以及带面单的外包装箱。包装照片有助于我们向承运商索赔。
2. 在**我的订单**中打开订单，选择**退货**，勾选该商品，原因选择**收到时已损坏**，并上传照片。
3. 核对退货地址和处理时间后提交。您会收到一个以 *RT-* 开头的退货编号。

请在签收后 **7 天内**报告损坏。如果您在自提点就发现了损坏，也可以当场拒收。

**后续处理。** 客服会审核照片（通常在一个工作日内）并批准申请，您会收到邮件通知。请将商品送到自提点；易碎商品可以安排快递员上门取件，在聊天中告诉我们即可。仓库收到商品后，退款将在 3-10 个工作日内退回银行卡，或即时退回平台钱包。如果您希望换货而不是退款，请在描述中注明。""",
        ),
    }),
    A("refund-timelines", {
        "en": T(
            "When will I get my refund?",
            "Refund times for each payment method, and how to check the status.",
            """We start the refund as soon as the returned item reaches the warehouse and passes a quick check, usually within **2 business days** of arrival. For cancelled orders and items you refused, the refund starts immediately.

How long the money takes to reach you depends on how you paid:

- **Marketplace wallet**: instantly.
- **Faster Payments System (SBP)**: within 1 business day.
- **Bank card**: 3-10 business days. The bank decides the exact date; some banks show the refund only on the next statement.
- **Cash on delivery**: to the bank card or the wallet you choose in the return request.

The return request on the order page shows **Refunded** with the date when we sent the money, and the amount. If more than 10 business days have passed since then and you still do not see it, contact us: we will send you the refund's bank reference so your bank can trace it.""",
        ),
        "ru": T(
            "Когда вернутся деньги?",
            "Сроки возврата для каждого способа оплаты и как проверить статус.",
            """Мы начинаем возврат, как только товар поступит на склад и пройдёт быструю проверку, — обычно в течение **2 рабочих дней** после поступления. Для отменённых заказов и товаров, от которых вы отказались, возврат начинается сразу.

Срок поступления денег зависит от способа оплаты:

- **Кошелёк маркетплейса** — сразу.
- **Система быстрых платежей (СБП)** — в течение 1 рабочего дня.
- **Банковская карта** — 3–10 рабочих дней. Точную дату определяет банк; некоторые банки показывают возврат только в следующей выписке.
- **Оплата при получении** — на банковскую карту или кошелёк, которые вы укажете в заявке на возврат.

На странице заказа у заявки появится статус **Деньги возвращены** с датой отправки денег и суммой. Если с этой даты прошло больше 10 рабочих дней, а денег нет, напишите нам: мы пришлём банковский идентификатор платежа, по которому банк сможет его найти.""",
        ),
        "zh-hans": T(
            "退款什么时候到账？",
            "各支付方式的退款时效，以及如何查询退款状态。",
            """退回的商品到达仓库并通过快速检查后，我们会立即发起退款，通常在到货后 **2 个工作日内**。对于已取消的订单和您拒收的商品，退款会立即发起。

退款到账时间取决于您的支付方式：

- **平台钱包**：即时到账。
- **快速支付系统（SBP）**：1 个工作日内。
- **银行卡**：3-10 个工作日。具体日期由银行决定，部分银行要到下一期账单才显示退款。
- **货到付款**：退到您在退货申请中指定的银行卡或钱包。

退款发出后，订单页面上的退货申请会显示**已退款**以及日期和金额。如果自该日期起已超过 10 个工作日仍未收到，请联系我们：我们会提供退款的银行流水号，方便您的银行查询。""",
        ),
    }),
    A("items-that-cannot-be-returned", {
        "en": T(
            "Which items cannot be returned?",
            "Some goods cannot be returned if you changed your mind, but faulty ones always can.",
            """For reasons of hygiene and safety, some items **cannot be returned if you simply changed your mind**:

- opened cosmetics, perfume and personal-care products;
- underwear, swimwear and socks;
- food and drinks, including tea and coffee;
- books, films and software once the seal is broken;
- items made or engraved to your order;
- gift cards and digital codes.

This list is about changing your mind only. **Every** item can be returned if it arrived **damaged, faulty, incomplete or different from the description**. In those cases the return is free.

The product page says whether an item can be returned, and the **Return items** button on the order page only offers the items that qualify. If an item you believe is faulty is not offered, contact us from the order page and we will open the return for you.""",
        ),
        "ru": T(
            "Какие товары нельзя вернуть?",
            "Некоторые товары нельзя вернуть, если вы передумали, но бракованные — можно всегда.",
            """По соображениям гигиены и безопасности некоторые товары **нельзя вернуть, если вы просто передумали**:

- вскрытую косметику, парфюмерию и средства личной гигиены;
- нижнее бельё, купальники и носки;
- продукты питания и напитки, включая чай и кофе;
- книги, фильмы и программы со вскрытой упаковкой;
- товары, изготовленные или гравированные на заказ;
- подарочные карты и цифровые коды.

Этот список касается только случаев, когда вы передумали. **Любой** товар можно вернуть, если он пришёл **повреждённым, неисправным, неполным или не соответствует описанию**. В этих случаях возврат бесплатный.

На странице товара указано, можно ли его вернуть, а кнопка **Вернуть товары** на странице заказа предлагает только подходящие товары. Если товара, который вы считаете бракованным, нет в списке, напишите нам со страницы заказа — мы оформим возврат за вас.""",
        ),
        "zh-hans": T(
            "哪些商品不能退货？",
            "部分商品不支持无理由退货，但有质量问题的商品随时可退。",
            """出于卫生和安全考虑，以下商品**不支持无理由退货**：

- 已拆封的化妆品、香水和个人护理用品；
- 内衣、泳衣和袜子；
- 食品和饮料，包括茶叶和咖啡；
- 已拆封的图书、影视作品和软件；
- 定制或刻字商品；
- 礼品卡和数字兑换码。

以上限制仅适用于无理由退货。**任何**商品如果收到时**损坏、有故障、缺件或与描述不符**，都可以退货，且退货免费。

商品页面会注明该商品是否支持退货，订单页面上的**退货**按钮也只会列出符合条件的商品。如果您认为有质量问题的商品没有出现在列表中，请在订单页面联系我们，我们会为您办理退货。""",
        ),
    }),
    A("return-shipping-costs", {
        "en": T(
            "How much does a return cost?",
            "Free for faulty or wrong items and for Premium members; a small fee otherwise.",
            """The cost of a return depends on the reason:

| Reason | Cost |
| --- | --- |
| Arrived damaged, does not work, wrong item, not as described | Free |
| Changed my mind | 199 RUB per return request |
| Changed my mind, Premium member | Free |
| Large items (furniture, large appliances), changed my mind | 990 RUB for courier collection |

The fee is not charged separately: it is deducted from the refund. You always see the exact cost **before** you submit the request, together with the return address.

Put several items from the same order into one return request and you pay the fee only once.

If we approve a return as *changed my mind* but the warehouse then finds the item faulty, we refund the fee as well.""",
        ),
        "ru": T(
            "Сколько стоит возврат?",
            "Бесплатно для брака, ошибок и участников Premium; в остальных случаях — небольшая плата.",
            """Стоимость возврата зависит от причины:

| Причина | Стоимость |
| --- | --- |
| Пришёл повреждённым, не работает, не тот товар, не соответствует описанию | Бесплатно |
| Передумал | 199 ₽ за заявку |
| Передумал, участник Premium | Бесплатно |
| Крупногабаритный товар (мебель, крупная техника), передумал | 990 ₽ за вывоз курьером |

Плата не списывается отдельно: она вычитается из суммы возврата. Точную стоимость вы всегда видите **до** отправки заявки, вместе с адресом возврата.

Объедините несколько товаров из одного заказа в одну заявку — тогда плата взимается один раз.

Если мы приняли возврат с причиной «передумал», а на складе выяснилось, что товар неисправен, плату мы тоже вернём.""",
        ),
        "zh-hans": T(
            "退货需要多少费用？",
            "质量问题、错发以及 Premium 会员免费，其他情况收取少量费用。",
            """退货费用取决于退货原因：

| 原因 | 费用 |
| --- | --- |
| 收到时已损坏、无法使用、发错货、与描述不符 | 免费 |
| 不想要了 | 每个退货申请 199 卢布 |
| 不想要了（Premium 会员） | 免费 |
| 大件商品（家具、大家电），不想要了 | 上门取件 990 卢布 |

费用不会单独收取，而是从退款中扣除。提交申请**之前**，您总能看到确切费用和退货地址。

将同一订单中的多件商品放在一个退货申请里，只需支付一次费用。

如果我们按"不想要了"批准了退货，但仓库检查发现商品有故障，我们也会退还这笔费用。""",
        ),
    }),
    A("track-return-status", {
        "en": T(
            "What do the return statuses mean?",
            "Requested, approved, received, refunded: each step of a return explained.",
            """Every return request has a reference number starting with *RT-* and a timeline on the order page. These are the steps:

- **Requested**: we have your request. Returns for changed-mind reasons are usually approved automatically; damaged or faulty items are reviewed by an agent within one business day.
- **Approved**: drop the item at a pickup point within 7 days. The email tells you what to write on the parcel.
- **Rejected**: we could not accept the return; the reason is written in the timeline and in the email. You can reply to that email if you disagree.
- **Received**: the warehouse has the item and is checking it.
- **Refunded**: the money has been sent. See **When will I get my refund?** for how long it takes to arrive.
- **Cancelled**: you withdrew the request, or the item was not dropped off in time.

If a step takes longer than described, open the return from the order page and contact us; the conversation will carry the reference number.""",
        ),
        "ru": T(
            "Что означают статусы возврата?",
            "Создана, одобрена, получена, деньги возвращены — каждый шаг возврата по порядку.",
            """У каждой заявки на возврат есть номер, начинающийся с *RT-*, и история на странице заказа. Вот её этапы:

- **Создана** — мы получили заявку. Возвраты с причиной «передумал» обычно одобряются автоматически; заявки на повреждённые и неисправные товары специалист рассматривает в течение одного рабочего дня.
- **Одобрена** — сдайте товар в пункт выдачи в течение 7 дней. В письме указано, что написать на посылке.
- **Отклонена** — мы не смогли принять возврат; причина указана в истории заявки и в письме. Если вы не согласны, ответьте на это письмо.
- **Получена** — товар на складе, его проверяют.
- **Деньги возвращены** — деньги отправлены. О сроках поступления читайте в статье **Когда вернутся деньги?**
- **Отменена** — вы отозвали заявку или товар не был сдан вовремя.

Если какой-то этап длится дольше описанного, откройте возврат на странице заказа и напишите нам — номер заявки будет в обращении автоматически.""",
        ),
        "zh-hans": T(
            "退货状态分别是什么意思？",
            "已申请、已批准、已收货、已退款：逐一说明退货的每个环节。",
            """每个退货申请都有一个以 *RT-* 开头的编号，并在订单页面上显示进度记录。各环节含义如下：

- **已申请**：我们已收到您的申请。"不想要了"类退货通常会自动批准；损坏或故障商品由客服在一个工作日内审核。
- **已批准**：请在 7 天内将商品送到自提点。邮件中会说明包裹上需要注明的信息。
- **已拒绝**：我们无法受理此次退货，原因会写在进度记录和邮件中。如有异议，可直接回复该邮件。
- **已收货**：仓库已收到商品，正在检查。
- **已退款**：款项已退出。到账时间请参阅**退款什么时候到账？**
- **已取消**：您撤回了申请，或未按时寄回商品。

如果某个环节耗时超出说明，请在订单页面打开该退货并联系我们，会话中会自动带上退货编号。""",
        ),
    }),
    A("exchange-size-or-colour", {
        "en": T(
            "Can I exchange clothes or shoes for another size?",
            "Return the item and order the right size; Premium members can reserve it first.",
            """We do not swap items directly, because the new size may come from another seller or warehouse. The quickest way is:

1. **Order the size you need** as a new order, so it is reserved for you and starts travelling right away.
2. **Return the first item** from its order page with the reason *Changed my mind* or *Not as described* if the size chart was wrong.

If the size chart on the product page was wrong, choose **Not as described** and tell us what the chart said: the return is then free, and we correct the chart for other customers.

**Premium members** can choose **Exchange** in the return form: we reserve the new size at no cost and ship it as soon as you drop the first item at a pickup point.

Keep the labels on and try clothes on over your own clothes; items with signs of wear cannot be returned for changed-mind reasons.""",
        ),
        "ru": T(
            "Можно ли обменять одежду или обувь на другой размер?",
            "Верните товар и закажите нужный размер; участники Premium могут сначала его зарезервировать.",
            """Мы не меняем товары напрямую, потому что новый размер может приехать от другого продавца или с другого склада. Самый быстрый способ:

1. **Закажите нужный размер** новым заказом — он будет зарезервирован за вами и сразу отправится в путь.
2. **Верните первый товар** со страницы его заказа с причиной «Передумал» или «Не соответствует описанию», если размерная сетка была неверной.

Если размерная сетка на странице товара была ошибочной, выберите **Не соответствует описанию** и напишите, что было указано в таблице. Тогда возврат будет бесплатным, а таблицу мы исправим для других покупателей.

**Участники Premium** могут выбрать в форме возврата **Обмен**: мы бесплатно зарезервируем новый размер и отправим его, как только вы сдадите первый товар в пункт выдачи.

Не снимайте ярлыки и примеряйте одежду поверх своей: вещи со следами носки нельзя вернуть с причиной «передумал».""",
        ),
        "zh-hans": T(
            "衣服或鞋子可以换尺码吗？",
            "先退货再下单合适的尺码；Premium 会员可先预留新尺码。",
            """我们不直接换货，因为新尺码可能来自其他卖家或仓库。最快的方法是：

1. **重新下单所需尺码**，这样商品会立即为您预留并尽快发出。
2. 在原订单页面**退回第一件商品**，原因选择"不想要了"；如果是尺码表有误，请选择"与描述不符"。

如果商品页面的尺码表有误，请选择**与描述不符**并告诉我们尺码表上写的内容：这种情况下退货免费，我们也会为其他顾客更正尺码表。

**Premium 会员**可以在退货表单中选择**换货**：我们免费为您预留新尺码，您把第一件商品送到自提点后即刻发出。

请保留吊牌，并套在自己的衣服外试穿；有穿着痕迹的商品不支持无理由退货。""",
        ),
    }),
]
