"""Cards follow their notes through re-imports, and learners' history survives every one."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from studyapp.notes.models import NoteSection, QuestionPattern
from studyapp.review.models import Card, ReviewLog, ReviewState

from .conftest import grade, show

pytestmark = pytest.mark.django_db(transaction=True)


def import_from(folder):
    call_command("import_notes", str(folder), stdout=io.StringIO())


def edit(path, old, new):
    path.write_text(path.read_text().replace(old, new))


def test_an_import_makes_cards_from_patterns_and_table_cells(notes):
    import_from(notes)
    fronts = dict(Card.objects.values_list("front", "kind"))
    assert fronts["Replay records from the last 24 hours"] == "pattern"
    assert fronts["S3 Glacier Deep Archive: minimum storage duration?"] == "cell"
    assert fronts["Amazon Kinesis Data Streams: unit of storage?"] == "cell"
    lock = Card.objects.get(front="Stop anyone deleting an object for 7 years")
    assert sorted(lock.domains.values_list("number", flat=True)) == [2, 4]  # one card, both domains
    assert lock.exam.code == "DEA-C01"
    replay = Card.objects.get(front="Replay records from the last 24 hours")
    assert replay.services.get().name == "Amazon Kinesis Data Streams"
    assert Card.objects.get(front="Amazon S3: unit of storage?").services.get().name == "Amazon S3"
    deep = Card.objects.get(front="S3 Glacier Deep Archive: minimum storage duration?")
    assert deep.answer == "180 days" and list(deep.domains.values_list("number", flat=True)) == [2]


def test_reimporting_after_reviews_keeps_every_schedule_and_log(notes, client, alice, clock):
    import_from(notes)
    client.force_login(alice)
    page = show(client)
    for _ in range(4):
        page = grade(client, page, 3)
    states = {s.card.key: s.memory for s in ReviewState.objects.select_related("card")}
    logs = list(ReviewLog.objects.order_by("pk").values_list("pk", "card__key", "rating", "state_before"))

    edit(notes / "cues.md", "Records stay for the retention period", "Records stay for the whole retention period")
    edit(notes / "storage.md", "| 180 days |", "| 180 days (six months) |")
    (notes / "exam.md").write_text((notes / "exam.md").read_text() + "\nOne more line.\n")
    import_from(notes)

    assert {s.card.key: s.memory for s in ReviewState.objects.select_related("card")} == states
    assert list(ReviewLog.objects.order_by("pk").values_list("pk", "card__key", "rating", "state_before")) == logs
    assert Card.objects.get(front="S3 Glacier Deep Archive: minimum storage duration?").answer == "180 days (six months)"
    assert Card.objects.filter(retired_at__isnull=False).count() == 0
    clock.shift(timedelta(minutes=10))
    assert show(client).card in states  # the learning cards come back, as scheduled


def test_a_card_whose_pattern_is_gone_retires_and_returns_with_its_history(notes, client, alice):
    import_from(notes)
    card = Card.objects.get(front="Find which API calls a role made last week")
    client.force_login(alice)
    ReviewState.objects.create(user=alice, card=card, phase=2, due=card.retired_at, reps=4)
    original = (notes / "cues.md").read_text()
    edit(notes / "cues.md", "| Find which API calls a role made last week | AWS CloudTrail | It records management events for 90 days | 3 |\n", "")
    import_from(notes)
    card.refresh_from_db()
    assert card.retired_at is not None
    assert QuestionPattern.objects.get(key=card.key).retired_at is not None
    assert ReviewState.objects.filter(card=card).exists()

    (notes / "cues.md").write_text(original)
    import_from(notes)
    card.refresh_from_db()
    assert card.retired_at is None and ReviewState.objects.get(card=card).reps == 4


def test_a_note_can_keep_itself_out_of_the_flashcards(notes):
    edit(notes / "storage.md", "domains: [2]", "domains: [2]\nflashcards: false")
    import_from(notes)
    assert not Card.objects.filter(kind="cell").exists()
    assert Card.objects.filter(kind="pattern").exists()


def test_an_unchanged_reimport_leaves_the_cards_alone(notes):
    import_from(notes)
    before = list(Card.objects.values_list("pk", "key", "content_hash", "retired_at"))
    import_from(notes)
    assert list(Card.objects.values_list("pk", "key", "content_hash", "retired_at")) == before


def test_a_cards_marker_keeps_a_table_out_of_the_flashcards_and_out_of_the_text(tmp_path):
    note = tmp_path / "classes.md"
    table = "| Class | Minimum storage duration |\n|---|---|\n| S3 Standard-IA | 30 days |\n| S3 Glacier Deep Archive | 180 days |\n"
    note.write_text(f"# Classes\n\n## Storage classes\n{table}\n## The bank's archive\n<!-- cards: none -->\n{table}")
    out = io.StringIO()
    call_command("import_notes", str(note), stdout=out)
    assert sorted(Card.objects.values_list("context", flat=True)) == ["Storage classes", "Storage classes"]
    assert "Flashcards: 2 added, 0 changed, 0 retired." in out.getvalue()
    [section] = [s for s in NoteSection.objects.all() if s.heading_path[-1] == "The bank's archive"]
    assert "cards" not in section.text and "cards" not in section.html
