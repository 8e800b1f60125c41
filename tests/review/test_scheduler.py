"""The pure FSRS wrapper: fixed UTC times, fuzzing off, nothing read from a clock."""

from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.review import scheduler
from studyapp.review.scheduler import Memory, Phase, Preferences, Rating

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
STEADY = Preferences(fuzz=False)


def answer_all(ratings, start=NOW, prefs=STEADY):
    """Answer a new card with each rating in turn, each time at the moment it falls due."""
    memory, now = Memory(), start
    for rating in ratings:
        memory = scheduler.grade(memory, rating, now, prefs).memory
        now = memory.due
    return memory


def test_a_new_card_offers_anki_like_intervals():
    labels = {r: scheduler.format_interval(d) for r, d in scheduler.preview(Memory(), NOW, STEADY).items()}
    assert labels == {Rating.AGAIN: "1m", Rating.HARD: "6m", Rating.GOOD: "10m", Rating.EASY: "8d"}


def test_good_walks_a_new_card_through_its_learning_steps_into_review():
    first = scheduler.grade(Memory(), Rating.GOOD, NOW, STEADY).memory
    assert (first.phase, first.step, first.due) == (Phase.LEARNING, 1, NOW + timedelta(minutes=10))
    second = scheduler.grade(first, Rating.GOOD, first.due, STEADY).memory
    assert second.phase == Phase.REVIEW and second.step is None
    assert second.due - first.due >= timedelta(days=1)
    assert second.reps == 2 and second.lapses == 0


def test_intervals_grow_with_each_good_review():
    memory, now, gaps = Memory(), NOW, []
    for _ in range(6):
        memory = scheduler.grade(memory, Rating.GOOD, now, STEADY).memory
        gaps.append(memory.due - now)
        now = memory.due
    review_gaps = gaps[2:]
    assert review_gaps == sorted(review_gaps) and review_gaps[-1] > review_gaps[0] * 4


def test_without_fuzz_the_same_answers_give_the_same_schedule():
    ratings = [Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.GOOD, Rating.EASY]
    assert answer_all(ratings) == answer_all(ratings)


def test_fuzz_changes_long_intervals_only_within_a_few_days():
    memory = answer_all([Rating.GOOD] * 5)
    steady = scheduler.grade(memory, Rating.GOOD, memory.due, STEADY).memory.due
    fuzzed = scheduler.grade(memory, Rating.GOOD, memory.due, Preferences(fuzz=True)).memory.due
    assert abs(fuzzed - steady) <= (steady - memory.due) * 0.15 + timedelta(days=1)


def test_again_on_a_review_card_is_a_lapse_and_relearns_for_ten_minutes():
    memory = answer_all([Rating.GOOD, Rating.GOOD])
    lapsed = scheduler.grade(memory, Rating.AGAIN, memory.due, STEADY)
    assert lapsed.memory.phase == Phase.RELEARNING and lapsed.memory.lapses == 1
    assert lapsed.memory.due == memory.due + timedelta(minutes=10)
    assert not lapsed.became_leech


def test_again_while_learning_is_not_a_lapse():
    memory = scheduler.grade(Memory(), Rating.AGAIN, NOW, STEADY).memory
    assert memory.lapses == 0 and memory.phase == Phase.LEARNING


def test_the_eighth_lapse_makes_a_leech_and_every_fourth_after_it():
    memory, now, leech_at = answer_all([Rating.GOOD, Rating.GOOD]), None, []
    now = memory.due
    for _ in range(16):
        outcome = scheduler.grade(memory, Rating.AGAIN, now, STEADY)
        if outcome.became_leech:
            leech_at.append(outcome.memory.lapses)
        memory = scheduler.grade(outcome.memory, Rating.GOOD, outcome.memory.due, STEADY).memory
        now = memory.due
    assert leech_at == [8, 12, 16]


def test_grading_never_changes_the_memory_it_is_given():
    memory = answer_all([Rating.GOOD])
    scheduler.grade(memory, Rating.EASY, memory.due, STEADY)
    assert memory == answer_all([Rating.GOOD])
    with pytest.raises(FrozenInstanceError):
        memory.reps = 5


def test_it_refuses_a_time_that_is_not_utc():
    with pytest.raises(ValueError, match="UTC"):
        scheduler.grade(Memory(), Rating.GOOD, datetime(2026, 3, 2, 9), STEADY)
    with pytest.raises(ValueError, match="UTC"):
        scheduler.grade(Memory(), Rating.GOOD, NOW.astimezone(ZoneInfo("Europe/Paris")), STEADY)


def test_a_higher_desired_retention_gives_shorter_intervals():
    memory = answer_all([Rating.GOOD, Rating.GOOD])
    strict = scheduler.preview(memory, memory.due, Preferences(desired_retention=0.97))[Rating.GOOD]
    relaxed = scheduler.preview(memory, memory.due, Preferences(desired_retention=0.80))[Rating.GOOD]
    assert strict < relaxed


def test_custom_learning_steps_are_used():
    prefs = Preferences(learning_steps=(timedelta(minutes=5), timedelta(hours=1), timedelta(days=1)), fuzz=False)
    memory = scheduler.grade(Memory(), Rating.GOOD, NOW, prefs).memory
    assert memory.due == NOW + timedelta(hours=1)


@pytest.mark.parametrize("seconds, label", [
    (30, "<1m"), (60, "1m"), (600, "10m"), (3600 * 5, "5h"), (86400 * 3, "3d"),
    (86400 * 45, "1.5mo"), (86400 * 61, "2mo"), (86400 * 400, "1.1y"),
])
def test_intervals_are_labelled_as_anki_labels_them(seconds, label):
    assert scheduler.format_interval(timedelta(seconds=seconds)) == label


def test_steps_read_and_write_in_anki_notation():
    steps = scheduler.parse_steps("1m 10m 1h 2d")
    assert steps == (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(days=2))
    assert scheduler.format_steps(steps) == "1m 10m 1h 2d"
    assert scheduler.parse_steps("") == ()
    with pytest.raises(ValueError, match="“ten”"):
        scheduler.parse_steps("1m ten")
    with pytest.raises(ValueError):
        scheduler.parse_steps("0m")


def test_parameters_fitted_to_the_learner_change_the_intervals():
    defaults = Preferences(fuzz=False)
    weaker = list(scheduler.fsrs.scheduler.DEFAULT_PARAMETERS)
    weaker[2] *= 0.4  # a first Good makes a card far less stable for this learner
    fitted = Preferences(fuzz=False, parameters=tuple(weaker))
    easy_start = scheduler.preview(Memory(), NOW, defaults)[Rating.EASY]
    assert scheduler.preview(Memory(), NOW, fitted)[Rating.EASY] == easy_start  # Easy's own parameter is unchanged
    graduated = scheduler.grade(scheduler.grade(Memory(), Rating.GOOD, NOW, defaults).memory, Rating.GOOD,
                                NOW + timedelta(minutes=10), defaults).memory
    shorter = scheduler.grade(scheduler.grade(Memory(), Rating.GOOD, NOW, fitted).memory, Rating.GOOD,
                              NOW + timedelta(minutes=10), fitted).memory
    assert shorter.stability < graduated.stability and shorter.due < graduated.due
