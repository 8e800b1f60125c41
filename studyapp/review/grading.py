"""What an answer does to the schedule: grade, bury or suspend, undo."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from . import scheduler
from .daily import Sitting, is_due, tally_for
from .days import study_day
from .floors import lower_new_from, raise_new_from
from .models import Card, ReviewLog, ReviewState, StudySettings
from .scheduler import Phase, Rating
from .tickets import StaleTicket, card_for_ticket, read_ticket

# Anki's cap on the time an answer is said to take: longer means the learner stepped away.
ANSWER_CAP_MS = 60_000


@dataclass(frozen=True)
class Graded:
    card: Card
    state: ReviewState
    log: ReviewLog
    became_leech: bool


def answer(user, sitting: Sitting, ticket_value: str, rating: Rating,
           mode: str = ReviewLog.Mode.FLASHCARD) -> Graded:
    """Grade the card a ticket names, once: a second submission of the same ticket is stale."""
    ticket = read_ticket(ticket_value)
    with transaction.atomic(savepoint=False):
        card, state = card_for_ticket(user, ticket)
        if not is_due(sitting, card, state):
            raise StaleTicket("That card is not due now.")
        state = state or ReviewState(user=user, card=card)
        before, phase_before = state.snapshot(), Phase(state.phase)
        became_leech = apply_answer(state, rating, sitting.now, sitting.study)
        if state.pk is not None:
            state.save(update_fields=[*ReviewState.SNAPSHOT_FIELDS, "version"])
        else:
            try:
                state.save()
            except IntegrityError as exc:
                # Another request created this card's schedule first (PostgreSQL does not lock a
                # row that does not exist yet): this answer is the second of two.
                raise StaleTicket("That card was already answered, in this tab or another.") from exc
        shown = datetime.fromtimestamp(ticket["shown"], tz=sitting.now.tzinfo)
        duration = int((sitting.now - shown).total_seconds() * 1000)
        log = ReviewLog.objects.create(
            user=user, card=card, rating=int(rating), reviewed_at=sitting.now, day=sitting.day.date,
            duration_ms=min(max(duration, 0), ANSWER_CAP_MS), phase_before=phase_before, state_before=before,
            mode=mode,
        )
        if phase_before == Phase.NEW:
            raise_new_from(user, sitting.study)
    sitting.tally = sitting.tally.after(phase_before)
    sitting.answered = state.pk
    return Graded(card, state, log, became_leech)


def apply_answer(state: ReviewState, rating: Rating, now: datetime, study: StudySettings) -> bool:
    """Schedule one answer on a card's state (unsaved); True when it made the card a leech."""
    today = study_day(now, study.time_zone).date
    outcome = scheduler.grade(state.memory, rating, now, study.preferences(fuzz=settings.REVIEW_FUZZ, today=today))
    state.remember(outcome.memory)
    if outcome.became_leech:
        state.suspended = state.leech = True
    state.version += 1
    return outcome.became_leech


def set_aside(user, sitting: Sitting, ticket_value: str, how: str) -> Card:
    """Bury the card until the next study day, or suspend it until the learner says otherwise."""
    ticket = read_ticket(ticket_value)
    with transaction.atomic(savepoint=False):
        card, state = card_for_ticket(user, ticket)
        state = state or ReviewState(user=user, card=card)
        if how == "bury":
            state.buried_until = sitting.day.end
        else:
            state.suspended = True
        state.version += 1
        state.save()
    return card


def undo(user, sitting: Sitting) -> tuple[Card, ReviewState] | None:
    """Take back today's last answer: the card's exact previous schedule, and no log entry."""
    with transaction.atomic(savepoint=False):
        log = (ReviewLog.objects.filter(user=user, day=sitting.day.date).exclude(mode=ReviewLog.Mode.EXAM)
               .select_related("card__source", "card__table").order_by("-id").first())
        if log is None:
            return None
        state = ReviewState.objects.select_for_update().get(user=user, card=log.card)
        state.restore(log.state_before)
        state.version += 1
        state.save()
        log.delete()
        if state.phase == Phase.NEW:
            lower_new_from(log.card.position, user)
            sitting.study.new_from = min(sitting.study.new_from, log.card.position)
    sitting.tally = tally_for(sitting.study, sitting.day)
    return log.card, state
