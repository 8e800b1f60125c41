"""Mock exams: drawing the questions, holding the clock, scoring, and feeding the schedule."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q

from studyapp.notes.bulk import insert_rows
from studyapp.notes.models import Domain, Exam
from studyapp.prepared import raw_rows
from studyapp.review.models import Card, ReviewState
from studyapp.review.session import record_exam_answers

from .models import Attempt, AttemptQuestion, BankQuestion
from .questions import domain_shares

# Questions seen in an attempt this recently are drawn only when nothing fresher is left.
RECENT = timedelta(days=14)
# The draw samples this many questions of the bank for each one it needs.
SAMPLE = 8
WEAK_SAMPLE = 2
PASS_FRACTION = 0.70  # the share of right answers this estimate puts at the 720 pass line


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    fraction: float  # of the exam's questions and minutes

    def size(self, exam: Exam) -> tuple[int, int]:
        count = exam.question_count or 65
        minutes = exam.minutes or 130
        if self.name == "quick":
            return 10, max(round(minutes * 10 / count), 5)
        return max(round(count * self.fraction), 1), max(round(minutes * self.fraction), 1)


PRESETS = {
    "full": Preset("full", "Full exam", 1.0),
    "half": Preset("half", "Half exam", 0.5),
    "quick": Preset("quick", "Quick quiz", 0.0),
}


class ExamClosed(Exception):
    """The attempt is finished, or its time is up: answers are no longer taken."""


def start(user, exam: Exam, preset: str, now: datetime, count: int, minutes: int,
          domains: list[Domain] | None = None, seed: int | None = None, only_keys: list[str] | None = None,
          retake_of: Attempt | None = None) -> Attempt:
    seed = seed if seed is not None else random.SystemRandom().randrange(2**62)
    keys = only_keys or draw(user, exam, count, domains or list(exam.domains.all()), now, seed)
    bank = {q.key: q for q in BankQuestion.objects.filter(key__in=keys)}
    rng = random.Random(seed)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user, exam=exam, preset=preset, seed=seed, minutes=minutes, started_at=now,
            deadline=now + timedelta(minutes=minutes), total=len(keys), retake_of=retake_of,
        )
        rows = []
        for position, key in enumerate(keys, start=1):
            question = bank[key]
            options = list(question.options)
            rng.shuffle(options)  # a fresh order each attempt, so positions are not learnt by heart
            rows.append((attempt.pk, user.pk, position, key, question.kind, question.stem, question.context, options,
                         sum(o["correct"] for o in options), question.card_keys, question.source_url,
                         question.domain_id, [], False))
        # Plain values, not 65 model instances: the ORM's per-field work cost more than the insert.
        insert_rows(AttemptQuestion, QUESTION_COLUMNS, rows)
    return attempt


QUESTION_COLUMNS = ["attempt_id", "user_id", "position", "bank_key", "kind", "stem", "context", "options", "choose",
                    "card_keys", "source_url", "domain_id", "chosen", "flagged"]


def draw(user, exam: Exam, count: int, domains: list[Domain], now: datetime, seed: int) -> list[str]:
    """Question keys by domain weight: weak cards first, then questions not seen lately, shuffled by seed.

    A bank can hold a hundred thousand questions, so the draw never reads them all: it reads the
    learner's weakest cards' questions, and a seeded random sample of the bank several times the
    size of the exam, which leaves enough to skip the questions seen in the last two weeks.
    """
    rng = random.Random(seed)
    shares = domain_shares(count, {d.pk: float(d.weight) for d in domains})
    # Weak cards from a seeded point of the learner's (user, card) index on: a window read in
    # index order, not a sort of every weak card.
    start = rng.randint(0, Card.objects.aggregate(last=Max("pk"))["last"] or 0)
    # Only cards of this exam's chosen domains that are still in use: with the others left out
    # here, and weak questions not skipped for being recent, a window of a few more than the exam
    # needs is enough.
    in_domains = Card.domains.through.objects.filter(card_id=OuterRef("card_id"), domain_id__in=list(shares))
    weak_states = (ReviewState.objects.filter(user=user).filter(Q(lapses__gt=0) | Q(difficulty__gte=7))
                   .filter(card__exam=exam, card__retired_at__isnull=True).filter(Exists(in_domains))
                   .order_by("card_id"))
    # The bank is searched by key or primary key alone, through their indexes, and the rest is
    # checked here: given the exam and domains as well, SQLite would scan the exam's index instead.
    # Whether the learner saw a question lately is a probe of their own attempts' questions, the
    # same few hundred probes however many exams came before.
    seen_lately = Exists(AttemptQuestion.objects.filter(
        user=user, bank_key=OuterRef("key"), attempt__started_at__gte=now - RECENT))

    def usable(rows) -> list[tuple[str, int, bool]]:
        return [(key, domain_id, bool(seen)) for key, domain_id, exam_id, retired_at, seen in raw_rows(
            rows.annotate(seen=seen_lately).values_list("key", "domain_id", "exam_id", "retired_at", "seen"))
            if exam_id == exam.pk and domain_id in shares and retired_at is None]

    window = count * WEAK_SAMPLE
    weak = usable(BankQuestion.objects.filter(key__in=weak_states.filter(card_id__gte=start).values("card__key")[:window]))
    if len(weak) < window:  # wrapping round
        weak += usable(BankQuestion.objects.filter(
            key__in=weak_states.filter(card_id__lt=start).values("card__key")[:window]))
    ids = BankQuestion.objects.order_by("pk").values_list("pk", flat=True)
    low, high = ids.first(), ids.last()
    sample = []
    if low is not None:
        wanted = count * SAMPLE
        picks = range(low, high + 1) if high - low < wanted else {rng.randint(low, high) for _ in range(wanted)}
        sample = usable(BankQuestion.objects.filter(pk__in=picks))
    rng.shuffle(weak)
    rng.shuffle(sample)
    drawn_weak = {key for key, _, _ in weak}
    # Weak cards first, seen lately or not; then the sample, the questions not seen lately first.
    ranked = [(key, domain_id) for key, domain_id, _ in weak] + [
        (key, domain_id) for key, domain_id, _ in sorted(
            (item for item in sample if item[0] not in drawn_weak), key=lambda item: item[2])]
    by_domain: dict[int, dict[str, None]] = {}
    for key, domain_id in ranked:
        by_domain.setdefault(domain_id, {})[key] = None  # an ordered set
    short = [domain_id for domain_id, share in shares.items() if len(by_domain.get(domain_id, {})) < share]
    if short:
        # The sample missed a domain (a small bank, or an exam of few domains): read that domain whole.
        rest = list(BankQuestion.objects.filter(exam=exam, domain_id__in=short, retired_at__isnull=True)
                    .order_by("pk").values_list("key", "domain_id"))
        rng.shuffle(rest)
        for key, domain_id in rest:
            by_domain.setdefault(domain_id, {}).setdefault(key, None)
    chosen = []
    for domain_id, share in shares.items():
        chosen.extend(list(by_domain.get(domain_id, {}))[:share])
    if len(chosen) < count:  # a domain ran short: fill from the others, best ranked first
        taken = set(chosen)
        rest = [key for key, _ in ranked if key not in taken]
        chosen.extend(list(dict.fromkeys(rest))[:count - len(chosen)])
    rng.shuffle(chosen)
    return chosen


def answer(attempt: Attempt, question: AttemptQuestion, chosen: list[int], now: datetime):
    """Save the options chosen, as they are clicked; a one-answer question keeps the last."""
    if not attempt.open_at(now):
        raise ExamClosed
    valid = sorted({i for i in chosen if 0 <= i < len(question.options)})
    question.chosen = valid[-1:] if question.choose == 1 else valid
    question.answered_at = now
    question.save(update_fields=["chosen", "answered_at"])


def flag(attempt: Attempt, question: AttemptQuestion, now: datetime):
    if not attempt.open_at(now):
        raise ExamClosed
    question.flagged = not question.flagged
    question.save(update_fields=["flagged"])


def finish(attempt: Attempt, now: datetime) -> Attempt:
    """Score the attempt as it stands (at most at its deadline) and count its answers as reviews."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.finished:
            return attempt
        questions = list(attempt.questions.all())
        attempt.finished_at = min(now, attempt.deadline)
        attempt.correct = sum(q.is_correct for q in questions)
        attempt.scaled_score = scaled_score(attempt.correct, attempt.total, attempt.exam)
        attempt.save(update_fields=["finished_at", "correct", "scaled_score"])
        answered = [q for q in questions if q.chosen]
        cards = {c.key: c for c in Card.objects.filter(key__in={k for q in answered for k in q.card_keys})}
        results = [(cards[k], q.is_correct) for q in answered for k in q.card_keys if k in cards]
        record_exam_answers(attempt.user, results, attempt.finished_at)
    return attempt


def finish_if_over(attempt: Attempt, now: datetime) -> Attempt:
    if not attempt.finished and now >= attempt.deadline:
        return finish(attempt, now)
    return attempt


def scaled_score(correct: int, total: int, exam: Exam) -> int:
    """An estimate on the exam's scale: AWS does not publish its scaling, so this puts 70% right
    at the pass line and runs straight from the bottom of the scale to the top through it."""
    low, high, passing = exam.score_min or 100, exam.score_max or 1000, exam.passing_score or 720
    fraction = correct / total if total else 0
    if fraction <= PASS_FRACTION:
        return round(low + (passing - low) * fraction / PASS_FRACTION)
    return round(passing + (high - passing) * (fraction - PASS_FRACTION) / (1 - PASS_FRACTION))


def by_domain(attempt: Attempt, questions: list[AttemptQuestion]) -> list[dict]:
    rows: dict = {}
    for question in questions:
        row = rows.setdefault(question.domain_id, {"domain": question.domain, "right": 0, "total": 0})
        row["total"] += 1
        row["right"] += question.is_correct
    for row in rows.values():
        row["percent"] = round(100 * row["right"] / row["total"])
    return sorted(rows.values(), key=lambda r: (r["domain"] is None, r["domain"].number if r["domain"] else 0))
