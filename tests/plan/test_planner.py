"""The exam planner: where final reviews go, and which cards it leaves alone."""

import random

from studyapp.plan.cards import LEARNING, REVIEW
from studyapp.plan.planner import (
    PlanCard, earliest_final_day, expected_exam_recall, is_safe, next_due, place_finals, plan_day,
)

EXAM = 60


def test_each_final_goes_to_the_latest_day_of_its_window_with_budget_left():
    bookings = [0] * 5
    placed = place_finals([("a", 11), ("b", 11), ("c", 11)], bookings, today=10, budget=2, headroom=0)
    assert placed == {"a": 14, "b": 14, "c": 13}
    assert bookings == [0, 0, 0, 1, 2]


def test_the_tightest_window_is_placed_first():
    # Placed in the order given, the wide window would take the exam's eve from the tight one.
    bookings = [0] * 5
    placed = place_finals([("wide", 10), ("tight", 14)], bookings, today=10, budget=1, headroom=0)
    assert placed == {"tight": 14, "wide": 13}


def test_a_full_window_sends_the_final_to_the_latest_earlier_day_with_budget_left():
    bookings = [0, 0, 1, 0, 0]
    placed = place_finals([("a", 13), ("b", 13), ("c", 13)], bookings, today=10, budget=1, headroom=0)
    assert placed == {"a": 14, "b": 13, "c": 11}
    assert bookings == [0, 1, 1, 1, 1]


def test_it_never_books_more_than_the_budget_while_any_day_has_room():
    rng = random.Random(7)
    for _ in range(200):
        days, budget = rng.randint(1, 12), rng.randint(1, 5)
        bookings = [rng.randint(0, budget) for _ in range(days)]
        room = sum(budget - booked for booked in bookings)
        windows = [(card, rng.randint(-3, days - 1)) for card in range(rng.randint(0, room))]
        placed = place_finals(windows, bookings, today=0, budget=budget, headroom=rng.choice((0, 0.4)))
        assert len(placed) == len(windows)
        assert max(bookings) <= budget


def test_a_final_that_fits_nowhere_waits_for_tomorrow_unless_overbooking_is_asked_for():
    windows = [("a", 11), ("b", 11), ("c", 11)]
    bookings = [0, 0]
    assert place_finals(windows, bookings, today=10, budget=1) == {"a": 11, "b": 10}
    assert bookings == [1, 1]
    bookings = [0, 0]
    assert place_finals(windows, bookings, today=10, budget=1, headroom=0, overbook=True) == {
        "a": 11, "b": 10, "c": 11}
    assert bookings == [1, 2]


def test_later_days_keep_headroom_until_the_windows_need_it():
    bookings = [0, 0, 0]
    place_finals([(card, 0) for card in range(14)], bookings, today=0, budget=10, headroom=0.4)
    assert bookings == [2, 6, 6]
    bookings = [0, 0, 0]
    place_finals([(card, 0) for card in range(25)], bookings, today=0, budget=10, headroom=0.4)
    assert bookings == [10, 6, 9]


def test_the_earliest_final_day_is_the_first_whose_expected_recall_reaches_the_target():
    for stability in (0.2, 1.0, 2.3, 8.0, 30.0, 120.0):
        for difficulty in (1.0, 5.0, 9.5):
            for last in (0, 20, 45, 58):
                first = next((day for day in range(last + 1, EXAM)
                              if expected_exam_recall(stability, difficulty, last, day, EXAM) >= 0.9), EXAM - 1)
                assert earliest_final_day(stability, difficulty, last, EXAM) == first


def test_no_final_day_is_left_to_a_card_reviewed_on_the_exams_eve():
    assert earliest_final_day(2.0, 5.0, EXAM - 1, EXAM) is None


def test_a_card_is_safe_when_its_exam_day_recall_already_reaches_the_target():
    assert is_safe(stability=400.0, last_review=0, exam_day=EXAM)
    assert not is_safe(stability=10.0, last_review=0, exam_day=EXAM)


def test_a_reviewed_card_is_due_at_its_prep_review_or_its_final_window_whichever_comes_first():
    early = next_due(2.3, 5.0, 0, EXAM)
    assert early == 0 + 21  # 9.3 times its stability at base retention 0.70
    assert early < earliest_final_day(2.3, 5.0, 0, EXAM)
    late = next_due(8.0, 5.0, 50, EXAM)
    assert late == earliest_final_day(8.0, 5.0, 50, EXAM)
    assert next_due(400.0, 5.0, 0, EXAM) >= EXAM


def card(card_id, stability, last_review, due, phase=REVIEW):
    return PlanCard(card_id, stability, 5.0, last_review, phase, due)


def test_prep_reviews_keep_their_day_and_use_its_budget():
    prep = card("prep", 2.3, last_review=0, due=21)
    assert earliest_final_day(2.3, 5.0, 0, EXAM) > 21
    plan = plan_day([prep], today=21, exam_day=EXAM, budget=1)
    assert plan.today == ("prep",)
    assert plan.bookings[0] == 1
    assert plan.final_days == {}


def test_finals_are_booked_around_the_prep_reviews():
    assert earliest_final_day(1.0, 5.0, 50, EXAM) == 57
    prep = card("prep", 1.0, last_review=50, due=56)
    finals = [card(name, 8.0, last_review=50, due=51) for name in "abcd"]
    plan = plan_day([prep] + finals, today=55, exam_day=EXAM, budget=1, headroom=0)
    assert plan.final_days == {"a": 59, "b": 58, "c": 57, "d": 55}
    assert plan.today == ("d",)
    assert plan.bookings == (1, 1, 1, 1, 1)


def test_safe_cards_and_cards_in_their_learning_steps_are_left_alone():
    safe = card("safe", 400.0, last_review=0, due=EXAM)
    learning = card("learning", 0.2, last_review=30, due=30, phase=LEARNING)
    plan = plan_day([safe, learning], today=30, exam_day=EXAM, budget=10)
    assert plan.today == ()
    assert plan.final_days == {}
    assert sum(plan.bookings) == 0


def test_a_card_whose_final_window_has_come_is_reviewed_on_the_exams_eve_when_there_is_room():
    final_from = earliest_final_day(8.0, 5.0, 50, EXAM)
    plan = plan_day([card("a", 8.0, last_review=50, due=final_from)], today=final_from, exam_day=EXAM, budget=5)
    assert plan.final_days == {"a": EXAM - 1}
    assert plan.today == ()
    assert plan.bookings[-1] == 1


def test_the_days_plan_leaves_a_final_unbooked_rather_than_go_over_the_budget():
    finals = [card(name, 8.0, last_review=50, due=51) for name in "abc"]
    plan = plan_day(finals, today=58, exam_day=EXAM, budget=1)
    assert plan.final_days == {"a": 59, "b": 58}
    assert plan.bookings == (1, 1)
