"""The dashboard's figures: due now and today, new cards left, today's answers, the streak and the
next days' forecast."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import queue
from .daily import start
from .days import day_for, streak
from .floors import cards_new_to
from .models import ReviewLog
from .pacing import Pace, pace
from .readiness import Forecast, readiness

FORECAST_DAYS = 7


@dataclass(frozen=True)
class Overview:
    due_now: int
    due_today: int
    next_due: datetime | None  # the next learning card due later today, when none is due now
    new_left: int
    answers_today: int
    streak: int
    forecast: list[tuple]  # (date, count) for each of the next days
    time_zone: str
    exam_date: date | None = None
    planned_finals: int = 0
    planned_budget: int = 0
    readiness: Forecast | None = None
    pace: Pace | None = None  # with an exam date to come


def overview(user, now: datetime) -> Overview:
    sitting = start(user, now)
    day = sitting.day
    upcoming = [day_for(day.date + timedelta(days=n), sitting.study.time_zone) for n in range(1, FORECAST_DAYS + 1)]
    due_now, due_today, next_due, forecast, new_left = queue.dashboard_counts(
        sitting.study, now, day.end, upcoming, sitting.new_left)
    return Overview(
        due_now=due_now,
        due_today=due_today,
        next_due=next_due,
        new_left=new_left,
        answers_today=sitting.tally.answers,
        streak=streak(ReviewLog.objects.days_studied(user.pk), day.date),
        forecast=[(d.date, count) for d, count in zip(upcoming, forecast)],
        time_zone=sitting.study.time_zone,
        exam_date=sitting.study.exam_date,
        planned_finals=sitting.study.planned_finals,
        readiness=readiness(user, sitting.study, day.date) if sitting.study.exam_date else None,
        planned_budget=sitting.study.planned_budget,
        pace=_pace(user, sitting) if sitting.study.exam_ahead(day.date) else None,
    )


def _pace(user, sitting) -> Pace:
    """Only with an exam date: it counts the cards still new, which the dashboard otherwise needn't."""
    return pace(sitting.day.date, sitting.study.exam_date, cards_new_to(user), sitting.study.new_per_day)
