"""The exam planner ("S5-plan"): few reviews until the last weeks, then one well-placed final
review per card, under a daily budget of Review-state reviews.

After each review a card is either *safe* (predicted exam-day recall already reaches the target,
so it needs nothing more before the exam) or it gets a `prep` review at the base desired
retention and a window for its *final* review: from the earliest day whose expected exam-day
recall reaches the target, to the eve of the exam. Each morning the planner keeps the prep
reviews where they are and places every final review, the tightest window first, on the latest
day of its window that has budget left.

Days are whole study days counted from any origin; the exam is on `exam_day`.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from studyapp.plan.cards import REVIEW
from studyapp.plan.memory import DEFAULT_MODEL, GOOD, MAXIMUM_INTERVAL, fuzz

BASE_RETENTION = 0.70
TARGET = 0.90
# The share of each later day's budget that a morning's plan leaves free (see place_finals).
HEADROOM = 0.4


@dataclass(frozen=True, slots=True)
class PlanCard:
    id: Hashable
    stability: float
    difficulty: float
    last_review: int
    phase: int
    due: int


@dataclass(frozen=True)
class DayPlan:
    today: tuple  # ids of the cards to review today
    final_days: dict  # id -> day of each unsafe card's final review, as placed this morning
    bookings: tuple[int, ...]  # Review-state reviews booked on each day from today to the exam's eve


def is_safe(stability, last_review, exam_day, target=TARGET, model=DEFAULT_MODEL):
    return model.retrievability(exam_day - last_review, stability) >= target


def expected_exam_recall(stability, difficulty, last_review, final_day, exam_day, model=DEFAULT_MODEL):
    """Expected exam-day recall if the card gets exactly one more review, on `final_day`: recalled
    (as Good) with probability R then, else forgotten and relearned the same day."""
    recall = model.retrievability(final_day - last_review, stability)
    remembered = model.recall_stability(difficulty, stability, recall, GOOD)
    relearned = model.short_term_stability(model.forget_stability(difficulty, stability, recall), GOOD)
    left = exam_day - final_day
    return recall * model.retrievability(left, remembered) + (1 - recall) * model.retrievability(left, relearned)


@lru_cache(maxsize=1 << 16)
def earliest_final_day(stability, difficulty, last_review, exam_day, target=TARGET, model=DEFAULT_MODEL):
    """The earliest day after `last_review` and before the exam whose final review is expected to
    reach the target; the exam's eve if none does; None when no day is left before the exam."""
    low, high = last_review + 1, exam_day - 1
    if low > high:
        return None
    # Once a final review reaches the target, any later one does too (a later review leaves
    # less time to forget), so the first day that reaches it can be found by halving.
    if expected_exam_recall(stability, difficulty, last_review, high, exam_day, model) < target:
        return high
    while low < high:
        middle = (low + high) // 2
        if expected_exam_recall(stability, difficulty, last_review, middle, exam_day, model) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def next_due(stability, difficulty, day, exam_day, *, base_retention=BASE_RETENTION, target=TARGET,
             model=DEFAULT_MODEL, rng=None, maximum_interval=MAXIMUM_INTERVAL):
    """The due day of a card that has just landed in Review state on `day`: its prep review, or
    the start of its final window if that comes first; on or after the exam for a safe card."""
    prep = model.interval(stability, base_retention, maximum_interval)
    if rng is not None:
        prep = fuzz(prep, rng, maximum_interval)
    prep += day
    if is_safe(stability, day, exam_day, target, model):
        return max(prep, exam_day)
    final = earliest_final_day(stability, difficulty, day, exam_day, target, model)
    if final is None:
        return max(prep, exam_day)
    return min(prep, final)


def plan_day(cards: Iterable[PlanCard], today, exam_day, budget, *, target=TARGET, headroom=HEADROOM,
             overbook=False, model=DEFAULT_MODEL):
    """This morning's plan. Cards outside Review state follow their own steps and are not counted;
    a budget of None means no daily limit. `headroom=0, overbook=True` is the study's rule."""
    days = max(exam_day - today, 0)
    bookings = [0] * days
    today_ids, windows = [], []
    for card in cards:
        if card.phase != REVIEW or is_safe(card.stability, card.last_review, exam_day, target, model):
            continue
        final = earliest_final_day(card.stability, card.difficulty, card.last_review, exam_day, target, model)
        if final is None or days == 0:
            continue
        if card.due < final:
            day = max(card.due, today)
            bookings[day - today] += 1
            if day == today:
                today_ids.append(card.id)
        else:
            windows.append((card.id, final))
    final_days = place_finals(windows, bookings, today, budget, headroom=headroom, overbook=overbook)
    today_ids.extend(card_id for card_id, day in final_days.items() if day == today)
    return DayPlan(tuple(today_ids), final_days, tuple(bookings))


def place_finals(windows, bookings, today, budget, *, headroom=HEADROOM, overbook=False):
    """Books the final reviews, given as (card id, first day of its window), tightest window first.

    A card goes to the latest day of its window that has budget left, else to the latest day
    before its window that has, else nowhere today (it is planned again tomorrow), or with
    `overbook` to the window's first day. Days after today first fill only up to (1 − headroom)
    of the budget: what this morning cannot see (lapses at final reviews, cards back from their
    prep reviews, new cards) needs room on them later.

    Adds to `bookings` (Review-state reviews per day from today) and returns id -> day.
    """
    limit = float("inf") if budget is None else budget
    full = _Calendar(bookings, [limit] * len(bookings))
    planned = _Calendar(bookings, [limit] + [limit * (1 - headroom)] * (len(bookings) - 1))
    last = len(bookings) - 1
    placed = {}
    for card_id, first in sorted(windows, key=lambda window: -window[1]):
        start = max(first, today) - today
        index = next((found for found in (_latest_in(calendar, low, high) for calendar, low, high in (
            (planned, start, last), (full, start, last), (planned, 0, start - 1), (full, 0, start - 1)))
            if found is not None), None)
        if index is None:
            if not overbook:
                continue
            index = start
        placed[card_id] = today + index
        bookings[index] += 1
        planned.booked(index)
        full.booked(index)
    return placed


def _latest_in(calendar, start, end):
    if end < start:
        return None
    index = calendar.latest(end)
    return index if index >= start else None


class _Calendar:
    """The latest day at or before a given one with room under its limit, in near-constant time:
    each full day links to the day before it (union-find with path compression)."""

    def __init__(self, bookings, limits):
        self.bookings = bookings
        self.limits = limits
        self.link = [index if booked < limit else index - 1
                     for index, (booked, limit) in enumerate(zip(bookings, limits))]

    def latest(self, index):
        link = self.link
        root = index
        while root >= 0 and link[root] != root:
            root = link[root]
        while index >= 0 and link[index] != index:
            link[index], index = root, link[index]
        return root

    def booked(self, index):
        if self.bookings[index] >= self.limits[index]:
            self.link[index] = index - 1
