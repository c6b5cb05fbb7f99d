"""Help-center articles: promotions and coupons."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("apply-a-coupon", {
        "en": T(
            "How do I use a coupon code?",
            "Enter the code in the basket before you pay.",
            """1. Add the items to your basket.
2. In the basket, open **Coupon or promo code**, type the code exactly as written and choose **Apply**.
3. The discount appears in the order summary before you pay. If it does not, the message under the field tells you why.

**Good to know**

- Only **one coupon per order**. If you have several, the basket suggests the one that saves you the most.
- A coupon can be limited to some categories or sellers, or need a minimum order total; the conditions are in the email or the page where you got it.
- Personal coupons from **Profile → My coupons** are applied with one tap, no typing needed.
- If you cancel an order or return everything in it, a single-use coupon is given back to you if it has not expired.

A coupon cannot be added to an order that has already been placed.""",
        ),
        "ru": T(
            "Как применить промокод?",
            "Введите код в корзине до оплаты.",
            """1. Добавьте товары в корзину.
2. В корзине откройте поле **Купон или промокод**, введите код точно так, как он написан, и нажмите **Применить**.
3. Скидка появится в итоговой сумме до оплаты. Если этого не произошло, под полем будет написано почему.

**Полезно знать**

- К заказу можно применить **только один купон**. Если у вас их несколько, корзина предложит самый выгодный.
- Купон может действовать только на определённые категории или товары некоторых продавцов либо требовать минимальную сумму заказа; условия указаны в письме или на странице, где вы его получили.
- Персональные купоны из раздела **Профиль → Мои купоны** применяются одним нажатием, вводить код не нужно.
- Если вы отмените заказ или вернёте все товары из него, одноразовый купон вернётся к вам, если его срок ещё не истёк.

Добавить купон к уже оформленному заказу нельзя.""",
        ),
        "zh-hans": T(
            "如何使用优惠码？",
            "付款前在购物车中输入优惠码。",
            """1. 将商品加入购物车。
2. 在购物车中打开**优惠券或优惠码**，按原样输入优惠码，然后点击**使用**。
3. 付款前，优惠金额会显示在订单摘要中。如果没有显示，输入框下方会说明原因。

**注意事项**

- 每个订单**只能使用一张优惠券**。如果您有多张，购物车会推荐最划算的一张。
- 优惠券可能仅限部分品类或卖家使用，或有最低消费金额要求；具体条件见您收到优惠券的邮件或页面。
- **个人资料 → 我的优惠券**中的专属优惠券一键即可使用，无需输入。
- 如果取消订单或退回订单中的全部商品，未过期的一次性优惠券会返还给您。

已下单的订单无法再添加优惠券。""",
        ),
    }),
    A("coupon-not-working", {
        "en": T(
            "My coupon does not work",
            "The usual reasons a code is refused, and what we can do.",
            """When a code is refused, the basket shows the reason. The most common ones:

- **Expired**: every coupon has an end date, down to the minute.
- **Minimum total not reached**: the total counts only the eligible items, after other discounts and without delivery.
- **Wrong category or seller**: some items in the basket are excluded, so the discount applies to the others only, or not at all.
- **Already used**: single-use codes work once per account, even if the order was cancelled after the coupon's end date.
- **Typing errors**: codes are not case-sensitive, but a zero and the letter O are different characters. Copy and paste the code if you can.
- **For new customers only**: welcome codes work only on the first order of an account.

If the basket accepts the code but the discount looks wrong, or you believe the coupon should work, contact us before paying and quote the code. Once an order is placed we cannot add a coupon to it, but we can help you place it again.""",
        ),
        "ru": T(
            "Промокод не работает",
            "Частые причины, по которым код не принимается, и чем мы можем помочь.",
            """Если код не принят, корзина покажет причину. Самые частые:

- **Срок действия истёк** — у каждого купона есть дата окончания с точностью до минуты.
- **Не набрана минимальная сумма** — учитываются только подходящие товары, после других скидок и без стоимости доставки.
- **Не та категория или продавец** — некоторые товары в корзине исключены, поэтому скидка действует только на остальные или не действует вовсе.
- **Купон уже использован** — одноразовые коды работают один раз на аккаунт, даже если заказ был отменён после окончания срока купона.
- **Опечатка** — регистр букв не важен, но ноль и буква O — разные символы. По возможности скопируйте и вставьте код.
- **Только для новых покупателей** — приветственные коды действуют только на первый заказ аккаунта.

Если корзина принимает код, но скидка кажется неверной, или вы уверены, что купон должен работать, напишите нам до оплаты и укажите код. Добавить купон к уже оформленному заказу мы не можем, но поможем оформить его заново.""",
        ),
        "zh-hans": T(
            "优惠码无法使用",
            "优惠码被拒的常见原因，以及我们能提供的帮助。",
            """优惠码无法使用时，购物车会显示原因。最常见的有：

- **已过期**：每张优惠券都有精确到分钟的截止时间。
- **未达到最低消费**：只计算符合条件的商品，按其他折扣后的金额计算，不含运费。
- **品类或卖家不符**：购物车中的部分商品不参与活动，因此优惠只适用于其余商品，或完全不适用。
- **已使用过**：一次性优惠码每个账户只能用一次，即使订单在优惠券截止后被取消也是如此。
- **输入错误**：优惠码不区分大小写，但数字 0 和字母 O 是不同的字符。尽量复制粘贴。
- **仅限新用户**：新人优惠码只适用于账户的首个订单。

如果购物车接受了优惠码但优惠金额看起来不对，或者您认为优惠券应该可用，请在付款前联系我们并提供优惠码。订单一旦提交就无法再添加优惠券，但我们可以帮您重新下单。""",
        ),
    }),
    A("prices-and-sales", {
        "en": T(
            "The price dropped after I bought: can I get the difference?",
            "How sale prices work and when we refund a price difference.",
            """Prices on a marketplace are set by the sellers and change often, especially during sales. The price you pay is the one shown when you place the order.

**Price drop within 7 days.** If the same item from the same seller becomes cheaper within **7 days** of your order, Premium members can ask for the difference to be refunded to the marketplace wallet. Contact us from the order page with a link to the item.

**Sale days.** During big sales, the discount is already included in the price shown, with the old price crossed out. Coupons usually still work on top of sale prices unless the coupon says otherwise.

**Returns.** If you return an item bought on sale, you get back exactly what you paid for it, including any coupon share.

**Wrong price.** If a price is obviously wrong, for example a phone for 10 RUB, the seller may cancel the order. You get a full refund and, as an apology, a coupon.""",
        ),
        "ru": T(
            "Цена снизилась после покупки: можно ли вернуть разницу?",
            "Как устроены распродажные цены и когда мы возвращаем разницу в цене.",
            """Цены на маркетплейсе устанавливают продавцы, и они часто меняются, особенно во время распродаж. Вы платите ту цену, которая была указана в момент оформления заказа.

**Снижение цены в течение 7 дней.** Если тот же товар того же продавца подешевел в течение **7 дней** после заказа, участники Premium могут попросить вернуть разницу на кошелёк маркетплейса. Напишите нам со страницы заказа и приложите ссылку на товар.

**Дни распродаж.** Во время больших распродаж скидка уже включена в показанную цену, а старая цена зачёркнута. Купоны обычно действуют и поверх распродажных цен, если в условиях купона не сказано иное.

**Возврат.** Если вы возвращаете товар, купленный по скидке, вы получаете ровно ту сумму, которую за него заплатили, с учётом доли купона.

**Ошибочная цена.** Если цена явно ошибочная, например телефон за 10 ₽, продавец может отменить заказ. Вы получите полный возврат денег и купон в качестве извинения.""",
        ),
        "zh-hans": T(
            "买完后降价了，可以退差价吗？",
            "促销价格的规则，以及何时可以退还差价。",
            """平台上的价格由卖家设定，经常变动，尤其是在促销期间。您支付的价格以下单时页面显示的价格为准。

**7 天内降价。** 如果同一卖家的同一商品在您下单后 **7 天内**降价，Premium 会员可以申请将差价退到平台钱包。请在订单页面联系我们，并附上商品链接。

**促销日。** 大促期间，显示的价格已包含折扣，原价会以删除线标出。除非优惠券另有说明，优惠券通常可以在促销价基础上叠加使用。

**退货。** 退回促销购买的商品时，您会收到实际支付的金额，包括优惠券分摊部分。

**价格错误。** 如果价格明显有误，例如手机只卖 10 卢布，卖家可能会取消订单。您将获得全额退款，并收到一张优惠券作为歉意。""",
        ),
    }),
    A("gift-cards", {
        "en": T(
            "Gift cards",
            "Buying, sending and spending marketplace gift cards.",
            """**Buying.** Gift cards of 500 to 50,000 RUB are sold in the **Gift cards** section. Choose an electronic card, sent by email on the date you pick, or a plastic card delivered like any other order.

**Activating.** The recipient enters the card's code in **Profile → Gift cards**. The amount moves to the marketplace wallet and can be spent on any item sold on the marketplace.

**Validity.** A gift card can be activated within **3 years** of purchase. Once activated, the balance does not expire.

**Limits.** Gift cards cannot be exchanged for cash or used to buy other gift cards, and they cannot be returned once the code has been sent or revealed.

**Lost code.** If you bought an electronic card and the recipient did not get the email, open the order and resend it, or change the recipient's address as long as the card has not been activated.""",
        ),
        "ru": T(
            "Подарочные карты",
            "Как купить, подарить и потратить подарочную карту маркетплейса.",
            """**Покупка.** Подарочные карты номиналом от 500 до 50 000 ₽ продаются в разделе **Подарочные карты**. Выберите электронную карту — она придёт на почту в выбранный вами день — или пластиковую, которая доставляется как обычный заказ.

**Активация.** Получатель вводит код карты в разделе **Профиль → Подарочные карты**. Сумма зачисляется на кошелёк маркетплейса, и её можно потратить на любой товар маркетплейса.

**Срок действия.** Карту можно активировать в течение **3 лет** с момента покупки. После активации баланс не сгорает.

**Ограничения.** Подарочные карты нельзя обменять на наличные или потратить на другие подарочные карты; вернуть карту после отправки или показа кода нельзя.

**Код потерялся.** Если вы купили электронную карту, а получатель не получил письмо, откройте заказ и отправьте его повторно или измените адрес получателя, пока карта не активирована.""",
        ),
        "zh-hans": T(
            "礼品卡",
            "平台礼品卡的购买、赠送和使用。",
            """**购买。** 在**礼品卡**专区可以购买面值 500 至 50,000 卢布的礼品卡。您可以选择电子卡（在您指定的日期通过邮件发送），也可以选择实体卡（像普通订单一样配送）。

**激活。** 收卡人在**个人资料 → 礼品卡**中输入卡密，金额将转入平台钱包，可用于购买平台上的任何商品。

**有效期。** 礼品卡须在购买后 **3 年内**激活。激活后余额永久有效。

**限制。** 礼品卡不能兑换现金，也不能用于购买其他礼品卡；卡密一旦发送或显示，礼品卡即不可退。

**卡密丢失。** 如果您购买的是电子卡而收卡人没有收到邮件，可以打开订单重新发送；只要礼品卡尚未激活，也可以修改收卡人的邮箱地址。""",
        ),
    }),
    A("bonus-points", {
        "en": T(
            "How do bonus points work?",
            "Earn points on purchases and reviews, and pay up to 25% of an order with them.",
            """You earn **bonus points** for:

- purchases: 1 point for every 100 RUB paid, credited once the return window of the order has closed;
- reviews with photos of items you bought: 10-50 points each, after moderation;
- special offers marked with a bonus badge on the product page.

**1 point = 1 RUB.** At checkout you can pay up to **25%** of the order total with points; the rest is paid as usual.

Points are valid for **one year** from the day they are credited. The oldest points are spent first, and we remind you by email a week before any expire.

If you return an item, the points earned on it are taken back, and the points you spent on it are returned to your balance.

Your balance and the history of every point earned and spent are in **Profile → Bonus points**.""",
        ),
        "ru": T(
            "Как работают бонусные баллы?",
            "Получайте баллы за покупки и отзывы и оплачивайте ими до 25% заказа.",
            """**Бонусные баллы** начисляются:

- за покупки — 1 балл за каждые 100 ₽ оплаты; баллы зачисляются после окончания срока возврата заказа;
- за отзывы с фото о купленных товарах — 10–50 баллов за отзыв после модерации;
- за специальные предложения, отмеченные значком бонуса на странице товара.

**1 балл = 1 ₽.** При оформлении заказа баллами можно оплатить до **25%** суммы; остальное оплачивается как обычно.

Баллы действуют **один год** с даты начисления. Сначала списываются самые старые баллы, а за неделю до сгорания мы напомним о них по почте.

Если вы вернёте товар, начисленные за него баллы будут списаны, а потраченные на него — вернутся на баланс.

Баланс и история всех начислений и списаний — в разделе **Профиль → Бонусные баллы**.""",
        ),
        "zh-hans": T(
            "积分如何使用？",
            "购物和评价可以获得积分，积分最多可抵扣订单金额的 25%。",
            """以下情况可获得**积分**：

- 购物：每支付 100 卢布得 1 积分，在订单退货期结束后发放；
- 为已购商品发布带图评价：每条 10-50 积分，审核通过后发放；
- 参加商品页面上带有积分标识的特别活动。

**1 积分 = 1 卢布。** 结算时最多可用积分抵扣订单总额的 **25%**，其余部分照常支付。

积分自发放之日起**一年**内有效。使用时优先扣除最早获得的积分；积分到期前一周我们会发邮件提醒您。

如果退回商品，该商品获得的积分会被扣回，为该商品使用的积分会退回您的余额。

积分余额以及每一笔积分的获得和使用记录，可在**个人资料 → 积分**中查看。""",
        ),
    }),
]
