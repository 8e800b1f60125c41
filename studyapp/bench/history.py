"""A year of daily reviews for one learner, written straight into the tables.

Going through the scheduler a million times would take the better part of an hour; the
benchmark needs the shape of the data (how many rows, how the dates fall, how many cards are due),
not each interval to be exact, so the rows are drawn from a seeded random generator and inserted
in bulk.
"""

import json
import random
from datetime import datetime, timedelta

from django.db import connection, transaction

from studyapp.review.models import Card, ReviewLog, ReviewState, StudySettings
from studyapp.review.scheduler import Phase, Rating
from studyapp.review.floors import raise_new_from

BATCH = 20_000


def _insert(model, columns: list[str], rows):
    """executemany in batches: an order of magnitude quicker than bulk_create for a million rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def _stamp(moment: datetime):
    """How the backend stores a datetime, as the ORM would write it."""
    return connection.ops.adapt_datetimefield_value(moment)


def synthesise(user, now: datetime, logs: int = 1_000_000, days: int = 365, due_now: int | None = None,
               seed: int = 0) -> dict:
    """Review states and `logs` log entries over `days` days; `due_now` cards are due at `now`.

    By default a day's worth of reviews is due, as for a learner who keeps up: 2,740 for a
    million reviews in a year.

    Nine cards in ten have been seen; each seen card's answers are spread between its first
    review and its last one, and its next review falls after the last by its stability.
    """
    rng = random.Random(seed)
    due_now = due_now if due_now is not None else -(-logs // days)
    cards = list(Card.objects.active().order_by("position").values_list("pk", flat=True))
    seen = cards[: len(cards) * 9 // 10]
    per_card, extra = divmod(logs, max(len(seen), 1))
    start = now - timedelta(days=days)
    states, entries = [], []
    for index, card in enumerate(seen):
        count = per_card + (index < extra)
        first = start + timedelta(seconds=rng.uniform(0, days * 86400 * 0.8))
        last = first + (now - first) * rng.uniform(0.5, 0.999)
        stability = rng.uniform(1, 400)
        due = now - timedelta(minutes=rng.uniform(1, 600)) if index < due_now else \
            max(last + timedelta(days=stability), now + timedelta(hours=rng.uniform(1, 24 * 365)))
        lapses = rng.choices([0, 1, 2, 3], weights=[70, 20, 7, 3])[0]
        states.append((user.pk, card, int(Phase.REVIEW), None, stability, rng.uniform(1, 10), _stamp(due),
                       _stamp(last), count, lapses, False, False, None, count))
        for n in range(count):
            moment = first + (last - first) * (n / max(count - 1, 1))
            entries.append((user.pk, card, rng.choices(list(Rating), weights=[8, 10, 70, 12])[0].value,
                            _stamp(moment), moment.date().isoformat(), rng.randrange(2_000, 25_000), "flashcard",
                            int(Phase.REVIEW if n else Phase.NEW), json.dumps({"phase": int(Phase.REVIEW)})))
    with transaction.atomic():
        _insert(ReviewState, ["user_id", "card_id", "phase", "step", "stability", "difficulty", "due",
                              "last_review", "reps", "lapses", "suspended", "leech", "buried_until", "version"],
                states)
        entries.sort(key=lambda row: row[3])  # ids rise with time, as they would have
        _insert(ReviewLog, ["user_id", "card_id", "rating", "reviewed_at", "day", "duration_ms", "mode",
                            "phase_before", "state_before"], entries)
        # As answering those cards through the app would have done.
        raise_new_from(user, StudySettings.objects.for_user(user))
    return {"cards": len(cards), "states": len(states), "logs": len(entries), "due_now": min(due_now, len(seen))}
