"""import_notes end to end, against the real database."""

import io
import json
import shutil
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection

from studyapp.notes.models import (
    ComparisonTable,
    Domain,
    Exam,
    NoteSection,
    QuestionPattern,
    Service,
    SourceFile,
)
from studyapp.notes.registry import SlugSet

pytestmark = pytest.mark.django_db(transaction=True)


def run_import(*paths, expect_exit=None):
    out = io.StringIO()
    if expect_exit is None:
        call_command("import_notes", *map(str, paths), "--json", stdout=out)
    else:
        with pytest.raises(SystemExit) as exit_info:
            call_command("import_notes", *map(str, paths), "--json", stdout=out)
        assert exit_info.value.code == expect_exit
    return json.loads(out.getvalue())


@pytest.fixture
def corpus(tmp_path, notes_dir):
    target = tmp_path / "notes"
    shutil.copytree(notes_dir, target)
    return target


def test_it_imports_a_folder_and_reports_counts_as_json(corpus):
    report = run_import(corpus)
    assert report["files"] == 11 and report["failed"] == 0
    assert report["totals"]["services"] == 3
    assert report["totals"]["exams"] == 1
    assert report["totals"]["patterns"] == QuestionPattern.objects.count() > 10
    assert report["totals"]["tables"] == ComparisonTable.objects.count() == 11
    warning = next(w for w in report["warnings"] if "no header row" in w["message"])
    assert warning["file"].endswith("tables.md") and warning["line"] == 19


def test_the_exam_and_its_domain_weights_are_stored(corpus):
    run_import(corpus)
    exam = Exam.objects.get(code="DEA-C01")
    assert (exam.question_count, exam.minutes, exam.passing_score, exam.declared) == (65, 130, 720, True)
    assert [(d.number, int(d.weight)) for d in exam.domains.all()] == [(1, 34), (2, 26), (3, 22), (4, 18)]


def test_services_carry_aliases_category_and_domains(corpus):
    run_import(corpus)
    kds = Service.objects.get(name="Amazon Kinesis Data Streams")
    assert kds.aliases == ["Kinesis Data Streams", "KDS"]
    assert kds.category == "Streaming"
    assert [d.number for d in kds.domains.all()] == [1]
    assert kds.summary.startswith("A durable stream of records")


def test_wikilinks_resolve_to_services_and_notes_by_title_or_alias(corpus):
    run_import(corpus)
    section = NoteSection.objects.get(source__title="Linking note")
    assert {s.name for s in section.links_to.all()} == {"Amazon Kinesis Data Streams", "Amazon Data Firehose"}
    assert [n.title for n in section.links_to_notes.all()] == ["Streaming cues"]
    assert 'href="/notes/services/amazon-data-firehose/"' in section.html
    assert 'href="/notes/docs/patterns/"' in section.html
    assert "No Such Thing" in section.html and "wikilink:" not in section.html
    source = SourceFile.objects.get(title="Linking note")
    assert any("[[No Such Thing]]" in w["message"] for w in source.warnings)


def test_pattern_answers_are_linked_to_the_services_they_name(corpus):
    run_import(corpus)
    replay = QuestionPattern.objects.get(prompt="Replay data")
    assert [s.name for s in replay.answer_services.all()] == ["Amazon Kinesis Data Streams"]
    assert replay.domain == Domain.objects.get(number=1)
    assert (replay.citation, replay.line) == ("003:288", 12)
    assert QuestionPattern.objects.get(prompt="Object storage for a data lake").answer_services.get().name == "Amazon S3"


def test_reimporting_unchanged_notes_changes_nothing(corpus):
    run_import(corpus)
    before = sorted(QuestionPattern.objects.values_list("key", "prompt", "answer"))
    tables = sorted(ComparisonTable.objects.values_list("key", "title"))
    report = run_import(corpus)
    assert report["unchanged"] == 11 and report["imported"] == 0
    assert sorted(QuestionPattern.objects.values_list("key", "prompt", "answer")) == before
    assert sorted(ComparisonTable.objects.values_list("key", "title")) == tables


def test_an_edited_note_keeps_the_identity_of_items_changed_a_little(corpus):
    run_import(corpus)
    keys = dict(QuestionPattern.objects.values_list("prompt", "key"))
    note = corpus / "patterns.md"
    text = note.read_text()
    text = text.replace("| Near real-time delivery to S3 |", "| Near real time delivery to S3 |")  # a typo fixed
    text = text.replace("[[Amazon Kinesis Data Streams]] | Records stay", "Kinesis Data Streams | Records stay")
    text = text.replace("- Client controls keys => SSE-C\n", "")  # removed
    text = text.replace("## Keywords", "## Keywords\n\nA fresh cue → A new answer\n")  # added, shifts lines
    note.write_text(text)
    run_import(corpus)

    replay = QuestionPattern.objects.get(prompt="Replay data")
    assert replay.key == keys["Replay data"] and replay.answer == "Kinesis Data Streams"
    edited = QuestionPattern.objects.get(prompt="Near real time delivery to S3")
    assert edited.key == keys["Near real-time delivery to S3"]
    removed = QuestionPattern.objects.get(prompt="Client controls keys")
    assert removed.key == keys["Client controls keys"] and removed.retired_at is not None
    assert QuestionPattern.objects.active().filter(prompt="Client controls keys").count() == 0
    assert QuestionPattern.objects.get(prompt="A fresh cue").key not in keys.values()
    assert QuestionPattern.objects.get(prompt="Default encryption").key == keys["Default encryption"]


def test_a_removed_item_that_comes_back_is_revived_with_its_identity(corpus):
    run_import(corpus)
    note = corpus / "patterns.md"
    original = note.read_text()
    key = QuestionPattern.objects.get(prompt="Default encryption").key
    note.write_text(original.replace("- Default encryption → SSE-S3\n", ""))
    run_import(corpus)
    note.write_text(original)
    run_import(corpus)
    revived = QuestionPattern.objects.get(prompt="Default encryption")
    assert revived.key == key and revived.retired_at is None


def test_a_file_that_cannot_be_read_is_reported_and_the_rest_imported(corpus):
    (corpus / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (corpus / "latin1.txt").write_bytes("# Caf\xe9\n".encode("latin-1"))
    (corpus / "huge.md").write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    report = run_import(corpus, expect_exit=1)
    errors = {e["file"].rsplit("/", 1)[-1]: e for e in report["errors"]}
    assert set(errors) == {"binary.md", "latin1.txt", "huge.md"}
    assert "binary" in errors["binary.md"]["message"]
    assert errors["latin1.txt"]["line"] == 1 and "UTF-8" in errors["latin1.txt"]["message"]
    assert "limit" in errors["huge.md"]["message"]
    assert report["imported"] == 11
    assert not SourceFile.objects.filter(path__endswith="binary.md").exists()


def test_a_broken_edit_keeps_the_previous_version_of_that_note(corpus):
    run_import(corpus)
    before = QuestionPattern.objects.filter(source__path__endswith="patterns.md").count()
    note = corpus / "patterns.md"
    note.write_text("---\ntitle: [unclosed\n---\n" + note.read_text())
    report = run_import(corpus, expect_exit=1)
    assert report["errors"][0]["line"] == 2
    assert QuestionPattern.objects.active().filter(source__path__endswith="patterns.md").count() == before


# A trigger that makes the database itself refuse one row: a real failure in the middle of a write.
REFUSING_TRIGGER = {
    "sqlite": ["CREATE TRIGGER refuse BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}' "
               "BEGIN SELECT RAISE(ABORT, 'refused'); END"],
    "postgresql": ["CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
                   "CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW "
                   "WHEN (NEW.{column} = '{value}') EXECUTE FUNCTION refuse()"],
}
DROP_TRIGGER = {
    "sqlite": ["DROP TRIGGER refuse"],
    "postgresql": ["DROP TRIGGER refuse ON {table}", "DROP FUNCTION refuse()"],
}


@contextmanager
def refused_insert(table, column, value):
    # Literal SQL: SQLite takes no parameters in a trigger.
    def run(statements):
        with connection.cursor() as cursor:
            for sql in statements[connection.vendor]:
                cursor.execute(sql.format(table=table, column=column, value=value))

    run(REFUSING_TRIGGER)
    try:
        yield
    finally:
        run(DROP_TRIGGER)


def test_a_run_that_fails_while_writing_changes_nothing(corpus):
    run_import(corpus)
    keys = sorted(QuestionPattern.objects.values_list("key", flat=True))
    (corpus / "patterns.md").write_text((corpus / "patterns.md").read_text() + "\nNew cue → explode\n")
    (corpus / "extra.md").write_text("# Extra\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    with refused_insert("notes_questionpattern", "answer", "explode"):
        with pytest.raises(Exception, match="refused"):
            run_import(corpus)
    assert sorted(QuestionPattern.objects.values_list("key", flat=True)) == keys
    assert not SourceFile.objects.filter(path__endswith="extra.md").exists()
    assert not ComparisonTable.objects.filter(title="Extra").exists()


def test_rendered_html_from_hostile_notes_holds_nothing_executable(corpus):
    run_import(corpus)
    html = " ".join(NoteSection.objects.filter(source__path__endswith="hostile.md").values_list("html", flat=True)).lower()
    for needle in ("<script", "onerror", "javascript:", "<iframe", "style=", "hx-get", "data-hx", "<style", "<form", "formaction"):
        assert needle not in html


def test_the_summary_names_files_and_lines(corpus, capsys):
    out = io.StringIO()
    call_command("import_notes", str(corpus), stdout=out)
    text = out.getvalue()
    assert "Read 11 files: 11 imported, 0 unchanged, 0 failed." in text
    assert "tables.md:19: table has no header row" in text


def test_a_missing_path_is_an_error_that_names_it(tmp_path):
    report = run_import(tmp_path / "nope.md", expect_exit=1)
    assert report["errors"] == [{"file": str(tmp_path / "nope.md"), "line": None, "message": "no such file or folder"}]


def service_note(title):
    return f"---\ntype: service\ntitle: {title}\ncategory: Storage\n---\n## Summary\nStorage again.\n"


def test_a_service_whose_title_makes_another_services_address_gets_one_of_its_own(corpus, client):
    run_import(corpus)
    # Sorted before amazon-s3.md, so read first: the older service still keeps its address.
    (corpus / "services" / "a-s3.md").write_text(service_note("Amazon S3!"))
    (corpus / "services" / "amazon-s3-lower.md").write_text(service_note("amazon-s3"))
    (corpus / "links-to-s3.md").write_text("# Links to S3\n\nSee [[Amazon S3]].\n")
    report = run_import(corpus)

    assert report["failed"] == 0 and report["totals"]["services"] == 5
    slugs = dict(Service.objects.values_list("name", "slug"))
    assert (slugs["Amazon S3"], slugs["Amazon S3!"], slugs["amazon-s3"]) == ("amazon-s3", "amazon-s3-2", "amazon-s3-3")
    assert "Amazon S3!" in client.get("/notes/services/amazon-s3-2/").content.decode()
    # Read first, the new note still takes neither the older service's address nor its links.
    html = NoteSection.objects.get(source__title="Links to S3").html
    assert 'href="/notes/services/amazon-s3/"' in html
    warning = next(w for w in report["warnings"] if w["file"].endswith("a-s3.md") and "address" in w["message"])
    assert "/notes/services/amazon-s3-2/" in warning["message"] and warning["line"] == 3
    assert run_import(corpus)["imported"] == 0  # and the addresses stay put
    assert dict(Service.objects.values_list("name", "slug")) == slugs


def test_a_new_note_whose_name_makes_a_re_read_notes_address_gets_one_of_its_own(corpus):
    (corpus / "a-b.md").write_text("# A-B\n\nFirst.\n")
    run_import(corpus)
    (corpus / "a-b.md").write_text("# A-B\n\nEdited, so it is read again.\n")
    (corpus / "a b.md").write_text("# A B\n\nSorted first, and new.\n")
    report = run_import(corpus)

    assert report["failed"] == 0
    assert dict(SourceFile.objects.filter(title__in=["A-B", "A B"]).values_list("title", "slug")) == {
        "A-B": "a-b", "A B": "a-b-2"}


def test_a_service_name_written_with_look_alike_letters_is_reported_with_both_names(corpus):
    run_import(corpus)
    # A Greek capital alpha, and a Cyrillic es with a fullwidth three.
    (corpus / "services" / "greek.md").write_text(service_note("\u0391mazon S3"))
    (corpus / "services" / "cyrillic.md").write_text(service_note("Amazon \u0405\uff13"))
    (corpus / "services" / "glacier.md").write_text(service_note("Amazon S3 Glacier"))
    report = run_import(corpus)

    [greek] = [w for w in report["warnings"] if w["file"].endswith("greek.md")]
    assert (greek["line"], greek["message"]) == (3, "service name 'Αmazon S3' can be taken for 'Amazon S3' of the "
                                                    "service 'Amazon S3': it is written with Α (U+0391 GREEK CAPITAL "
                                                    "LETTER ALPHA)")
    [cyrillic] = [w for w in report["warnings"] if w["file"].endswith("cyrillic.md")]
    assert "'Amazon S3'" in cyrillic["message"] and "U+0405 CYRILLIC CAPITAL LETTER DZE" in cyrillic["message"]
    assert "FULLWIDTH DIGIT THREE" in cyrillic["message"]
    assert not [w for w in report["warnings"] if w["file"].endswith("glacier.md")]
    assert report["failed"] == 0 and Service.objects.filter(name="\u0391mazon S3").exists()


def test_a_service_note_that_takes_another_notes_service_name_is_reported_and_the_rest_imported(corpus):
    run_import(corpus)
    firehose = corpus / "services" / "amazon-data-firehose.md"
    firehose.write_text(firehose.read_text().replace("title: Amazon Data Firehose", "title: Amazon S3"))
    (corpus / "services" / "s3-twin.md").write_text(service_note("Amazon S3"))
    report = run_import(corpus)

    assert report["failed"] == 0
    refused = sorted((w["file"].rsplit("/", 1)[1], w["line"]) for w in report["warnings"]
                     if "defined by" in w["message"] and "services/amazon-s3.md;" in w["message"])
    assert refused == [("amazon-data-firehose.md", 3), ("s3-twin.md", 3)]
    assert Service.objects.get(name="Amazon S3").source.path.endswith("services/amazon-s3.md")
    assert Service.objects.filter(name="Amazon Data Firehose").exists()
    assert NoteSection.objects.filter(source__path__endswith="s3-twin.md").exists()


def test_sections_headed_alike_get_unique_anchors_in_linear_time(tmp_path):
    slugs = SlugSet(["notes"])
    started = time.perf_counter()
    claimed = [slugs.claim("notes") for _ in range(100_000)]  # counting up from 2 each time: hours
    assert time.perf_counter() - started < 15
    assert claimed[:2] == ["notes-2", "notes-3"] and len(set(claimed)) == 100_000

    (tmp_path / "alike.md").write_text("# Alike\n\n" + "".join(f"## Notes\n\nPoint {n}.\n\n" for n in range(300)))
    run_import(tmp_path)
    anchors = [anchor for anchor, path in NoteSection.objects.filter(source__path__endswith="alike.md")
               .order_by("position").values_list("anchor", "heading_path") if path[-1] == "Notes"]
    assert anchors[:3] == ["notes", "notes-2", "notes-3"] and len(set(anchors)) == 300
