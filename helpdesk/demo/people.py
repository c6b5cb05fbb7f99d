"""The demo's people: staff, teams and customers, written out so every run makes the same ones."""

from dataclasses import dataclass, field

from accounts.choices import Language, Topic

# One shared password for every demo account; it is printed with the logins.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - a published demo password, not a secret

ADMIN_EMAIL = "admin@example.com"
MANAGER_EMAIL = "manager@example.com"
AGENT_EMAIL = "agent@example.com"
CUSTOMER_EMAIL = "customer@example.com"

EN, RU, ZH = Language.EN.value, Language.RU.value, Language.ZH.value


@dataclass(frozen=True)
class TeamSpec:
    name: str
    topics: list[str]


TEAM_ORDERS = TeamSpec("Orders & Delivery", [Topic.ORDERS, Topic.ACCOUNT, Topic.TECHNICAL])
TEAM_PAYMENTS = TeamSpec("Payments & Returns", [Topic.RETURNS, Topic.PAYMENT, Topic.PROMOTIONS,
                                                Topic.MEMBERSHIP])
TEAMS = [TEAM_ORDERS, TEAM_PAYMENTS]


@dataclass(frozen=True)
class StaffSpec:
    email: str
    full_name: str
    language: str
    role: str  # "agent" or "manager"
    team: str = ""
    languages: list[str] = field(default_factory=list)
    max_chats: int = 3


STAFF = [
    StaffSpec(MANAGER_EMAIL, "Maria Kuznetsova", EN, "manager", languages=[EN, RU]),
    StaffSpec(AGENT_EMAIL, "Olga Ivanova", EN, "agent", TEAM_ORDERS.name, [EN, RU], 4),
    StaffSpec("li.wei@example.com", "Li Wei", ZH, "agent", TEAM_ORDERS.name, [ZH, EN], 3),
    StaffSpec("daniel.carter@example.com", "Daniel Carter", EN, "agent", TEAM_ORDERS.name,
              [EN], 3),
    StaffSpec("sergey.petrov@example.com", "Sergey Petrov", RU, "agent", TEAM_PAYMENTS.name,
              [RU, EN], 4),
    StaffSpec("wang.fang@example.com", "Wang Fang", ZH, "agent", TEAM_PAYMENTS.name, [ZH, EN], 3),
    StaffSpec("sophie.turner@example.com", "Sophie Turner", EN, "agent", TEAM_PAYMENTS.name,
              [EN, RU], 2),
]


@dataclass(frozen=True)
class CustomerSpec:
    email: str
    full_name: str
    language: str
    premium: bool
    phone: str
    # (line1, city, region, postal code)
    address: tuple[str, str, str, str]


def _c(email, name, language, premium, phone, address):
    return CustomerSpec(email, name, language, premium, phone, address)


CUSTOMERS = [
    _c(CUSTOMER_EMAIL, "Emma Wilson", EN, False, "+7 916 204-18-37",
       ("12 Tverskaya St, apt 45", "Moscow", "Moscow", "125009")),
    _c("james.miller@example.net", "James Miller", EN, True, "+7 915 331-02-77",
       ("8 Nevsky Prospekt, apt 3", "Saint Petersburg", "Saint Petersburg", "191186")),
    _c("olivia.brown@example.org", "Olivia Brown", EN, False, "+7 903 118-64-20",
       ("27 Baumana St, apt 12", "Kazan", "Tatarstan", "420111")),
    _c("noah.davies@example.com", "Noah Davies", EN, False, "+7 926 745-90-11",
       ("5 Malaya Bronnaya St, apt 7", "Moscow", "Moscow", "123104")),
    _c("sophia.taylor@example.net", "Sophia Taylor", EN, True, "+7 921 602-33-48",
       ("44 Ligovsky Prospekt, apt 19", "Saint Petersburg", "Saint Petersburg", "191040")),
    _c("liam.johnson@example.org", "Liam Johnson", EN, False, "+7 912 280-51-66",
       ("3 Lenina St, apt 88", "Yekaterinburg", "Sverdlovsk Oblast", "620014")),
    _c("ava.roberts@example.com", "Ava Roberts", EN, False, "+7 913 477-12-05",
       ("61 Krasny Prospekt, apt 14", "Novosibirsk", "Novosibirsk Oblast", "630091")),
    _c("ethan.walker@example.net", "Ethan Walker", EN, False, "+7 917 390-27-84",
       ("18 Pokrovka St, apt 2", "Moscow", "Moscow", "101000")),
    _c("mia.thompson@example.org", "Mia Thompson", EN, True, "+7 985 612-40-93",
       ("9 Bolshaya Pokrovskaya St, apt 31", "Nizhny Novgorod", "Nizhny Novgorod Oblast",
        "603005")),
    _c("lucas.evans@example.com", "Lucas Evans", EN, False, "+7 918 255-71-30",
       ("40 Krasnaya St, apt 6", "Krasnodar", "Krasnodar Krai", "350000")),
    _c("ivan.sokolov@example.com", "Иван Соколов", RU, True, "+7 916 500-23-14",
       ("ул. Профсоюзная, д. 56, кв. 112", "Москва", "Москва", "117393")),
    _c("anna.smirnova@example.net", "Анна Смирнова", RU, False, "+7 911 732-08-45",
       ("ул. Рубинштейна, д. 15, кв. 9", "Санкт-Петербург", "Санкт-Петербург", "191002")),
    _c("dmitry.volkov@example.org", "Дмитрий Волков", RU, False, "+7 922 164-90-38",
       ("ул. Малышева, д. 71, кв. 24", "Екатеринбург", "Свердловская область", "620075")),
    _c("elena.morozova@example.com", "Елена Морозова", RU, True, "+7 903 845-61-72",
       ("пр-т Ленина, д. 33, кв. 57", "Новосибирск", "Новосибирская область", "630004")),
    _c("alexey.novikov@example.net", "Алексей Новиков", RU, False, "+7 987 213-55-09",
       ("ул. Пушкина, д. 8, кв. 41", "Казань", "Республика Татарстан", "420015")),
    _c("tatiana.fedorova@example.org", "Татьяна Фёдорова", RU, False, "+7 928 670-14-83",
       ("ул. Большая Садовая, д. 102, кв. 15", "Ростов-на-Дону", "Ростовская область",
        "344006")),
    _c("sergey.kozlov@example.com", "Сергей Козлов", RU, False, "+7 927 391-46-20",
       ("ул. Ленинградская, д. 25, кв. 3", "Самара", "Самарская область", "443020")),
    _c("natalia.popova@example.net", "Наталья Попова", RU, True, "+7 951 402-77-16",
       ("ул. Ленина, д. 47, кв. 70", "Пермь", "Пермский край", "614000")),
    _c("mikhail.lebedev@example.org", "Михаил Лебедев", RU, False, "+7 960 519-83-27",
       ("ул. Карла Маркса, д. 14, кв. 22", "Уфа", "Республика Башкортостан", "450008")),
    _c("olga.sidorova@example.com", "Ольга Сидорова", RU, False, "+7 999 128-36-54",
       ("ул. Мира, д. 3, кв. 18", "Воронеж", "Воронежская область", "394036")),
    _c("wang.lei@example.com", "王磊", ZH, True, "+7 916 880-42-61",
       ("15 Leninsky Prospekt, apt 204", "Moscow", "Moscow", "119049")),
    _c("li.na@example.net", "李娜", ZH, False, "+7 921 344-19-70",
       ("22 Sadovaya St, apt 11", "Saint Petersburg", "Saint Petersburg", "190031")),
    _c("zhang.wei@example.org", "张伟", ZH, False, "+7 914 702-58-33",
       ("10 Svetlanskaya St, apt 5", "Vladivostok", "Primorsky Krai", "690091")),
    _c("liu.yang@example.com", "刘洋", ZH, False, "+7 924 615-20-47",
       ("31 Muravyova-Amurskogo St, apt 9", "Khabarovsk", "Khabarovsk Krai", "680000")),
    _c("chen.jing@example.net", "陈静", ZH, True, "+7 903 290-73-18",
       ("7 Kutuzovsky Prospekt, apt 63", "Moscow", "Moscow", "121248")),
    _c("yang.fan@example.org", "杨帆", ZH, False, "+7 950 437-86-02",
       ("52 Karla Marksa St, apt 17", "Irkutsk", "Irkutsk Oblast", "664003")),
    _c("zhao.min@example.com", "赵敏", ZH, False, "+7 913 561-04-29",
       ("12 Lenina St, apt 40", "Novosibirsk", "Novosibirsk Oblast", "630099")),
    _c("huang.xin@example.net", "黄欣", ZH, False, "+7 962 183-65-94",
       ("4 Amurskaya St, apt 21", "Blagoveshchensk", "Amur Oblast", "675000")),
    _c("grace.hall@example.org", "Grace Hall", EN, False, "+7 916 903-47-25",
       ("2 Arbat St, apt 16", "Moscow", "Moscow", "119019")),
    _c("pavel.orlov@example.com", "Павел Орлов", RU, False, "+7 905 276-38-41",
       ("ул. Кирова, д. 19, кв. 8", "Калининград", "Калининградская область", "236022")),
]
