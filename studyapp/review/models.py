from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from studyapp.notes.models import (
    ActiveQuerySet,
    ComparisonTable,
    Domain,
    Exam,
    QuestionPattern,
    Service,
    SourceFile,
    address,
)

from studyapp.plan.memory import DEFAULT_MODEL, Model
from studyapp.plan.planner import BASE_RETENTION as PLAN_BASE_RETENTION

from . import scheduler
from .scheduler import Memory, Phase


class CardQuerySet(ActiveQuerySet):
    def to_show(self):
        """With what the card page shows of the card's note and table."""
        return self.select_related("source", "table")

    def for_anki(self):
        """With what a card's Anki note carries (studyapp.review.anki.note_for), in a fixed order."""
        return (self.select_related("exam", "source", "pattern")
                .prefetch_related(models.Prefetch("domains", queryset=Domain.objects.order_by("exam_id", "number")),
                                  models.Prefetch("services", queryset=Service.objects.order_by("slug")))
                .order_by("position", "key"))


class Card(models.Model):
    """A flashcard made from a question pattern or a comparison-table cell."""

    class Kind(models.TextChoices):
        PATTERN = "pattern", "Question pattern"
        CELL = "cell", "Table cell"

    key = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pattern = models.ForeignKey(QuestionPattern, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cards")
    table = models.ForeignKey(ComparisonTable, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="cards")
    front = models.TextField()
    context = models.CharField(max_length=300, blank=True, help_text="The table or list it comes from")
    family = models.CharField(max_length=400, blank=True, help_text="Cards whose answers are of one kind")
    answer = models.TextField()
    explanation = models.TextField(blank=True)
    source = models.ForeignKey(SourceFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anchor = models.CharField(max_length=200, blank=True)
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.SET_NULL, related_name="cards")
    domains = models.ManyToManyField(Domain, blank=True, related_name="cards")
    services = models.ManyToManyField(Service, blank=True, related_name="cards")
    position = models.BigIntegerField(default=0, help_text="Order in which new cards are introduced")
    content_hash = models.CharField(max_length=64)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Its source item is gone; kept for history")

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        indexes = [models.Index(fields=["retired_at", "position"])]

    def __str__(self):
        return self.front

    def note_url(self) -> str:
        """Where the card's answer is explained: the note section, or the comparison table."""
        return note_url(self.kind, self.table.key if self.table_id else None,
                        self.source.slug if self.source_id else None, self.anchor)


def note_url(kind: str, table_key: str | None, source_slug: str | None, anchor: str) -> str:
    """A card's note_url() from plain values, for code that reads cards by the hundred thousand."""
    if kind == Card.Kind.CELL and table_key:
        return address("notes:table", table_key)
    if not source_slug:
        return ""
    url = address("notes:document", source_slug)
    return f"{url}#{anchor}" if anchor else url


def default_learning_steps():
    return [60, 600]


def default_relearning_steps():
    return [600]


class StudySettingsManager(models.Manager):
    def for_user(self, user, lock: bool = False) -> "StudySettings":
        """The learner's settings, made on first use. `lock` holds the row until the transaction
        ends: every write to a learner's schedule takes it first, so they happen one at a time."""
        rows = self.select_for_update() if lock else self.all()
        study = rows.get_or_create(user=user)[0]
        study.user = user
        return study


class StudySettings(models.Model):
    """A learner's daily limits, scheduler options and what they are studying."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings")
    new_per_day = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(9999)])
    reviews_per_day = models.PositiveSmallIntegerField(default=200, validators=[MaxValueValidator(9999)])
    learning_steps = models.JSONField(default=default_learning_steps, help_text="Seconds")
    relearning_steps = models.JSONField(default=default_relearning_steps, help_text="Seconds")
    desired_retention = models.FloatField(default=0.90, validators=[MinValueValidator(0.70), MaxValueValidator(0.99)])
    time_zone = models.CharField(max_length=64, default="UTC")
    # Every active card placed before this has been answered by the learner, so the search for
    # new cards starts here instead of walking past a year of answered ones. Raised as new cards
    # are answered; lowered when an import adds cards or an undo makes one new again.
    new_from = models.BigIntegerField(default=0)
    # The day of the learner's exam, if they have booked one: new cards are paced to be met a week
    # before it (review.pacing).
    exam_date = models.DateField(null=True, blank=True)
    # The study day the exam plan was last made (review.exam_plan), and how many cards it gave a
    # final review before the exam.
    planned_on = models.DateField(null=True, blank=True)
    # Reviews of cards in review a day at most while the exam is ahead; empty: the busiest day
    # plain FSRS would give the learner (review.exam_plan).
    review_budget = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(9999)])
    planned_budget = models.PositiveSmallIntegerField(default=0)
    planned_finals = models.PositiveIntegerField(default=0)
    # FSRS's parameters fitted to this learner's answers (review.optimizer); empty: the defaults.
    parameters = models.JSONField(default=list, blank=True)
    # Those in use before the last fit was applied, to go back to.
    previous_parameters = models.JSONField(default=list, blank=True)
    exams = models.ManyToManyField(Exam, blank=True, related_name="+")
    domains = models.ManyToManyField(Domain, blank=True, related_name="+")
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    # Not stored: whether any exam, domain or service is chosen, read with today's tally
    # (review.queue.tally) so that the queue's statements can leave the scope out when none is.
    # Until then it is taken to be so, which every statement handles.
    scoped = True

    objects = StudySettingsManager()

    class Meta:
        verbose_name_plural = "study settings"

    def __str__(self):
        return f"Study settings of {self.user}"

    def exam_ahead(self, today: date) -> bool:
        """Whether the learner has an exam date still to come: they are studying for it."""
        return self.exam_date is not None and self.exam_date > today

    def preferences(self, fuzz: bool = True, today: date | None = None) -> scheduler.Preferences:
        """The scheduler's options. While an exam date is ahead of `today`, reviews are spaced at
        the exam planner's base retention; its final reviews bring recall up for the day
        (review.exam_plan)."""
        exam_ahead = today is not None and self.exam_ahead(today)
        return scheduler.Preferences(
            desired_retention=PLAN_BASE_RETENTION if exam_ahead else self.desired_retention,
            learning_steps=tuple(timedelta(seconds=s) for s in self.learning_steps),
            relearning_steps=tuple(timedelta(seconds=s) for s in self.relearning_steps),
            fuzz=fuzz,
            parameters=tuple(self.parameters),
        )

    def memory_model(self) -> Model:
        """FSRS-6 with this learner's fitted parameters, else the defaults: the forgetting curve
        that recall now, readiness and the exam plan predict with."""
        return _model_for(tuple(self.parameters)) if self.parameters else DEFAULT_MODEL


@lru_cache(maxsize=256)
def _model_for(parameters: tuple) -> Model:
    # One Model per set of parameters: the planner caches its figures by the model's identity.
    return Model(parameters)


class ReviewStateQuerySet(models.QuerySet):
    def to_show(self):
        """With its card, and what the card page shows of the card's note and table."""
        return self.select_related("card__source", "card__table")


class ReviewState(models.Model):
    """One learner's schedule for one card. A card with no row is new to that learner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_states")
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="states")
    phase = models.PositiveSmallIntegerField(choices=[(p.value, p.name.title()) for p in Phase], default=Phase.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    # On a card still new, when the learner missed it in a mock exam: it comes first of the new cards.
    due = models.DateTimeField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    leech = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    # Bumped by every change, so that a form rendered before it (a double click, a second tab)
    # can be recognised as stale and refused.
    version = models.PositiveIntegerField(default=0)

    SNAPSHOT_FIELDS = ["phase", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
                       "suspended", "leech", "buried_until"]

    objects = ReviewStateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_user_card")]
        # The queue reads a learner's schedules by phase and due time, and checks burying,
        # suspension and the card on each of them: all in the index, so the day's thousands of due
        # rows are counted without reading the table.
        indexes = [models.Index(fields=["user", "phase", "due", "suspended", "buried_until", "card"],
                                name="review_state_queue")]

    def __str__(self):
        return f"{self.user} · {self.card_id} · {Phase(self.phase).name.lower()}"

    @property
    def memory(self) -> Memory:
        return Memory(
            phase=Phase(self.phase), step=self.step, stability=self.stability, difficulty=self.difficulty,
            due=self.due, last_review=self.last_review, reps=self.reps, lapses=self.lapses,
        )

    def remember(self, memory: Memory):
        self.phase, self.step = int(memory.phase), memory.step
        self.stability, self.difficulty = memory.stability, memory.difficulty
        self.due, self.last_review = memory.due, memory.last_review
        self.reps, self.lapses = memory.reps, memory.lapses

    def snapshot(self) -> dict:
        return {name: _jsonable(getattr(self, name)) for name in self.SNAPSHOT_FIELDS}

    def restore(self, snapshot: dict):
        for name in self.SNAPSHOT_FIELDS:
            value = snapshot[name]
            if name in {"due", "last_review", "buried_until"} and value is not None:
                value = datetime.fromisoformat(value)
            setattr(self, name, value)


class AppendOnlyError(Exception):
    pass


class ReviewLogQuerySet(models.QuerySet):
    def days_studied(self, user_id: int) -> list[date]:
        """The learner's study days, newest first, in one query that costs one index seek per day.

        A plain DISTINCT reads every entry of the learner's history (a million for a year of heavy
        use); this walks the (user, day) index from one day to the one before it instead. The ORM
        has no recursive query, so it is written by hand, for the dashboard's budget
        (studyapp/bench/targets.py).
        """
        ops = connection.ops
        table, user, day = (ops.quote_name(name) for name in (self.model._meta.db_table, "user_id", "day"))
        sql = (
            f"WITH RECURSIVE studied(day) AS ("
            f" SELECT MAX({day}) FROM {table} WHERE {user} = %s"
            f" UNION ALL SELECT (SELECT MAX({day}) FROM {table} WHERE {user} = %s AND {day} < studied.day)"
            f" FROM studied WHERE studied.day IS NOT NULL)"
            f" SELECT day FROM studied WHERE day IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id, user_id])
            return [value if isinstance(value, date) else date.fromisoformat(value) for (value,) in cursor.fetchall()]

    def exported(self):
        """Each entry, oldest first, as a dict of ReviewLog.EXPORT_COLUMNS holding plain values. One query,
        read in chunks, so that a year of reviews is never in memory at once."""
        rows = self.order_by("reviewed_at", "pk").values_list(
            "card__key", "card__front", "card__answer", "reviewed_at", "day", "rating", "duration_ms", "mode",
            "phase_before", "state_before",
        ).iterator(chunk_size=500)
        for key, front, answer, reviewed_at, day, rating, duration_ms, mode, phase_before, state_before in rows:
            yield {
                "card_key": key, "card_front": front, "card_answer": answer,
                "reviewed_at": reviewed_at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"),
                "day": day.isoformat(), "rating": rating, "rating_name": scheduler.Rating(rating).name.title(),
                "duration_ms": duration_ms, "mode": mode,
                "phase_before": phase_before, "phase_before_name": Phase(phase_before).name.title(),
                "state_before": state_before,
            }


class ReviewLog(models.Model):
    """One answer, as it was given. Rows are added, and removed only by undo; never changed."""

    class Mode(models.TextChoices):
        FLASHCARD = "flashcard"
        CHOICE = "choice", "Multiple choice"
        EXAM = "exam", "Mock exam"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs")
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="logs")
    rating = models.PositiveSmallIntegerField(choices=[(r.value, r.name.title()) for r in scheduler.Rating])
    reviewed_at = models.DateTimeField()
    day = models.DateField(help_text="The learner's study day, in their time zone")
    duration_ms = models.PositiveIntegerField(help_text="From showing the card to the answer, capped at a minute")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FLASHCARD)
    phase_before = models.PositiveSmallIntegerField(choices=ReviewState._meta.get_field("phase").choices)
    state_before = models.JSONField(help_text="The card's schedule before this answer, for undo")

    objects = ReviewLogQuerySet.as_manager()

    # What a learner's download holds: enough to rebuild the schedule elsewhere (which card,
    # when in UTC, the rating as number and name), and the schedule each answer started from.
    EXPORT_COLUMNS = ["card_key", "card_front", "card_answer", "reviewed_at", "day", "rating", "rating_name",
                      "duration_ms", "mode", "phase_before", "phase_before_name", "state_before"]

    class Meta:
        # Today's tally counts the learner's answers of the day by mode and phase: all in the
        # index, so a heavy day's thousand answers are counted without reading the table.
        indexes = [models.Index(fields=["user", "day", "mode", "phase_before"], name="review_log_day"),
                   models.Index(fields=["user", "-id"]),
                   # The readiness forecast reads a learner's mock exam answers: a few hundred among
                   # a year's million answers, which this index alone holds.
                   models.Index(fields=["user", "-id"], condition=models.Q(mode="exam"), name="review_log_exam")]

    def __str__(self):
        return f"{self.user} rated {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("review log entries are never changed")
        super().save(*args, **kwargs)


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else value


class ParameterFit(models.Model):
    """One fit of FSRS's parameters to a learner's answers, run in a process of its own."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    reviews = models.PositiveIntegerField(default=0)
    current_parameters = models.JSONField(default=list, blank=True)
    fitted_parameters = models.JSONField(default=list, blank=True)
    current_log_loss = models.FloatField(null=True, blank=True)
    current_rmse = models.FloatField(null=True, blank=True)
    fitted_log_loss = models.FloatField(null=True, blank=True)
    fitted_rmse = models.FloatField(null=True, blank=True)
    applied = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Of the process fitting")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Fit {self.pk} for {self.user} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status != self.Status.RUNNING


class ReviewDayQuerySet(models.QuerySet):
    def bring_up_to(self, user, today: date, scope):
        """Total each study day before `today` that has no row yet for the statistics' `scope`
        (review.scopes), from the review log: a day's answers no longer change once it is over
        (undo takes back only today's), so each is totalled once, and the statistics read a row a
        day however long the history. A scope's days are totalled the first time it is looked at,
        over the cards in it then."""
        last = self.filter(user=user, scope=scope.key).aggregate(last=models.Max("day"))["last"]
        logs = scope.on(ReviewLog.objects.filter(user=user, day__lt=today))
        if last is not None:
            logs = logs.filter(day__gt=last)
        # Two of the learner's pages at once may total the same days: the second's rows are the same.
        self.bulk_create([ReviewDay(user=user, scope=scope.key, **totals) for totals in day_totals(logs)],
                         ignore_conflicts=True)


def day_totals(logs) -> list[dict]:
    """ReviewDay's fields for each day the logs cover, in one grouped query."""
    stability = Cast(KT("state_before__stability"), models.FloatField())
    in_review = models.Q(phase_before=Phase.REVIEW) & ~models.Q(mode=ReviewLog.Mode.EXAM)
    mature = in_review & models.Q(stability__gte=MATURE_DAYS)
    young = in_review & ~models.Q(stability__gte=MATURE_DAYS)
    passed, failed = models.Q(rating__gt=1), models.Q(rating=1)
    learning = models.Q(phase_before__in=[Phase.NEW, Phase.LEARNING])
    return list(logs.annotate(stability=stability).values("day").order_by("day").annotate(
        learning=models.Count("pk", filter=learning),
        review=models.Count("pk", filter=models.Q(phase_before=Phase.REVIEW)),
        relearning=models.Count("pk", filter=models.Q(phase_before=Phase.RELEARNING)),
        learning_ms=Coalesce(models.Sum("duration_ms", filter=learning), 0),
        review_ms=Coalesce(models.Sum("duration_ms", filter=models.Q(phase_before=Phase.REVIEW)), 0),
        relearning_ms=Coalesce(models.Sum("duration_ms", filter=models.Q(phase_before=Phase.RELEARNING)), 0),
        young_passed=models.Count("pk", filter=young & passed),
        young_failed=models.Count("pk", filter=young & failed),
        mature_passed=models.Count("pk", filter=mature & passed),
        mature_failed=models.Count("pk", filter=mature & failed),
    ))


# As in Anki: a card is mature once it is remembered for three weeks (here its stability, which
# is its interval at a desired retention of 0.90).
MATURE_DAYS = 21


class ReviewDay(models.Model):
    """One learner's answers on one past study day, totalled for the statistics page: over every
    card, or over the cards of one exam, domain or task statement (`scope`, a review.scopes key)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=60, blank=True, default="")
    day = models.DateField()
    learning = models.PositiveIntegerField(default=0)  # answers on new and learning cards
    review = models.PositiveIntegerField(default=0)
    relearning = models.PositiveIntegerField(default=0)
    learning_ms = models.BigIntegerField(default=0)
    review_ms = models.BigIntegerField(default=0)
    relearning_ms = models.BigIntegerField(default=0)
    # Answers on cards in review, outside mock exams: Anki's "true retention".
    young_passed = models.PositiveIntegerField(default=0)
    young_failed = models.PositiveIntegerField(default=0)
    mature_passed = models.PositiveIntegerField(default=0)
    mature_failed = models.PositiveIntegerField(default=0)

    objects = ReviewDayQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "day"],
                                               name="one_review_day_per_learner_scope_and_day")]

    def __str__(self):
        return f"{self.user} on {self.day}"

    @property
    def answers(self) -> int:
        return self.learning + self.review + self.relearning

    @property
    def minutes(self) -> float:
        return (self.learning_ms + self.review_ms + self.relearning_ms) / 60_000
