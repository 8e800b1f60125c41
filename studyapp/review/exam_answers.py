"""Mock exam answers counted as reviews."""

from datetime import datetime

from django.db import transaction

from .days import study_day
from .grading import apply_answer
from .models import Card, ReviewLog, ReviewState, StudySettings
from .scheduler import Phase, Rating


def record_exam_answers(user, results: list[tuple[Card, bool]], now: datetime,
                        mode: str = ReviewLog.Mode.EXAM) -> int:
    """Mock exam answers count as reviews of the cards the learner has studied, right as Good and
    wrong as Again, due or not: FSRS schedules an early review by how much the learner could have
    forgotten by then.

    A card still new to the learner stays new: a diagnostic exam on the first day would otherwise
    make dozens of never-studied cards due the next morning. One answered wrong goes to the front
    of the learner's new cards instead (`ReviewState.due` on a new card), to be learnt first.

    A review-mode attempt's answers are logged as practice answers (`mode`): as multiple-choice
    reviews do, they count towards the day's reviews."""
    if not results:  # an attempt finished with nothing answered
        return 0
    with transaction.atomic(savepoint=False):
        study = StudySettings.objects.for_user(user, lock=True)
        day = study_day(now, study.time_zone)
        states = {s.card_id: s for s in ReviewState.objects.select_for_update().filter(
            user=user, card__in=[card for card, _ in results])}
        missed_new = {card.pk: card for card, correct in results
                      if not correct and (card.pk not in states or states[card.pk].phase == Phase.NEW)}
        _put_first(user, missed_new, states, now)
        logs = []
        for card, correct in results:
            if (state := states.get(card.pk)) is None or state.phase == Phase.NEW:
                continue
            before, phase_before = state.snapshot(), Phase(state.phase)
            rating = Rating.GOOD if correct else Rating.AGAIN
            apply_answer(state, rating, now, study)
            state.save()
            logs.append(ReviewLog(user=user, card=card, rating=int(rating), reviewed_at=now, day=day.date,
                                  duration_ms=0, mode=mode, phase_before=phase_before,
                                  state_before=before))
        ReviewLog.objects.bulk_create(logs)
    return len(logs)


def _put_first(user, cards: dict[int, Card], states: dict[int, ReviewState], now: datetime):
    """Put new cards at the front of the learner's new cards, in the order they were missed."""
    for pk, card in cards.items():
        state = states.get(pk) or ReviewState(user=user, card=card)
        if state.suspended or state.due is not None:  # set aside by the learner, or already first
            continue
        state.due = now
        state.version += 1
        state.save()
