"""The FSRS-6 memory model: forgetting curve, intervals, and how stability and difficulty move.

A mirror of py-fsrs 6 (`fsrs.scheduler.Scheduler`), formula for formula and in the same order
of floating-point operations, so that the two agree to the last bit (tests/plan/test_mirror.py).
It exists because the simulator replays hundreds of thousands of reviews, and py-fsrs copies a
card and builds datetimes and a review log for each of them.
"""

import math

# py-fsrs 6.3's defaults; the mirror test fails if the installed package disagrees.
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)
STABILITY_MIN = 0.001
MIN_DIFFICULTY = 1.0
MAX_DIFFICULTY = 10.0
MAXIMUM_INTERVAL = 36500

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

# py-fsrs's fuzz bands: (from, to, share of the interval spread either way).
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


class Model:
    """FSRS-6 with one set of parameters. Compared by identity, so that it can key a cache."""

    __slots__ = ("parameters", "w", "decay", "factor")

    def __init__(self, parameters=DEFAULT_PARAMETERS):
        if len(parameters) != 21:
            raise ValueError(f"FSRS-6 has 21 parameters, got {len(parameters)}")
        self.parameters = self.w = tuple(parameters)  # w, as the FSRS papers name them
        self.decay = -self.parameters[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    def retrievability(self, elapsed_days, stability):
        return (1 + self.factor * elapsed_days / stability) ** self.decay

    def interval(self, stability, desired_retention, maximum_interval=MAXIMUM_INTERVAL):
        """Whole days until R falls to the desired retention, at least 1."""
        days = (stability / self.factor) * ((desired_retention ** (1 / self.decay)) - 1)
        return min(max(round(days), 1), maximum_interval)

    def initial_stability(self, rating):
        return max(self.w[rating - 1], STABILITY_MIN)

    def initial_difficulty(self, rating, clamp=True):
        w = self.w
        difficulty = w[4] - (math.e ** (w[5] * (rating - 1))) + 1
        return _clamp_difficulty(difficulty) if clamp else difficulty

    def next_difficulty(self, difficulty, rating):
        w = self.w
        easy = self.initial_difficulty(EASY, clamp=False)
        delta = -(w[6] * (rating - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        return _clamp_difficulty(w[7] * easy + (1 - w[7]) * damped)

    def recall_stability(self, difficulty, stability, retrievability, rating):
        w = self.w
        hard_penalty = w[15] if rating == HARD else 1
        easy_bonus = w[16] if rating == EASY else 1
        return stability * (
            1
            + (math.e ** (w[8]))
            * (11 - difficulty)
            * (stability ** -w[9])
            * ((math.e ** ((1 - retrievability) * w[10])) - 1)
            * hard_penalty
            * easy_bonus
        )

    def forget_stability(self, difficulty, stability, retrievability):
        w = self.w
        long_term = (
            w[11]
            * (difficulty ** -w[12])
            * (((stability + 1) ** (w[13])) - 1)
            * (math.e ** ((1 - retrievability) * w[14]))
        )
        return min(long_term, stability / (math.e ** (w[17] * w[18])))

    def short_term_stability(self, stability, rating):
        w = self.w
        increase = (math.e ** (w[17] * (rating - 3 + w[18]))) * (stability ** -w[19])
        if rating != AGAIN:
            increase = max(increase, 1.0)
        return max(stability * increase, STABILITY_MIN)

    def next_stability(self, difficulty, stability, retrievability, rating):
        if rating == AGAIN:
            stability = self.forget_stability(difficulty, stability, retrievability)
        else:
            stability = self.recall_stability(difficulty, stability, retrievability, rating)
        return max(stability, STABILITY_MIN)

    def update(self, stability, difficulty, elapsed_days, rating):
        """(stability, difficulty) after a review `elapsed_days` whole days after the last one.

        The same rule holds in every card state, as in py-fsrs: a first review sets the initial
        values, a review on the same day takes the short-term formula, any later one the
        long-term formulas. `elapsed_days` is None when the card has never been reviewed.
        """
        if stability is None or difficulty is None:
            return self.initial_stability(rating), self.initial_difficulty(rating)
        if elapsed_days is not None and elapsed_days < 1:
            return self.short_term_stability(stability, rating), self.next_difficulty(difficulty, rating)
        # py-fsrs counts R as 0 for a card with a state but no last review.
        recall = 0 if elapsed_days is None else self.retrievability(max(0, elapsed_days), stability)
        return (self.next_stability(difficulty, stability, recall, rating),
                self.next_difficulty(difficulty, rating))


def fuzz_range(interval_days, maximum_interval=MAXIMUM_INTERVAL):
    """py-fsrs's (low, high) for an interval of 3 days or more. It rounds a uniform draw over
    [low, high + 1), so a fuzzed interval can also land on high + 1."""
    delta = 1.0
    for start, end, share in FUZZ_RANGES:
        delta += share * max(min(float(interval_days), end) - start, 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high


def fuzz(interval_days, rng, maximum_interval=MAXIMUM_INTERVAL):
    """py-fsrs's fuzz, drawing from `rng` as py-fsrs draws from the `random` module."""
    if interval_days < 2.5:
        return interval_days
    low, high = fuzz_range(interval_days, maximum_interval)
    return min(round((rng.random() * (high - low + 1)) + low), maximum_interval)


def scaled_learner(factor, parameters=DEFAULT_PARAMETERS):
    """A learner whose memory is `factor` times as strong as the model's: initial stabilities
    (w0–w3), the stability growth factor e^w8 and the post-lapse stability w11 scaled."""
    w = list(parameters)
    for index in (0, 1, 2, 3, 11):
        w[index] *= factor
    w[8] += math.log(factor)
    return tuple(w)


def _clamp_difficulty(difficulty):
    return min(max(difficulty, MIN_DIFFICULTY), MAX_DIFFICULTY)


DEFAULT_MODEL = Model()
