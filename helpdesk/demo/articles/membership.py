"""Help-center articles: membership (Premium)."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("premium-benefits", {
        "en": T(
            "What does Premium include?",
            "Free delivery, free returns, priority support and more.",
            """**Premium** is the marketplace's paid membership. Members get:

- **Free delivery** on every order, to a pickup point or to the door, with no minimum total.
- **Free returns**, including items you simply changed your mind about.
- **Priority support**: in the live chat queue, Premium members are served before other customers who started waiting at the same time.
- **Longer storage** at pickup points: 10 days instead of 7.
- **Price-drop refunds**: if an item gets cheaper within 7 days of your order, we refund the difference to your wallet.
- **Exclusive sales** announced to members a day early.

Premium costs **399 RUB a month** or **3,990 RUB a year**. New members get the first 30 days free. You can see your membership and its renewal date in **Profile → Membership**.""",
        ),
        "ru": T(
            "Что входит в Premium?",
            "Бесплатная доставка и возврат, приоритетная поддержка и не только.",
            """**Premium** — платная подписка маркетплейса. Участники получают:

- **Бесплатную доставку** любого заказа — в пункт выдачи или до двери, без минимальной суммы.
- **Бесплатный возврат**, в том числе товаров, которые просто не подошли.
- **Приоритетную поддержку**: в очереди чата участников Premium обслуживают раньше других покупателей, начавших ждать в то же время.
- **Увеличенный срок хранения** в пунктах выдачи: 10 дней вместо 7.
- **Возврат разницы в цене**: если товар подешевел в течение 7 дней после заказа, мы вернём разницу на кошелёк.
- **Закрытые распродажи**, о которых участники узнают на день раньше.

Premium стоит **399 ₽ в месяц** или **3990 ₽ в год**. Новым участникам первые 30 дней бесплатно. Подписка и дата её продления отображаются в разделе **Профиль → Подписка**.""",
        ),
        "zh-hans": T(
            "Premium 会员有哪些权益？",
            "免运费、免费退货、优先客服等。",
            """**Premium** 是平台的付费会员服务。会员可享受：

- 所有订单**免运费**，无论送到自提点还是送货上门，均无最低消费要求。
- **免费退货**，包括无理由退货。
- **优先客服**：在在线客服排队时，Premium 会员比同时开始等待的其他顾客优先接入。
- 自提点**保管期更长**：10 天，而非 7 天。
- **降价退差价**：下单后 7 天内商品降价，我们会把差价退到您的钱包。
- **专享促销**：会员可提前一天获知。

Premium 价格为**每月 399 卢布**或**每年 3,990 卢布**。新会员前 30 天免费。您可以在**个人资料 → 会员**中查看会员状态和续费日期。""",
        ),
    }),
    A("join-or-cancel-premium", {
        "en": T(
            "Joining or cancelling Premium",
            "Start the free month, switch plans, or stop the renewal at any time.",
            """**Joining.** Open **Profile → Membership** and choose **Try Premium**. Pick a monthly or yearly plan and a bank card. The first 30 days are free for new members; we remind you by email three days before the first payment.

**Switching plans.** You can move from monthly to yearly at any time; the unused part of the month is deducted from the yearly price.

**Cancelling.** In **Profile → Membership** choose **Cancel renewal**. Your benefits stay until the end of the period you paid for, and nothing more is charged. If you cancel during the free month, you are never charged.

**Refunds.** If you paid for a year and cancel within 14 days without having used any benefit, we refund the full price. After that, the yearly plan runs until its end date.

Premium is tied to your account, not to a device, so it works in the app and on the website alike.""",
        ),
        "ru": T(
            "Как подключить или отключить Premium",
            "Начните бесплатный месяц, смените тариф или отключите продление в любой момент.",
            """**Подключение.** Откройте **Профиль → Подписка** и нажмите **Попробовать Premium**. Выберите месячный или годовой тариф и банковскую карту. Новым участникам первые 30 дней бесплатно; за три дня до первого списания мы напомним по почте.

**Смена тарифа.** Перейти с месячного тарифа на годовой можно в любой момент; неиспользованная часть месяца вычитается из стоимости года.

**Отключение.** В разделе **Профиль → Подписка** нажмите **Отключить продление**. Привилегии сохраняются до конца оплаченного периода, больше ничего не списывается. Если отключить подписку в бесплатный месяц, списаний не будет вовсе.

**Возврат денег.** Если вы оплатили год и отказались в течение 14 дней, не воспользовавшись ни одной привилегией, мы вернём полную стоимость. После этого годовой тариф действует до даты окончания.

Premium привязан к аккаунту, а не к устройству, поэтому работает и в приложении, и на сайте.""",
        ),
        "zh-hans": T(
            "开通或取消 Premium",
            "开始免费试用月、切换套餐，或随时关闭自动续费。",
            """**开通。** 打开**个人资料 → 会员**，点击**试用 Premium**。选择月度或年度套餐并绑定银行卡。新会员前 30 天免费；首次扣款前三天我们会发邮件提醒您。

**切换套餐。** 您可以随时从月度套餐升级为年度套餐，当月未使用的部分会从年费中扣除。

**取消。** 在**个人资料 → 会员**中点击**关闭自动续费**。会员权益保留到已付费周期结束，之后不再扣费。如果在免费试用月内取消，则不会产生任何费用。

**退款。** 如果您购买了年度套餐，并在 14 天内取消且未使用任何权益，我们将全额退款。超过 14 天后，年度套餐将持续到到期日。

Premium 绑定的是账户而不是设备，因此在应用和网站上都可以使用。""",
        ),
    }),
    A("premium-charged-unexpectedly", {
        "en": T(
            "I was charged for Premium and did not expect it",
            "Why a membership payment appeared and how to get it back.",
            """A Premium payment usually appears for one of these reasons:

- **The free month ended.** Trials turn into a paid monthly plan unless the renewal is cancelled. We send a reminder three days before, but it may have gone to spam.
- **Automatic renewal** of a monthly or yearly plan.
- **Someone else** in your household joined Premium on your account.

**What you can do.** Open **Profile → Membership** to see when and how you joined. Cancel the renewal there so it does not happen again.

If you did not use any Premium benefit since the payment, contact us within **14 days** and we refund it in full. Choose the topic *Membership* and we will check the account history for you; there is no need to send card details.

If you do not recognise the account activity at all, read **I think my account was hacked**.""",
        ),
        "ru": T(
            "С меня неожиданно списали деньги за Premium",
            "Почему появилось списание за подписку и как вернуть деньги.",
            """Списание за Premium обычно появляется по одной из причин:

- **Закончился бесплатный месяц.** Пробный период переходит в платный месячный тариф, если не отключить продление. Мы напоминаем об этом за три дня, но письмо могло попасть в «Спам».
- **Автоматическое продление** месячного или годового тарифа.
- **Кто-то из домашних** подключил Premium в вашем аккаунте.

**Что можно сделать.** Откройте **Профиль → Подписка** и посмотрите, когда и как она была подключена. Там же отключите продление, чтобы списание не повторилось.

Если после списания вы не пользовались привилегиями Premium, напишите нам в течение **14 дней**, и мы вернём деньги полностью. Выберите тему *Подписка* — мы проверим историю аккаунта сами, данные карты присылать не нужно.

Если вы совсем не узнаёте действия в аккаунте, прочитайте статью **Мой аккаунт взломали**.""",
        ),
        "zh-hans": T(
            "意外被扣了 Premium 会员费",
            "为什么会出现会员扣款，以及如何退款。",
            """出现 Premium 扣款通常有以下原因：

- **免费试用月结束。** 如果不关闭自动续费，试用期结束后会转为付费月度套餐。我们会提前三天发送提醒，但邮件可能进了垃圾邮件文件夹。
- 月度或年度套餐**自动续费**。
- 家里的**其他人**用您的账户开通了 Premium。

**您可以怎么做。** 打开**个人资料 → 会员**，查看开通的时间和方式，并在此关闭自动续费，避免再次扣款。

如果扣款后您没有使用过任何 Premium 权益，请在 **14 天内**联系我们，我们将全额退款。请选择主题*会员*，我们会自行核查账户记录，无需提供银行卡信息。

如果您完全不认识账户中的这些操作，请阅读**我的账户被盗了怎么办**。""",
        ),
    }),
    A("premium-priority-support", {
        "en": T(
            "How does priority support work for Premium members?",
            "Premium members are served first in the live chat queue.",
            """When you start a live chat, you join a queue and see your place and an estimated wait. **Premium members** are placed ahead of customers who started waiting at the same time, so they usually reach an agent within a minute or two, even on busy days.

Priority applies to the **live chat** and to **phone** calls. Written requests and emails are answered in order of arrival, within 1-2 business days for everyone, but urgent ones, such as a payment problem or a lost parcel, are flagged automatically.

Priority never skips the queue for customers who have been waiting much longer: everyone is served in a reasonable time.

You do not need to do anything to get priority: just be logged in when you start the chat. If the chat window does not show the Premium badge, check **Profile → Membership** that your membership is active.""",
        ),
        "ru": T(
            "Как работает приоритетная поддержка для участников Premium?",
            "Участники Premium первыми получают ответ в очереди чата.",
            """Когда вы начинаете чат, вы попадаете в очередь и видите своё место и примерное время ожидания. **Участники Premium** ставятся в очередь впереди покупателей, начавших ждать в то же время, поэтому обычно попадают к специалисту за минуту-две даже в загруженные дни.

Приоритет действует в **чате** и при звонках **по телефону**. На письменные обращения и письма мы отвечаем в порядке поступления — всем в течение 1–2 рабочих дней, но срочные, например проблема с оплатой или потерянная посылка, отмечаются автоматически.

Приоритет не позволяет обойти тех, кто ждёт намного дольше: все получают ответ в разумное время.

Ничего делать не нужно — достаточно войти в аккаунт перед началом чата. Если в окне чата нет значка Premium, проверьте в разделе **Профиль → Подписка**, что подписка активна.""",
        ),
        "zh-hans": T(
            "Premium 会员的优先客服如何运作？",
            "在线客服排队时，Premium 会员优先接入。",
            """开始在线聊天后，您会进入排队，并看到自己的位置和预计等待时间。**Premium 会员**会排在同时开始等待的其他顾客前面，因此即使在繁忙时段，通常一两分钟内就能接通客服。

优先服务适用于**在线聊天**和**电话**。书面工单和邮件按收到的顺序处理，所有人都会在 1-2 个工作日内得到答复，但紧急问题（例如付款问题或包裹丢失）会被自动标记。

优先服务不会让会员插到已经等待很久的顾客前面：每个人都能在合理的时间内得到服务。

您无需任何操作即可享受优先服务，只需在开始聊天前登录即可。如果聊天窗口没有显示 Premium 标识，请在**个人资料 → 会员**中确认会员状态有效。""",
        ),
    }),
]
