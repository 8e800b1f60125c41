"""The daily review: what is due, in which order, and what an answer does to the schedule.

Every function here runs a fixed number of queries, whatever the size of the collection.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from . import queue, scheduler
from .days import StudyDay, day_for, streak, study_day
from .models import Card, ReviewLog, ReviewState, StudySettings
from .scheduler import Phase, Rating

# As in Anki: when nothing else is left, learning cards due within this long are shown early.
LEARN_AHEAD = timedelta(minutes=20)
# Anki's cap on the time an answer is said to take: longer means the learner stepped away.
ANSWER_CAP_MS = 60_000
FORECAST_DAYS = 7
LEARNING_PHASES = (Phase.LEARNING, Phase.RELEARNING)
SCHEDULED = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING)


@dataclass(frozen=True)
class Tally:
    """What the learner has done today, against the daily limits."""

    new: int
    reviews: int
    answers: int

    def after(self, phase_before: Phase) -> "Tally":
        return Tally(self.new + (phase_before == Phase.NEW), self.reviews + (phase_before == Phase.REVIEW),
                     self.answers + 1)


@dataclass
class Session:
    study: StudySettings
    now: datetime
    day: StudyDay
    tally: Tally
    new_count: int = 0
    learning_count: int = 0
    review_count: int = 0
    card: Card | None = None
    state: ReviewState | None = None
    notice: str = ""
    intervals: list = field(default_factory=list)

    @property
    def new_left(self) -> int:
        return max(self.study.new_per_day - self.tally.new, 0)

    @property
    def reviews_left(self) -> int:
        return max(self.study.reviews_per_day - self.tally.reviews, 0)

    @property
    def ticket(self) -> str:
        return make_ticket(self.study.user_id, self.card.key, self.state.version if self.state else 0, self.now)


def start(user, now: datetime, study: StudySettings | None = None, lock: bool = False) -> Session:
    study = study or StudySettings.objects.for_user(user, lock=lock)
    day = study_day(now, study.time_zone)
    return Session(study, now, day, tally_for(user, day))


@contextmanager
def answering(user, now: datetime):
    """A session to answer, bury, suspend or undo in, all in one transaction.

    The learner's settings row is locked first, so one learner's answers are taken one at a time
    and each reads the day's tally as the one before left it. Without the lock, PostgreSQL would
    let two answers at once both take the last new card of the day (SQLite's IMMEDIATE
    transactions queue them anyway).
    """
    with transaction.atomic():
        yield start(user, now, lock=True)


def act(user, now: datetime, action):
    """Run `action(session)` on the learner's session in one transaction (see `answering`).

    Returns the session, what the action returned, and a notice: when the form was stale (answered
    in another tab, say), nothing is done and the session is the current one, read afresh.
    """
    try:
        with answering(user, now) as session:
            return session, action(session), ""
    except StaleTicket as stale:
        return start(user, now), None, f"{stale} Here is the current card."


def tally_for(user, day: StudyDay) -> Tally:
    return Tally(*queue.tally(user.pk, day.date))


def fill(session: Session, prefer: tuple[Card, ReviewState | None] | None = None) -> Session:
    """Counts and the current card: due learning cards, then due reviews, then new cards."""
    now = session.now
    due = queue.session_queue(session.study, now, now + LEARN_AHEAD, session.day.end, session.new_left)
    session.new_count = due.new
    session.review_count = min(due.review, session.reviews_left)
    # Learning cards not yet due are shown early only when nothing else is left, as in Anki.
    nothing_else = not (due.learning or session.review_count or session.new_count)
    session.learning_count = due.learning_soon if nothing_else else due.learning

    if prefer and is_due(session, *prefer):
        session.card, session.state = prefer
    elif (head := _head(due, session.reviews_left)) and (state := ReviewState.objects.to_show().filter(pk=head).first()):
        session.card, session.state = state.card, state
    elif due.new and due.first_new:
        session.card = Card.objects.to_show().filter(pk=due.first_new).first()
        # A card can be new and have a schedule row: an undone first answer, a burial that ended,
        # an unsuspension. Its ticket must carry that row's version, or no answer to it is taken.
        session.state = ReviewState.objects.filter(user_id=session.study.user_id, card=session.card).first()
    if session.card:
        memory = session.state.memory if session.state else scheduler.Memory()
        previews = scheduler.preview(memory, now, session.study.preferences())
        session.intervals = [(rating, scheduler.format_interval(previews[rating])) for rating in Rating]
    return session


def _head(due: queue.Queue, reviews_left: int) -> int | None:
    """The schedule to show before any new card: a learning card due now, else a review, else a
    learning card due soon, which waits for the new cards unless there are none."""
    if due.learning and due.learning_head:
        return due.learning_head
    if reviews_left and due.review_head:
        return due.review_head
    return due.learning_head if due.learning_head and not (due.new and due.first_new) else None


# Past the last position a card can have (positions are 32-bit): no new card is left.
PAST_EVERY_CARD = 2**32


def raise_new_from(user, study: StudySettings):
    """Move the learner's new-card floor past the answered cards at its front: two queries."""
    answered = ReviewState.objects.filter(user=user, card=OuterRef("pk")).exclude(phase=Phase.NEW)
    first_open = (Card.objects.active().filter(position__gte=study.new_from).exclude(Exists(answered))
                  .order_by("position").values_list("position", flat=True).first())
    study.new_from = PAST_EVERY_CARD if first_open is None else first_open
    StudySettings.objects.filter(pk=study.pk).update(new_from=study.new_from)


def lower_new_from(position: int, user=None):
    """A card at `position` may be new again (for one learner, or for all): search from there."""
    learners = StudySettings.objects.filter(new_from__gt=position)
    (learners.filter(user=user) if user is not None else learners).update(new_from=position)


def is_due(session: Session, card: Card, state: ReviewState | None) -> bool:
    """Whether the card may be answered now: the session's own rules, applied to one card."""
    if card.retired_at is not None:
        return False
    if state and (state.suspended or (state.buried_until and state.buried_until > session.now)):
        return False
    if state is None or state.phase == Phase.NEW:
        return session.new_left > 0
    if state.phase in LEARNING_PHASES:
        return state.due <= session.now + LEARN_AHEAD
    return state.due < session.day.end and session.reviews_left > 0


# Tickets: which card, at which version, shown when ------------------------------------------

TICKET_SALT = "review.ticket"


class StaleTicket(Exception):
    """The form was for a card that is no longer current: answered, buried or suspended since."""


def make_ticket(user_id: int, key: str, version: int, shown_at: datetime) -> str:
    """Signed, and naming the learner it was shown to: a form copied into another account is refused."""
    payload = {"user": user_id, "card": key, "version": version, "shown": shown_at.timestamp()}
    return signing.dumps(payload, salt=TICKET_SALT)


def read_ticket(value: str) -> dict:
    try:
        return signing.loads(value, salt=TICKET_SALT)
    except signing.BadSignature as exc:
        raise StaleTicket("That form could not be read.") from exc


def _card_for_ticket(user, ticket: dict) -> tuple[Card, ReviewState | None]:
    if ticket.get("user") != user.pk:
        raise StaleTicket("That form was shown to someone else.")
    # A card in the learner's schedule is read with its schedule, in one query; only a new one alone.
    state = (ReviewState.objects.select_for_update(of=("self",)).select_related("card")
             .filter(user=user, card__key=ticket["card"]).first())
    card = state.card if state else Card.objects.filter(key=ticket["card"]).first()
    if card is None:
        raise StaleTicket("That card no longer exists.")
    if (state.version if state else 0) != ticket["version"]:
        raise StaleTicket("That card was already answered, buried or suspended, in this tab or another.")
    return card, state


# Actions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Graded:
    card: Card
    state: ReviewState
    log: ReviewLog
    became_leech: bool


def answer(user, session: Session, ticket_value: str, rating: Rating,
           mode: str = ReviewLog.Mode.FLASHCARD) -> Graded:
    """Grade the card a ticket names, once: a second submission of the same ticket is stale."""
    ticket = read_ticket(ticket_value)
    with transaction.atomic(savepoint=False):
        card, state = _card_for_ticket(user, ticket)
        if not is_due(session, card, state):
            raise StaleTicket("That card is not due now.")
        state = state or ReviewState(user=user, card=card)
        before, phase_before = state.snapshot(), Phase(state.phase)
        became_leech = _apply(state, rating, session.now, session.study)
        if state.pk is not None:
            state.save(update_fields=[*ReviewState.SNAPSHOT_FIELDS, "version"])
        else:
            try:
                state.save()
            except IntegrityError as exc:
                # Another request created this card's schedule first (PostgreSQL does not lock a
                # row that does not exist yet): this answer is the second of two.
                raise StaleTicket("That card was already answered, in this tab or another.") from exc
        shown = datetime.fromtimestamp(ticket["shown"], tz=session.now.tzinfo)
        duration = int((session.now - shown).total_seconds() * 1000)
        log = ReviewLog.objects.create(
            user=user, card=card, rating=int(rating), reviewed_at=session.now, day=session.day.date,
            duration_ms=min(max(duration, 0), ANSWER_CAP_MS), phase_before=phase_before, state_before=before,
            mode=mode,
        )
        if phase_before == Phase.NEW:
            raise_new_from(user, session.study)
    session.tally = session.tally.after(phase_before)
    return Graded(card, state, log, became_leech)


def _apply(state: ReviewState, rating: Rating, now: datetime, study: StudySettings) -> bool:
    """Schedule one answer on a card's state (unsaved); True when it made the card a leech."""
    outcome = scheduler.grade(state.memory, rating, now, study.preferences(fuzz=settings.REVIEW_FUZZ))
    state.remember(outcome.memory)
    if outcome.became_leech:
        state.suspended = state.leech = True
    state.version += 1
    return outcome.became_leech


def record_exam_answers(user, results: list[tuple[Card, bool]], now: datetime) -> int:
    """Mock exam answers count as reviews, right as Good and wrong as Again, due or not:
    FSRS schedules an early review by how much the learner could have forgotten by then."""
    with transaction.atomic(savepoint=False):
        study = StudySettings.objects.for_user(user, lock=True)
        day = study_day(now, study.time_zone)
        states = {s.card_id: s for s in ReviewState.objects.select_for_update().filter(
            user=user, card__in=[card for card, _ in results])}
        logs = []
        for card, correct in results:
            state = states.setdefault(card.pk, ReviewState(user=user, card=card))
            before, phase_before = state.snapshot(), Phase(state.phase)
            rating = Rating.GOOD if correct else Rating.AGAIN
            _apply(state, rating, now, study)
            state.save()
            logs.append(ReviewLog(user=user, card=card, rating=int(rating), reviewed_at=now, day=day.date,
                                  duration_ms=0, mode=ReviewLog.Mode.EXAM, phase_before=phase_before,
                                  state_before=before))
        ReviewLog.objects.bulk_create(logs)
    return len(logs)


def set_aside(user, session: Session, ticket_value: str, how: str) -> Card:
    """Bury the card until the next study day, or suspend it until the learner says otherwise."""
    ticket = read_ticket(ticket_value)
    with transaction.atomic(savepoint=False):
        card, state = _card_for_ticket(user, ticket)
        state = state or ReviewState(user=user, card=card)
        if how == "bury":
            state.buried_until = session.day.end
        else:
            state.suspended = True
        state.version += 1
        state.save()
    return card


def undo(user, session: Session) -> tuple[Card, ReviewState] | None:
    """Take back today's last answer: the card's exact previous schedule, and no log entry."""
    with transaction.atomic(savepoint=False):
        log = (ReviewLog.objects.filter(user=user, day=session.day.date).exclude(mode=ReviewLog.Mode.EXAM)
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
            session.study.new_from = min(session.study.new_from, log.card.position)
    session.tally = tally_for(user, session.day)
    return log.card, state


# The dashboard -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    due_now: int
    due_today: int
    new_left: int
    answers_today: int
    streak: int
    forecast: list[tuple]  # (date, count) for each of the next days


def overview(user, now: datetime) -> Overview:
    session = start(user, now)
    day = session.day
    upcoming = [day_for(day.date + timedelta(days=n), session.study.time_zone) for n in range(1, FORECAST_DAYS + 1)]
    due_now, due_today, forecast, new_left = queue.dashboard_counts(
        session.study, now, day.end, upcoming, session.new_left)
    return Overview(
        due_now=due_now,
        due_today=due_today,
        new_left=new_left,
        answers_today=session.tally.answers,
        streak=streak(ReviewLog.objects.days_studied(user.pk), day.date),
        forecast=[(d.date, count) for d, count in zip(upcoming, forecast)],
    )
