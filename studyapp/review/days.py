"""Study days in the learner's own time zone, pure.

As in Anki, a study day starts at 04:00 local time, so a late-night session still counts for
the day it began and reviews due "tomorrow" appear in the morning, not at midnight.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

DAY_STARTS_AT = time(4)
# The zones a learner can choose, at sign-up (from the browser) and in their settings.
TIME_ZONES = sorted(available_timezones())


@dataclass(frozen=True)
class StudyDay:
    date: date
    start: datetime  # UTC
    end: datetime  # UTC, the start of the next study day


def study_day(now: datetime, zone: str) -> StudyDay:
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    day = local.date() if local.time() >= DAY_STARTS_AT else local.date() - timedelta(days=1)
    return day_for(day, zone)


def day_for(day: date, zone: str) -> StudyDay:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, DAY_STARTS_AT, tz).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), DAY_STARTS_AT, tz).astimezone(timezone.utc)
    return StudyDay(day, start, end)


def days_from(today: date, moment: datetime, zone: str) -> int:
    """How many study days `moment` falls after `today` (before it, if negative)."""
    return (study_day(moment, zone).date - today).days


def streak(days_studied: list[date], today: date) -> int:
    """Consecutive study days up to today; a day not yet studied today does not break it."""
    studied = set(days_studied)
    day = today if today in studied else today - timedelta(days=1)
    count = 0
    while day in studied:
        count += 1
        day -= timedelta(days=1)
    return count
