"""Pacing new cards for an exam date: every card met at least a week before the exam, so that the
last week is for reviews. Pure."""

import math
from dataclasses import dataclass
from datetime import date

# The research behind the planner (docs/planning.md): a card first met in the exam's last week
# cannot be made stable enough for the day, whatever the schedule.
LAST_WEEK = 7


@dataclass(frozen=True)
class Pace:
    days_left: int  # to the exam, today not counted
    cards_new: int  # still to be met
    needed: int  # new cards a day to meet them all a week before the exam
    setting: int  # the learner's new cards a day

    @property
    def short(self) -> bool:
        """The learner's daily new cards would leave some unmet a week before the exam."""
        return self.needed > self.setting

    @property
    def unmet(self) -> int:
        """Cards the learner's pace would not reach in time."""
        return max(self.cards_new - self.setting * max(self.days_left - LAST_WEEK, 0), 0)


def pace(today: date, exam_date: date, cards_new: int, new_per_day: int) -> Pace:
    days_left = (exam_date - today).days
    study_days = max(days_left - LAST_WEEK, 1)
    return Pace(days_left, cards_new, math.ceil(cards_new / study_days) if cards_new else 0, new_per_day)
