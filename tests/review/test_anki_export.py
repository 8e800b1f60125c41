"""The Anki exports, opened with Anki's own library (the `anki` package): every card arrives with its
fields and tags, a newer export updates the notes in place and keeps their scheduling, a deck can
be an exam, a domain or a service, and a reader that stops early ends the export quietly."""

import html
import io
import os
from datetime import timedelta

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportCsvRequest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.text import slugify

from studyapp.review.anki import guid_for
from studyapp.review.models import Card

from ..conftest import FIXTURES, NOW
from ..notes.test_import import run_import

pytestmark = pytest.mark.django_db(transaction=True)

LONG_TITLE = "Choosing between the streaming ingestion services when the producers cannot change"


@pytest.fixture
def collection(tmp_path):
    """An empty Anki collection, as a new Anki profile has."""
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_notes", *args, stdout=out)
    return out.getvalue()


def import_csv(col, text, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text(text)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=col.get_csv_metadata(str(path), None))).log


def import_apkg(col, path):
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def notes_in(col) -> dict:
    """Anki's notes by GUID."""
    return {note.guid: note for note in map(col.get_note, col.find_notes(""))}


def shown(field: str) -> str:
    """A field as Anki shows it: its HTML read as text."""
    return html.unescape(field.replace("<br>", "\n")).replace("\xa0", " ")


def expected_tags(card) -> set[str]:
    tags = {"DEA-C01", *(f"domain-{d.number}" for d in card.domains.all()), slugify(card.source.title),
            *(f"service::{s.slug}" for s in card.services.all())}
    if card.pattern_id and card.pattern.task:
        tags.add(f"task-{card.pattern.task}")
    return tags


def assert_every_card_arrived(col, cards, deck: str):
    arrived = notes_in(col)
    assert set(arrived) == {guid_for(card.key) for card in cards}
    assert {card.kind for card in cards} == {"pattern", "cell"}  # table cards too, not only patterns
    for card in cards:
        note = arrived[guid_for(card.key)]
        assert shown(note["Front"]) == card.front
        assert shown(note["Back"]) == card.answer + (f"\n\n{card.explanation}" if card.explanation else "")
        assert set(note.tags) == expected_tags(card), card.front
        assert {col.decks.name(c.did) for c in note.cards()} == {deck}


def test_the_csv_brings_every_card_into_anki_with_its_fields_and_tags(notes, collection, tmp_path):
    (notes / "long-title.md").write_text(
        f"---\ntitle: {LONG_TITLE}\nexam: DEA-C01\ndomains: [1]\ntasks: [\"1.1\"]\n---\n# {LONG_TITLE}\n\n"
        "| Question pattern | Answer |\n|---|---|\n| Keep existing Kafka clients working | Amazon MSK |\n")
    run_import(notes)
    text = export("--format", "csv")
    assert text.splitlines()[:8] == [
        "#separator:Comma", "#html:true", "#notetype:Basic", "#deck:Exam Study", "#guid column:1",
        "#tags column:4", "#if matches:update current", "#columns:GUID,Front,Back,Tags"]

    log = import_csv(collection, text, tmp_path)
    cards = list(Card.objects.active().select_related("source", "pattern").prefetch_related("domains", "services"))
    assert len(log.new) == len(cards) == 12
    assert_every_card_arrived(collection, cards, "Exam Study")
    [kafka] = [n for n in notes_in(collection).values() if n["Front"] == "Keep existing Kafka clients working"]
    # The note's title makes one tag, whole, as long as it is.
    assert slugify(LONG_TITLE) in kafka.tags and "task-1.1" in kafka.tags
    assert all(" " not in tag for note in notes_in(collection).values() for tag in note.tags)


def test_a_newer_csv_updates_the_notes_in_anki_in_place_and_keeps_their_scheduling(notes, collection, tmp_path):
    run_import(notes)
    import_csv(collection, export("--format", "csv"), tmp_path)
    before = {guid: note.id for guid, note in notes_in(collection).items()}
    replay = notes_in(collection)[guid_for(Card.objects.get(front="Replay records from the last 24 hours").key)]
    studied = replay.cards()[0]
    studied.type = studied.queue = 2  # a review card, due in ten days, as Anki leaves a card it has scheduled
    studied.ivl, studied.due = 10, collection.sched.today + 10
    collection.update_card(studied)

    cues = notes / "cues.md"
    cues.write_text(cues.read_text().replace("Records stay for the retention period",
                                             "Records stay for the retention period, up to 365 days"))
    run_import(notes)
    log = import_csv(collection, export("--format", "csv"), tmp_path)

    after = notes_in(collection)
    assert {guid: note.id for guid, note in after.items()} == before  # the same notes, none added
    assert len(log.new) == 0 and len(log.updated) == 1
    assert shown(after[replay.guid]["Back"]).endswith("up to 365 days")
    kept = collection.get_card(studied.id)
    assert (kept.type, kept.ivl, kept.due) == (2, 10, collection.sched.today + 10)


def test_the_apkg_holds_every_card_with_its_fields_and_tags(notes, collection, tmp_path, clock):
    run_import(notes)
    package = tmp_path / "deck.apkg"
    assert export("--format", "apkg", "--output", str(package)) == f"11 cards in the deck 'Exam Study': {package}\n"
    log = import_apkg(collection, package)
    cards = list(Card.objects.active().select_related("source", "pattern").prefetch_related("domains", "services"))
    assert len(log.new) == len(cards) == 11
    assert_every_card_arrived(collection, cards, "Exam Study")
    assert {note.note_type()["name"] for note in notes_in(collection).values()} == {"Exam Study card"}
    # Cards arrive new: the learner's review state here does not go with them.
    assert {card.type for note in notes_in(collection).values() for card in note.cards()} == {0}


def test_a_newer_apkg_updates_the_notes_in_place(notes, collection, tmp_path, clock):
    run_import(notes)
    export("--format", "apkg", "--output", str(tmp_path / "first.apkg"))
    import_apkg(collection, tmp_path / "first.apkg")
    before = {guid: note.id for guid, note in notes_in(collection).items()}

    clock.move_to(NOW + timedelta(days=1), tick=False)
    cues = notes / "cues.md"
    cues.write_text(cues.read_text().replace("| Find which API calls a role made last week | AWS CloudTrail |",
                                             "| Find which API calls a role made last week | AWS CloudTrail Lake |"))
    run_import(notes)
    export("--format", "apkg", "--output", str(tmp_path / "second.apkg"))
    log = import_apkg(collection, tmp_path / "second.apkg")

    after = notes_in(collection)
    assert {guid: note.id for guid, note in after.items()} == before
    assert len(log.new) == 0 and len(log.conflicting) == 0 and len(log.updated) >= 1
    card = Card.objects.get(front="Find which API calls a role made last week")
    assert shown(after[guid_for(card.key)]["Back"]).startswith("AWS CloudTrail Lake")
    # The newer package brought no second note type: Anki matched its notes to the first.
    assert [m.name for m in collection.models.all_names_and_ids()].count("Exam Study card") == 1


@pytest.mark.parametrize("options, deck, chosen", [
    (["--exam", "dea-c01"], "Exam Study::DEA-C01", {"exam__code": "DEA-C01"}),
    (["--exam", "DEA-C01", "--domain", "2"], "Exam Study::DEA-C01::Domain 2 Data Store Management",
     {"domains__number": 2}),
    (["--service", "amazon-s3"], "Exam Study::Amazon S3", {"services__slug": "amazon-s3"}),
    (["--service", "Amazon Kinesis Data Streams", "--exam", "DEA-C01"],
     "Exam Study::DEA-C01::Amazon Kinesis Data Streams", {"services__slug": "amazon-kinesis-data-streams"}),
])
def test_a_deck_is_an_exam_a_domain_or_a_service(notes, collection, tmp_path, clock, options, deck, chosen):
    (notes / "other-exam.md").write_text(
        "---\ntype: exam\ntitle: Another exam\ncode: SAA-C03\ndomains:\n"
        "  - {number: 1, name: Design Secure Architectures, weight: 100}\n---\n# Another exam\n")
    (notes / "other-cues.md").write_text(
        "---\ntitle: Other cues\nexam: SAA-C03\ndomains: [1]\n---\n# Other cues\n\n"
        "| Question pattern | Answer |\n|---|---|\n| Query logs in S3 with SQL | Amazon Athena |\n")
    run_import(notes)
    export("--format", "apkg", "--output", str(tmp_path / "deck.apkg"), *options)
    import_apkg(collection, tmp_path / "deck.apkg")
    cards = Card.objects.active().filter(**chosen)
    assert 0 < cards.count() < Card.objects.active().count()
    assert set(notes_in(collection)) == {guid_for(card.key) for card in cards}
    assert {collection.decks.name(c.did) for n in notes_in(collection).values() for c in n.cards()} == {deck}
    assert export("--format", "csv", *options).splitlines()[3] == f"#deck:{deck}"


def test_a_deck_that_names_nothing_is_refused(notes):
    run_import(notes)
    assert export("--format", "csv", "--domain", "2").splitlines()[3].endswith("Domain 2 Data Store Management")
    for options, message in [(["--exam", "SAA-C03"], "no exam 'SAA-C03'"),
                             (["--domain", "9"], "DEA-C01 has no domain 9"),
                             (["--service", "Amazon Quokka"], "no service 'Amazon Quokka'"),
                             (["--format", "json", "--exam", "DEA-C01"], "are for an Anki deck"),
                             (["--format", "apkg"], "--output names the .apkg file")]:
        with pytest.raises(CommandError, match=message):
            export(*(options if "--format" in options else ["--format", "csv", *options]))


@pytest.mark.parametrize("format", ["csv", "json"])
def test_a_reader_that_stops_early_ends_the_export_quietly(notes, format):
    """`export_notes | head`: the reader has gone before the first line is written."""
    run_import(notes)
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as stream:
        call_command("export_notes", "--format", format, stdout=stream)  # no BrokenPipeError
        stream.write("what is left goes nowhere")


@pytest.mark.parametrize("fixture", ["hostile", "formulas"])
def test_cards_written_to_attack_arrive_in_anki_as_the_text_they_hold(fixture, collection, tmp_path, clock):
    """Cues and answers with markup, scripts, quotes, commas, line breaks and spreadsheet formulas:
    Anki holds each field as text, in the CSV and in the package alike."""
    run_import(FIXTURES / fixture)
    cards = list(Card.objects.active())
    assert len(cards) > 3
    import_csv(collection, export("--format", "csv"), tmp_path)
    from_csv = {guid: (n["Front"], n["Back"], n.tags) for guid, n in notes_in(collection).items()}
    for card in cards:
        front, back, tags = from_csv[guid_for(card.key)]
        assert shown(front) == card.front and shown(back).startswith(card.answer), card.front
        assert "<" not in front.replace("<br>", "") and "<" not in back.replace("<br>", "")
        assert all(" " not in tag for tag in tags)

    export("--format", "apkg", "--output", str(tmp_path / "deck.apkg"))
    (tmp_path / "again").mkdir()
    again = Collection(str(tmp_path / "again" / "collection.anki2"))
    try:
        import_apkg(again, tmp_path / "deck.apkg")
        assert {guid: (n["Front"], n["Back"], n.tags) for guid, n in notes_in(again).items()} == from_csv
    finally:
        again.close()
