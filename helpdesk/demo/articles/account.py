"""Help-center articles: account and security."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("reset-forgotten-password", {
        "en": T(
            "I forgot my password",
            "Reset it with a link sent to your email address.",
            """1. On the login page choose **Forgot your password?**
2. Enter the email address of your account and submit.
3. Open the email we send you and follow the link. It works **once** and only for a limited time.
4. Choose a new password. It must be at least 8 characters long and not a common one.

For your security, the page always says the email was sent, whether or not an account uses that address, so nobody can find out who shops with us.

**The email did not arrive?** Wait a few minutes and check the spam folder. Make sure you typed the address you registered with; if you used a work address, your company's filter may hold the email.

**Too many attempts.** After several wrong passwords, logging in is paused for 15 minutes for that email address. Resetting the password lifts the pause at once.

After a reset, you stay logged in only on the device where you changed the password; other devices are logged out.""",
        ),
        "ru": T(
            "Я забыл пароль",
            "Сбросьте его по ссылке, которую мы пришлём на почту.",
            """1. На странице входа нажмите **Забыли пароль?**
2. Введите адрес электронной почты, на который зарегистрирован аккаунт, и отправьте форму.
3. Откройте наше письмо и перейдите по ссылке. Она работает **один раз** и только ограниченное время.
4. Придумайте новый пароль: не короче 8 символов и не из числа распространённых.

В целях безопасности страница всегда сообщает, что письмо отправлено, даже если такого аккаунта нет, — так никто не сможет узнать, кто у нас покупает.

**Письмо не пришло?** Подождите несколько минут и проверьте папку «Спам». Убедитесь, что ввели адрес, указанный при регистрации; если это рабочая почта, письмо может задержать фильтр вашей компании.

**Слишком много попыток.** После нескольких неверных паролей вход для этого адреса приостанавливается на 15 минут. Сброс пароля сразу снимает это ограничение.

После сброса вы остаётесь в аккаунте только на том устройстве, где меняли пароль; на остальных устройствах произойдёт выход.""",
        ),
        "zh-hans": T(
            "忘记密码怎么办？",
            "通过发送到您邮箱的链接重置密码。",
            """1. 在登录页面点击**忘记密码？**
2. 输入账户的电子邮箱地址并提交。
3. 打开我们发送的邮件并点击链接。该链接**只能使用一次**，且有时效限制。
4. 设置新密码：至少 8 个字符，且不能是常见密码。

出于安全考虑，无论该邮箱是否注册过账户，页面都会提示邮件已发送，这样任何人都无法借此得知谁在我们这里购物。

**没有收到邮件？** 请等几分钟并检查垃圾邮件文件夹。确认输入的是注册时使用的邮箱；如果是工作邮箱，邮件可能被公司的过滤系统拦截。

**尝试次数过多。** 多次输错密码后，该邮箱的登录将暂停 15 分钟。重置密码后会立即解除限制。

重置密码后，只有修改密码的设备保持登录，其他设备都会被退出。""",
        ),
    }),
    A("change-email-or-phone", {
        "en": T(
            "How do I change my name, phone or email?",
            "Edit your profile; email changes need confirmation from the new address.",
            """Open **Profile** in the help center or the app.

- **Name and phone**: edit them and save. The phone number is what couriers call, so keep it current.
- **Language**: choose English, Russian or Simplified Chinese. Emails and the help center follow this choice.
- **Email address**: enter the new address and your current password. We send a confirmation link to the new address; the change takes effect once you open it. Until then, you log in with the old address.

If you no longer have access to the old email **and** you forgot the password, contact us through the chat without logging in. We will ask for details of a recent order to confirm the account is yours; we never ask for your password or a card number.

Orders already placed keep the phone number they were placed with; to change it for a shipped order, contact us from the order page.""",
        ),
        "ru": T(
            "Как изменить имя, телефон или почту?",
            "Отредактируйте профиль; смену почты нужно подтвердить с нового адреса.",
            """Откройте **Профиль** в центре помощи или в приложении.

- **Имя и телефон**: измените и сохраните. По этому номеру звонят курьеры, поэтому держите его актуальным.
- **Язык**: выберите английский, русский или упрощённый китайский. Письма и центр помощи будут на этом языке.
- **Электронная почта**: введите новый адрес и текущий пароль. Мы отправим ссылку для подтверждения на новый адрес; изменение вступит в силу, когда вы её откроете. До этого вход выполняется по старому адресу.

Если у вас нет доступа к старой почте **и** вы забыли пароль, напишите нам в чат без входа в аккаунт. Мы попросим данные недавнего заказа, чтобы убедиться, что аккаунт ваш; пароль и номер карты мы никогда не спрашиваем.

В уже оформленных заказах остаётся прежний номер телефона; чтобы изменить его для отправленного заказа, напишите нам со страницы заказа.""",
        ),
        "zh-hans": T(
            "如何修改姓名、电话或邮箱？",
            "编辑个人资料即可；修改邮箱需要在新邮箱中确认。",
            """在帮助中心或应用中打开**个人资料**。

- **姓名和电话**：修改后保存即可。快递员会拨打这个号码，请保持最新。
- **语言**：可选择英语、俄语或简体中文。邮件和帮助中心都会使用该语言。
- **电子邮箱**：输入新邮箱和当前密码。我们会向新邮箱发送确认链接，点击后修改才会生效；在此之前，请继续用旧邮箱登录。

如果您既无法访问旧邮箱，**又**忘记了密码，请在不登录的情况下通过聊天联系我们。我们会询问最近一笔订单的信息来确认账户归属；我们绝不会索要您的密码或银行卡号。

已下单的订单仍使用下单时的电话号码；如需修改已发货订单的电话，请在订单页面联系我们。""",
        ),
    }),
    A("keep-your-account-secure", {
        "en": T(
            "How to keep your account secure",
            "A strong password, careful links and a quick check of your devices.",
            """Your account holds your addresses, orders and saved payment methods, so it is worth protecting.

- **Use a unique password** that you do not use anywhere else. A password manager makes this easy.
- **We never ask for your password**, a card's full number, its CVC code or an SMS code, not in chat, not by phone, not by email. Anyone who does is not us.
- **Check links.** Our emails link only to our own site. If a message offers a prize or a refund and asks you to log in from a link, open the site yourself instead.
- **Log out on shared computers**, and do not let the browser remember the password there.
- **Review your orders** now and then. An order you do not recognise is the earliest sign that someone else has access.

If you think someone has used your account, change the password right away (this logs out every other device) and read **I think my account was hacked**.""",
        ),
        "ru": T(
            "Как защитить аккаунт",
            "Надёжный пароль, внимательность к ссылкам и проверка устройств.",
            """В аккаунте хранятся ваши адреса, заказы и сохранённые способы оплаты, поэтому его стоит защищать.

- **Используйте уникальный пароль**, который вы больше нигде не применяете. С менеджером паролей это просто.
- **Мы никогда не спрашиваем** пароль, полный номер карты, CVC-код или код из SMS — ни в чате, ни по телефону, ни по почте. Тот, кто спрашивает, — не мы.
- **Проверяйте ссылки.** Наши письма ведут только на наш сайт. Если сообщение обещает приз или возврат денег и просит войти по ссылке, лучше откройте сайт самостоятельно.
- **Выходите из аккаунта на чужих компьютерах** и не позволяйте браузеру запоминать там пароль.
- **Время от времени просматривайте заказы.** Незнакомый заказ — самый ранний признак того, что доступ к аккаунту есть у кого-то ещё.

Если вы думаете, что аккаунтом кто-то воспользовался, сразу смените пароль (при этом произойдёт выход на всех других устройствах) и прочитайте статью **Мой аккаунт взломали**.""",
        ),
        "zh-hans": T(
            "如何保护账户安全",
            "使用强密码、警惕可疑链接，并定期检查设备。",
            """您的账户中保存着地址、订单和已绑定的支付方式，值得认真保护。

- **使用独一无二的密码**，不要在其他地方重复使用。借助密码管理器会很方便。
- **我们绝不会索要**您的密码、完整银行卡号、CVC 安全码或短信验证码——无论是在聊天中、电话里还是邮件里。索要这些信息的人都不是我们。
- **仔细核对链接。** 我们的邮件只会链接到我们自己的网站。如果有消息声称中奖或退款并要求通过链接登录，请自行打开网站。
- **在公共电脑上用完后退出登录**，不要让浏览器记住密码。
- **定期查看订单。** 出现陌生订单是他人登录您账户的最早迹象。

如果您怀疑有人使用了您的账户，请立即修改密码（这会让其他所有设备退出登录），并阅读**我的账户被盗了怎么办**。""",
        ),
    }),
    A("account-hacked", {
        "en": T(
            "I think my account was hacked",
            "Secure the account first, then tell us about orders you did not place.",
            """Act quickly; most damage can be undone if you do.

**1. Change your password** from **Profile → Password**. This logs out every other device at once. If you cannot log in, use **Forgot your password?** on the login page.

**2. Check your email account too.** If someone can read your email, they can reset your password again. Change that password as well.

**3. Review orders, addresses and payment methods.** Remove addresses and saved cards you do not recognise.

**4. Contact us** through the chat or the **Contact us** page, choose the topic *Account and security*, and list any orders you did not place. We cancel orders that have not shipped yet and investigate the others. Unauthorised orders paid with your money are refunded.

**5. Call your bank** if a saved card was used, and ask it to block the card.

We may temporarily freeze the account while we investigate; you will be told by email, and the freeze is lifted as soon as the account is safe.""",
        ),
        "ru": T(
            "Мой аккаунт взломали",
            "Сначала защитите аккаунт, затем сообщите нам о заказах, которых вы не делали.",
            """Действуйте быстро — тогда почти всё можно исправить.

**1. Смените пароль** в разделе **Профиль → Пароль**. При этом сразу произойдёт выход на всех других устройствах. Если войти не получается, воспользуйтесь ссылкой **Забыли пароль?** на странице входа.

**2. Проверьте и почтовый ящик.** Если у кого-то есть доступ к вашей почте, он сможет снова сбросить пароль. Смените пароль и от почты.

**3. Проверьте заказы, адреса и способы оплаты.** Удалите незнакомые адреса и сохранённые карты.

**4. Напишите нам** в чат или через страницу **Связаться с нами**, выберите тему *Аккаунт и безопасность* и перечислите заказы, которых вы не делали. Ещё не отправленные заказы мы отменим, по остальным проведём проверку. Деньги за несанкционированные заказы будут возвращены.

**5. Позвоните в банк**, если сохранённой картой воспользовались, и попросите заблокировать карту.

На время проверки мы можем временно заморозить аккаунт; вы получите письмо, а заморозку снимем, как только аккаунт будет в безопасности.""",
        ),
        "zh-hans": T(
            "我的账户被盗了怎么办？",
            "先保护账户，再告诉我们哪些订单不是您下的。",
            """请尽快行动，及时处理的话，大多数损失都可以挽回。

**1. 修改密码**：进入**个人资料 → 密码**。这会立即让其他所有设备退出登录。如果无法登录，请使用登录页面上的**忘记密码？**

**2. 同时检查您的邮箱。** 如果有人能查看您的邮件，就能再次重置您的密码。请一并修改邮箱密码。

**3. 检查订单、地址和支付方式。** 删除不认识的地址和已保存的银行卡。

**4. 联系我们**：通过聊天或**联系我们**页面，选择主题*账户与安全*，列出不是您下的订单。尚未发货的订单我们会取消，其他订单我们会调查。未经授权使用您资金的订单将予以退款。

**5. 致电银行**：如果已保存的银行卡被盗用，请要求银行冻结该卡。

调查期间我们可能会暂时冻结账户，届时会通过邮件通知您；账户恢复安全后即会解冻。""",
        ),
    }),
    A("download-or-delete-your-data", {
        "en": T(
            "Downloading your data or deleting your account",
            "Get a copy of everything we hold about you, or close the account for good.",
            """**Download your data.** In **Profile → Your data** choose **Download**. You get a file with your profile, addresses, orders, returns, conversations with customer service and your ratings, in a machine-readable format. It is generated on the spot.

**Delete your account.** Deleting is permanent: you lose your order history, saved addresses, wallet balance and Premium membership. Before you delete:

- wait until open orders have been delivered and returns refunded;
- spend or withdraw the wallet balance;
- cancel Premium if you pay for it monthly.

To delete the account, contact us through **Contact us** and choose *Account and security*. We confirm the request by email.

Some records must be kept by law after deletion, such as payment receipts and invoices, for the period the tax rules require; they are not used for anything else.""",
        ),
        "ru": T(
            "Выгрузка данных и удаление аккаунта",
            "Получите копию всех данных о себе или закройте аккаунт навсегда.",
            """**Выгрузка данных.** В разделе **Профиль → Ваши данные** нажмите **Скачать**. Вы получите файл с профилем, адресами, заказами, возвратами, перепиской со службой поддержки и вашими оценками в машиночитаемом формате. Файл формируется сразу.

**Удаление аккаунта.** Удаление необратимо: вы потеряете историю заказов, сохранённые адреса, баланс кошелька и подписку Premium. Перед удалением:

- дождитесь доставки открытых заказов и возврата денег по возвратам;
- потратьте или выведите баланс кошелька;
- отмените Premium, если платите за него ежемесячно.

Чтобы удалить аккаунт, напишите нам через страницу **Связаться с нами** и выберите тему *Аккаунт и безопасность*. Мы подтвердим запрос по почте.

Некоторые записи по закону хранятся и после удаления, например кассовые чеки и счета, — в течение срока, установленного налоговым законодательством; ни для чего другого они не используются.""",
        ),
        "zh-hans": T(
            "下载个人数据或注销账户",
            "获取我们保存的所有个人数据副本，或永久关闭账户。",
            """**下载数据。** 在**个人资料 → 您的数据**中点击**下载**。您会得到一个机器可读格式的文件，包含个人资料、地址、订单、退货、与客服的对话记录以及您的评价。文件即时生成。

**注销账户。** 注销不可恢复：您将失去订单记录、已保存的地址、钱包余额和 Premium 会员资格。注销前请：

- 等待未完成的订单送达、退货退款完成；
- 用完或提现钱包余额；
- 如果按月付费，请先取消 Premium。

如需注销账户，请通过**联系我们**页面联系我们，并选择*账户与安全*。我们会通过邮件确认您的申请。

根据法律规定，部分记录在注销后仍需保留，例如付款收据和发票，保留期限按税务法规执行；这些记录不会用于任何其他用途。""",
        ),
    }),
    A("notification-settings", {
        "en": T(
            "Choosing which emails you receive",
            "Turn order updates, replies, surveys and promotions on or off.",
            """In **Profile → Notifications** you decide which emails we send:

- **Orders and returns**: shipping, delivery, pickup reminders and each step of a return. We recommend keeping these on.
- **Replies to your requests**: when an agent answers a written request or a chat you left.
- **Rating the help you got**: one short survey after a request is resolved, with at most one reminder.
- **Promotions and coupons**: sales and personal offers. This one is off unless you turn it on.

Some messages are always sent because you need them: password resets, payment receipts and security alerts.

Every promotional email has an **unsubscribe** link at the bottom; it takes effect immediately, without logging in.

Emails are written in the language chosen in your profile. If they arrive in the wrong language, change it there.""",
        ),
        "ru": T(
            "Какие письма вы получаете",
            "Включайте и отключайте уведомления о заказах, ответы, опросы и акции.",
            """В разделе **Профиль → Уведомления** вы выбираете, какие письма мы присылаем:

- **Заказы и возвраты** — отправка, доставка, напоминания о посылке в пункте выдачи и каждый шаг возврата. Рекомендуем их не отключать.
- **Ответы на обращения** — когда специалист ответил на письменное обращение или оставленный вами чат.
- **Оценка помощи** — один короткий опрос после решения обращения и не более одного напоминания.
- **Акции и купоны** — распродажи и персональные предложения. Эти письма приходят, только если вы их включили.

Некоторые письма отправляются всегда, потому что они вам нужны: сброс пароля, кассовые чеки и уведомления о безопасности.

В каждом рекламном письме внизу есть ссылка **Отписаться**; она действует сразу, без входа в аккаунт.

Письма приходят на языке, выбранном в профиле. Если язык не тот, измените его там.""",
        ),
        "zh-hans": T(
            "选择接收哪些邮件",
            "开启或关闭订单动态、回复通知、满意度调查和促销邮件。",
            """在**个人资料 → 通知**中，您可以决定我们发送哪些邮件：

- **订单与退货**：发货、送达、自提提醒以及退货的每个环节。建议保持开启。
- **工单回复**：客服回复您的书面工单或留言时通知您。
- **服务评价**：工单解决后发送一份简短的调查问卷，最多提醒一次。
- **促销与优惠券**：促销活动和专属优惠。默认关闭，需要您手动开启。

有些邮件会始终发送，因为您确实需要：密码重置、付款收据和安全提醒。

每封促销邮件底部都有**退订**链接，点击后立即生效，无需登录。

邮件使用您在个人资料中选择的语言。如果语言不对，请在个人资料中修改。""",
        ),
    }),
]
