"""The card state machine of py-fsrs 6 (`Scheduler.review_card`) over integer minutes.

Learning and Relearning walk through same-day steps (1 and 10 minutes; 10 minutes), Review holds
a whole-day interval. Time is minutes from an arbitrary origin (day n starts at minute n·1440);
a step may fall on a half minute, as Hard on the first step does (5.5 minutes).
"""

from dataclasses import dataclass

from studyapp.plan.memory import AGAIN, DEFAULT_MODEL, EASY, GOOD, HARD, MAXIMUM_INTERVAL, fuzz

DAY = 1440
LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State's values


@dataclass(slots=True, frozen=True)
class Card:
    state: int = LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: float = 0
    last_review: float | None = None


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.90
    learning_steps: tuple[float, ...] = (1, 10)
    relearning_steps: tuple[float, ...] = (10,)
    maximum_interval: int = MAXIMUM_INTERVAL
    # py-fsrs counts whole 24-hour periods since the last review, so a card that graduated at
    # 12:11 and comes back at 12:00 n days later counts n − 1 days; calendar days count n.
    calendar_days: bool = False


PY_FSRS = Settings()


def elapsed_days(card, now, settings=PY_FSRS):
    if card.last_review is None:
        return None
    if settings.calendar_days:
        return int(now // DAY - card.last_review // DAY)
    return int((now - card.last_review) // DAY)


def review(card, rating, now, settings=PY_FSRS, model=DEFAULT_MODEL, rng=None):
    """The card after a review with `rating` at minute `now`; fuzzed when `rng` is given."""
    stability, difficulty = model.update(card.stability, card.difficulty, elapsed_days(card, now, settings), rating)
    state, step = card.state, card.step

    if state == REVIEW:
        if rating == AGAIN and settings.relearning_steps:
            state, step, wait = RELEARNING, 0, settings.relearning_steps[0]
        else:
            wait = None
    else:
        steps = settings.learning_steps if state == LEARNING else settings.relearning_steps
        # A card left on a step beyond the current list graduates, as in py-fsrs.
        if not steps or (step >= len(steps) and rating != AGAIN):
            wait = None
        elif rating == AGAIN:
            step, wait = 0, steps[0]
        elif rating == HARD:
            if step == 0:
                wait = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
            else:
                wait = steps[step]
        elif rating == GOOD and step + 1 < len(steps):
            step, wait = step + 1, steps[step + 1]
        elif rating in (GOOD, EASY):
            wait = None
        else:
            raise ValueError(f"unknown rating {rating}")

    if wait is None:
        state, step = REVIEW, None
        days = model.interval(stability, settings.desired_retention, settings.maximum_interval)
        if rng is not None:
            days = fuzz(days, rng, settings.maximum_interval)
        wait = days * DAY
    return Card(state, step, stability, difficulty, now + wait, now)
