"""A preview does the whole import, says what it would do, and keeps none of it."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from studyapp.ops.importing import import_notes, remove_stale_scratch_copies

from tests.conftest import NOW, database_rows

pytestmark = pytest.mark.django_db(transaction=True)


def add_pattern(notes, prompt):
    with (notes / "cues.md").open("a") as cues:
        cues.write(f"\n## Added\n| Question pattern | Answer |\n|---|---|\n| {prompt} | Amazon S3 |\n")


def test_a_preview_of_a_first_import_says_what_the_import_does_and_writes_nothing(notes, backup_dir):
    before = database_rows()

    preview = import_notes([str(notes)], now=NOW, preview=True).as_dict()

    assert database_rows() == before
    assert not backup_dir.exists() or list(backup_dir.iterdir()) == []  # no backup, no copy left
    imported = import_notes([str(notes)], now=NOW).as_dict()
    assert preview["preview"] and not imported["preview"]
    for key in ("files", "imported", "failed", "totals", "cards", "questions", "warnings", "errors"):
        assert preview[key] == imported[key], key
    assert [f["counts"] for f in preview["details"]] == [f["counts"] for f in imported["details"]]
    assert preview["cards"]["created"] > 0 and sum(f["counts"]["cards"] for f in preview["details"]) > 0


def test_a_preview_built_in_place_is_rolled_back(notes):
    import_notes([str(notes)], now=NOW)
    add_pattern(notes, "Store objects of any size")
    before = database_rows()

    # Inside the caller's transaction an import cannot be rehearsed on a copy (nor on PostgreSQL).
    with transaction.atomic():
        report = import_notes([str(notes)], now=NOW, preview=True)
        assert database_rows() == before

    assert report.as_dict()["imported"] == 1 and report.cards["created"] == 1
    assert database_rows() == before


def test_a_preview_of_changed_notes_counts_what_would_change(notes, backup_dir):
    import_notes([str(notes)], now=NOW)
    add_pattern(notes, "Store objects of any size")
    before = database_rows()

    report = import_notes([str(notes)], now=NOW, preview=True).as_dict()

    assert database_rows() == before and report["backup"] is None
    assert (report["imported"], report["cards"]["created"], report["cards"]["retired"]) == (1, 1, 0)
    if connection.vendor == "sqlite":
        assert list(backup_dir.glob(".*")) == []  # the copy it was built on is gone


def test_the_command_previews_each_file_and_bad_input_gets_its_file_and_line(notes):
    (notes / "bad.md").write_text("---\ntitle: [unclosed\n---\n# Bad\n")
    before = database_rows()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_notes", str(notes), "--preview", stdout=out, stderr=err)

    assert exit_info.value.code == 1 and database_rows() == before
    shown = out.getvalue()
    assert shown.startswith("A preview: nothing was written. Imported, these notes would give:\n")
    assert f"  {notes / 'cues.md'}: " in shown and " mappings, " in shown and " flashcards\n" in shown
    assert f"error: {notes / 'bad.md'}:2: " in err.getvalue()


def test_a_copy_left_by_a_killed_preview_is_removed_and_a_running_one_s_is_kept(backup_dir):
    """Each scratch copy (a preview's on SQLite, made by `_scratch_copy`) first tidies the folder."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    backup_dir.mkdir()
    left = backup_dir / f".scratch-{ended.pid}-0.sqlite3"
    running = backup_dir / f".scratch-{os.getpid()}-0.sqlite3"
    left.write_bytes(b"")
    running.write_bytes(b"")

    remove_stale_scratch_copies(backup_dir)

    assert not left.exists() and running.exists()
