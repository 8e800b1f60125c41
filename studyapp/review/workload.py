"""About how many reviews a day a learner will have: the reviews their cards already hold, plus
those that introducing new cards at a given pace and desired retention will bring, as fsrs-rs's
simulator of a learner predicts them. `workload` is pure; `learner_workload` reads what it needs
of the learner's schedule and calls it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import fsrs_rs_python as rs

from . import queue
from .days import StudyDay, day_for
from .floors import cards_new_to
from .optimizer import DEFAULT_PARAMETERS

# The simulator's learner is random; one seed makes the same settings give the same figures.
SEED = 2026


@dataclass(frozen=True)
class Workload:
    per_day: list[int]  # reviews on each of the coming days, today first

    @property
    def mean(self) -> int:
        return round(sum(self.per_day) / len(self.per_day)) if self.per_day else 0

    @property
    def busiest(self) -> int:
        return max(self.per_day, default=0)

    @property
    def weeks(self) -> list[tuple[int, int, int]]:
        """(first day, last day, mean reviews a day) for each week, counted from today."""
        return [(start + 1, min(start + 7, len(self.per_day)), round(sum(week) / len(week)))
                for start in range(0, len(self.per_day), 7) if (week := self.per_day[start:start + 7])]


def workload(already_due: Sequence[int], new_cards: int, new_per_day: int, retention: float,
             parameters: Sequence[float] = ()) -> Workload:
    """`already_due`: the reviews the learner's cards hold on each coming day; `new_cards`: the
    cards still new to them, introduced `new_per_day` at a time."""
    days = len(already_due)
    config = rs.default_simulator_config()
    config.deck_size = max(new_cards, 1)
    config.learn_span = days
    config.learn_limit = new_per_day if new_cards else 0
    config.max_cost_perday = 1e9  # no time limit: the question is how many reviews, not how many fit
    result = rs.simulate(list(parameters or DEFAULT_PARAMETERS), retention, config, SEED)
    fresh = list(result.review_cnt_per_day[:days]) + [0] * days
    return Workload([due + fresh[day] for day, due in enumerate(already_due)])


def learner_workload(user, study, day: StudyDay, days: int, new_per_day: int, retention: float,
                     new_cards: int | None = None) -> Workload:
    """The workload of the learner's next `days` study days from `day`, at this pace and retention.
    `new_cards`, the cards still new to them, is counted here unless the caller has it."""
    coming = [day_for(day.date + timedelta(days=n), study.time_zone) for n in range(1, days)]
    _, due_today, _, later, _ = queue.dashboard_counts(study, day.start, day.end, coming, 0)
    new = cards_new_to(user) if new_cards is None else new_cards
    return workload([due_today, *later], new, new_per_day, retention, study.parameters)
