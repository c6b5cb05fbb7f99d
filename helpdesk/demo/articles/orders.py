"""Help-center articles: orders and delivery."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("track-your-order", {
        "en": T(
            "How do I track my order?",
            "Find the carrier, the tracking number and every step of your parcel's journey.",
            """Open **My orders** and choose the order. The order page shows its status, the items, the payment and, once the parcel has left our warehouse, the **shipment**: the carrier, the tracking number and the estimated delivery date.

Below the shipment you will find the **tracking timeline**. Each step shows the time, the place and what happened, for example *Arrived at sorting centre* or *Out for delivery*. The newest step is at the bottom.

A few things worth knowing:

- The tracking number appears a few hours after the parcel is handed to the carrier, so a freshly shipped order may show *Label created* for a while.
- Carriers scan parcels at hubs, not on the road. A day or two without a new step is normal on long routes.
- The estimated date is calculated when the parcel leaves the warehouse and may move by a day if the carrier updates it.

If the estimated date has passed and nothing has changed, see **My order is late** or report a problem from the order page.""",
        ),
        "ru": T(
            "Как отследить заказ?",
            "Где найти службу доставки, трек-номер и все этапы пути посылки.",
            """Откройте раздел **Мои заказы** и выберите заказ. На странице заказа видны его статус, товары, оплата, а когда посылка покинет склад — **отправление**: служба доставки, трек-номер и ожидаемая дата доставки.

Под отправлением находится **история отслеживания**. Для каждого этапа указаны время, место и событие, например *Прибыло в сортировочный центр* или *Передано курьеру*. Самый новый этап — внизу.

Полезно знать:

- Трек-номер появляется через несколько часов после передачи посылки перевозчику, поэтому у только что отправленного заказа какое-то время может быть статус *Создана накладная*.
- Перевозчики сканируют посылки в сортировочных центрах, а не в пути. Один-два дня без новых этапов на дальних маршрутах — это нормально.
- Ожидаемая дата рассчитывается, когда посылка покидает склад, и может сдвинуться на день, если перевозчик её обновит.

Если ожидаемая дата прошла, а статус не меняется, прочитайте статью **Заказ задерживается** или сообщите о проблеме со страницы заказа.""",
        ),
        "zh-hans": T(
            "如何查询订单物流？",
            "查看承运商、运单号以及包裹运输的每一个环节。",
            """打开**我的订单**并选择相应订单。订单页面会显示订单状态、商品、付款情况；包裹离开仓库后，还会显示**发货信息**：承运商、运单号和预计送达日期。

发货信息下方是**物流轨迹**。每一条记录都包含时间、地点和事件，例如*已到达分拣中心*或*派送中*。最新的记录在最下方。

请注意：

- 包裹交给承运商几个小时后才会生成运单号，因此刚发货的订单可能会暂时显示*已创建面单*。
- 承运商只在分拣中心扫描包裹，运输途中不会更新。长途线路上一两天没有新记录属于正常情况。
- 预计送达日期在包裹出库时计算，如果承运商更新信息，可能会前后变动一天。

如果已超过预计送达日期且物流信息一直没有变化，请阅读**订单延误怎么办**，或在订单页面上报告问题。""",
        ),
    }),
    A("order-delayed-or-late", {
        "en": T(
            "My order is late: what should I do?",
            "What a delay usually means, how long to wait, and when we step in.",
            """Most delays are short: a parcel misses a truck at a sorting centre, the weather closes a road, or a busy sale week slows every carrier down. Here is what to do.

**1. Check the tracking timeline.** Open the order in **My orders**. If the last step is *In transit* and it is less than three days past the estimated date, the parcel is almost always still moving; carriers only scan at hubs.

**2. Check the address and the pickup point.** If the timeline says *Arrived at pickup point*, the parcel is waiting for you. Pickup points keep parcels for 7 days.

**3. Report it if it is stuck.** If the tracking has not changed for **5 days**, or the estimated date passed more than **3 days** ago, choose **Report a problem → Not received** on the order page. The chat or request will already carry your order, so you do not need to repeat the details.

**What we do next.** We ask the carrier to locate the parcel, usually within one business day, and tell you the new estimate. If the carrier cannot find it within 10 days, we send a replacement or refund the order in full, including delivery. You will never be asked to pay twice for a lost parcel.""",
        ),
        "ru": T(
            "Заказ задерживается: что делать?",
            "Что обычно означает задержка, сколько ждать и когда мы вмешиваемся.",
            """Большинство задержек короткие: посылка не успела на машину в сортировочном центре, дорогу закрыли из-за погоды или в неделю распродаж загружены все перевозчики. Вот что стоит сделать.

**1. Проверьте историю отслеживания.** Откройте заказ в разделе **Мои заказы**. Если последний этап — *В пути* и с ожидаемой даты прошло меньше трёх дней, посылка почти наверняка едет: перевозчики сканируют её только в сортировочных центрах.

**2. Проверьте адрес и пункт выдачи.** Если в истории указано *Прибыло в пункт выдачи*, посылка уже ждёт вас. Пункты выдачи хранят посылки 7 дней.

**3. Сообщите, если посылка застряла.** Если статус не менялся **5 дней** или ожидаемая дата прошла больше **3 дней** назад, нажмите на странице заказа **Сообщить о проблеме → Не получил заказ**. Чат или обращение сразу будут привязаны к заказу, повторять данные не придётся.

**Что мы сделаем.** Мы попросим перевозчика найти посылку — обычно в течение одного рабочего дня — и сообщим новую дату. Если перевозчик не найдёт её за 10 дней, мы отправим заказ повторно или полностью вернём деньги, включая доставку. Платить дважды за потерянную посылку не придётся.""",
        ),
        "zh-hans": T(
            "订单延误怎么办？",
            "延误通常意味着什么、需要等多久，以及我们何时介入处理。",
            """大多数延误都很短暂：包裹在分拣中心错过了一班车、天气原因导致道路封闭，或者大促期间所有承运商都比较繁忙。您可以按以下步骤处理。

**1. 查看物流轨迹。** 在**我的订单**中打开该订单。如果最后一条记录是*运输中*，且超过预计送达日期不到三天，包裹几乎都还在路上——承运商只会在分拣中心扫描。

**2. 核对地址和自提点。** 如果物流显示*已到达自提点*，说明包裹正在等您领取。自提点会保管包裹 7 天。

**3. 包裹停滞时请告诉我们。** 如果物流信息 **5 天**没有更新，或已超过预计送达日期 **3 天**以上，请在订单页面选择**报告问题 → 未收到货**。聊天或工单会自动关联该订单，无需重复填写信息。

**我们会做什么。** 我们会联系承运商查找包裹（通常在一个工作日内），并告知您新的预计送达日期。如果承运商 10 天内仍未找到包裹，我们会为您补发或全额退款（含运费）。丢失的包裹绝不会让您付两次钱。""",
        ),
    }),
    A("delivery-times-and-costs", {
        "en": T(
            "Delivery times and costs",
            "How long delivery takes to your city and what it costs.",
            """Delivery time depends on where the item is stored and where it is going. The estimate on the product page already takes your default address into account.

| Destination | Usual time |
| --- | --- |
| Moscow and Saint Petersburg | 1-2 days |
| Other large cities | 2-5 days |
| Remote regions | 5-12 days |

**Costs.** Delivery to a pickup point is free for orders from 1,000 RUB. Courier delivery to your door costs 99-299 RUB depending on the size of the parcel. Premium members get free delivery on every order, whatever its total.

**Large items** such as furniture and large appliances are delivered by a separate service that calls you the day before to agree on a time window.

**Holidays.** Around public holidays and major sales, carriers may need one or two extra days; the estimate on the order page is updated when that happens.""",
        ),
        "ru": T(
            "Сроки и стоимость доставки",
            "Сколько идёт заказ в ваш город и сколько стоит доставка.",
            """Срок доставки зависит от того, где хранится товар и куда он едет. Срок на странице товара уже рассчитан для вашего основного адреса.

| Куда | Обычный срок |
| --- | --- |
| Москва и Санкт-Петербург | 1–2 дня |
| Другие крупные города | 2–5 дней |
| Удалённые регионы | 5–12 дней |

**Стоимость.** Доставка в пункт выдачи бесплатна для заказов от 1000 ₽. Курьерская доставка до двери стоит 99–299 ₽ в зависимости от размера посылки. Участники Premium получают бесплатную доставку любого заказа независимо от суммы.

**Крупногабаритные товары**, например мебель и крупную бытовую технику, доставляет отдельная служба: она позвонит накануне и согласует интервал доставки.

**Праздники.** В праздничные дни и во время больших распродаж перевозчикам может понадобиться на день-два больше; в этом случае срок на странице заказа обновится.""",
        ),
        "zh-hans": T(
            "配送时效与运费",
            "包裹送到您所在城市需要多久、运费是多少。",
            """配送时效取决于商品所在仓库和收货地址。商品页面显示的预计时效已按您的默认地址计算。

| 目的地 | 通常时效 |
| --- | --- |
| 莫斯科和圣彼得堡 | 1-2 天 |
| 其他大城市 | 2-5 天 |
| 偏远地区 | 5-12 天 |

**运费。** 订单满 1000 卢布，配送到自提点免费。送货上门的快递费为 99-299 卢布，视包裹大小而定。Premium 会员所有订单均免运费，不限金额。

**大件商品**（如家具和大家电）由专门的配送服务负责，配送前一天会致电与您约定送货时间段。

**节假日。** 在法定节假日和大型促销期间，承运商可能需要多花一两天，届时订单页面上的预计日期会相应更新。""",
        ),
    }),
    A("change-delivery-address", {
        "en": T(
            "Can I change the delivery address?",
            "When the address can still be changed and how to do it.",
            """You can change the address yourself while the order is **Placed** or **Processing**: open the order, choose **Change address** and pick another saved address or add a new one. The delivery date may change if the new address is in another city.

Once the order is **Shipped**, the parcel already carries a label with the old address, and only the carrier can redirect it. Contact us from the order page and we will ask the carrier; most carriers can redirect a parcel to another pickup point in the same city, but not to another city.

**Tips to avoid problems next time**

- Keep one address marked as **default** in your profile; new orders use it automatically.
- Add the apartment number, entrance and intercom code in the second address line.
- Make sure the phone number is one you answer: couriers call before they arrive.

If the parcel has already been delivered to the wrong address, report a problem on the order page and we will investigate with the carrier.""",
        ),
        "ru": T(
            "Можно ли изменить адрес доставки?",
            "Когда адрес ещё можно поменять и как это сделать.",
            """Вы можете сами изменить адрес, пока заказ в статусе **Оформлен** или **В обработке**: откройте заказ, нажмите **Изменить адрес** и выберите другой сохранённый адрес или добавьте новый. Если новый адрес в другом городе, дата доставки может измениться.

Когда заказ **Отправлен**, на посылке уже наклеена этикетка со старым адресом, и перенаправить её может только перевозчик. Напишите нам со страницы заказа, и мы обратимся к перевозчику. Большинство служб могут перенаправить посылку в другой пункт выдачи в том же городе, но не в другой город.

**Как избежать проблем в следующий раз**

- Отметьте в профиле один адрес как **основной** — новые заказы будут использовать его автоматически.
- Укажите во второй строке адреса номер квартиры, подъезд и код домофона.
- Указывайте телефон, по которому вы отвечаете: курьеры звонят перед приездом.

Если посылку уже доставили не по тому адресу, сообщите о проблеме на странице заказа — мы разберёмся вместе с перевозчиком.""",
        ),
        "zh-hans": T(
            "可以修改收货地址吗？",
            "什么时候还能修改地址，以及如何修改。",
            """订单处于**已下单**或**处理中**状态时，您可以自行修改地址：打开订单，选择**修改地址**，然后选择其他已保存的地址或添加新地址。如果新地址在其他城市，送达日期可能会变化。

订单**已发货**后，包裹上已经贴有旧地址的面单，只有承运商才能改派。请在订单页面联系我们，我们会向承运商申请。大多数承运商可以把包裹改派到同一城市的其他自提点，但无法改派到其他城市。

**下次避免问题的小建议**

- 在个人资料中设置一个**默认**地址，新订单会自动使用它。
- 在地址第二行填写门牌号、单元号和门禁密码。
- 请填写您能接听的电话号码：快递员上门前会先打电话。

如果包裹已被送到错误的地址，请在订单页面报告问题，我们会与承运商一起调查。""",
        ),
    }),
    A("cancel-an-order", {
        "en": T(
            "How do I cancel an order?",
            "Cancel before shipping in one click; after shipping, refuse or return it.",
            """**Before shipping.** While the order is **Placed** or **Processing**, open it in **My orders** and choose **Cancel order**. You can cancel the whole order or single items. If you already paid, the money goes back to the same payment method: instantly to the marketplace wallet, or within 3-10 business days to a bank card.

**After shipping.** A shipped order cannot be stopped on the way, but you still have two options:

1. **Refuse it** at the pickup point or when the courier arrives. The parcel goes back to us and you get a full refund once it arrives at the warehouse.
2. **Accept it and return it** within 30 days of delivery. See **How do I return an item?**

**Cash on delivery.** If you chose to pay on delivery, cancelling or refusing costs nothing.

If the **Cancel order** button is missing, the order has just been handed to the carrier. Refresh the page; if it still shows *Processing*, contact us and we will try to stop it at the warehouse.""",
        ),
        "ru": T(
            "Как отменить заказ?",
            "До отправки — в один клик; после отправки — отказаться или вернуть.",
            """**До отправки.** Пока заказ в статусе **Оформлен** или **В обработке**, откройте его в разделе **Мои заказы** и нажмите **Отменить заказ**. Можно отменить весь заказ или отдельные товары. Если вы уже оплатили заказ, деньги вернутся тем же способом: на кошелёк маркетплейса — сразу, на банковскую карту — в течение 3–10 рабочих дней.

**После отправки.** Остановить заказ в пути нельзя, но у вас есть два варианта:

1. **Отказаться** от заказа в пункте выдачи или при встрече с курьером. Посылка вернётся к нам, и вы получите полный возврат денег, когда она прибудет на склад.
2. **Получить и вернуть** в течение 30 дней после доставки. Подробнее — в статье **Как вернуть товар?**

**Оплата при получении.** Если вы выбрали оплату при получении, отмена или отказ ничего не стоят.

Если кнопки **Отменить заказ** нет, заказ только что передан перевозчику. Обновите страницу; если статус всё ещё *В обработке*, напишите нам — мы попробуем остановить его на складе.""",
        ),
        "zh-hans": T(
            "如何取消订单？",
            "发货前一键取消；发货后可以拒收或退货。",
            """**发货前。** 订单处于**已下单**或**处理中**状态时，在**我的订单**中打开该订单，选择**取消订单**即可。您可以取消整个订单，也可以只取消部分商品。如果已经付款，款项会原路退回：退回平台钱包即时到账，退回银行卡需 3-10 个工作日。

**发货后。** 已发货的订单无法在途中拦截，但您仍有两种选择：

1. 在自提点或快递员上门时**拒收**。包裹退回仓库后，我们会全额退款。
2. **先签收再退货**，须在签收后 30 天内申请。详见**如何退货？**

**货到付款。** 如果您选择货到付款，取消或拒收均不产生任何费用。

如果看不到**取消订单**按钮，说明订单刚刚交给承运商。请刷新页面；如果仍显示*处理中*，请联系我们，我们会尝试在仓库拦截。""",
        ),
    }),
    A("missing-or-wrong-item", {
        "en": T(
            "An item is missing or I received the wrong one",
            "How to report a missing or wrong item and what happens next.",
            """Sometimes an order arrives in **several parcels**, so first check the order page: if the timeline shows more than one shipment, the missing item may still be on its way.

If everything has been delivered and something is missing or different from what you ordered:

1. Keep all the packaging, including the delivery label.
2. Take photos of what you received and of the label.
3. On the order page choose **Report a problem → Wrong or missing item** and pick the items concerned. Attach the photos.

Please report it **within 7 days** of delivery, so the carrier and the warehouse can still check their records.

**What happens next.** We compare the weight recorded at the warehouse with the carrier's data and usually answer within one business day. For a missing item we send it again or refund it. For a wrong item we arrange a free return and send the right one, or refund you if it is out of stock. You never pay for returning an item that we sent by mistake.""",
        ),
        "ru": T(
            "В заказе не хватает товара или пришёл не тот товар",
            "Как сообщить о недостающем или неверном товаре и что будет дальше.",
            """Иногда заказ приходит **несколькими посылками**, поэтому сначала посмотрите страницу заказа: если в ней несколько отправлений, недостающий товар может быть ещё в пути.

Если всё доставлено, а чего-то не хватает или пришло не то, что вы заказывали:

1. Сохраните всю упаковку, включая транспортную этикетку.
2. Сфотографируйте полученный товар и этикетку.
3. На странице заказа выберите **Сообщить о проблеме → Не тот товар или не хватает товара**, отметьте нужные товары и приложите фото.

Пожалуйста, сообщите об этом **в течение 7 дней** после получения — пока склад и перевозчик могут проверить свои данные.

**Что будет дальше.** Мы сравним вес посылки, записанный на складе, с данными перевозчика и обычно отвечаем в течение одного рабочего дня. Недостающий товар мы отправим повторно или вернём за него деньги. Неверный товар вы вернёте бесплатно, а мы отправим правильный или вернём деньги, если его нет в наличии. За возврат товара, отправленного по нашей ошибке, вы никогда не платите.""",
        ),
        "zh-hans": T(
            "商品少发或发错了",
            "如何报告少发、错发的商品，以及后续处理流程。",
            """有时一个订单会分成**多个包裹**发出，所以请先查看订单页面：如果显示有多个发货记录，缺少的商品可能还在路上。

如果全部包裹都已送达，但仍有商品缺失或与所订商品不符：

1. 保留所有包装，包括快递面单。
2. 拍下收到的商品和面单照片。
3. 在订单页面选择**报告问题 → 错发或漏发**，勾选相关商品并上传照片。

请在签收后 **7 天内**报告，以便仓库和承运商核查记录。

**后续处理。** 我们会将仓库记录的包裹重量与承运商数据进行核对，通常在一个工作日内答复。漏发的商品我们会补发或退款；错发的商品您可以免费退回，我们会补发正确的商品，如无库存则为您退款。因我们的失误而寄错的商品，退回运费绝不由您承担。""",
        ),
    }),
    A("pickup-points", {
        "en": T(
            "Collecting an order from a pickup point",
            "How long parcels are kept, what to bring and how to pick up for someone else.",
            """When your parcel arrives at the pickup point, the tracking timeline shows *Arrived at pickup point* and we send you a notification with a **pickup code**.

**What to bring.** The pickup code from the app or the email. Staff may ask for an identity document for expensive orders or for cash-on-delivery orders.

**Storage period.** Parcels are kept for **7 days**. Premium members get 10 days. Once a day before the period ends we remind you. You can extend the period once by 3 days from the order page. After that the parcel goes back to the warehouse and the order is cancelled with a full refund.

**Check before you leave.** You can open the parcel at the pickup point and check the items. If something is damaged or wrong, you can refuse those items on the spot and the refund starts automatically.

**Someone else picking up.** Share the pickup code with them. For cash-on-delivery orders they will pay at the pickup point.""",
        ),
        "ru": T(
            "Получение заказа в пункте выдачи",
            "Сколько хранится посылка, что взять с собой и как забрать заказ за другого человека.",
            """Когда посылка прибудет в пункт выдачи, в истории отслеживания появится статус *Прибыло в пункт выдачи*, а мы пришлём уведомление с **кодом получения**.

**Что взять с собой.** Код получения из приложения или письма. Для дорогих заказов и заказов с оплатой при получении сотрудник может попросить документ, удостоверяющий личность.

**Срок хранения.** Посылки хранятся **7 дней**, для участников Premium — 10 дней. За день до окончания срока мы напомним о заказе. Срок можно один раз продлить на 3 дня на странице заказа. После этого посылка вернётся на склад, а заказ будет отменён с полным возвратом денег.

**Проверьте заказ на месте.** Вы можете открыть посылку в пункте выдачи и проверить товары. Если что-то повреждено или не соответствует заказу, от этих товаров можно отказаться сразу, и возврат денег начнётся автоматически.

**Если заберёт другой человек.** Передайте ему код получения. Заказ с оплатой при получении он оплатит в пункте выдачи.""",
        ),
        "zh-hans": T(
            "到自提点取件",
            "包裹保管多久、需要带什么，以及如何代他人取件。",
            """包裹到达自提点后，物流轨迹会显示*已到达自提点*，我们也会向您发送带有**取件码**的通知。

**需要携带什么。** 应用或邮件中的取件码即可。对于高价值订单或货到付款订单，工作人员可能会要求出示身份证件。

**保管期限。** 包裹保管 **7 天**，Premium 会员为 10 天。到期前一天我们会提醒您。您可以在订单页面将保管期延长一次，延长 3 天。逾期后包裹将退回仓库，订单自动取消并全额退款。

**离开前请验货。** 您可以在自提点当场拆开包裹检查商品。如果有损坏或不符，可以当场拒收相关商品，退款会自动发起。

**他人代取。** 把取件码告诉代取人即可。货到付款的订单由代取人在自提点付款。""",
        ),
    }),
    A("order-in-several-parcels", {
        "en": T(
            "Why did my order arrive in several parcels?",
            "Items stored in different warehouses travel separately.",
            """A marketplace order can contain items from several sellers and warehouses. To avoid waiting for the slowest item, we ship each part as soon as it is ready, so one order can arrive in **two or more parcels**, sometimes on different days and with different carriers.

On the order page each parcel has its own **shipment** with a tracking number and a timeline, and each item shows which parcel it is in. You pay for delivery only once, however many parcels there are.

**If only part of the order has arrived**

- Check the other shipments on the order page: they may still be in transit.
- The order status changes to **Delivered** only when every parcel has been delivered.
- If one parcel is late, follow the advice in **My order is late**; the rest of the order is not affected.

**Returns** work per item, so you can return something from one parcel without touching the others.""",
        ),
        "ru": T(
            "Почему заказ пришёл несколькими посылками?",
            "Товары с разных складов едут отдельно.",
            """Заказ на маркетплейсе может включать товары от разных продавцов и с разных складов. Чтобы вы не ждали самый медленный товар, мы отправляем каждую часть, как только она готова. Поэтому один заказ может прийти **двумя и более посылками**, иногда в разные дни и разными службами доставки.

На странице заказа у каждой посылки своё **отправление** с трек-номером и историей отслеживания, а у каждого товара указано, в какой посылке он едет. За доставку вы платите один раз, сколько бы посылок ни было.

**Если пришла только часть заказа**

- Посмотрите остальные отправления на странице заказа: возможно, они ещё в пути.
- Статус заказа станет **Доставлен**, только когда будут доставлены все посылки.
- Если одна посылка задерживается, воспользуйтесь советами из статьи **Заказ задерживается**; остальной заказ это не затрагивает.

**Возврат** оформляется по каждому товару, поэтому можно вернуть товар из одной посылки, не трогая другие.""",
        ),
        "zh-hans": T(
            "为什么我的订单分成了几个包裹？",
            "存放在不同仓库的商品会分开发货。",
            """平台上的一个订单可能包含来自多个卖家和仓库的商品。为了不让您等最慢的那件商品，每部分商品备好后我们就会立即发出，因此一个订单可能分成**两个或更多包裹**送达，有时日期不同，承运商也不同。

在订单页面，每个包裹都有自己的**发货信息**，包括运单号和物流轨迹，每件商品也会标明在哪个包裹中。无论分成多少个包裹，运费只收一次。

**如果只收到部分商品**

- 查看订单页面上的其他发货记录：它们可能仍在运输中。
- 只有所有包裹都送达后，订单状态才会变为**已送达**。
- 如果某个包裹延误，请参考**订单延误怎么办**，订单的其他部分不受影响。

**退货**按单件商品办理，您可以退回某个包裹中的商品，而不影响其他包裹。""",
        ),
    }),
]
