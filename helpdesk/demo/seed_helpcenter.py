"""Demo seed stage: help center articles and canned replies."""

from faq.models import Article, Category
from faq.services import TranslationInput, article_save, category_save
from helpdesk.demo import replies
from helpdesk.demo.help_articles import categories
from helpdesk.demo.plans import stage_rng
from helpdesk.demo.seed_base import SeederBase
from helpdesk.models import CannedReply


class HelpCenterSeeder(SeederBase):
    """The help center articles (through the faq services) and the canned replies."""

    def seed_articles(self) -> None:
        rng = stage_rng(self.seed, "articles")
        existing_categories = set(Category.objects.values_list("slug", flat=True))
        existing = set(Article.objects.values_list("slug", flat=True))
        total = sum(len(c.articles) for c in categories())
        new = 0
        for position, spec in enumerate(categories()):
            if spec.slug in existing_categories:
                category = Category.objects.get(slug=spec.slug)
            else:
                category = category_save(slug=spec.slug, topic=spec.topic, icon=spec.icon,
                                         position=position, names=spec.translations)
            for article_position, article in enumerate(spec.articles):
                views = int(rng.paretovariate(1.2) * 40)
                if article.slug in existing:
                    continue
                saved = article_save(
                    slug=article.slug, category=category, position=article_position,
                    translations={lang: TranslationInput(title=t.title, summary=t.summary,
                                                         body=t.body)
                                  for lang, t in article.translations.items()},
                )
                Article.objects.filter(pk=saved.pk).update(views=views)
                new += 1
        self.progress("articles", total, total, new)

    def seed_canned_replies(self) -> None:
        existing = set(CannedReply.objects.values_list("shortcut", flat=True))
        wanted = [
            CannedReply(title=title, shortcut=replies.shortcut(spec.key, lang), language=lang,
                        topic=spec.topic, body=body)
            for spec in replies.REPLIES
            for lang, (title, body) in spec.translations.items()
        ]
        missing = [r for r in wanted if r.shortcut not in existing]
        CannedReply.objects.bulk_create(missing)
        self.progress("canned replies", len(wanted), len(wanted), len(missing))
