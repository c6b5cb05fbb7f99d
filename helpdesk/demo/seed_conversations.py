"""Demo seed stage: conversations, their messages and satisfaction ratings.

History is written in bulk with explicit timestamps; conversations still open today go through
``conversation_open`` and ``message_post``, then get their times.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.choices import Topic
from accounts.models import MembershipTier
from helpdesk import sla
from helpdesk.demo import people, scripts
from helpdesk.demo.plans import (
    CONVERSATION_COUNT,
    HISTORY_DAYS,
    ConversationPlan,
    OrderPlan,
    damaged_order_number,
    first_agent_message,
    first_name,
    make_reference,
    rating_score,
    stage_rng,
    stuck_order_number,
)
from helpdesk.demo.seed_base import SeederBase
from helpdesk.models import (
    AuthorRole,
    Channel,
    Conversation,
    Message,
    MessageKind,
    Priority,
    RatingSource,
    SatisfactionRating,
    Status,
    Team,
)
from helpdesk.services.conversations import conversation_open
from helpdesk.services.messages import message_post
from orders.models import Order


class ConversationsSeeder(SeederBase):
    """Plans and writes conversations, their messages and ratings."""

    def plan_conversations(self, orders: list[OrderPlan]) -> list[ConversationPlan]:
        rng = stage_rng(self.seed, "conversations")
        by_topic: dict[str, list[scripts.Script]] = {}
        for script in scripts.SCRIPTS:
            by_topic.setdefault(script.topic, []).append(script)
        topics = [Topic.ORDERS, Topic.RETURNS, Topic.PAYMENT, Topic.ACCOUNT, Topic.PROMOTIONS,
                  Topic.MEMBERSHIP, Topic.TECHNICAL]
        topic_weights = [30, 20, 15, 10, 8, 7, 10]
        channels = [Channel.CHAT, Channel.EMAIL, Channel.WEB, Channel.PHONE]
        channel_weights = [50, 20, 20, 10]
        customers = {c.email: c for c in people.CUSTOMERS}
        staff = {s.email: s for s in people.STAFF}
        recent_orders = [o for o in orders if o.placed_ago <= HISTORY_DAYS
                         and o.number not in (stuck_order_number(), damaged_order_number())]
        plans = []
        for index in range(CONVERSATION_COUNT):
            # Every draw happens on every iteration, so the plan never depends on the date.
            topic = rng.choices(topics, topic_weights)[0]
            script = rng.choice(by_topic[topic])
            channel = rng.choices(channels, channel_weights)[0]
            order = rng.choice(recent_orders)
            other = rng.choice(people.CUSTOMERS)
            created_roll, lag = rng.random(), rng.random()
            waits = [rng.random() for _ in range(8)]
            outcome, score_roll, comment_roll, comment_pick = (rng.random(), rng.random(),
                                                               rng.random(), rng.random())
            agent_pick, priority_roll, survey_delay = rng.random(), rng.random(), rng.random()
            if index < 2:  # the demo customer's own past requests
                other = customers[people.CUSTOMER_EMAIL]
                script = by_topic[[Topic.PROMOTIONS, Topic.PAYMENT][index]][index]
                topic = script.topic
            if script.needs_order:
                customer = customers[order.email]
                if topic == Topic.ORDERS and order.shipped_ago is not None:
                    start = order.shipped_ago - (order.shipped_ago - max(
                        order.delivered_ago or 0, 0)) * (0.3 + 0.6 * lag)
                elif topic == Topic.RETURNS and order.delivered_ago is not None:
                    start = order.delivered_ago - min(order.delivered_ago * 0.8, 2 + 10 * lag)
                else:
                    start = order.placed_ago - min(order.placed_ago * 0.5, 0.05 + 1.5 * lag)
            else:
                customer = other
                start = 0.05 + (HISTORY_DAYS - 0.05) * (created_roll ** 1.3)
            team = (people.TEAM_ORDERS if topic in people.TEAM_ORDERS.topics
                    else people.TEAM_PAYMENTS)
            members = [s for s in people.STAFF if s.team == team.name]
            speakers = [s for s in members if customer.language in s.languages] or members
            agent = speakers[int(agent_pick * len(speakers))]
            plans.append(self._conversation_plan(
                index=index, customer=customer, script=script, channel=channel,
                order=order if script.needs_order else None, start=max(start, 0.02),
                team=team.name, agent=staff[agent.email], waits=waits, outcome=outcome,
                score_roll=score_roll, comment_roll=comment_roll, comment_pick=comment_pick,
                priority_roll=priority_roll, survey_delay=survey_delay,
            ))
        return plans

    def _conversation_plan(self, *, index, customer, script, channel, order, start, team,
                           agent, waits, outcome, score_roll, comment_roll, comment_pick,
                           priority_roll, survey_delay) -> ConversationPlan:
        language = customer.language
        subject, lines = script.translations[language]
        minute = 1 / 1440
        if channel == Channel.CHAT:
            first_wait, gap = (0.5 + 6 * waits[0]) * minute, (1 + 4 * waits[1]) * minute
        elif channel == Channel.PHONE:
            first_wait, gap = (0.2 + 2 * waits[0]) * minute, (0.5 + 2 * waits[1]) * minute
        else:
            first_wait, gap = (15 + 600 * waits[0]) * minute, (30 + 500 * waits[1]) * minute
        eta = order.eta_ago if order and order.eta_ago is not None else -2
        fill = {
            "name": first_name(customer.full_name, language),
            "agent": first_name(agent.full_name, agent.language),
            "order": order.number if order else "",
            "date": timezone.localdate(self.at(min(eta, -1))).isoformat(),
        }
        # Open conversations are the recent ones; everything older is settled.
        is_open = start < 1.5 and outcome < 0.6
        shown = lines if not is_open else lines[:2 + int(waits[7] * (len(lines) - 2))]
        messages, ago = [], start
        assigned_ago = start - first_wait * 0.6
        for i, (role, text) in enumerate(shown):
            if i == 1:
                ago = start - first_wait
            elif i:
                ago -= gap * (0.5 + waits[2 + i % 5]) if role != "n" else minute
            messages.append((role, text.format(**fill), max(ago, 0.001)))
        # Assigned before (or when) the first answer was written, never in the future.
        assigned_ago = max(assigned_ago, messages[1][2])
        last = messages[-1][2]
        status, resolved_ago, rating = Status.RESOLVED, None, None
        if is_open:
            status = Status.PENDING if shown[-1][0] == "a" else Status.OPEN
        else:
            resolved_ago = max(last - (2 if channel == Channel.CHAT else 30) * minute, 0.0005)
            if outcome > 0.92:
                status = Status.CLOSED
            if outcome < 0.7:
                score = rating_score(score_roll)
                source = RatingSource.CHAT if channel == Channel.CHAT else RatingSource.SURVEY
                rated_ago = resolved_ago - (minute if source == RatingSource.CHAT
                                            else (0.1 + 2 * survey_delay))
                comments = (scripts.LOW_COMMENTS if score <= 3 else scripts.HIGH_COMMENTS)[language]
                comment = ""
                if score <= 2 or (score == 3 and comment_roll < 0.5) or comment_roll < 0.3:
                    comment = comments[int(comment_pick * len(comments))]
                rating = (score, comment, source, max(rated_ago, 0.0002))
        priority = Priority.NORMAL
        if customer.premium and priority_roll < 0.4:
            priority = Priority.HIGH
        elif script.topic == Topic.PAYMENT and priority_roll < 0.3:
            priority = Priority.HIGH
        elif priority_roll > 0.93:
            priority = Priority.LOW
        return ConversationPlan(
            reference=make_reference("HD", self.seed, "conversation", index), email=customer.email,
            language=language, channel=channel, topic=script.topic,
            subject=subject.format(**fill), order_number=order.number if order else None,
            team=team, agent_email=agent.email, status=status, priority=priority,
            created_ago=start, messages=messages, assigned_ago=assigned_ago,
            resolved_ago=resolved_ago, rating=rating,
        )

    def seed_conversations(self, plans: list[ConversationPlan]) -> None:
        existing = set(Conversation.objects.filter(reference__in=[p.reference for p in plans])
                       .values_list("reference", flat=True))
        missing = [p for p in plans if p.reference not in existing]
        users = self._users_by_email()
        teams = {t.name: t for t in Team.objects.all()}
        orders = {o.number: o for o in Order.objects.filter(
            number__in={p.order_number for p in missing if p.order_number})}
        live = [p for p in missing if p.status in (Status.OPEN, Status.PENDING)]
        history = [p for p in missing if p not in live]
        self._write_history(history, users=users, teams=teams, orders=orders)
        for plan in live:
            self._write_live(plan, users=users, teams=teams, orders=orders)
        self.progress("conversations", len(plans), len(plans), len(missing))
        ratings = sum(1 for p in plans if p.rating)
        self.progress("ratings", ratings, ratings,
                      sum(1 for p in missing if p.rating))

    def _write_history(self, plans, *, users, teams, orders) -> None:
        conversations = Conversation.objects.bulk_create([
            Conversation(
                reference=p.reference, customer=users[p.email], channel=p.channel,
                status=p.status, topic=p.topic, priority=p.priority, language=p.language,
                subject=p.subject[:200], order=orders.get(p.order_number),
                team=teams[p.team], assignee=users[p.agent_email],
                last_seq=len(p.messages), created_at=self.at(p.created_ago),
                queued_at=self.at(p.created_ago) if p.channel == Channel.CHAT else None,
                assigned_at=self.at(p.assigned_ago),
                first_response_at=self.at(first_agent_message(p)),
                resolved_at=self.at(p.resolved_ago),
            )
            for p in plans
        ], batch_size=200)
        messages, ratings = [], []
        for conversation, plan in zip(conversations, plans, strict=True):
            for seq, (role, text, ago) in enumerate(plan.messages, start=1):
                messages.append(self._message(conversation, plan, seq, role, text, ago,
                                              users=users, read=True))
            if plan.rating:
                score, comment, source, ago = plan.rating
                ratings.append(SatisfactionRating(conversation=conversation, score=score,
                                                  comment=comment, source=source,
                                                  created_at=self.at(ago)))
        Message.objects.bulk_create(messages, batch_size=500)
        SatisfactionRating.objects.bulk_create(ratings, batch_size=500)
        # updated_at is auto_now: bring it back to the conversation's last activity.
        for conversation, plan in zip(conversations, plans, strict=True):
            conversation.updated_at = self.at(plan.resolved_ago)
        Conversation.objects.bulk_update(conversations, ["updated_at"], batch_size=200)

    def _write_live(self, plan: ConversationPlan, *, users, teams, orders) -> None:
        """Conversations still open today go through the services, then get their times."""
        customer, agent = users[plan.email], users[plan.agent_email]
        # A chat would wait in the queue for assignment; an open one is shown as written.
        channel = Channel.WEB if plan.channel == Channel.CHAT else plan.channel
        conversation = conversation_open(
            customer=customer, channel=channel, topic=plan.topic,
            description=plan.messages[0][1], order=orders.get(plan.order_number),
            subject=plan.subject[:200], language=plan.language,
        )
        for role, text, _ago in plan.messages[1:]:
            message_post(conversation=conversation,
                         author=customer if role == "c" else agent,
                         author_role=AuthorRole.CUSTOMER if role == "c" else AuthorRole.AGENT,
                         body=text,
                         kind=MessageKind.NOTE if role == "n" else MessageKind.MESSAGE)
        first_response = first_agent_message(plan)
        Conversation.objects.filter(pk=conversation.pk).update(
            reference=plan.reference, channel=channel, status=plan.status,
            priority=plan.priority, team=teams[plan.team], assignee=agent,
            created_at=self.at(plan.created_ago), queued_at=None,
            assigned_at=self.at(plan.assigned_ago),
            first_response_at=self.at(first_response) if first_response is not None else None,
            updated_at=self.at(plan.messages[-1][2]),
        )
        stored = list(Message.objects.filter(conversation=conversation).order_by("seq"))
        for message, (_role, _text, ago) in zip(stored, plan.messages, strict=True):
            message.created_at = self.at(ago)
        Message.objects.bulk_update(stored, ["created_at"])
        self._due_from_history(conversation.pk, plan, channel, customer)

    def _due_from_history(self, pk: int, plan: ConversationPlan, channel: str, customer) -> None:
        """The live SLA's due time as the services would have set it at the seeded times: from
        the customer's first message after the last answer (none while waiting for them)."""
        due = None
        if plan.status not in sla.CLEARED_BY:
            answered, start = False, None
            for role, _text, ago in plan.messages:
                if role == "a":
                    answered, start = True, None
                elif role == "c" and start is None:
                    start = (self.at(ago), answered)
            if start is not None:
                due = sla.response_due(
                    tier=getattr(getattr(customer, "customer_profile", None), "tier",
                         MembershipTier.STANDARD), channel=channel,
                    clock_name=sla.NEXT if start[1] else sla.FIRST, start=start[0])
        Conversation.objects.filter(pk=pk).update(response_due_at=due, sla_warned_at=None,
                                                  sla_breached_at=None)

    def _message(self, conversation, plan, seq, role, text, ago, *, users, read) -> Message:
        is_customer = role == "c"
        created = self.at(ago)
        return Message(
            conversation=conversation, seq=seq,
            author=users[plan.email] if is_customer else users[plan.agent_email],
            author_role=AuthorRole.CUSTOMER if is_customer else AuthorRole.AGENT,
            kind=MessageKind.NOTE if role == "n" else MessageKind.MESSAGE,
            body=text, created_at=created,
            read_at=created + timedelta(seconds=40) if read and role != "n" else None,
        )
