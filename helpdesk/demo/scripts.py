"""What the demo's past conversations say, per topic and language.

Each line is (who, text): "c" the customer, "a" the agent, "n" an internal note. Placeholders:
{name} the customer's first name, {agent} the agent's first name, {order} the order number,
{date} a date.
"""

from dataclasses import dataclass

from accounts.choices import Topic


@dataclass(frozen=True)
class Script:
    topic: str
    needs_order: bool
    # language -> (subject, lines)
    translations: dict[str, tuple[str, list[tuple[str, str]]]]


SCRIPTS = [
    Script(Topic.ORDERS, True, {
        "en": ("Where is my order {order}?", [
            ("c", "Hi, my order {order} was supposed to arrive yesterday, but the tracking has not changed for two days. Where is it?"),
            ("a", "Hello {name}, I am {agent}. I can see the parcel left the sorting centre and is on its way to your city. Let me check with the carrier."),
            ("n", "Asked the carrier about {order}; they confirm it is on the truck to the local hub."),
            ("a", "The carrier confirms the parcel is on its way; the new estimate is {date}. I will keep an eye on it."),
            ("c", "Great, thank you for checking!"),
        ]),
        "ru": ("Где мой заказ {order}?", [
            ("c", "Здравствуйте, заказ {order} должен был прийти вчера, но статус не меняется уже два дня. Где он?"),
            ("a", "Здравствуйте, {name}! Меня зовут {agent}. Вижу, что посылка покинула сортировочный центр и едет в ваш город. Сейчас уточню у перевозчика."),
            ("n", "Запросил(а) перевозчика по {order}: посылка в машине до местного центра."),
            ("a", "Перевозчик подтвердил, что посылка в пути; новая ожидаемая дата — {date}. Я прослежу за ней."),
            ("c", "Отлично, спасибо, что проверили!"),
        ]),
        "zh-hans": ("我的订单 {order} 到哪了？", [
            ("c", "你好，我的订单 {order} 本应昨天送到，但物流信息已经两天没更新了。包裹在哪里？"),
            ("a", "{name}您好，我是{agent}。我看到包裹已离开分拣中心，正在发往您所在的城市。我向承运商核实一下。"),
            ("n", "已就 {order} 联系承运商：包裹在发往当地站点的车上。"),
            ("a", "承运商确认包裹正在运输中，新的预计送达日期是 {date}。我会持续跟进。"),
            ("c", "太好了，谢谢你帮我查询！"),
        ]),
    }),
    Script(Topic.ORDERS, True, {
        "en": ("Change delivery address for {order}", [
            ("c", "Can I still change the delivery address for order {order}? I will be at my office tomorrow."),
            ("a", "Hi {name}, the order has already left the warehouse, so I cannot change the label, but I asked the carrier to redirect it to the pickup point next to your office."),
            ("c", "That works, thanks."),
            ("a", "Done: the parcel will wait for you there for 7 days. You will get a pickup code by email."),
        ]),
        "ru": ("Изменить адрес доставки заказа {order}", [
            ("c", "Можно ещё изменить адрес доставки для заказа {order}? Завтра я буду в офисе."),
            ("a", "{name}, здравствуйте! Заказ уже покинул склад, поэтому этикетку изменить нельзя, но я попросил(а) перевозчика перенаправить его в пункт выдачи рядом с вашим офисом."),
            ("c", "Так подойдёт, спасибо."),
            ("a", "Готово: посылка будет ждать вас там 7 дней. Код получения придёт на почту."),
        ]),
        "zh-hans": ("修改订单 {order} 的收货地址", [
            ("c", "订单 {order} 还能改收货地址吗？我明天会在公司。"),
            ("a", "{name}您好，订单已经出库，无法修改面单，不过我已请承运商把包裹改派到您公司附近的自提点。"),
            ("c", "这样可以，谢谢。"),
            ("a", "已办好：包裹会在那里保管 7 天，取件码会通过邮件发给您。"),
        ]),
    }),
    Script(Topic.RETURNS, True, {
        "en": ("Return for order {order}", [
            ("c", "I want to return an item from order {order}, it does not fit. How do I do that?"),
            ("a", "Hello {name}! Open the order, choose Return items, pick the item and the reason. You will see the return address and the cost before you submit."),
            ("c", "Done, I got a reference number."),
            ("a", "Perfect. Drop the parcel at any pickup point within 7 days; the refund is sent once the warehouse receives it."),
        ]),
        "ru": ("Возврат по заказу {order}", [
            ("c", "Хочу вернуть товар из заказа {order}, он не подошёл. Как это сделать?"),
            ("a", "Здравствуйте, {name}! Откройте заказ, нажмите «Вернуть товары», выберите товар и причину. Перед отправкой вы увидите адрес и стоимость возврата."),
            ("c", "Сделал(а), получил(а) номер заявки."),
            ("a", "Отлично. Сдайте посылку в любой пункт выдачи в течение 7 дней — деньги вернутся, когда товар поступит на склад."),
        ]),
        "zh-hans": ("订单 {order} 退货", [
            ("c", "我想退订单 {order} 里的一件商品，尺码不合适。怎么操作？"),
            ("a", "{name}您好！打开订单，选择“退货”，勾选商品并选择原因。提交前会显示退货地址和费用。"),
            ("c", "好了，我拿到退货编号了。"),
            ("a", "很好。请在 7 天内把包裹送到任一自提点，仓库收到后就会退款。"),
        ]),
    }),
    Script(Topic.RETURNS, True, {
        "en": ("Refund not received for {order}", [
            ("c", "The return for {order} says refunded, but I do not see the money on my card."),
            ("a", "Hi {name}, I checked: the refund was sent to your bank card. Banks take 3-10 business days to show it."),
            ("n", "Refund confirmed by the payment provider; bank reference sent to the customer."),
            ("a", "I have emailed you the bank reference of the refund, in case your bank needs it to trace the payment."),
            ("c", "Thank you, I will wait a few more days."),
        ]),
        "ru": ("Не пришли деньги за возврат {order}", [
            ("c", "По возврату {order} написано, что деньги возвращены, но на карте их нет."),
            ("a", "{name}, здравствуйте! Я проверил(а): деньги отправлены на вашу карту. Банку нужно 3–10 рабочих дней, чтобы их зачислить."),
            ("n", "Платёжный провайдер подтвердил возврат; банковский идентификатор отправлен клиенту."),
            ("a", "Я отправил(а) вам на почту идентификатор платежа — он пригодится, если банку понадобится найти возврат."),
            ("c", "Спасибо, подожду ещё несколько дней."),
        ]),
        "zh-hans": ("订单 {order} 的退款没收到", [
            ("c", "{order} 的退货显示已退款，但我的银行卡上没有看到钱。"),
            ("a", "{name}您好，我查过了：退款已退回您的银行卡。银行需要 3-10 个工作日入账。"),
            ("n", "支付服务商已确认退款；已将银行流水号发给顾客。"),
            ("a", "我已把退款的银行流水号发到您的邮箱，如果银行需要查询可以使用。"),
            ("c", "谢谢，我再等几天。"),
        ]),
    }),
    Script(Topic.PAYMENT, True, {
        "en": ("Charged twice for {order}", [
            ("c", "I see two payments for order {order} on my card! Please help."),
            ("a", "Hello {name}, I understand the worry. We received only one payment; the second amount is a hold from the failed attempt."),
            ("a", "Your bank will release the hold within 1-3 business days. If it is still there after that, write to us and we will contact the bank."),
            ("c", "OK, it makes sense now. Thanks."),
        ]),
        "ru": ("Двойное списание за {order}", [
            ("c", "У меня на карте два списания за заказ {order}! Помогите, пожалуйста."),
            ("a", "Здравствуйте, {name}, понимаю ваше беспокойство. Мы получили только один платёж; вторая сумма — блокировка после неудачной попытки."),
            ("a", "Банк снимет блокировку в течение 1–3 рабочих дней. Если она останется, напишите нам, и мы свяжемся с банком."),
            ("c", "Понятно, теперь ясно. Спасибо."),
        ]),
        "zh-hans": ("订单 {order} 被扣了两次款", [
            ("c", "我的银行卡显示订单 {order} 扣了两笔钱！请帮帮我。"),
            ("a", "{name}您好，理解您的担心。我们只收到了一笔付款，另一笔是上次支付失败产生的冻结金额。"),
            ("a", "银行会在 1-3 个工作日内解冻。如果之后仍未解冻，请联系我们，我们会与银行沟通。"),
            ("c", "好的，现在明白了。谢谢。"),
        ]),
    }),
    Script(Topic.PAYMENT, False, {
        "en": ("Card payment declined", [
            ("c", "My card is declined every time I try to pay. The card is fine in other shops."),
            ("a", "Hi {name}, the bank's confirmation page probably expired. Please try again and enter the code from the SMS straight away, or pay with SBP."),
            ("c", "SBP worked, thank you!"),
        ]),
        "ru": ("Карта не проходит при оплате", [
            ("c", "Карту отклоняют при каждой попытке оплаты. В других магазинах она работает."),
            ("a", "{name}, здравствуйте! Скорее всего, истекла страница подтверждения банка. Попробуйте ещё раз и сразу введите код из SMS или оплатите через СБП."),
            ("c", "Через СБП получилось, спасибо!"),
        ]),
        "zh-hans": ("银行卡支付被拒", [
            ("c", "每次付款银行卡都被拒，可在别的商店都能用。"),
            ("a", "{name}您好，可能是银行确认页面超时了。请重试并立即输入短信验证码，或者改用快速支付系统（SBP）付款。"),
            ("c", "用 SBP 付成功了，谢谢！"),
        ]),
    }),
    Script(Topic.ACCOUNT, False, {
        "en": ("Cannot log in", [
            ("c", "I cannot log in, it says my account is temporarily locked."),
            ("a", "Hello {name}, after several wrong passwords logging in is paused for 15 minutes. The fastest way back is to reset the password from the login page."),
            ("c", "Reset it and I am in. Thanks!"),
        ]),
        "ru": ("Не могу войти в аккаунт", [
            ("c", "Не получается войти, пишет, что аккаунт временно заблокирован."),
            ("a", "Здравствуйте, {name}! После нескольких неверных паролей вход приостанавливается на 15 минут. Быстрее всего сбросить пароль со страницы входа."),
            ("c", "Сбросил(а) и вошёл(вошла). Спасибо!"),
        ]),
        "zh-hans": ("无法登录", [
            ("c", "我登录不了，提示账户被暂时锁定。"),
            ("a", "{name}您好，多次输错密码后登录会暂停 15 分钟。最快的办法是在登录页面重置密码。"),
            ("c", "重置后登录成功了，谢谢！"),
        ]),
    }),
    Script(Topic.ACCOUNT, False, {
        "en": ("Suspicious order in my account", [
            ("c", "There is an order in my account that I did not place. Was I hacked?"),
            ("a", "Hi {name}, please change your password now; that logs out every other device. I have cancelled the order before it shipped."),
            ("n", "Unrecognised order cancelled; account flagged for security review."),
            ("c", "Password changed. Thank you for acting so quickly."),
        ]),
        "ru": ("Подозрительный заказ в аккаунте", [
            ("c", "В аккаунте есть заказ, который я не оформлял(а). Меня взломали?"),
            ("a", "{name}, здравствуйте! Пожалуйста, сразу смените пароль — произойдёт выход на всех других устройствах. Заказ я отменил(а) до отправки."),
            ("n", "Неизвестный заказ отменён; аккаунт отмечен для проверки безопасности."),
            ("c", "Пароль сменил(а). Спасибо, что так быстро отреагировали."),
        ]),
        "zh-hans": ("账户中有可疑订单", [
            ("c", "我的账户里有一个不是我下的订单。我被盗号了吗？"),
            ("a", "{name}您好，请立即修改密码，这会让其他所有设备退出登录。该订单在发货前已被我取消。"),
            ("n", "已取消陌生订单；账户已标记进行安全审查。"),
            ("c", "密码已经改了。谢谢你们处理得这么快。"),
        ]),
    }),
    Script(Topic.PROMOTIONS, False, {
        "en": ("Coupon code not accepted", [
            ("c", "My coupon code says it is not valid, but it only expires next week."),
            ("a", "Hello {name}, the coupon is valid but applies only to home and kitchen items, and your basket has electronics only."),
            ("c", "Oh, I missed that. Thanks for explaining."),
        ]),
        "ru": ("Промокод не принимается", [
            ("c", "Промокод пишет, что недействителен, хотя срок действия до следующей недели."),
            ("a", "Здравствуйте, {name}! Промокод действителен, но распространяется только на товары для дома и кухни, а у вас в корзине только электроника."),
            ("c", "Ой, не заметил(а). Спасибо за объяснение."),
        ]),
        "zh-hans": ("优惠码无法使用", [
            ("c", "我的优惠码显示无效，可它下周才过期。"),
            ("a", "{name}您好，优惠码有效，但只适用于家居厨房类商品，而您的购物车里只有电子产品。"),
            ("c", "哦，我没注意到。谢谢解释。"),
        ]),
    }),
    Script(Topic.PROMOTIONS, False, {
        "en": ("Bonus points missing", [
            ("c", "I did not get bonus points for my last order."),
            ("a", "Hi {name}, points are credited once the 30-day return window of the order closes. You will see them in your profile after that."),
            ("c", "Understood, thanks."),
        ]),
        "ru": ("Не начислены бонусные баллы", [
            ("c", "Мне не начислили баллы за последний заказ."),
            ("a", "{name}, здравствуйте! Баллы начисляются после окончания 30-дневного срока возврата заказа. После этого вы увидите их в профиле."),
            ("c", "Понятно, спасибо."),
        ]),
        "zh-hans": ("积分没有到账", [
            ("c", "我上一个订单的积分没有到账。"),
            ("a", "{name}您好，积分会在订单 30 天退货期结束后发放，届时您可以在个人资料中看到。"),
            ("c", "明白了，谢谢。"),
        ]),
    }),
    Script(Topic.MEMBERSHIP, False, {
        "en": ("Premium charged after the trial", [
            ("c", "I was charged 399 RUB for Premium. I thought the trial was free."),
            ("a", "Hello {name}, the free month ended yesterday and the plan renewed. Since you have not used any benefit since, I have refunded the payment and cancelled the renewal."),
            ("c", "Thank you, that is very fair."),
        ]),
        "ru": ("Списание за Premium после пробного периода", [
            ("c", "С меня списали 399 ₽ за Premium. Я думал(а), пробный период бесплатный."),
            ("a", "Здравствуйте, {name}! Бесплатный месяц закончился вчера, и подписка продлилась. Вы ещё не пользовались привилегиями, поэтому я вернул(а) деньги и отключил(а) продление."),
            ("c", "Спасибо, это очень честно."),
        ]),
        "zh-hans": ("试用期后被扣了 Premium 费用", [
            ("c", "我被扣了 399 卢布的 Premium 会员费。我以为试用是免费的。"),
            ("a", "{name}您好，免费试用月昨天结束，会员自动续费了。由于您之后还没有使用任何权益，我已为您退款并关闭了自动续费。"),
            ("c", "谢谢，这样处理很公道。"),
        ]),
    }),
    Script(Topic.MEMBERSHIP, False, {
        "en": ("Does Premium include free returns?", [
            ("c", "If I join Premium, are returns free even if I just changed my mind?"),
            ("a", "Hi {name}, yes: Premium members return items for free whatever the reason, and delivery is free on every order."),
            ("c", "Great, I will join then."),
        ]),
        "ru": ("Входит ли в Premium бесплатный возврат?", [
            ("c", "Если я подключу Premium, возврат будет бесплатным, даже если я просто передумал(а)?"),
            ("a", "{name}, здравствуйте! Да: участники Premium возвращают товары бесплатно по любой причине, а доставка любого заказа тоже бесплатна."),
            ("c", "Отлично, тогда подключу."),
        ]),
        "zh-hans": ("Premium 包含免费退货吗？", [
            ("c", "如果我开通 Premium，无理由退货也免费吗？"),
            ("a", "{name}您好，是的：Premium 会员无论什么原因退货都免费，而且所有订单都免运费。"),
            ("c", "太好了，那我开通。"),
        ]),
    }),
    Script(Topic.TECHNICAL, False, {
        "en": ("The app crashes when I open my orders", [
            ("c", "The app closes every time I open My orders."),
            ("a", "Hello {name}, that was a known problem in an old version of the app. Please update it from your app store and clear the cache in Settings."),
            ("n", "Known crash in the previous release; fixed in the current version."),
            ("c", "Updated, it works now. Thanks!"),
        ]),
        "ru": ("Приложение вылетает при открытии заказов", [
            ("c", "Приложение закрывается каждый раз, когда я открываю «Мои заказы»."),
            ("a", "Здравствуйте, {name}! Это известная проблема старой версии приложения. Обновите его в магазине приложений и очистите кеш в настройках."),
            ("n", "Известный сбой предыдущего релиза; исправлен в текущей версии."),
            ("c", "Обновил(а), теперь работает. Спасибо!"),
        ]),
        "zh-hans": ("打开订单时应用闪退", [
            ("c", "我每次打开“我的订单”应用就闪退。"),
            ("a", "{name}您好，这是旧版本应用的已知问题。请在应用商店更新，并在设置中清除缓存。"),
            ("n", "上一版本的已知崩溃问题，当前版本已修复。"),
            ("c", "更新后可以用了，谢谢！"),
        ]),
    }),
    Script(Topic.TECHNICAL, False, {
        "en": ("Cannot upload a photo", [
            ("c", "I cannot attach a photo to my return request, the upload never finishes."),
            ("a", "Hi {name}, photos up to 10 MB are accepted. Please try again on Wi-Fi, or send the photo here in the chat and I will add it to the request."),
            ("c", "It worked on Wi-Fi. Thank you."),
        ]),
        "ru": ("Не загружается фото", [
            ("c", "Не могу прикрепить фото к заявке на возврат — загрузка не заканчивается."),
            ("a", "{name}, здравствуйте! Принимаются фото до 10 МБ. Попробуйте ещё раз через Wi-Fi или пришлите фото сюда в чат, и я добавлю его к заявке."),
            ("c", "Через Wi-Fi получилось. Спасибо."),
        ]),
        "zh-hans": ("照片上传不了", [
            ("c", "我无法在退货申请中上传照片，一直上传不完。"),
            ("a", "{name}您好，照片大小不能超过 10 MB。请连接 Wi-Fi 后重试，或者直接在聊天中发给我，我帮您添加到申请里。"),
            ("c", "用 Wi-Fi 上传成功了。谢谢。"),
        ]),
    }),
]

LOW_COMMENTS = {
    "en": ["I had to wait far too long for an answer.",
           "The agent did not really read my question.",
           "My problem is still not solved, I was just sent an article."],
    "ru": ["Пришлось слишком долго ждать ответа.",
           "Специалист толком не прочитал мой вопрос.",
           "Проблема так и не решена, мне просто прислали статью."],
    "zh-hans": ["等回复等了太久。",
                "客服根本没有认真看我的问题。",
                "问题还是没解决，只给我发了一篇文章。"],
}
HIGH_COMMENTS = {
    "en": ["Quick and friendly, thank you!", "Solved in a few minutes.",
           "Very helpful, the agent explained everything."],
    "ru": ["Быстро и вежливо, спасибо!", "Решили вопрос за несколько минут.",
           "Очень помогли, всё подробно объяснили."],
    "zh-hans": ["回复快，态度好，谢谢！", "几分钟就解决了。", "非常有帮助，客服解释得很清楚。"],
}

# What customers wrote in their return requests, per reason.
RETURN_DESCRIPTIONS = {
    "damaged": {
        "en": "The box was crushed and the item inside is cracked.",
        "ru": "Коробка была смята, а товар внутри треснул.",
        "zh-hans": "包装箱被压坏了，里面的商品有裂痕。",
    },
    "defective": {
        "en": "It stopped working after two days and will not switch on.",
        "ru": "Через два дня перестал работать и не включается.",
        "zh-hans": "用了两天就坏了，无法开机。",
    },
    "wrong_item": {
        "en": "I received a different model from the one I ordered.",
        "ru": "Пришла другая модель, не та, что я заказывал(а).",
        "zh-hans": "收到的型号和我订购的不一样。",
    },
    "not_as_described": {
        "en": "The colour and size are different from the photos on the product page.",
        "ru": "Цвет и размер отличаются от фотографий на странице товара.",
        "zh-hans": "颜色和尺寸与商品页面上的图片不符。",
    },
    "changed_mind": {
        "en": "I found a better option and no longer need it.",
        "ru": "Нашёл(нашла) вариант лучше, этот больше не нужен.",
        "zh-hans": "找到了更合适的，不再需要这件了。",
    },
}

# The notes agents left on each step of a return (shown on the customer's timeline).
RETURN_NOTES = {
    "approved": {
        "en": "Approved. Please drop the parcel at any pickup point within 7 days.",
        "ru": "Одобрено. Сдайте посылку в любой пункт выдачи в течение 7 дней.",
        "zh-hans": "已批准。请在 7 天内将包裹送到任一自提点。",
    },
    "rejected": {
        "en": "The item shows signs of use, so it cannot be returned as unwanted.",
        "ru": "На товаре есть следы использования, поэтому вернуть его с причиной «передумал» нельзя.",
        "zh-hans": "商品有使用痕迹，因此无法按“不想要了”退货。",
    },
    "received": {
        "en": "The parcel has arrived at the returns centre.",
        "ru": "Посылка поступила в центр возвратов.",
        "zh-hans": "包裹已到达退货中心。",
    },
    "refunded": {
        "en": "Refund sent to the original payment method.",
        "ru": "Деньги отправлены тем же способом, которым был оплачен заказ.",
        "zh-hans": "退款已按原支付方式退回。",
    },
}
