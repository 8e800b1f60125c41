"""An import is rehearsed on a copy of an SQLite database and its result applied in one short
transaction (studyapp.ops.rehearsal): the result is what building in place gives, the live
database takes other writers while the import builds, and a rehearsal that wrote a table it does
not own would fail rather than lose that write. On PostgreSQL every import builds in place, and
the same tests hold."""

import random
import shutil
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from studyapp.notes import writer
from studyapp.ops.backup import create_backup
from studyapp.ops.importing import import_notes
from studyapp.ops.rehearsal import imported_models, rehearsable, rehearsal_database
from studyapp.review.models import StudySettings

from tests.conftest import NOW, database_rows

pytestmark = pytest.mark.django_db(transaction=True)


def imported_rows():
    tables = {model._meta.db_table for model in imported_models()}
    return {table: rows for table, rows in database_rows().items() if table in tables}


def import_and_change(folder, monkeypatch, in_place: bool):
    """Import the notes, then change them in every way an import handles (an edited row, a new
    row, a note gone, an exam with a domain fewer) and import again; the imported tables after."""
    rng = random.Random(1)
    monkeypatch.setattr(writer, "new_key", lambda: f"{rng.getrandbits(128):032x}")

    def run():
        if in_place:
            with transaction.atomic():  # a copy could not see the caller's transaction: built in place
                return import_notes([str(folder)], now=NOW)
        return import_notes([str(folder)], now=NOW)

    run()
    cues = folder / "cues.md"
    cues.write_text(cues.read_text().replace("last 24 hours", "last day")
                    + "| Query logs in place with SQL | Amazon Athena | Serverless, pay per query | 1 |\n")
    (folder / "storage.md").unlink()
    exam = folder / "exam.md"
    exam.write_text("\n".join(line for line in exam.read_text().splitlines() if "number: 4" not in line) + "\n")
    report = run()
    return imported_rows(), report


def test_a_rehearsed_import_writes_what_an_import_built_in_place_writes(notes, tmp_path, monkeypatch):
    pristine = tmp_path / "pristine"
    shutil.copytree(notes, pristine)
    call_command("flush", interactive=False, verbosity=0)  # row ids from 1, whatever ran before
    rehearsed, rehearsed_report = import_and_change(notes, monkeypatch, in_place=False)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(notes)
    shutil.copytree(pristine, notes)  # the same paths, which the notes' rows hold
    built_in_place, in_place_report = import_and_change(notes, monkeypatch, in_place=True)

    assert rehearsed["review_card"] and rehearsed["exams_bankquestion"]
    assert any(row[-1] is not None for row in rehearsed["notes_domain"])  # the dropped domain, retired
    assert rehearsed == built_in_place
    assert ([f.warnings for f in rehearsed_report.files]
            == [f.warnings for f in in_place_report.files] != [[]] * len(in_place_report.files))


def test_the_live_database_takes_a_learner_s_write_while_the_import_builds(notes, alice):
    study = StudySettings.objects.for_user(alice)
    during_build = []

    def learner_writes_at_once():
        # A connection of its own, which gives up at once rather than wait for a lock.
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA busy_timeout = 0")
                else:
                    cursor.execute("SET lock_timeout = '1ms'")
            with transaction.atomic():
                StudySettings.objects.filter(pk=study.pk).update(new_per_day=7)
            during_build.append("written")
        except Exception as error:  # reported by the assertion below
            during_build.append(repr(error))
        finally:
            connection.close()

    def while_questions_are_written(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "exams_bankquestion"') and not during_build:
            learner = threading.Thread(target=learner_writes_at_once)
            learner.start()
            learner.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(while_questions_are_written):
        import_notes([str(notes)], now=NOW)

    assert during_build == ["written"]
    assert StudySettings.objects.get(pk=study.pk).new_per_day == 7


def test_a_rehearsal_that_writes_a_learner_s_table_fails_rather_than_lose_the_write(notes, alice, backup_dir):
    StudySettings.objects.for_user(alice)
    import_notes([str(notes)], now=NOW)
    if connection.vendor != "sqlite":
        assert not rehearsable()  # PostgreSQL: every import builds in place, in the live database
        return
    backup = create_backup().path  # the first import, into an empty database, took none
    with pytest.raises(RuntimeError, match="review_studysettings, which it does not own"):
        with rehearsal_database(backup):
            StudySettings.objects.filter(user=alice).update(new_per_day=1)
    assert not list(backup_dir.glob(".rehearsal-*"))  # the copy goes with the failed rehearsal
    assert StudySettings.objects.get(user=alice).new_per_day != 1
