from django.conf import settings
from django.db import models
from django.urls import reverse

from studyapp.notes.models import Domain, Exam


class BankQuestion(models.Model):
    """A question built at import time from the notes; attempts copy what they show."""

    class Kind(models.TextChoices):
        SINGLE = "single", "One answer"
        MULTIPLE = "multiple", "Choose two"
        SCENARIO = "scenario", "Scenario"

    key = models.CharField(max_length=200, unique=True)
    # Looked up by the (exam, domain, retired_at) index below; an index of its own would only
    # cost every import a hundred thousand more index writes.
    exam = models.ForeignKey(Exam, null=True, on_delete=models.SET_NULL, related_name="questions", db_index=False)
    domain = models.ForeignKey(Domain, null=True, on_delete=models.SET_NULL, related_name="questions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    stem = models.TextField()
    context = models.CharField(max_length=300, blank=True)
    options = models.JSONField(help_text="[{text, correct, explanation}]")
    # How many options are right, from `options`: a mock exam draws a share of "choose two"
    # questions without reading every question's options.
    choose = models.PositiveSmallIntegerField(default=1)
    card_keys = models.JSONField(default=list, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["exam", "domain", "retired_at"]),
            # A mock exam reads the scenario items whole: hundreds among a bank of up to a hundred
            # thousand generated questions. This index holds them alone, at no cost to the others'
            # writes; the draw picks the exam's and domains' among them (exams.drawing).
            models.Index(fields=["retired_at"], condition=models.Q(kind="scenario"), name="exams_bank_scenarios"),
        ]

    def __str__(self):
        return self.stem[:80]


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def open_at(self, now):
        """Attempts still taking answers: not finished, and within their time."""
        return self.filter(finished_at__isnull=True, deadline__gt=now)


class Attempt(models.Model):
    """One sitting of a mock exam. The server's deadline is the only clock."""

    class Preset(models.TextChoices):
        FULL = "full", "Full exam"
        HALF = "half", "Half exam"
        QUICK = "quick", "Quick quiz"
        DRILL = "drill", "Recall drill"
        CUSTOM = "custom", "Custom"
        RETAKE = "retake", "Retake of missed questions"
        SERVICE = "service", "Quiz on a service"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    preset = models.CharField(max_length=10, choices=Preset.choices)
    seed = models.BigIntegerField()
    minutes = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(default=0)
    scaled_score = models.PositiveSmallIntegerField(null=True, blank=True)
    retake_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retakes")
    # Review mode: untimed, and each question's answer and every option's reason shown as soon as
    # it is answered. Its scores are kept apart from timed ones.
    review = models.BooleanField(default=False)
    # The share of questions the learner was expected to get right, forecast as the attempt was
    # finished from their cards' recall then (review.readiness): beside the actual score, the
    # forecast's calibration made visible.
    forecast = models.FloatField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "-started_at"])]

    def __str__(self):
        return f"{self.user} · {self.label} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return f"{self.get_preset_display()}, review mode" if self.review else self.get_preset_display()

    def get_absolute_url(self):
        return reverse("exams:question", args=[self.pk, 1])

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def open_at(self, now) -> bool:
        return self.finished_at is None and now < self.deadline

    def seconds_left(self, now) -> int:
        return max(int((self.deadline - now).total_seconds()), 0)

    @property
    def percent(self) -> int:
        return round(100 * (self.correct or 0) / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.scaled_score is not None and self.scaled_score >= (self.exam.passing_score or 720)


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    # The attempt's learner, again: a new exam looks up the questions it samples among this
    # learner's earlier ones, which takes an index that starts with the learner.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    position = models.PositiveSmallIntegerField()
    bank_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=BankQuestion.Kind.choices)
    stem = models.TextField()
    context = models.CharField(max_length=300, blank=True)
    options = models.JSONField(help_text="[{text, correct, explanation}], in the order shown")
    card_keys = models.JSONField(default=list, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    domain = models.ForeignKey(Domain, null=True, on_delete=models.SET_NULL, related_name="+")
    # How many options are right, from `options` when the question is drawn: the exam's progress
    # panel tells answered questions from the rest without reading every question's options.
    choose = models.PositiveSmallIntegerField(default=1)
    chosen = models.JSONField(default=list, blank=True, help_text="Indices of the options chosen")
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    # First shown to the learner: with `answered_at`, the time a question took.
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="one_question_per_position")]
        # A new exam puts the questions of the learner's recent attempts last: each question it
        # samples is looked up here, a probe that costs the same however many exams came before.
        indexes = [models.Index(fields=["user", "bank_key", "attempt"], name="exams_question_seen_by_user")]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @property
    def right(self) -> list[int]:
        return [i for i, option in enumerate(self.options) if option["correct"]]

    @property
    def is_correct(self) -> bool:
        return sorted(self.chosen) == self.right

    @property
    def answered(self) -> bool:
        return answered(self.chosen, self.choose)

    @property
    def seconds_taken(self) -> int | None:
        """From first showing the question to its last answer; None where either is unknown
        (questions shown before this was recorded, or never answered)."""
        if self.shown_at is None or self.answered_at is None:
            return None
        return max(int((self.answered_at - self.shown_at).total_seconds()), 0)

    @property
    def time_taken(self) -> str:
        """`seconds_taken` as minutes and seconds ("1:05"), or "" where it is unknown."""
        seconds = self.seconds_taken
        return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02}"


def answered(chosen: list[int], choose: int) -> bool:
    return len(chosen) == choose
