"""Querysets compiled once return what the querysets themselves return."""

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from studyapp.notes.models import NoteSection
from studyapp.review.models import Card, ReviewState, StudySettings
from studyapp.prepared import Prepared, Update
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

SCHEDULE_WITH_CARD = Prepared(
    lambda pk: ReviewState.objects.select_related("card__source", "card__table").filter(pk=pk), int)


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
            got = SCHEDULE_WITH_CARD.one(state.pk)
            assert values(got) == values(expected)
            assert values(got.card) == values(expected.card)
            assert values(got.card.source) == values(expected.card.source)
            assert values(got.card.table) == values(expected.card.table)
            assert got.card.note_url() == expected.card.note_url()
    orphan_read = SCHEDULE_WITH_CARD.one(states[2].pk)
    assert orphan_read.card.source is None and orphan_read.card.table is None


def test_json_dates_and_flags_come_back_as_python_values(alice):
    StudySettings.objects.create(user=alice, learning_steps=[30, 300, 3600], desired_retention=0.85,
                                 time_zone="Europe/Paris")
    got = Prepared(lambda user: StudySettings.objects.filter(user=user), int).one(alice.pk)
    assert values(got) == values(StudySettings.objects.get(user=alice))
    assert got.learning_steps == [30, 300, 3600] and not got._state.adding
    by_name = Prepared(lambda name: type(alice).objects.filter(username=name), str)
    assert values(by_name.one("alice")) == values(type(alice).objects.get(pk=alice.pk))


def test_no_row_is_none(alice):
    assert Prepared(lambda user: StudySettings.objects.filter(user=user), int).one(alice.pk) is None
    assert SCHEDULE_WITH_CARD.one(123456) is None


def test_a_locked_read_locks_where_the_database_can(alice):
    StudySettings.objects.create(user=alice)
    locked = Prepared(lambda user: StudySettings.objects.select_for_update().filter(user=user), int)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert locked.one(alice.pk).user_id == alice.pk
    [read] = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert read.endswith(" FOR UPDATE") == connection.features.has_select_for_update


def test_lists_keep_the_querysets_order_limit_and_constants(imported, alice, bob):
    sections = Prepared(lambda source, skip: NoteSection.objects.active().filter(source=source)
                        .exclude(position=skip).select_related("source").order_by("-position")[:3], int, int)
    source = NoteSection.objects.values_list("source", flat=True).first()
    expected = list(NoteSection.objects.active().filter(source=source).exclude(position=1)
                    .select_related("source").order_by("-position")[:3])
    got = sections.all(source, 1)
    assert [values(s) for s in got] == [values(s) for s in expected] and len(got) >= 2
    assert [values(s.source) for s in got] == [values(s.source) for s in expected]
    with pytest.raises(ValueError, match="2 rows"):
        Prepared(lambda skip: type(alice).objects.exclude(pk=skip), int).one(0)  # alice and bob


def test_arguments_a_lookup_rewrites_are_refused():
    with pytest.raises(ValueError, match="plain parameter"):
        Prepared(lambda word: NoteSection.objects.filter(search_text__contains=word), str).all("x")
    with pytest.raises(ValueError, match="plain parameter"):
        Prepared(lambda name: NoteSection.objects.all(), str).all("x")
    with pytest.raises(ValueError, match="model instances"):
        Prepared(lambda pk: NoteSection.objects.filter(pk=pk).values("pk"), int).all(1)


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


def test_a_number_no_column_holds_selects_nothing(alice):
    # An address can hold any number; SQLite raises OverflowError past 64 bits.
    StudySettings.objects.create(user=alice)
    by_user = Prepared(lambda user: StudySettings.objects.filter(user=user), int)
    assert by_user.all(2**64) == [] and by_user.one(-(2**63) - 1) is None
    assert by_user.one(alice.pk).user_id == alice.pk


def test_a_locked_read_outside_a_transaction_fails_where_the_orm_fails(alice):
    StudySettings.objects.create(user=alice)
    locked = Prepared(lambda user: StudySettings.objects.select_for_update().filter(user=user), int)
    with transaction.atomic():
        locked.one(alice.pk)  # compiled inside one, as the callers do

    def outcome(read):
        try:
            return len(read())
        except transaction.TransactionManagementError:
            return "refused"

    assert outcome(lambda: locked.all(alice.pk)) == outcome(
        lambda: list(StudySettings.objects.select_for_update().filter(user=alice)))


def test_an_argument_whose_wildcards_a_lookup_escapes_finds_only_itself(alice):
    # SQLite's iexact is a LIKE, and escapes the value's % and _ as the query is compiled; taken
    # for a plain argument, "a_ice" reaches the database unescaped and finds alice. PostgreSQL
    # compares UPPER()s, and leaves the value as it is.
    by_name = Prepared(lambda name: type(alice).objects.filter(username__iexact=name), str)
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="plain parameter"):
            by_name.all("a_ice")
    else:
        assert by_name.all("a_ice") == [] and by_name.one("ALICE").pk == alice.pk


def test_none_selects_what_the_queryset_selects_for_none(imported):
    # The ORM writes `IS NULL` for None; in the statement compiled from stand-ins it would be
    # `= NULL`, which holds for no row.
    by_table = Prepared(lambda table: Card.objects.filter(table=table).order_by("pk"), int)
    expected = list(Card.objects.filter(table=None).order_by("pk"))
    assert [values(card) for card in by_table.all(None)] == [values(card) for card in expected] and expected


def test_what_the_orm_sets_beside_the_fields_is_refused(imported):
    # A queryset sets its annotations on each instance, and a related manager's the instance it
    # was read through; a prepared read sets neither, so it takes neither.
    section = NoteSection.objects.first()
    with pytest.raises(ValueError, match="model instances"):
        Prepared(lambda pk: NoteSection.objects.annotate(mentions=Count("services")).filter(pk=pk), int).all(1)
    with pytest.raises(ValueError, match="model instances"):
        Prepared(lambda pk: section.source.notesection_set.filter(pk=pk), int).all(section.pk)


def test_named_rows_are_the_querysets_own_rows(imported):
    def rows(source):
        return (NoteSection.objects.active().filter(source=source).order_by("-position")
                .values_list("pk", "heading_path", "source__title", "source__imported_at", named=True)[:4])
    source = NoteSection.objects.values_list("source", flat=True).first()
    got = Prepared(rows, int).all(source)
    expected = list(rows(source))
    assert got == expected and len(got) >= 2
    assert [row._asdict() for row in got] == [row._asdict() for row in expected]
    assert isinstance(got[0].heading_path, list)


def test_rows_without_names_are_refused():
    # Rows that are plain tuples or dicts would be read by position or key, unlike the model's own.
    for build in (lambda pk: NoteSection.objects.filter(pk=pk).values_list("pk", "anchor"),
                  lambda pk: NoteSection.objects.filter(pk=pk).values("pk"),
                  lambda pk: NoteSection.objects.filter(pk=pk).values_list(named=True)):
        with pytest.raises(ValueError, match="rows of named fields"):
            Prepared(build, int).all(1)


def test_named_rows_hold_annotations_and_nothing_they_are_only_ordered_by(imported):
    source = NoteSection.objects.values_list("source", flat=True).first()

    def counted(source):
        return (NoteSection.objects.filter(source=source).annotate(mentions=Count("services"))
                .order_by("position").values_list("mentions", "pk", named=True))

    def ordered_by_unselected(source):
        return (NoteSection.objects.filter(source=source).order_by("-position").distinct()
                .values_list("anchor", named=True))

    for build in (counted, ordered_by_unselected):
        got = Prepared(build, int).all(source)
        assert got == list(build(source)) and len(got) >= 2
        assert [row._fields for row in got] == [row._fields for row in build(source)]
