"""The fast mirror against the real py-fsrs: same states, steps, due times, stability and difficulty."""

import random
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.plan import memory
from studyapp.plan.cards import DAY, Card, Settings, review
from studyapp.plan.memory import DEFAULT_MODEL

ORIGIN = datetime(2026, 1, 1, tzinfo=timezone.utc)
HISTORIES = 300
REVIEWS = 40


def minutes(moment):
    return (moment - ORIGIN) / timedelta(minutes=1)


def next_review_time(rng, due):
    """Early, on time or late, in whole minutes, never before the origin."""
    kind = rng.random()
    if kind < 0.2:
        offset = -rng.randint(0, 3 * DAY)
    elif kind < 0.6:
        offset = rng.randint(0, 60)
    else:
        offset = rng.randint(0, 20 * DAY)
    return max(int(due) + offset, 0)


def replay(seed, desired_retention, fuzzing):
    """Replays one random history through both; yields the pair of cards after every review."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzzing)
    settings = Settings(desired_retention=desired_retention)
    theirs = fsrs.Card(card_id=1, due=ORIGIN)
    ours = Card()
    # py-fsrs draws its fuzz from the `random` module; the mirror draws from an equal stream.
    random.seed(seed)
    fuzz_rng = random.Random(seed) if fuzzing else None
    now = 0
    for _ in range(REVIEWS):
        now = max(now, next_review_time(rng, ours.due))
        rating = rng.choice((1, 2, 3, 4))
        theirs, _ = scheduler.review_card(theirs, fsrs.Rating(rating), ORIGIN + timedelta(minutes=now))
        ours = review(ours, rating, now, settings, rng=fuzz_rng)
        yield theirs, ours


def assert_same(theirs, ours):
    assert int(theirs.state) == ours.state
    assert theirs.step == ours.step
    assert minutes(theirs.due) == ours.due
    assert minutes(theirs.last_review) == ours.last_review
    assert theirs.stability == ours.stability
    assert theirs.difficulty == ours.difficulty


@pytest.mark.parametrize("desired_retention", [0.80, 0.90, 0.95, 0.97])
def test_the_mirror_replays_random_histories_exactly_as_py_fsrs_does(desired_retention):
    for seed in range(HISTORIES):
        for theirs, ours in replay(seed, desired_retention, fuzzing=False):
            assert_same(theirs, ours)


def test_the_mirror_fuzzes_exactly_as_py_fsrs_does_given_the_same_random_stream():
    for seed in range(50):
        for theirs, ours in replay(seed, 0.90, fuzzing=True):
            assert_same(theirs, ours)


def test_the_histories_visit_every_state_and_lapse():
    seen = set()
    for seed in range(20):
        before = Card()
        for _, ours in replay(seed, 0.90, fuzzing=False):
            seen.add((before.state, ours.state))
            before = ours
    assert {(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 2)} <= seen


def test_the_mirror_has_py_fsrs_default_parameters():
    assert memory.DEFAULT_PARAMETERS == tuple(DEFAULT_PARAMETERS)


def test_the_forgetting_curve_and_intervals_match_py_fsrs():
    scheduler = fsrs.Scheduler(desired_retention=0.7)
    for stability in (0.3, 1.0, 2.31, 8.3, 40.0, 400.0):
        assert DEFAULT_MODEL.interval(stability, 0.7) == scheduler._next_interval(stability=stability)
        card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=stability, difficulty=5.0,
                         last_review=ORIGIN, due=ORIGIN)
        for days in (0, 1, 7, 30):
            expected = scheduler.get_card_retrievability(card, ORIGIN + timedelta(days=days))
            assert DEFAULT_MODEL.retrievability(days, stability) == expected
    assert DEFAULT_MODEL.retrievability(8.2956, 8.2956) == pytest.approx(0.9)


def test_the_fuzz_range_matches_py_fsrs_for_every_interval():
    scheduler = fsrs.Scheduler()
    for days in range(3, 400):
        seen = set()
        rng = random.Random(days)
        random.seed(days)
        for _ in range(40):
            theirs = scheduler._get_fuzzed_interval(interval=timedelta(days=days)).days
            ours = memory.fuzz(days, rng)
            assert theirs == ours
            seen.add(ours)
        low, high = memory.fuzz_range(days)
        assert low <= min(seen) and max(seen) <= high + 1
