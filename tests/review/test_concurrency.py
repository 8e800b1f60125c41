"""Many processes grading one learner's cards at once: every card is answered exactly once.

The graders are real OS processes with connections of their own to the test database
(SQLite or PostgreSQL, whichever the suite runs on), so the data they need is committed.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings

from studyapp.notes.processes import database_url
from studyapp.review.models import Card, ReviewLog, ReviewState
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

from .conftest import limits

pytestmark = pytest.mark.django_db(transaction=True)

GRADERS = 8
CARDS = 400


def make_cards(user):
    """New cards; every other one was buried yesterday, so it has a schedule row to lock and a
    ticket for version 1, while the rest have none until they are first answered."""
    cards = Card.objects.bulk_create(
        Card(key=f"card-{n:04d}", kind=Card.Kind.PATTERN, front=f"Cue {n}", answer=f"Answer {n}",
             content_hash=f"{n:064x}", position=n)
        for n in range(CARDS)
    )
    ReviewState.objects.bulk_create(
        ReviewState(user=user, card=card, phase=Phase.NEW, buried_until=NOW - timedelta(hours=5), version=1)
        for card in cards[::2]
    )
    versions = dict(ReviewState.objects.filter(user=user).values_list("card__key", "version"))
    return [(card.key, versions.get(card.key, 0)) for card in Card.objects.order_by("position")]


def shares(cards):
    size = len(cards) // GRADERS
    return [cards[i * size:(i + 1) * size] for i in range(GRADERS)]


def overlapping(cards):
    """Grader i takes the i-th share of the cards and the next grader's share, alternating, so
    each card is tried by two graders at about the same moment."""
    parts = shares(cards)
    return [[card for pair in zip(parts[i], parts[(i + 1) % GRADERS]) for card in pair]
            for i in range(GRADERS)]


def run_graders(user, lists, tmp_path):
    """Runs a grader process for each list, all at once; returns the answers that counted and
    the answers refused, once every grader has exited cleanly."""
    env = {"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "studyapp.settings", "REVIEW_FUZZ": "0"}
    go = tmp_path / "go"
    graders = []
    for n, cards in enumerate(lists):
        job = tmp_path / f"job-{n}.json"
        job.write_text(json.dumps({"user": user.username, "now": NOW.isoformat(), "cards": cards,
                                   "ready": str(tmp_path / f"ready-{n}"), "go": str(go)}))
        graders.append(subprocess.Popen(
            [sys.executable, "-m", "tests.review.grader", str(job)], cwd=settings.BASE_DIR,
            env={**os.environ, **env}, text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ))
    # The barrier: every grader has started Django and connected before any of them grades.
    deadline = time.monotonic() + 90
    while sum((tmp_path / f"ready-{n}").exists() for n in range(len(lists))) < len(lists):
        assert time.monotonic() < deadline, "the graders did not all start"
        assert all(p.poll() is None for p in graders), [p.stderr.read() for p in graders if p.poll() is not None]
        time.sleep(0.01)
    go.touch()
    outcomes = [(process, *process.communicate(timeout=180)) for process in graders]
    assert [p.returncode for p, _, _ in outcomes] == [0] * len(graders), [err for p, _, err in outcomes if err]
    tallies = [json.loads(out) for _, out, _ in outcomes]
    return sum(t["graded"] for t in tallies), sum(t["refused"] for t in tallies)


def test_graders_racing_over_the_same_cards_log_each_card_exactly_once(alice, tmp_path):
    limits(alice, new_per_day=9999)
    lists = overlapping(make_cards(alice))
    attempts = sum(len(cards) for cards in lists)
    assert attempts == 2 * CARDS

    graded, refused = run_graders(alice, lists, tmp_path)

    assert (graded, refused) == (CARDS, attempts - CARDS)
    logs = ReviewLog.objects.filter(user=alice)
    assert logs.count() == CARDS
    assert logs.values("card").distinct().count() == CARDS
    states = ReviewState.objects.filter(user=alice)
    assert states.count() == CARDS
    assert set(states.values_list("reps", flat=True)) == {1}
    # Answered once from version 0 (no schedule yet) or 1 (buried yesterday), never twice.
    assert set(states.values_list("version", flat=True)) == {1, 2}


def test_graders_racing_over_different_cards_stop_at_the_daily_limit_of_new_cards(alice, tmp_path):
    limits(alice, new_per_day=50)

    graded, refused = run_graders(alice, shares(make_cards(alice)), tmp_path)

    assert (graded, refused) == (50, CARDS - 50)
    assert ReviewLog.objects.filter(user=alice).count() == 50
