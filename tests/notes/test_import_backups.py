"""Every import that is going to change something backs the database up first, unless the
database has nothing an import could lose."""

import io

import pytest
from django.core.management import call_command

from studyapp.notes.models import QuestionPattern
from studyapp.ops.backup import create_backup
from studyapp.ops.importing import nothing_to_lose
from studyapp.review.models import Card
from studyapp.review.exam_answers import record_exam_answers

from ..conftest import NOW, database_rows
from .test_import import run_import

# The backup is read by another connection (or pg_dump), which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def add_pattern(notes, prompt):
    with (notes / "cues.md").open("a") as cues:
        cues.write(f"\n## Added\n| Question pattern | Answer |\n|---|---|\n| {prompt} | Amazon S3 |\n")


def test_an_import_backs_up_first_and_restore_brings_that_back(notes, clock, alice, backup_dir):
    run_import(notes)
    record_exam_answers(alice, [(Card.objects.active().first(), True)], NOW)
    before = database_rows()
    add_pattern(notes, "Store objects of any size")

    report = run_import(notes)

    # The first import, into an empty database, took none.
    assert report["imported"] == 1 and report["backup"].startswith(str(backup_dir / "import-20260302-090000."))
    assert QuestionPattern.objects.filter(prompt="Store objects of any size").exists()
    call_command("restore", report["backup"], "--noinput", stdout=io.StringIO())
    assert database_rows() == before


def test_the_import_summary_says_where_the_backup_went(notes, clock, backup_dir):
    run_import(notes)
    add_pattern(notes, "Store objects of any size")
    out = io.StringIO()
    call_command("import_notes", str(notes), stdout=out)
    assert f"The database was backed up first, to {backup_dir}/import-20260302-090000." in out.getvalue()


def test_a_first_import_into_an_empty_database_makes_no_backup_and_leaves_no_copy(notes, alice, backup_dir):
    assert nothing_to_lose()  # a learner's account is not what an import could lose

    out = io.StringIO()
    call_command("import_notes", str(notes), stdout=out)

    assert "backed up" not in out.getvalue() and Card.objects.exists()
    # The rehearsal's starting copy is gone with the rehearsal: nothing is left beside the backups.
    assert not backup_dir.exists() or list(backup_dir.iterdir()) == []
    assert not nothing_to_lose()


def test_reimporting_unchanged_notes_makes_no_backup(notes, backup_dir):
    run_import(notes)
    taken = sorted(backup_dir.glob("*"))

    report = run_import(notes)

    assert report["unchanged"] == report["files"] and report["backup"] is None
    assert sorted(backup_dir.glob("*")) == taken


def test_an_import_whose_every_file_fails_makes_no_backup(tmp_path, backup_dir):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")
    with pytest.raises(SystemExit):
        call_command("import_notes", str(tmp_path / "binary.md"), stdout=io.StringIO(), stderr=io.StringIO())
    assert not backup_dir.exists() or not list(backup_dir.iterdir())


def test_only_the_newest_backup_keep_import_backups_are_kept(notes, clock, settings, backup_dir):
    settings.BACKUP_KEEP = 3
    manual = create_backup()  # not an import's: never pruned
    made = []
    for n in range(5):
        add_pattern(notes, f"Cue number {n}")
        made.append(run_import(notes)["backup"])

    assert sorted(str(p) for p in backup_dir.glob("import-*")) == sorted(made[-3:])
    assert manual.path.exists()
