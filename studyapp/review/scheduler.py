"""A small pure wrapper around fsrs (FSRS-6): plain values in, plain values out.

Nothing here reads the clock or the database: `now` is always passed in as a UTC datetime,
inputs are never mutated, and interval fuzzing can be switched off for tests. fsrs has no
"new" state and does not count lapses; this module adds both, and Anki's leech rule.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from functools import lru_cache

import fsrs

from studyapp.plan.memory import DEFAULT_MODEL, Model


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Phase(IntEnum):
    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class Memory:
    """Everything the schedule knows about one learner's card."""

    phase: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Preferences:
    desired_retention: float = 0.90
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    fuzz: bool = True
    leech_threshold: int = 8
    parameters: tuple[float, ...] = ()  # FSRS's, fitted to the learner; empty: the defaults


@dataclass(frozen=True)
class Outcome:
    memory: Memory
    became_leech: bool


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at the threshold, and again every half-threshold lapses after it."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(threshold // 2, 1) == 0


def grade(memory: Memory, rating: Rating, now: datetime, prefs: Preferences) -> Outcome:
    _require_utc(now)
    # fsrs insists on the very object timezone.utc; a database may hand back another UTC tzinfo.
    now = now.astimezone(timezone.utc)
    card, _ = _scheduler(prefs).review_card(_to_fsrs(memory, now), fsrs.Rating(int(rating)), now)
    lapsed = memory.phase == Phase.REVIEW and rating == Rating.AGAIN
    lapses = memory.lapses + (1 if lapsed else 0)
    after = Memory(
        phase=Phase(int(card.state)), step=card.step, stability=card.stability, difficulty=card.difficulty,
        due=card.due, last_review=card.last_review, reps=memory.reps + 1, lapses=lapses,
    )
    return Outcome(after, lapsed and is_leech(lapses, prefs.leech_threshold))


def preview(memory: Memory, now: datetime, prefs: Preferences) -> dict[Rating, timedelta]:
    """The interval each rating would give, unfuzzed, as Anki shows on its answer buttons."""
    steady = replace(prefs, fuzz=False)
    return {rating: grade(memory, rating, now, steady).memory.due - now for rating in Rating}


def format_interval(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return _one_decimal(days / 30.4375) + "mo"
    return _one_decimal(days / 365.25) + "y"


STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m 1d' -> timedeltas; raises ValueError naming the step it cannot read."""
    steps = []
    for token in text.split():
        match = STEP.match(token.lower())
        if not match or float(match.group(1)) <= 0:
            raise ValueError(f"“{token}” is not a step; write a number and a unit, like 1m, 10m, 1h or 1d")
        steps.append(timedelta(seconds=float(match.group(1)) * STEP_UNITS[match.group(2)]))
    return tuple(steps)


def format_steps(steps: tuple[timedelta, ...]) -> str:
    return " ".join(_format_step(step) for step in steps)


def _format_step(step: timedelta) -> str:
    seconds = step.total_seconds()
    for unit in "dhm":
        if seconds >= STEP_UNITS[unit] and seconds % STEP_UNITS[unit] == 0:
            return f"{int(seconds // STEP_UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def _one_decimal(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _require_utc(now: datetime):
    if now.tzinfo is None or now.utcoffset() != timedelta(0):
        raise ValueError("now must be a timezone-aware UTC datetime")


@lru_cache(maxsize=64)
def _scheduler(prefs: Preferences) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        **({"parameters": prefs.parameters} if prefs.parameters else {}),
        desired_retention=prefs.desired_retention,
        learning_steps=prefs.learning_steps,
        relearning_steps=prefs.relearning_steps,
        maximum_interval=prefs.maximum_interval_days,
        enable_fuzzing=prefs.fuzz,
    )


def _to_fsrs(memory: Memory, now: datetime) -> fsrs.Card:
    # A fixed card_id: fsrs otherwise derives one from the clock and sleeps a millisecond.
    if memory.phase == Phase.NEW:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=1, state=fsrs.State(int(memory.phase)), step=memory.step, stability=memory.stability,
        difficulty=memory.difficulty, due=_utc(memory.due) or now, last_review=_utc(memory.last_review),
    )


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(timezone.utc) if value else None


def recall_at(stability: float, last_review: datetime, when: datetime, model: Model = DEFAULT_MODEL) -> float:
    """FSRS-6's predicted chance of recalling a card at `when`, last reviewed at `last_review`,
    on `model`'s forgetting curve (its decay is one of the parameters a fit changes)."""
    return model.retrievability(max((when - last_review).total_seconds() / 86400, 0), stability)
