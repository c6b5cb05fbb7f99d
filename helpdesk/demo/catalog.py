"""Products, carriers and sorting hubs the demo orders are made of."""

from dataclasses import dataclass
from decimal import Decimal

from orders.models import ProductCategory

ELECTRONICS = ProductCategory.ELECTRONICS.value
HOME = ProductCategory.HOME.value
CLOTHING = ProductCategory.CLOTHING.value
BEAUTY = ProductCategory.BEAUTY.value
BOOKS = ProductCategory.BOOKS.value
TOYS = ProductCategory.TOYS.value
GROCERY = ProductCategory.GROCERY.value


@dataclass(frozen=True)
class Product:
    sku: str
    category: str
    price: Decimal
    names: dict[str, str]  # language -> product name

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def _p(sku, category, price, en, ru, zh):
    return Product(sku, category, Decimal(price), {"en": en, "ru": ru, "zh-hans": zh})


PRODUCTS = [
    _p("EL-1001", ELECTRONICS, "7990.00", "Wireless noise-cancelling headphones",
       "Беспроводные наушники с шумоподавлением", "无线降噪耳机"),
    _p("EL-1002", ELECTRONICS, "2490.00", "Power bank 20000 mAh", "Внешний аккумулятор 20000 мА·ч",
       "20000毫安充电宝"),
    _p("EL-1003", ELECTRONICS, "15990.00", "Smart watch with heart-rate monitor",
       "Умные часы с пульсометром", "心率监测智能手表"),
    _p("EL-1004", ELECTRONICS, "1290.00", "USB-C fast charger 65 W",
       "Быстрое зарядное устройство USB-C 65 Вт", "65W USB-C快速充电器"),
    _p("EL-1005", ELECTRONICS, "4590.00", "Bluetooth speaker, waterproof",
       "Водонепроницаемая Bluetooth-колонка", "防水蓝牙音箱"),
    _p("EL-1006", ELECTRONICS, "24990.00", "10-inch tablet, 128 GB", "Планшет 10 дюймов, 128 ГБ",
       "10英寸平板电脑 128GB"),
    _p("EL-1007", ELECTRONICS, "3290.00", "Mechanical keyboard", "Механическая клавиатура",
       "机械键盘"),
    _p("HM-2001", HOME, "3490.00", "Ceramic table lamp", "Керамическая настольная лампа",
       "陶瓷台灯"),
    _p("HM-2002", HOME, "2190.00", "Glass teapot with infuser", "Стеклянный заварочный чайник",
       "玻璃泡茶壶"),
    _p("HM-2003", HOME, "5990.00", "Non-stick cookware set, 5 pieces",
       "Набор посуды с антипригарным покрытием, 5 предметов", "不粘锅套装（5件）"),
    _p("HM-2004", HOME, "1890.00", "Cotton bed linen set", "Комплект постельного белья, хлопок",
       "纯棉床上用品套装"),
    _p("HM-2005", HOME, "8990.00", "Robot vacuum cleaner", "Робот-пылесос", "扫地机器人"),
    _p("HM-2006", HOME, "990.00", "Set of 6 porcelain mugs", "Набор из 6 фарфоровых кружек",
       "骨瓷马克杯6件套"),
    _p("CL-3001", CLOTHING, "4290.00", "Running shoes", "Кроссовки для бега", "跑步鞋"),
    _p("CL-3002", CLOTHING, "6990.00", "Down jacket", "Пуховик", "羽绒服"),
    _p("CL-3003", CLOTHING, "1490.00", "Merino wool scarf", "Шарф из мериносовой шерсти",
       "美利奴羊毛围巾"),
    _p("CL-3004", CLOTHING, "2590.00", "Slim-fit jeans", "Джинсы slim fit", "修身牛仔裤"),
    _p("CL-3005", CLOTHING, "890.00", "Cotton T-shirt", "Хлопковая футболка", "纯棉T恤"),
    _p("BT-4001", BEAUTY, "1290.00", "Moisturising face cream", "Увлажняющий крем для лица",
       "保湿面霜"),
    _p("BT-4002", BEAUTY, "3490.00", "Electric toothbrush", "Электрическая зубная щётка",
       "电动牙刷"),
    _p("BT-4003", BEAUTY, "2790.00", "Hair dryer 1800 W", "Фен 1800 Вт", "1800W吹风机"),
    _p("BT-4004", BEAUTY, "690.00", "Sunscreen SPF 50", "Солнцезащитный крем SPF 50",
       "SPF50防晒霜"),
    _p("BK-5001", BOOKS, "790.00", "Cookbook: Everyday Soups", "Кулинарная книга «Супы на каждый день»",
       "食谱：家常汤"),
    _p("BK-5002", BOOKS, "1190.00", "Novel: The Quiet Harbour", "Роман «Тихая гавань»",
       "小说《宁静的港湾》"),
    _p("BK-5003", BOOKS, "990.00", "Python for Beginners", "Python для начинающих",
       "Python入门"),
    _p("TY-6001", TOYS, "2990.00", "Building blocks set, 500 pieces",
       "Конструктор, 500 деталей", "积木套装（500块）"),
    _p("TY-6002", TOYS, "1590.00", "Plush bear 40 cm", "Плюшевый мишка 40 см", "40厘米毛绒熊"),
    _p("TY-6003", TOYS, "3990.00", "Remote-control car", "Машинка на радиоуправлении",
       "遥控汽车"),
    _p("GR-7001", GROCERY, "690.00", "Green tea, 100 bags", "Зелёный чай, 100 пакетиков",
       "绿茶（100包）"),
    _p("GR-7002", GROCERY, "1290.00", "Coffee beans 1 kg", "Кофе в зёрнах, 1 кг", "咖啡豆1公斤"),
    _p("GR-7003", GROCERY, "450.00", "Dark chocolate gift box", "Подарочный набор тёмного шоколада",
       "黑巧克力礼盒"),
]

PRODUCTS_BY_SKU = {p.sku: p for p in PRODUCTS}

CARRIERS = {
    # name: tracking number prefix
    "Russian Post": "RP",
    "CDEK": "CD",
    "Boxberry": "BX",
    "Marketplace Courier": "MC",
}

# The warehouses orders leave from, and the hubs a parcel passes on its way.
WAREHOUSES = ["Moscow Region, Khorugvino fulfilment centre",
              "Moscow Region, Pushkino fulfilment centre",
              "Kazan, fulfilment centre"]
HUBS = {
    "Moscow": "Moscow, sorting centre",
    "Saint Petersburg": "Saint Petersburg, Shushary sorting centre",
    "Kazan": "Kazan, sorting centre",
    "Yekaterinburg": "Yekaterinburg, Koltsovo sorting centre",
    "Novosibirsk": "Novosibirsk, Tolmachevo sorting centre",
}

PAYMENT_METHODS = ["Bank card", "Bank card", "Bank card", "Faster Payments System (SBP)",
                   "Marketplace wallet", "Cash on delivery"]

# Tracking events are written in the carriers' Latin script.
CITY_LATIN = {
    "Москва": "Moscow", "Санкт-Петербург": "Saint Petersburg", "Екатеринбург": "Yekaterinburg",
    "Новосибирск": "Novosibirsk", "Казань": "Kazan", "Ростов-на-Дону": "Rostov-on-Don",
    "Самара": "Samara", "Пермь": "Perm", "Уфа": "Ufa", "Воронеж": "Voronezh",
    "Калининград": "Kaliningrad",
}
