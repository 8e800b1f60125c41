"""Rows read by a statement built once come back as the instances the ORM's own reads return."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from studyapp.review.models import Card, ReviewState, StudySettings
from studyapp.rows import Row, Update
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

SCHEDULE_WITH_CARD = Row(ReviewState, by=("id",), related=("card", "card__source", "card__table"))


def values(instance):
    return None if instance is None else {f.attname: getattr(instance, f.attname)
                                          for f in type(instance)._meta.concrete_fields}


def test_a_schedule_comes_with_its_card_note_and_table_as_select_related_gives_them(
        imported, alice, django_assert_num_queries):
    from_table = Card.objects.filter(table__isnull=False).first()
    from_note = Card.objects.filter(table__isnull=True, source__isnull=False).first()
    orphan = Card.objects.create(key="orphan", kind=Card.Kind.PATTERN, front="Front", answer="Answer",
                                 content_hash="0" * 64, retired_at=NOW)
    states = [
        ReviewState.objects.create(user=alice, card=from_table, phase=2, stability=3.25, difficulty=5.5, due=NOW,
                                   last_review=NOW, reps=4, lapses=1, buried_until=NOW, version=7),
        ReviewState.objects.create(user=alice, card=from_note, phase=1, step=0, due=NOW, suspended=True),
        ReviewState.objects.create(user=alice, card=orphan),
    ]
    for state in states:
        expected = ReviewState.objects.select_related("card__source", "card__table").get(pk=state.pk)
        with django_assert_num_queries(1):
            got = SCHEDULE_WITH_CARD.get(state.pk)
            assert values(got) == values(expected)
            assert values(got.card) == values(expected.card)
            assert values(got.card.source) == values(expected.card.source)
            assert values(got.card.table) == values(expected.card.table)
            assert got.card.note_url() == expected.card.note_url()
    assert states[2].card.source is None and SCHEDULE_WITH_CARD.get(states[2].pk).card.table is None


def test_json_dates_and_flags_come_back_as_python_values(alice):
    StudySettings.objects.create(user=alice, learning_steps=[30, 300, 3600], desired_retention=0.85,
                                 time_zone="Europe/Paris")
    got = Row(StudySettings, by=("user",)).get(alice.pk)
    assert values(got) == values(StudySettings.objects.get(user=alice))
    assert got.learning_steps == [30, 300, 3600] and not got._state.adding
    assert values(Row(type(alice), by=("id",)).get(alice.pk)) == values(type(alice).objects.get(pk=alice.pk))


def test_no_row_is_none(alice):
    assert Row(StudySettings, by=("user",)).get(alice.pk) is None
    assert SCHEDULE_WITH_CARD.get(123456) is None


def test_a_locked_read_locks_where_the_database_can_and_takes_no_joins(alice):
    StudySettings.objects.create(user=alice)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert Row(StudySettings, by=("user",), lock=True).get(alice.pk).user_id == alice.pk
    [read] = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert read.endswith(" FOR UPDATE") == connection.features.has_select_for_update
    with pytest.raises(ValueError):
        Row(ReviewState, by=("id",), related=("card",), lock=True)


def test_an_update_writes_the_named_fields_as_save_would(imported, alice):
    card = Card.objects.first()
    state = ReviewState.objects.create(user=alice, card=card)
    state.phase, state.stability, state.due, state.buried_until, state.suspended = 2, 4.5, NOW, None, True
    state.reps = 99  # not named: left as it is stored
    assert Update(ReviewState, ("phase", "stability", "due", "buried_until", "suspended")).save(state)
    stored = ReviewState.objects.get(pk=state.pk)
    assert (stored.phase, stored.stability, stored.due, stored.buried_until, stored.suspended, stored.reps) == (
        2, 4.5, NOW, None, True, 0)
    settings = StudySettings.objects.create(user=alice)
    settings.learning_steps = [5, 50]
    assert Update(StudySettings, ("learning_steps",)).save(settings)
    assert StudySettings.objects.get(pk=settings.pk).learning_steps == [5, 50]
    ReviewState.objects.filter(pk=state.pk).delete()
    assert not Update(ReviewState, ("phase",)).save(state)
