"""Help-center articles: app and website problems."""

from helpdesk.demo.articles.base import A, T

ARTICLES = [
    A("app-does-not-load", {
        "en": T(
            "The app or the website does not load",
            "Quick checks that fix most loading problems.",
            """Try these steps in order; most problems are solved by the second or third.

1. **Check the connection.** Open another site or app. If it is slow too, switch between Wi-Fi and mobile data.
2. **Restart the app** completely: close it from the list of recent apps and open it again. On the website, reload the page.
3. **Update the app** to the latest version from your app store. Old versions stop working when we change how the app talks to our servers.
4. **Clear the cache.** In the app: **Profile → Settings → Clear cache**. In a browser: clear cached images and files for our site.
5. **Restart the device.**

If the app still shows an error, note the **error code** at the bottom of the screen and the time it happened, and contact us by phone or from the website. Planned maintenance is announced on the help-center home page.""",
        ),
        "ru": T(
            "Приложение или сайт не загружается",
            "Простые проверки, которые решают большинство проблем с загрузкой.",
            """Выполните шаги по порядку — обычно проблема решается уже на втором или третьем.

1. **Проверьте подключение.** Откройте другой сайт или приложение. Если они тоже работают медленно, переключитесь между Wi-Fi и мобильным интернетом.
2. **Перезапустите приложение** полностью: закройте его в списке недавних приложений и откройте снова. На сайте обновите страницу.
3. **Обновите приложение** до последней версии в магазине приложений. Старые версии перестают работать, когда мы меняем способ связи приложения с нашими серверами.
4. **Очистите кеш.** В приложении: **Профиль → Настройки → Очистить кеш**. В браузере: удалите сохранённые изображения и файлы для нашего сайта.
5. **Перезагрузите устройство.**

Если приложение всё равно показывает ошибку, запишите **код ошибки** внизу экрана и время, когда она появилась, и свяжитесь с нами по телефону или через сайт. О плановых работах мы сообщаем на главной странице центра помощи.""",
        ),
        "zh-hans": T(
            "应用或网站无法加载",
            "几个简单的检查步骤，可以解决大多数加载问题。",
            """请按顺序尝试以下步骤，大多数问题在第二或第三步就能解决。

1. **检查网络连接。** 打开其他网站或应用。如果同样很慢，请在 Wi-Fi 和移动数据之间切换。
2. **彻底重启应用**：在最近使用的应用列表中关闭它，然后重新打开。如果是网站，请刷新页面。
3. **更新应用**：在应用商店中更新到最新版本。当我们调整应用与服务器的通信方式后，旧版本将无法使用。
4. **清除缓存。** 应用内：**个人资料 → 设置 → 清除缓存**。浏览器中：清除本网站的缓存图片和文件。
5. **重启设备。**

如果应用仍然报错，请记下屏幕底部的**错误代码**和出错时间，并通过电话或网站联系我们。计划内的系统维护会在帮助中心首页提前公告。""",
        ),
    }),
    A("checkout-error", {
        "en": T(
            "I get an error at checkout",
            "What to do when an order cannot be placed.",
            """An error at checkout usually comes from the basket, not from the payment.

- **An item sold out** while it was in your basket. The basket marks it; remove it and try again.
- **The price or delivery date changed.** Review the updated summary and confirm again.
- **The address is incomplete.** Postal code, city and street are required, and the phone number must have 11 digits for Russian numbers.
- **The delivery method is not available** for one of the items, for example a large item to a small pickup point. Choose courier delivery or another pickup point.
- **The session expired** after a long time on the page. Reload and log in again; your basket is kept.

Before trying again, check **My orders**: sometimes the order was created even though the page showed an error. If you see it there, do not place it a second time.

If the error persists, contact us with a screenshot of the message; the chat will show us your basket.""",
        ),
        "ru": T(
            "При оформлении заказа появляется ошибка",
            "Что делать, если заказ не оформляется.",
            """Ошибка при оформлении обычно связана с корзиной, а не с оплатой.

- **Товар закончился**, пока лежал в корзине. Корзина его отметит; удалите его и попробуйте снова.
- **Изменилась цена или дата доставки.** Проверьте обновлённую сводку и подтвердите заказ ещё раз.
- **Адрес заполнен не полностью.** Индекс, город и улица обязательны, а российский номер телефона должен содержать 11 цифр.
- **Способ доставки недоступен** для одного из товаров, например крупный товар в небольшой пункт выдачи. Выберите курьерскую доставку или другой пункт.
- **Истекла сессия**, если вы долго не уходили со страницы. Обновите её и войдите снова — корзина сохранится.

Прежде чем пробовать снова, загляните в **Мои заказы**: иногда заказ создаётся, даже если на странице появилась ошибка. Если он там есть, не оформляйте его повторно.

Если ошибка повторяется, напишите нам и приложите снимок экрана с сообщением — в чате мы увидим вашу корзину.""",
        ),
        "zh-hans": T(
            "结算时出现错误",
            "无法提交订单时该怎么办。",
            """结算时出错通常是购物车的问题，而不是支付的问题。

- **商品已售罄**：商品在购物车中时被买完了。购物车会标出该商品，删除后重试即可。
- **价格或送达日期已变化**：查看更新后的订单摘要，再次确认。
- **地址不完整**：邮编、城市和街道为必填项，俄罗斯手机号必须为 11 位数字。
- **配送方式不可用**：例如大件商品无法送到小型自提点。请选择快递上门或其他自提点。
- **会话已过期**：在页面停留太久后可能出现。刷新页面并重新登录，购物车内容会保留。

重试之前，请先查看**我的订单**：有时页面虽然报错，但订单其实已经创建成功。如果订单已在列表中，请不要重复下单。

如果错误持续出现，请联系我们并附上错误信息截图，我们可以在聊天中看到您的购物车。""",
        ),
    }),
    A("update-the-app", {
        "en": T(
            "Updating the app and supported devices",
            "Which phones and browsers we support, and how to update.",
            """We release a new version of the app every two weeks. Updates fix errors and keep your data safe, so turn on **automatic updates** in your app store.

**Supported devices**

- **Android** 8.0 or later, with Google Play or another official app store.
- **iOS and iPadOS** 15 or later.
- **Browsers**: the two latest versions of Chrome, Firefox, Safari, Edge and Yandex Browser.

Older devices can keep using the website in the browser, even if the app no longer installs.

**How to update by hand**

- Android: open the app store, search for the marketplace and choose **Update**.
- iPhone: open the App Store, tap your profile picture and find the app in the list of updates.

Your basket, favourites and orders are stored in your account, not on the phone, so nothing is lost when you update or reinstall the app.""",
        ),
        "ru": T(
            "Обновление приложения и поддерживаемые устройства",
            "Какие телефоны и браузеры мы поддерживаем и как обновиться.",
            """Новая версия приложения выходит каждые две недели. Обновления исправляют ошибки и защищают ваши данные, поэтому включите **автообновление** в магазине приложений.

**Поддерживаемые устройства**

- **Android** 8.0 и новее с Google Play или другим официальным магазином приложений.
- **iOS и iPadOS** 15 и новее.
- **Браузеры**: две последние версии Chrome, Firefox, Safari, Edge и Яндекс Браузера.

На старых устройствах можно и дальше пользоваться сайтом в браузере, даже если приложение больше не устанавливается.

**Как обновить вручную**

- Android: откройте магазин приложений, найдите маркетплейс и нажмите **Обновить**.
- iPhone: откройте App Store, нажмите на фото профиля и найдите приложение в списке обновлений.

Корзина, избранное и заказы хранятся в аккаунте, а не в телефоне, поэтому при обновлении или переустановке приложения ничего не потеряется.""",
        ),
        "zh-hans": T(
            "更新应用及支持的设备",
            "我们支持哪些手机和浏览器，以及如何更新。",
            """我们每两周发布一次新版本。更新可以修复错误并保护您的数据安全，因此建议在应用商店中开启**自动更新**。

**支持的设备**

- **Android** 8.0 及以上版本，需安装 Google Play 或其他官方应用商店。
- **iOS 和 iPadOS** 15 及以上版本。
- **浏览器**：Chrome、Firefox、Safari、Edge 和 Yandex 浏览器的最新两个版本。

即使旧设备无法再安装应用，仍可以继续在浏览器中使用网站。

**手动更新方法**

- Android：打开应用商店，搜索本平台应用，点击**更新**。
- iPhone：打开 App Store，点击头像，在待更新列表中找到本应用。

购物车、收藏和订单都保存在您的账户中，而不是手机上，因此更新或重装应用不会丢失任何内容。""",
        ),
    }),
    A("notifications-not-arriving", {
        "en": T(
            "I do not receive notifications",
            "Check the settings in the app, on the phone and in your email.",
            """Notifications can be blocked in three places; check each of them.

**1. In your profile.** Open **Profile → Notifications** and make sure the kinds you want are on. Order updates and replies to your requests are on by default.

**2. On the phone.** In the phone's settings, find the marketplace app and allow notifications. On Android, also check that battery saving does not stop the app in the background. Focus or do-not-disturb modes hold notifications until they end.

**3. In your email.** Look in the spam and promotions folders and mark our emails as *not spam*. Add our address to your contacts so future emails go to the inbox.

If you changed phones, log in to the app on the new phone once: notifications are tied to the device where you last logged in.

Still nothing? Contact us and tell us which notification is missing and for which order; we can see whether it was sent.""",
        ),
        "ru": T(
            "Не приходят уведомления",
            "Проверьте настройки в приложении, на телефоне и в почте.",
            """Уведомления могут блокироваться в трёх местах — проверьте каждое.

**1. В профиле.** Откройте **Профиль → Уведомления** и убедитесь, что нужные виды уведомлений включены. Уведомления о заказах и ответы на обращения включены по умолчанию.

**2. На телефоне.** В настройках телефона найдите приложение маркетплейса и разрешите уведомления. На Android также проверьте, что режим энергосбережения не останавливает приложение в фоне. Режимы «Не беспокоить» и фокусирования задерживают уведомления до своего окончания.

**3. В почте.** Загляните в папки «Спам» и «Промоакции» и отметьте наши письма как «Не спам». Добавьте наш адрес в контакты, чтобы следующие письма приходили во «Входящие».

Если вы сменили телефон, один раз войдите в приложение на новом: уведомления привязаны к устройству, на котором вы входили последним.

По-прежнему ничего? Напишите нам, какое уведомление не пришло и по какому заказу, — мы увидим, было ли оно отправлено.""",
        ),
        "zh-hans": T(
            "收不到通知",
            "检查应用、手机和邮箱中的设置。",
            """通知可能在三个地方被拦截，请逐一检查。

**1. 个人资料中。** 打开**个人资料 → 通知**，确认您需要的通知类型已开启。订单动态和工单回复默认开启。

**2. 手机上。** 在手机设置中找到本平台应用并允许通知。在 Android 手机上，还要检查省电模式是否会在后台停止应用。专注模式或勿扰模式会在结束前暂缓通知。

**3. 邮箱中。** 查看垃圾邮件和推广邮件文件夹，把我们的邮件标记为*非垃圾邮件*。将我们的地址加入联系人，以后的邮件就会进入收件箱。

如果您换了手机，请在新手机上登录一次应用：通知会绑定到您最后一次登录的设备。

仍然收不到？请联系我们，告诉我们缺少的是哪条通知、对应哪个订单，我们可以查看它是否已发送。""",
        ),
    }),
    A("upload-photos-problems", {
        "en": T(
            "I cannot attach a photo",
            "Supported formats and sizes for photos in chats and return requests.",
            """You can attach photos to chats, written requests and return requests. If an upload fails, check the following:

- **Format**: JPEG, PNG, WebP or HEIC (iPhone photos). PDF files can be attached to written requests.
- **Size**: up to **10 MB** per file and up to 5 files per message. Phones usually shrink photos automatically; screenshots are always small enough.
- **Permissions**: the app needs access to your photos or camera. Allow it in the phone's settings, or choose **Allow access to selected photos** on iPhone.
- **Connection**: a large photo on a weak mobile connection may time out. Try again on Wi-Fi.

In the chat, a photo that has not finished uploading shows a progress bar; do not close the chat until it is sent.

If the app still refuses the file, send it from the website, or describe the problem in words and tell the agent that the photo would not upload; they can send you a link to upload it later.""",
        ),
        "ru": T(
            "Не получается прикрепить фото",
            "Поддерживаемые форматы и размеры фото для чата и заявок на возврат.",
            """Фото можно прикреплять в чате, письменных обращениях и заявках на возврат. Если загрузка не удалась, проверьте следующее:

- **Формат**: JPEG, PNG, WebP или HEIC (фото с iPhone). К письменным обращениям можно прикрепить и PDF.
- **Размер**: до **10 МБ** на файл и до 5 файлов в одном сообщении. Телефоны обычно сжимают фото автоматически, а снимки экрана всегда достаточно маленькие.
- **Разрешения**: приложению нужен доступ к фото или камере. Разрешите его в настройках телефона или выберите на iPhone **Разрешить доступ к выбранным фото**.
- **Подключение**: большое фото при слабом мобильном интернете может не успеть загрузиться. Попробуйте ещё раз через Wi-Fi.

В чате у фото, которое ещё загружается, видна полоса прогресса; не закрывайте чат, пока оно не отправится.

Если приложение всё равно не принимает файл, отправьте его через сайт или опишите проблему словами и сообщите специалисту, что фото не загружается, — он пришлёт ссылку, чтобы загрузить его позже.""",
        ),
        "zh-hans": T(
            "无法上传照片",
            "聊天和退货申请中照片支持的格式和大小。",
            """您可以在聊天、书面工单和退货申请中上传照片。如果上传失败，请检查以下几点：

- **格式**：JPEG、PNG、WebP 或 HEIC（iPhone 照片）。书面工单还可以上传 PDF 文件。
- **大小**：每个文件不超过 **10 MB**，每条消息最多 5 个文件。手机通常会自动压缩照片，截图的大小一般都没有问题。
- **权限**：应用需要访问您的相册或相机。请在手机设置中允许；在 iPhone 上也可以选择**允许访问所选照片**。
- **网络**：在移动网络信号较弱时，大尺寸照片可能上传超时。请连接 Wi-Fi 后重试。

在聊天中，尚未上传完成的照片会显示进度条；发送完成前请不要关闭聊天。

如果应用仍然无法上传，请改用网站发送，或者用文字描述问题并告诉客服照片无法上传，客服可以发给您一个链接，方便稍后上传。""",
        ),
    }),
]
