"""Mock exam answers counted as reviews."""

from datetime import datetime

from django.db import transaction

from .days import study_day
from .grading import apply_answer
from .models import Card, ReviewLog, ReviewState, StudySettings
from .scheduler import Phase, Rating


def record_exam_answers(user, results: list[tuple[Card, bool]], now: datetime) -> int:
    """Mock exam answers count as reviews of the cards the learner has studied, right as Good and
    wrong as Again, due or not: FSRS schedules an early review by how much the learner could have
    forgotten by then. A card still new to the learner is left new: a diagnostic exam on the first
    day would otherwise make dozens of never-studied cards due the next morning."""
    if not results:  # an attempt finished with nothing answered
        return 0
    with transaction.atomic(savepoint=False):
        study = StudySettings.objects.for_user(user, lock=True)
        day = study_day(now, study.time_zone)
        states = {s.card_id: s for s in ReviewState.objects.select_for_update().filter(
            user=user, card__in=[card for card, _ in results]).exclude(phase=Phase.NEW)}
        logs = []
        for card, correct in results:
            if (state := states.get(card.pk)) is None:
                continue
            before, phase_before = state.snapshot(), Phase(state.phase)
            rating = Rating.GOOD if correct else Rating.AGAIN
            apply_answer(state, rating, now, study)
            state.save()
            logs.append(ReviewLog(user=user, card=card, rating=int(rating), reviewed_at=now, day=day.date,
                                  duration_ms=0, mode=ReviewLog.Mode.EXAM, phase_before=phase_before,
                                  state_before=before))
        ReviewLog.objects.bulk_create(logs)
    return len(logs)
