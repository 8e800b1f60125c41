"""A learner's statistics, as Anki shows them: a year of reviews, time spent, the due forecast,
true retention, and where their cards stand. A fixed number of queries whatever the history's
length: past days are read as one row each (ReviewDay), today's from its own answers."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models

from studyapp.notes.models import Domain, task_statements

from .charts import Heatmap, StackedChart, heatmap, stacked_chart
from .days import day_for
from .models import MATURE_DAYS, Card, ReviewDay, ReviewLog, ReviewState, day_totals
from .scheduler import Phase, recall_at
from .scopes import EVERY_CARD, Scope, choices

YEAR = 365
RECENT_DAYS = 30
FORECAST_DAYS = 90
STABILITY_BUCKETS = [(0, 1), (1, 7), (7, 21), (21, 90), (90, 365), (365, None)]  # days
DIFFICULTY_BUCKETS = [(1, 3), (3, 5), (5, 7), (7, 9), (9, None)]
PERIODS = [("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 365 days", 365)]


@dataclass(frozen=True)
class Retention:
    label: str
    young: tuple[int, int]  # (passed, answered)
    mature: tuple[int, int]

    @property
    def total(self) -> tuple[int, int]:
        return self.young[0] + self.mature[0], self.young[1] + self.mature[1]


@dataclass(frozen=True)
class Stats:
    scope: Scope
    choices: list  # the scopes to choose from, per exam
    today: date
    year: Heatmap
    recent: StackedChart  # answers per day over the last 30 days, by kind
    minutes: StackedChart  # minutes per day over the last 30 days, by kind
    forecast: StackedChart  # reviews due on each of the next 90 days
    forecast_weeks: list[tuple[str, int]]  # the same, today and then a week a row
    months: list[tuple[date, int, int]]  # (month, answers, days studied) over the past year
    recent_days: list  # ReviewDay, oldest first, today last
    retention: list[Retention]
    cards: dict[str, int]
    stability: list[tuple[str, int]]
    difficulty: list[tuple[str, int]]
    answers_in_year: int
    days_studied: int
    recall: list[tuple[str, int]]  # cards by their predicted recall now
    domains: list[tuple]  # (domain, cards, introduced, mature, mean predicted recall now of those introduced)
    tasks: list[tuple]  # the same per task statement of the exam guide


def statistics(user, sitting, scope: Scope = EVERY_CARD) -> Stats:
    """Everything the page shows, over the cards in `scope`. Reading it means passes over every
    schedule of the learner, so the page keeps what it shows in the cache under `cache_key`."""
    today = sitting.day.date
    ReviewDay.objects.bring_up_to(user, today, scope)
    past = {row.day: row for row in ReviewDay.objects.filter(user=user, scope=scope.key,
                                                               day__gt=today - timedelta(days=YEAR))}
    now_totals = day_totals(scope.on(ReviewLog.objects.filter(user=user, day=today)))
    past[today] = ReviewDay(user=user, **now_totals[0]) if now_totals else ReviewDay(user=user, day=today)
    days = [past.get(today - timedelta(days=n)) or ReviewDay(user=user, day=today - timedelta(days=n))
            for n in range(YEAR - 1, -1, -1)]
    recent = days[-RECENT_DAYS:]
    due = _forecast(user, sitting, scope)
    cards, stability, difficulty = _cards(user, scope)
    recall, domains, tasks, active_domains = _recall_now(user, sitting.now, sitting.study.memory_model(), scope)
    return Stats(
        scope=scope,
        choices=choices(active_domains),
        today=today,
        year=heatmap([(d.day, d.answers) for d in days]),
        recent=stacked_chart([(d.learning, d.review, d.relearning) for d in recent]),
        minutes=stacked_chart([(round(d.learning_ms / 60_000), round(d.review_ms / 60_000),
                                round(d.relearning_ms / 60_000)) for d in recent]),
        forecast=stacked_chart([(0, count) for count in due]),
        forecast_weeks=_weeks(today, due),
        months=_months(days),
        recent_days=recent,
        retention=[_retention(label, days[-length:]) for label, length in PERIODS],
        cards=cards,
        stability=stability,
        difficulty=difficulty,
        answers_in_year=sum(d.answers for d in days),
        days_studied=sum(1 for d in days if d.answers),
        recall=recall,
        domains=domains,
        tasks=tasks,
    )


RECALL_BUCKETS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01)]


@dataclass(frozen=True)
class Figures:
    """A group of cards as a learner stands with them: how many, how many met (studied), how
    many mature, and the mean predicted recall now of those met (None before the first)."""

    cards: int
    studied: int
    mature: int
    recall: float | None

    @property
    def weakness(self) -> tuple:
        """Weakest first: met cards recalled worst, then cards never met (nothing known yet), most first."""
        return (self.recall is None, self.recall or 0.0, -self.cards)


def _card_recall(user, now: datetime, model, scope: Scope = EVERY_CARD,
                 services=None) -> tuple[dict[int, float], set[int]]:
    """Each card in scope (and of `services`, ids, if given) the learner has met, by its predicted
    recall now on `model`'s curve; and those of them that are mature."""
    states = scope.on(ReviewState.objects.filter(
        user=user, card__retired_at__isnull=True, stability__isnull=False, last_review__isnull=False).exclude(
        phase=Phase.NEW))
    if services is not None:
        # Only their cards: a service page reads a note's schedules, not the whole history's.
        states = states.filter(card__in=Card.services.through.objects.filter(service_id__in=services).values("card_id"))
    recall, mature = {}, set()
    for card_id, stability, last_review in states.values_list("card_id", "stability", "last_review"):
        recall[card_id] = recall_at(stability, last_review, now, model)
        if stability >= MATURE_DAYS:
            mature.add(card_id)
    return recall, mature


def _figures(cards, recall: dict[int, float], mature: set[int]) -> Figures:
    met = [recall[card] for card in cards if card in recall]
    return Figures(len(cards), len(met), sum(card in mature for card in cards), sum(met) / len(met) if met else None)


def by_service(user, now: datetime, model, services=None) -> dict[int, Figures]:
    """Figures per service, of the active cards each service's notes made: two queries, whatever
    the number of cards or services. `services` (ids) limits it to those."""
    recall, mature = _card_recall(user, now, model, services=services)
    links = Card.services.through.objects.filter(card__retired_at__isnull=True)
    if services is not None:
        links = links.filter(service_id__in=services)
    cards_of = defaultdict(list)
    for card_id, service_id in links.values_list("card_id", "service_id"):
        cards_of[service_id].append(card_id)
    return {service_id: _figures(cards, recall, mature) for service_id, cards in cards_of.items()}


def _recall_now(user, now: datetime, model, scope: Scope):
    """The cards studied, by their predicted recall now, and per domain of the exams: how many
    cards, how many met, how many mature, and the mean predicted recall now of those met. And the
    active domains, which the scopes to choose from are made of."""
    recall, mature = _card_recall(user, now, model, scope)
    spread = [(f"{low:.0%}–{min(high, 1):.0%}", sum(low <= r < high for r in recall.values()))
              for low, high in RECALL_BUCKETS]
    # Only the cards in scope: a domain's row on a task statement's page counts that task's cards.
    cards_of = defaultdict(list)
    for card_id, domain_id in scope.on(Card.domains.through.objects.filter(card__retired_at__isnull=True)).values_list(
            "card_id", "domain_id"):
        cards_of[domain_id].append(card_id)

    def row(label, cards):
        figures = _figures(cards, recall, mature)
        return (label, figures.cards, figures.studied, figures.mature, figures.recall)

    active_domains = list(Domain.objects.active().select_related("exam").order_by("exam__code", "number"))
    domains = [row(domain, cards_of.get(domain.pk, [])) for domain in active_domains if scope.covers(domain)]
    # Per task statement of the exam guide, where the mappings name one.
    cards_of_task = defaultdict(list)
    for card_id, task in scope.card_set().exclude(pattern__task="").filter(pattern__isnull=False).values_list(
            "pk", "pattern__task"):
        cards_of_task[task].append(card_id)
    numbers = sorted(cards_of_task, key=lambda task: tuple(int(part) for part in task.split(".") if part.isdigit()))
    tasks = [row(label, cards_of_task[number])
             for number, label in zip(numbers, task_statements(numbers, active_domains)) if scope.covers_task(number)]
    return spread, domains, tasks, active_domains


def cache_key(sitting, scope: Scope) -> str:
    """What the page shows depends on: the learner, the study day, the day's answers and mock exam
    answers (each answer, and each undo, gives a new key), the hour (recall falls with time, and an
    import may retire cards), the forgetting curve in use and the scope. Suspending or burying a
    card changes no key: the page may count it as it was until the hour turns."""
    study, tally = sitting.study, sitting.tally
    return (f"{study.user_id}:{sitting.day.date}:{tally.answers}:{tally.mock}:{sitting.now:%H}:"
            f"{hash(tuple(study.parameters))}:{scope.key}")


# The hour is in the key already; this only bounds what a learner who stops leaves behind.
CACHE_SECONDS = 3600


def _forecast(user, sitting, scope: Scope) -> list[int]:
    """Reviews due today (overdue ones with them) and on each of the next days, in one pass over
    the schedules due before the last of them ends."""
    zone, today = sitting.study.time_zone, sitting.day
    coming = [day_for(today.date + timedelta(days=n), zone) for n in range(1, FORECAST_DAYS)]
    # Buried cards come back tomorrow: until then they are not due.
    unburied = models.Q(buried_until__isnull=True) | models.Q(buried_until__lte=sitting.now)
    states = scope.on(ReviewState.objects.filter(
        unburied, user=user, suspended=False, card__retired_at__isnull=True, due__lt=coming[-1].end).exclude(
        phase=Phase.NEW))
    counts = states.aggregate(today=models.Count("pk", filter=models.Q(due__lt=today.end)), **{
        f"day{n}": models.Count("pk", filter=models.Q(due__gte=day.start, due__lt=day.end))
        for n, day in enumerate(coming)})
    return [counts["today"], *(counts[f"day{n}"] for n in range(len(coming)))]


def _weeks(today: date, due: list[int]) -> list[tuple[str, int]]:
    """The forecast as a table: today (overdue cards with it), then each following week."""
    rows = [("Today and overdue", due[0])]
    for start in range(1, len(due), 7):
        first, last = today + timedelta(days=start), today + timedelta(days=min(start + 6, len(due) - 1))
        rows.append((f"{first:%-d %b} to {last:%-d %b}", sum(due[start:start + 7])))
    return rows


def _months(days: list) -> list[tuple[date, int, int]]:
    """The year's calendar as a table: answers and days studied in each month, oldest first."""
    months: dict[date, list[int]] = {}
    for day in days:
        totals = months.setdefault(day.day.replace(day=1), [0, 0])
        totals[0] += day.answers
        totals[1] += bool(day.answers)
    return [(month, answers, studied) for month, (answers, studied) in months.items()]


def _retention(label: str, days: list) -> Retention:
    young = sum(d.young_passed for d in days), sum(d.young_passed + d.young_failed for d in days)
    mature = sum(d.mature_passed for d in days), sum(d.mature_passed + d.mature_failed for d in days)
    return Retention(label, young, mature)


def _cards(user, scope: Scope) -> tuple[dict[str, int], list[tuple[str, int]], list[tuple[str, int]]]:
    """The cards by state, and the spreads of stability and difficulty of those in review: one
    pass over the learner's schedules, and a count of the active cards for those still new."""
    def within(field, low, high):
        condition = models.Q(phase=Phase.REVIEW, **{f"{field}__gte": low})
        return condition if high is None else condition & models.Q(**{f"{field}__lt": high})

    def label(low, high, unit):
        return f"{low}{unit} and over" if high is None else f"{low}–{high}{unit}"

    counts = scope.on(ReviewState.objects.filter(user=user, card__retired_at__isnull=True)).aggregate(
        answered=models.Count("pk", filter=~models.Q(phase=Phase.NEW)),
        learning=models.Count("pk", filter=models.Q(phase__in=[Phase.LEARNING, Phase.RELEARNING], suspended=False)),
        young=models.Count("pk", filter=models.Q(phase=Phase.REVIEW, stability__lt=MATURE_DAYS, suspended=False)),
        mature=models.Count("pk", filter=models.Q(phase=Phase.REVIEW, stability__gte=MATURE_DAYS, suspended=False)),
        # Before `suspended`, whose name the field's would then resolve to.
        suspended_new=models.Count("pk", filter=models.Q(suspended=True, phase=Phase.NEW)),
        suspended=models.Count("pk", filter=models.Q(suspended=True)),
        **{f"s{n}": models.Count("pk", filter=within("stability", *b)) for n, b in enumerate(STABILITY_BUCKETS)},
        **{f"d{n}": models.Count("pk", filter=within("difficulty", *b)) for n, b in enumerate(DIFFICULTY_BUCKETS)},
    )
    # New: the active cards never answered, less those set aside (counted as suspended).
    cards = {"new": scope.card_set().count() - counts["answered"]
             - counts["suspended_new"],
             **{name: counts[name] for name in ("learning", "young", "mature", "suspended")}}
    return (cards, [(label(*b, "d"), counts[f"s{n}"]) for n, b in enumerate(STABILITY_BUCKETS)],
            [(label(*b, ""), counts[f"d{n}"]) for n, b in enumerate(DIFFICULTY_BUCKETS)])
