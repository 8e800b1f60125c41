"""An attempt's life: started with its questions copied from the bank, answered and flagged
while its clock runs, finished and scored, its answers then counted as reviews."""

import random
from datetime import datetime, timedelta

from django.db import connection, transaction

from studyapp.notes.bulk import insert_rows
from studyapp.notes.models import Domain, Exam
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.exam_answers import record_exam_answers
from studyapp.review.readiness import mock_forecast

from .drawing import draw, placeholders, table_names
from .models import Attempt, AttemptQuestion, BankQuestion
from .scoring import scaled_score


class ExamClosed(Exception):
    """The attempt is finished, or its time is up: answers are no longer taken."""


class AnswerShown(Exception):
    """In review mode, a question's answer is shown once it is answered, so it is not changed after."""


def start(user, exam: Exam, preset: str, now: datetime, count: int, minutes: int,
          domains: list[Domain] | None = None, seed: int | None = None, only_keys: list[str] | None = None,
          retake_of: Attempt | None = None, review: bool = False) -> Attempt:
    seed = seed if seed is not None else random.SystemRandom().randrange(2**62)
    keys = only_keys if only_keys is not None else draw(user, exam, count, domains or list(exam.domains.active()),
                                                        now, seed)
    bank = _bank_questions(keys)
    rng = random.Random(seed)
    with transaction.atomic(savepoint=False):  # often inside the caller's, which rolls back as a whole
        attempt = Attempt.objects.create(
            user=user, exam=exam, preset=preset, seed=seed, minutes=minutes, started_at=now,
            deadline=now + (REVIEW_MODE_OPEN if review else timedelta(minutes=minutes)), total=len(keys),
            retake_of=retake_of, review=review,
        )
        rows = []
        for position, key in enumerate(keys, start=1):
            kind, stem, context, options, card_keys, source_url, domain_id = bank[key]
            options = list(options)  # the bank's own list, were a key drawn twice
            rng.shuffle(options)  # a fresh order each attempt, so positions are not learnt by heart
            rows.append((attempt.pk, user.pk, position, key, kind, stem, context, options,
                         sum(o["correct"] for o in options), card_keys, source_url, domain_id, [], False))
        # Plain values, not 65 model instances: the ORM's per-field work cost more than the insert.
        insert_rows(AttemptQuestion, QUESTION_COLUMNS, rows)
    return attempt


# A review-mode attempt has no clock, but is not left open for ever: after this long it is scored
# as it stands, and its answers count, as a timed attempt's do at its deadline.
REVIEW_MODE_OPEN = timedelta(days=7)

QUESTION_COLUMNS = ["attempt_id", "user_id", "position", "bank_key", "kind", "stem", "context", "options", "choose",
                    "card_keys", "source_url", "domain_id", "chosen", "flagged"]
# What an attempt copies of each question it draws, beside the key.
COPIED = ["kind", "stem", "context", "options", "card_keys", "source_url", "domain_id"]


def _bank_questions(keys: list[str]) -> dict[str, list]:
    """The drawn questions' copied fields by key, read as plain values (JSON decoded as the fields do):
    hand-written, as the draw is, to keep the budget of starting a full exam (studyapp/bench/targets.py)."""
    if not keys:
        return {}
    fields = [BankQuestion._meta.get_field(name) for name in COPIED]
    decoders = [getattr(f, "from_db_value", None) for f in fields]
    names = table_names(connection.vendor)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names['key']}, {columns} FROM {names['bank']} "
                       f"WHERE {names['key']} IN ({placeholders(len(keys))})", keys)
        return {key: [value if decode is None else decode(value, None, connection)
                      for value, decode in zip(values, decoders)] for key, *values in cursor.fetchall()}


def answer(attempt: Attempt, question: AttemptQuestion, chosen: list[int], now: datetime):
    """Save the options chosen, as they are clicked; a one-answer question keeps the last."""
    valid = sorted({i for i in chosen if 0 <= i < len(question.options)})
    with transaction.atomic():
        _hold_open(attempt, now)
        if attempt.review and question.answered:
            raise AnswerShown
        question.chosen = valid[-1:] if question.choose == 1 else valid
        question.answered_at = now
        question.save(update_fields=["chosen", "answered_at"])


def flag(attempt: Attempt, question: AttemptQuestion, now: datetime):
    with transaction.atomic():
        _hold_open(attempt, now)
        # Toggled from the value under the lock: two quick clicks flag and unflag.
        question.refresh_from_db(fields=["flagged"])
        question.flagged = not question.flagged
        question.save(update_fields=["flagged"])


def _hold_open(attempt: Attempt, now: datetime):
    """Lock the attempt and check, under the lock, that it still takes answers.

    Finishing takes the same lock before it scores, so an answer sent at the moment of "Finish"
    is either saved before the score is counted or refused; the attempt the request read earlier
    may already be out of date.
    """
    current = Attempt.objects.select_for_update().only("finished_at", "deadline").get(pk=attempt.pk)
    attempt.finished_at = current.finished_at
    if not current.open_at(now):
        raise ExamClosed


def finish(attempt: Attempt, now: datetime) -> Attempt:
    """Score the attempt as it stands (at most at its deadline) and count its answers as reviews."""
    with transaction.atomic():
        # The learner's settings row before the attempt's, in the order every start and every
        # answer to the schedule takes them: taken the other way round, two requests deadlock.
        study = StudySettings.objects.for_user(attempt.user, lock=True)
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("user", "exam").get(pk=attempt.pk)
        if attempt.finished:
            return attempt
        questions = list(attempt.questions.all())
        attempt.finished_at = min(now, attempt.deadline)
        attempt.correct = sum(q.is_correct for q in questions)
        attempt.scaled_score = scaled_score(attempt.correct, attempt.total, attempt.exam)
        cards = {c.key: c for c in Card.objects.filter(key__in={k for q in questions for k in q.card_keys})}
        attempt.forecast = mock_forecast(attempt.user, [[cards[k].pk for k in q.card_keys if k in cards]
                                                        for q in questions], attempt.finished_at,
                                       study.memory_model())
        attempt.save(update_fields=["finished_at", "correct", "scaled_score", "forecast"])
        answered = [q for q in questions if q.chosen]
        results = [(cards[k], q.is_correct) for q in answered for k in q.card_keys if k in cards]
        record_exam_answers(attempt.user, results, attempt.finished_at,
                            ReviewLog.Mode.CHOICE if attempt.review else ReviewLog.Mode.EXAM)
    return attempt


def finish_if_over(attempt: Attempt, now: datetime) -> Attempt:
    if not attempt.finished and now >= attempt.deadline:
        return finish(attempt, now)
    return attempt
