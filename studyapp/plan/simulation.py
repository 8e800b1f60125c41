"""A seeded simulated learner studying for an exam, one day at a time, and what it remembers.

The learner's true memory follows FSRS-6 (by default with the scheduler's own parameters; a
`Learner` may carry others, to see what happens when the model is wrong about the learner). Each
study day starts at 12:00; same-day steps follow minutes later; the exam is at 12:00 on day
`days`. Every day the learner does what the strategy asks (see strategies.py), then meets the
day's new cards.
"""

import math
import random
from dataclasses import dataclass, field

from studyapp.plan.cards import DAY, LEARNING, REVIEW, Card, Settings, review
from studyapp.plan.memory import AGAIN, DEFAULT_PARAMETERS, EASY, GOOD, HARD, Model, scaled_learner

SESSION = 12 * 60
# The first rating of a new card (Again, Hard, Good, Easy), fsrs-rs's simulator default.
FIRST_RATINGS = (AGAIN, HARD, GOOD, EASY)
FIRST_WEIGHTS = (0.24, 0.094, 0.495, 0.171)
# Once recalled, how hard it felt.
RECALLED_HARD, RECALLED_EASY = 0.05, 0.05
# The last new cards arrive this many days before the exam, so they can still get a final review.
NEW_CARD_LEAD = 7
# Elapsed time counts calendar days, as Anki does: a card graduating at 12:11 and seen again at
# 12:00 three days later has waited 3 days, not py-fsrs's 2.
SIMULATED = Settings(calendar_days=True)


@dataclass(frozen=True)
class Learner:
    name: str
    parameters: tuple = DEFAULT_PARAMETERS


MODEL_LEARNER = Learner("model")
WEAKER_LEARNER = Learner("weaker", scaled_learner(0.7))


@dataclass
class Outcome:
    exam_recall: list[float]  # each card's true R at the exam (0 for a card never seen)
    exam_prediction: list[float]  # the same as the scheduler's model predicts it
    events_per_day: list[int]  # every button press, learning steps included
    review_state_per_day: list[int]  # presses on cards in Review state
    snapshots: dict = field(default_factory=dict)  # watched day -> (true R, predicted R) per card

    @property
    def mean_recall(self):
        return sum(self.exam_recall) / len(self.exam_recall)

    @property
    def p10(self):
        return percentile(self.exam_recall, 0.10)

    @property
    def events(self):
        return sum(self.events_per_day)

    @property
    def review_state(self):
        return sum(self.review_state_per_day)

    @property
    def peak_events(self):
        return max(self.events_per_day)

    @property
    def peak_review_state(self):
        return max(self.review_state_per_day)


def new_cards_per_day(cards, days, lead=NEW_CARD_LEAD):
    return math.ceil(cards / max(days - lead, 1))


class Study:
    """One learner, one deck, one strategy; what the strategies read and the day loop writes."""

    def __init__(self, strategy, cards, days, seed, learner=MODEL_LEARNER, model=None):
        self.strategy = strategy
        self.exam_day = days
        self.model = model or Model()
        self.true_model = self.model if learner.parameters == self.model.parameters else Model(learner.parameters)
        self.separate_truth = self.true_model is not self.model
        # Two streams, so that the learner's answers do not shift when a strategy fuzzes more.
        self.learner_rng = random.Random(seed * 2)
        self.fuzz_rng = random.Random(seed * 2 + 1)
        self.cards = [Card() for _ in range(cards)]
        self.due = [0] * cards  # the day each card in Review state is due, as its strategy set it
        self.true_stability = [None] * cards
        self.true_difficulty = [None] * cards
        self.introduced = 0
        self.new_per_day = new_cards_per_day(cards, days)
        self.events_per_day = [0] * days
        self.review_state_per_day = [0] * days

    def last_day(self, index):
        return int(self.cards[index].last_review // DAY)

    def predicted_recall(self, index, day):
        card = self.cards[index]
        if card.stability is None:
            return 0.0
        return self.model.retrievability(day - self.last_day(index), card.stability)

    def true_recall(self, index, day):
        if not self.separate_truth:
            return self.predicted_recall(index, day)
        stability = self.true_stability[index]
        if stability is None:
            return 0.0
        return self.true_model.retrievability(day - self.last_day(index), stability)

    def run(self, watch_days=()):
        snapshots = {}
        for day in range(self.exam_day):
            if day in watch_days:
                snapshots[day] = self.snapshot(day)
            for index in self.strategy.morning(self, day):
                self.study(index, day)
            new = range(self.introduced, min(self.introduced + self.new_per_day, len(self.cards)))
            self.introduced = new.stop
            for index in new:
                self.study(index, day)
            for index in self.strategy.evening(self, day):
                self.study(index, day)
        true, predicted = self.snapshot(self.exam_day)
        return Outcome(true, predicted, self.events_per_day, self.review_state_per_day, snapshots)

    def snapshot(self, day):
        cards = range(len(self.cards))
        return [self.true_recall(i, day) for i in cards], [self.predicted_recall(i, day) for i in cards]

    def study(self, index, day):
        """One card's reviews today: the first, then any same-day steps until it is in Review."""
        card = self.cards[index]
        now = day * DAY + SESSION
        while True:
            rating = self.answer(index, card, now)
            self.events_per_day[day] += 1
            if card.state == REVIEW:
                self.review_state_per_day[day] += 1
            if self.separate_truth:
                self.remember(index, card, rating, now)
            card = review(card, rating, now, SIMULATED, self.model)
            if card.state == REVIEW:
                break
            now = card.due
        self.cards[index] = card
        self.due[index] = self.strategy.schedule(self, index, day)

    def answer(self, index, card, now):
        rng = self.learner_rng
        if card.state == LEARNING and card.stability is None:
            return rng.choices(FIRST_RATINGS, FIRST_WEIGHTS)[0]
        stability = self.true_stability[index] if self.separate_truth else card.stability
        elapsed = int(now // DAY - card.last_review // DAY)
        if rng.random() >= self.true_model.retrievability(elapsed, stability):
            return AGAIN
        feel = rng.random()
        return HARD if feel < RECALLED_HARD else EASY if feel >= 1 - RECALLED_EASY else GOOD

    def remember(self, index, card, rating, now):
        elapsed = None if card.last_review is None else int(now // DAY - card.last_review // DAY)
        self.true_stability[index], self.true_difficulty[index] = self.true_model.update(
            self.true_stability[index], self.true_difficulty[index], elapsed, rating)


def simulate(strategy, cards, days, seed, learner=MODEL_LEARNER, watch_days=()):
    return Study(strategy, cards, days, seed, learner).run(frozenset(watch_days))


def percentile(values, share):
    """Linear interpolation between the closest ranks, as numpy's default."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
