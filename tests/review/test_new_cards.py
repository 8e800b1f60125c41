"""The new-card floor: new cards are found from it, and no new card is ever left below it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.exams.models import BankQuestion
from studyapp.review import queue
from studyapp.review.models import Card, ReviewState, StudySettings

from tests.conftest import NOW

from .conftest import Page, grade, show

pytestmark = pytest.mark.django_db(transaction=True)


def floor(user):
    return StudySettings.objects.get(user=user).new_from


def new_keys(user, now=NOW):
    """Every new card the learner would be shown, in order, by the session's own query."""
    return queue.new_keys(StudySettings.objects.for_user(user), now)


def every_unanswered(user):
    answered = ReviewState.objects.filter(user=user).exclude(phase=0).values("card_id")
    return list(Card.objects.active().exclude(pk__in=answered).order_by("position", "key")
                .values_list("key", flat=True))


def test_answering_new_cards_in_order_raises_the_floor_to_the_first_one_left(learner, alice):
    order = new_keys(alice)
    for expected in order[:3]:
        page = show(learner)
        assert page.card == expected
        grade(learner, page, 4)
    assert floor(alice) == Card.objects.get(key=order[3]).position
    assert new_keys(alice) == order[3:] == every_unanswered(alice)


def test_a_card_imported_below_the_floor_is_new_at_once(learner, alice, notes):
    for _ in range(5):
        grade(learner, show(learner), 4)
    lines = "".join(f"| A freshly added cue {n} | Pick {n} |\n" for n in range(40))
    (notes / "more.md").write_text(f"# More\n\n| Question pattern | Answer |\n|---|---|\n{lines}")
    call_command("import_notes", str(notes), stdout=io.StringIO())
    assert min(Card.objects.filter(front__startswith="A freshly added").values_list("position", flat=True)) \
        < Card.objects.get(key=new_keys(alice)[-1]).position  # some land before cards already passed
    assert new_keys(alice) == every_unanswered(alice)


def test_an_import_lowers_learners_floors_last_so_their_rows_are_held_briefly(learner, alice, notes):
    """A lowered floor locks the learner's settings row, which each of their answers also locks,
    until the import commits: it is written after the cards and the question bank are."""
    for _ in range(5):
        grade(learner, show(learner), 4)
    lines = "".join(f"| A freshly added cue {n} | Pick {n} |\n" for n in range(40))
    (notes / "more.md").write_text(f"# More\n\n| Question pattern | Answer |\n|---|---|\n{lines}")
    with CaptureQueriesContext(connection) as queries:
        call_command("import_notes", str(notes), stdout=io.StringIO())
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    settings_table, bank_table = StudySettings._meta.db_table, BankQuestion._meta.db_table
    floors = [i for i, sql in enumerate(writes) if f'UPDATE "{settings_table}"' in sql]
    bank = [i for i, sql in enumerate(writes) if f'"{bank_table}"' in sql.split("(")[0]]
    assert floors and bank and floors[0] > max(bank)
    assert new_keys(alice) == every_unanswered(alice)


def test_undoing_a_new_cards_answer_makes_it_new_again(learner, alice, clock):
    first = show(learner)
    grade(learner, first, 4)
    grade(learner, show(learner), 4)
    before = show(learner).counts
    learner.post("/review/", {"undo": "1"})
    after = Page(learner.post("/review/", {"undo": "1"}, headers={"HX-Request": "true"}))
    assert after.counts[0] == before[0] + 2  # the page that shows the undone card counts it new
    assert floor(alice) <= Card.objects.get(key=first.card).position
    assert new_keys(alice)[0] == first.card and new_keys(alice) == every_unanswered(alice)


def test_a_buried_new_card_holds_the_floor_and_comes_back_the_next_day(learner, alice, clock):
    page = show(learner)
    learner.post("/review/", {"ticket": page.ticket, "bury": "1"})
    for _ in range(3):
        grade(learner, show(learner), 4)
    assert page.card not in new_keys(alice)
    assert floor(alice) <= Card.objects.get(key=page.card).position
    assert new_keys(alice, NOW + timedelta(days=1))[0] == page.card
