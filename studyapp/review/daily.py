"""A learner's sitting of the daily review: what is due, in which order, and which card is next.

Every function here runs a fixed number of queries, whatever the size of the collection.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from . import queue, scheduler
from .days import StudyDay, study_day
from .exam_plan import replan
from studyapp.notes.models import Service

from .models import Card, ReviewState, StudySettings
from .scheduler import Phase, Rating
from .tickets import StaleTicket, make_ticket

# As in Anki: when nothing else is left, learning cards due within this long are shown early.
LEARN_AHEAD = timedelta(minutes=20)
LEARNING_PHASES = (Phase.LEARNING, Phase.RELEARNING)
SCHEDULED = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING)


@dataclass(frozen=True)
class Tally:
    """What the learner has done today, against the daily limits."""

    new: int
    reviews: int
    answers: int
    mock: int = 0  # mock exam answers, which count against no limit but change the schedules

    def after(self, phase_before: Phase) -> "Tally":
        return Tally(self.new + (phase_before == Phase.NEW), self.reviews + (phase_before == Phase.REVIEW),
                     self.answers + 1, self.mock)


@dataclass
class Sitting:
    study: StudySettings
    now: datetime
    day: StudyDay
    tally: Tally
    new_count: int = 0
    learning_count: int = 0
    review_count: int = 0
    card: Card | None = None
    state: ReviewState | None = None
    answered: int | None = None  # the schedule answered in this request, if any
    # Studying ahead: learning cards due later today are shown now, as the learner asked.
    ahead: bool = False
    # Reviewing one service: only its cards are shown, within the same daily limits.
    service: Service | None = None
    notice: str = ""
    intervals: list = field(default_factory=list)

    @property
    def new_left(self) -> int:
        return max(self.study.new_per_day - self.tally.new, 0)

    @property
    def reviews_left(self) -> int:
        return max(self.study.reviews_per_day - self.tally.reviews, 0)

    @property
    def soon(self) -> datetime:
        """Learning cards due by then may be shown now."""
        return self.day.end if self.ahead else self.now + LEARN_AHEAD

    @property
    def ticket(self) -> str:
        return make_ticket(self.study.user_id, self.card.key, self.state.version if self.state else 0, self.now)


def start(user, now: datetime, study: StudySettings | None = None, lock: bool = False,
          ahead: bool = False, service: Service | None = None) -> Sitting:
    study = study or StudySettings.objects.for_user(user, lock=lock)
    day = study_day(now, study.time_zone)
    if study.exam_ahead(day.date) and study.planned_on != day.date:
        replan(user, day, study)  # the day's first visit: the exam plan is made again
    return Sitting(study, now, day, tally_for(study, day), ahead=ahead, service=service)


@contextmanager
def answering(user, now: datetime, ahead: bool = False, service: Service | None = None):
    """A sitting to answer, bury, suspend or undo in, all in one transaction.

    The learner's settings row is locked first, so one learner's answers are taken one at a time
    and each reads the day's tally as the one before left it. Without the lock, PostgreSQL would
    let two answers at once both take the last new card of the day (SQLite's IMMEDIATE
    transactions queue them anyway).
    """
    with transaction.atomic():
        yield start(user, now, lock=True, ahead=ahead, service=service)


def act(user, now: datetime, action, ahead: bool = False, service: Service | None = None):
    """Run `action(sitting)` on the learner's sitting in one transaction (see `answering`).

    Returns the sitting, what the action returned, and a notice: when the form was stale (answered
    in another tab, say), nothing is done and the sitting is the current one, read afresh.
    """
    try:
        with answering(user, now, ahead, service) as sitting:
            return sitting, action(sitting), ""
    except StaleTicket as stale:
        return start(user, now, ahead=ahead, service=service), None, f"{stale} Here is the current card."


def tally_for(study: StudySettings, day: StudyDay) -> Tally:
    return Tally(*queue.tally(study, day.date))


def fill(sitting: Sitting, prefer: tuple[Card, ReviewState | None] | None = None) -> Sitting:
    """Counts and the current card: due learning cards, then due reviews, then new cards."""
    now = sitting.now
    due = queue.session_queue(sitting.study, now, sitting.soon, sitting.day.end, sitting.new_left,
                              sitting.answered, sitting.service.pk if sitting.service else None)
    sitting.new_count = due.new
    sitting.review_count = min(due.review, sitting.reviews_left)
    # Learning cards not yet due are shown early only when nothing else is left, as in Anki.
    nothing_else = not (due.learning or sitting.review_count or sitting.new_count)
    sitting.learning_count = due.learning_soon if nothing_else else due.learning

    if prefer and is_due(sitting, *prefer):
        sitting.card, sitting.state = prefer
    elif head := _head(due, sitting.reviews_left, sitting.answered):
        # The queue read the head in this transaction, so its row is there.
        sitting.state = ReviewState.objects.to_show().get(pk=head)
        sitting.card = sitting.state.card
    elif due.new and due.first_new:
        sitting.card = Card.objects.to_show().get(pk=due.first_new)
        # A card can be new and have a schedule row: an undone first answer, a burial that ended,
        # an unsuspension. Its ticket must carry that row's version, or no answer to it is taken.
        sitting.state = ReviewState.objects.filter(user_id=sitting.study.user_id, card=sitting.card).first()
    if sitting.card:
        memory = sitting.state.memory if sitting.state else scheduler.Memory()
        previews = scheduler.preview(memory, now, sitting.study.preferences(today=sitting.day.date))
        sitting.intervals = [(rating, scheduler.format_interval(previews[rating])) for rating in Rating]
    return sitting


def _head(due: queue.Queue, reviews_left: int, answered: int | None = None) -> int | None:
    """The schedule to show before any new card: a learning card due now, else a review, else a
    learning card due soon, which waits for the new cards unless there are none. The schedule just
    `answered` is not shown again at once while another learning card will do, as in Anki."""
    learning = due.learning_other if due.learning_head == answered and due.learning_other else due.learning_head
    if due.learning and learning:
        return learning
    if reviews_left and due.review_head:
        return due.review_head
    return learning if learning and not (due.new and due.first_new) else None


def is_due(sitting: Sitting, card: Card, state: ReviewState | None) -> bool:
    """Whether the card may be answered now: the sitting's own rules, applied to one card."""
    if card.retired_at is not None:
        return False
    if state and (state.suspended or (state.buried_until and state.buried_until > sitting.now)):
        return False
    if state is None or state.phase == Phase.NEW:
        return sitting.new_left > 0
    if state.phase in LEARNING_PHASES:
        return state.due <= sitting.soon
    return state.due < sitting.day.end and sitting.reviews_left > 0
