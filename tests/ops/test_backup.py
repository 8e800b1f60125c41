"""manage.py backup and restore: consistent copies of the live database, and bringing one back."""

import io
import json
import sqlite3
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from studyapp.ops.backup import BackupError, _pg_tool, create_backup
from studyapp.review.models import Card
from studyapp.review.exam_answers import record_exam_answers

from ..conftest import NOW, database_rows

# A backup is read by another connection (or pg_dump), which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def backup(*arguments) -> dict:
    out = io.StringIO()
    call_command("backup", *arguments, "--json", stdout=out)
    return json.loads(out.getvalue())


def restore(path, *arguments) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *arguments, stdout=out)
    return out.getvalue()


def suffix():
    return ".sqlite3" if connection.vendor == "sqlite" else ".dump"


def test_it_writes_a_checked_copy_with_a_timestamped_name_into_backup_dir(clock, backup_dir, alice):
    summary = backup()
    assert summary["path"] == str(backup_dir / f"backup-20260302-090000{suffix()}")
    assert summary["engine"] == connection.vendor and summary["check"] == "ok"
    assert summary["bytes"] == (backup_dir / f"backup-20260302-090000{suffix()}").stat().st_size > 0
    assert [p.name for p in backup_dir.iterdir()] == [f"backup-20260302-090000{suffix()}"]  # no temporary left


def test_it_prints_a_short_summary(clock, backup_dir):
    out = io.StringIO()
    call_command("backup", stdout=out)
    assert out.getvalue().startswith(f"Backed up the database to {backup_dir}/backup-20260302-090000")
    assert "reads back whole" in out.getvalue()


def test_it_never_overwrites_a_backup(clock, backup_dir, tmp_path):
    first, second = backup()["path"], backup()["path"]  # the same second, by the frozen clock
    assert second == str(backup_dir / f"backup-20260302-090000-2{suffix()}") and first != second

    named = tmp_path / f"mine{suffix()}"
    assert backup(str(named))["path"] == str(named)
    with pytest.raises(CommandError, match="already exists"):
        backup(str(named))


def test_a_backup_taken_while_another_connection_writes_holds_only_its_committed_transactions(backup_dir):
    """The writer commits pairs of users; the backup runs while a pair is half written."""
    half_written, backed_up = threading.Event(), threading.Event()

    def write_pairs():
        try:
            for pair in range(6):
                with transaction.atomic():
                    User.objects.create(username=f"pair{pair}-a")
                    if pair == 5:
                        half_written.set()
                        backed_up.wait(30)
                    User.objects.create(username=f"pair{pair}-b")
        finally:
            connection.close()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        assert half_written.wait(30)
        copy = create_backup()
    finally:
        backed_up.set()
        writer.join(30)
    assert User.objects.count() == 12

    restore(copy.path, "--noinput")
    assert sorted(User.objects.values_list("username", flat=True)) == [
        f"pair{n}-{half}" for n in range(5) for half in "ab"]


@pytest.fixture
def history(imported, clock, alice):
    cards = list(Card.objects.active()[:2])
    record_exam_answers(alice, [(cards[0], True), (cards[1], False)], NOW)
    return cards


def test_restore_brings_back_exactly_the_backed_up_rows(history, alice, bob, backup_dir, tmp_path):
    saved = backup()["path"]
    before = database_rows()

    # Later: a new learner, more reviews, a new note, and a card's history undone by a deletion.
    User.objects.create_user("charlie")
    record_exam_answers(alice, [(history[0], False)], NOW + timedelta(days=3))
    record_exam_answers(bob, [(history[1], True)], NOW + timedelta(days=3))
    (tmp_path / "late.md").write_text("# Late\n\n| Question pattern | Answer |\n|---|---|\n| Late cue | Late answer |\n")
    call_command("import_notes", str(tmp_path / "late.md"), stdout=io.StringIO())
    later = database_rows()
    assert later != before

    output = restore(saved, "--noinput")

    assert database_rows() == before
    safety = output.split("The database as it was is in ")[1].strip().rstrip(".")
    assert safety.startswith(str(backup_dir / "pre-restore-20260302-090000"))
    restore(safety, "--yes")  # and the safety backup brings back what the restore replaced
    assert database_rows() == later


def test_restore_asks_first_and_changes_nothing_unless_told_yes(history, monkeypatch, backup_dir):
    saved = backup()["path"]
    User.objects.create_user("charlie")
    before = database_rows()
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")

    assert "Restore cancelled; nothing was changed." in restore(saved)
    assert "Type 'yes' to continue" in questions[0] and database_rows() == before
    assert not list(backup_dir.glob("pre-restore-*"))

    monkeypatch.setattr("builtins.input", lambda question: "yes")
    restore(saved)
    assert not User.objects.filter(username="charlie").exists()


def corrupt(good, bad):
    header = b"PGDMP" if good.suffix == ".dump" else b"SQLite format 3\x00"
    bad.write_bytes(header + b"\xff" * 4000)


def truncated(good, bad):
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def not_a_database(good, bad):
    bad.write_text("name,answer\nS3,storage\n")


def another_database(good, bad):
    db = sqlite3.connect(bad)
    db.execute("CREATE TABLE cards (front, back)")
    db.commit()
    db.close()


def missing(good, bad):
    pass


@pytest.mark.parametrize("damage, message", [
    (corrupt, "cannot be read|not a readable|is damaged"),
    (truncated, "cannot be read|not a readable|is damaged"),
    (not_a_database, "not an SQLite database|not a readable"),
    (another_database, "not one of this app|not a readable"),
    (missing, "There is no backup at"),
])
def test_restore_refuses_a_file_that_is_not_a_whole_backup_and_touches_nothing(
        history, backup_dir, tmp_path, damage, message):
    good = backup_dir.parent / f"good{suffix()}"
    create_backup(good)
    bad = tmp_path / f"bad{suffix()}"
    damage(good, bad)
    User.objects.create_user("charlie")
    before = database_rows()

    with pytest.raises(CommandError, match=message) as refused:
        restore(bad, "--noinput")

    assert str(refused.value).endswith("Nothing was changed.")
    assert database_rows() == before
    assert not list(backup_dir.glob("pre-restore-*"))


def test_restore_refuses_a_backup_from_a_newer_version_of_the_app(history, backup_dir):
    future = MigrationRecorder.Migration.objects.create(app="notes", name="9999_from_the_future")
    saved = backup()["path"]
    future.delete()
    before = database_rows()

    with pytest.raises(CommandError, match="newer or different version.*notes.9999_from_the_future"):
        restore(saved, "--noinput")
    assert database_rows() == before


def test_a_missing_pg_dump_is_named_with_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match="pg_dump is not installed: .*postgresql-client"):
        _pg_tool("pg_dump")
