"""Study days: 04:00 local time is when one ends and the next begins."""

from datetime import date, datetime, timezone

from studyapp.review.days import streak, study_day


def test_a_study_day_starts_at_four_in_the_morning_local_time():
    late = study_day(datetime(2026, 3, 3, 2, 30, tzinfo=timezone.utc), "UTC")
    assert late.date == date(2026, 3, 2)
    assert late.start == datetime(2026, 3, 2, 4, tzinfo=timezone.utc)
    assert late.end == datetime(2026, 3, 3, 4, tzinfo=timezone.utc)
    assert study_day(datetime(2026, 3, 3, 4, tzinfo=timezone.utc), "UTC").date == date(2026, 3, 3)


def test_the_day_follows_the_learners_time_zone():
    # 20:00 UTC is already 07:00 the next morning in Sydney (UTC+11 in March).
    day = study_day(datetime(2026, 3, 2, 20, tzinfo=timezone.utc), "Australia/Sydney")
    assert day.date == date(2026, 3, 3)
    assert day.start == datetime(2026, 3, 2, 17, tzinfo=timezone.utc)


def test_a_day_across_a_clock_change_is_23_hours_long():
    # Clocks go forward at 01:00 UTC on 29 March 2026: the study day of the 28th loses an hour.
    day = study_day(datetime(2026, 3, 28, 12, tzinfo=timezone.utc), "Europe/London")
    assert (day.end - day.start).total_seconds() == 23 * 3600


def test_the_streak_counts_consecutive_days_and_survives_until_today_is_studied():
    days = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 2, 20)]
    assert streak(days, date(2026, 3, 3)) == 3
    assert streak(days, date(2026, 3, 4)) == 3
    assert streak(days, date(2026, 3, 5)) == 0
    assert streak([], date(2026, 3, 5)) == 0
