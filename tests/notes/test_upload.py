"""Uploading notes from the browser: staff only, previewed and then imported by a background process."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from studyapp.notes.models import ImportRun, QuestionPattern, SourceFile
from studyapp.notes.processes import database_url
from studyapp.notes.progress import ImportProgress
from studyapp.ops.importing import import_notes

from ..conftest import database_rows

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="correct horse battery", is_staff=True)


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password="correct horse battery")


def wait_for(run_pk, seconds=90):
    """The run once its process is done: previewed, imported or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_pk)
        if not run.working:
            return run
        time.sleep(0.2)
    raise AssertionError(f"import {run_pk} did not finish in {seconds} s")


def upload(client, files) -> ImportRun:
    """Upload and wait for the preview."""
    response = client.post("/notes/upload/", {"files": files})
    assert response.status_code == 302
    return wait_for(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def apply(client, run) -> ImportRun:
    response = client.post(f"/notes/upload/{run.pk}/", {"apply": "apply"})
    assert response.status_code == 302 and response["Location"] == f"/notes/upload/{run.pk}/"
    return wait_for(run.pk)


def test_staff_upload_notes_see_a_preview_and_apply_it_for_the_same_report(
        client, alice, settings, tmp_path, backup_dir, notes):
    import_notes([str(notes)])  # a database with notes, which an import backs up first
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    note = SimpleUploadedFile("cues.md", "# Cues\n\nDefault encryption → SSE-S3\n\n| a |\n".encode())
    broken = SimpleUploadedFile("broken.md", b"\x00\x01binary")
    before = database_rows()
    run = upload(client, [note, broken])

    assert run.status == "previewed" and database_rows() == {**before, "notes_importrun": database_rows()["notes_importrun"]}
    assert not list(backup_dir.glob("import-*-2.*"))  # a preview takes no backup
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "Preview: nothing is written yet" in page and "1 imported, 0 unchanged, 1 failed" in page
    # Each file's row: sections, tables, mappings, scenario items, flashcards, warnings.
    assert re.search(r'<th scope="row">uploads/cues.md</th>\s*<td>imported</td>\s*<td class="num">1</td>'
                     r'<td class="num">0</td>\s*<td class="num">1</td><td class="num">0</td>\s*'
                     r'<td class="num">1</td>\s*<td class="num">\d+</td>', page)
    assert "uploads/broken.md: " in page and "binary" in page and "Apply this import" in page
    assert "Flashcards: 1 added, 0 changed, 0 retired." in page

    run = apply(client, run)

    assert run.status == "done"
    assert QuestionPattern.objects.get(prompt="Default encryption").source.path == "uploads/cues.md"
    assert run.report["errors"][0]["file"] == "uploads/broken.md"
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "1 imported, 0 unchanged, 1 failed" in page and "uploads/broken.md" in page and "binary" in page
    assert "Flashcards: 1 added, 0 changed, 0 retired." in page and "Exam questions: " in page
    assert f"The database was backed up first, to <code>{run.report['backup']}</code>" in page
    assert run.report["backup"].startswith(str(backup_dir / "import-"))  # the child process was told where


def test_a_preview_is_applied_once(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    run = upload(client, [SimpleUploadedFile("cues.md", "# Cues\n\nDefault encryption → SSE-S3\n".encode())])
    run = apply(client, run)
    pid = run.pid

    # A second click, or the same form in another tab.
    html = client.post(f"/notes/upload/{run.pk}/", {"apply": "apply"}, headers={"HX-Request": "true"}).content.decode()

    assert ImportRun.objects.get(pk=run.pk).pid == pid and "Report" in html
    assert QuestionPattern.objects.filter(prompt="Default encryption").count() == 1


def test_a_preview_whose_every_file_fails_has_nothing_to_apply(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    run = upload(client, [SimpleUploadedFile("broken.md", b"\x00\x01binary")])
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "There is nothing to apply" in page and "Apply this import" not in page
    assert "uploads/broken.md: " in page


def test_upload_progress_is_a_partial_for_htmx(client, alice, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, files_total=4, status="running")
    run.folder.mkdir(parents=True)
    run.record_progress(ImportProgress("writing", 2, 8))
    # The session, the user, the run.
    with django_assert_num_queries(3):
        html = client.get(f"/notes/upload/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="progress"') and 'hx-trigger="every 1s"' in html
    percent = ImportProgress("writing", 2, 8).percent
    assert f'<progress id="run-bar" max="100" value="{percent}"' in html and "<html" not in html
    assert '<label class="progress-label" for="run-bar">Writing the notes</label>' in html
    assert f"Writing the notes: 2 of 8 steps · {percent}% of the whole import" in html


def test_upload_progress_in_a_full_page(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, files_total=4, status="running")
    html = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "<html" in html and 'hx-trigger="every 1s"' in html and "Waiting for the import process" in html
    assert "autofocus" not in html  # a page opened is read from the top


def test_a_finished_run_stops_polling(client, alice):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, status="done", report={"totals": {"services": 0}})
    html = client.get(f"/notes/upload/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html


def test_upload_refuses_other_file_types(client, alice):
    client.force_login(alice)
    response = client.post("/notes/upload/", {"files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert response.status_code == 200
    assert "only .md, .markdown and .txt" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_is_for_staff_only(client, bob):
    assert client.get("/notes/upload/").status_code == 302  # anonymous: to the login page
    client.force_login(bob)
    response = client.get("/notes/upload/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_import_process_is_given_the_database_this_one_uses():
    def where(db):
        return [db["ENGINE"], db["NAME"], db.get("USER"), db.get("PASSWORD"), str(db.get("PORT") or ""),
                db.get("HOST") or db.get("OPTIONS", {}).get("host", "")]

    assert where(dj_database_url.parse(database_url())) == where(connection.settings_dict)


def test_a_postgresql_socket_folder_password_and_options_survive_the_url():
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "test_Study", "USER": "me", "PASSWORD": "p@ss:/w rd",
          "HOST": "/run/Post Gres", "PORT": 5433, "OPTIONS": {"sslmode": "disable"}}
    given = dj_database_url.parse(database_url(db))
    assert {k: given[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "NAME": "test_Study", "USER": "me", "PASSWORD": "p@ss:/w rd", "HOST": "", "PORT": 5433}
    # The folder goes as libpq's `host` option: a URL's host name would come back lower-cased.
    assert given["OPTIONS"] == {"host": "/run/Post Gres", "sslmode": "disable"}
    assert dj_database_url.parse(database_url({**db, "HOST": "::1", "OPTIONS": {}}))["HOST"] == "::1"


def test_every_uploaded_file_is_imported_or_reported_by_its_own_name(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    # Names that one file-system-safe name each would merge, hide, or make too long to store.
    long = "é" * 200 + ".md"
    names = ["a b.md", "a_b.md", "$.md", long]
    files = [SimpleUploadedFile(name, f"# Note {i}\n\nText {i}.\n".encode()) for i, name in enumerate(names)]
    files.append(SimpleUploadedFile("a b.md", b"# Twin\n\nSame name as the first.\n"))
    run = apply(client, upload(client, files))

    assert run.status == "done"
    assert sorted(SourceFile.objects.values_list("path", flat=True)) == sorted(f"uploads/{n}" for n in names)
    assert SourceFile.objects.get(path="uploads/a b.md").title == "Note 0"
    assert run.report["errors"] == [{"file": "uploads/a b.md", "line": None,
                                     "message": "another file in this upload has the same name; rename one of them"}]
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "4 imported, 0 unchanged, 1 failed" in page


def test_a_run_whose_import_process_is_gone_is_shown_as_failed_and_stops_polling(client, alice):
    client.force_login(alice)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    run = ImportRun.objects.create(started_by=alice, files_total=3, status="running", pid=ended.pid)

    html = client.get(f"/notes/upload/{run.pk}/", headers={"HX-Request": "true"}).content.decode()

    assert "hx-trigger" not in html and "ended without finishing" in html
    assert ImportRun.objects.get(pk=run.pk).status == "failed"


def test_a_run_whose_process_id_now_names_another_process_is_failed(client, alice):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, status="running", pid=os.getpid())
    client.get(f"/notes/upload/{run.pk}/")
    assert ImportRun.objects.get(pk=run.pk).status == "failed"


def test_a_run_whose_import_process_is_alive_keeps_polling(client, alice):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, status="running")
    # Stands in for the import: a process whose command line is this run's import_notes.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "import_notes", "--run",
                              str(run.pk)])
    try:
        ImportRun.objects.filter(pk=run.pk).update(pid=child.pid)
        html = client.get(f"/notes/upload/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
        assert 'hx-trigger="every 1s"' in html
        assert ImportRun.objects.get(pk=run.pk).status == "running"
    finally:
        child.kill()
        child.wait()


def test_a_run_that_never_started_its_process_is_failed_after_a_while(client, alice, time_machine):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice)
    assert client.get(f"/notes/upload/{run.pk}/").context["run"].status == "queued"
    time_machine.move_to(run.created_at + timedelta(minutes=3))
    assert "never started" in client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert ImportRun.objects.get(pk=run.pk).status == "failed"


def test_the_list_of_recent_imports_shows_a_run_whose_process_is_gone_as_failed(client, alice):
    client.force_login(alice)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    run = ImportRun.objects.create(started_by=alice, status="running", pid=ended.pid)
    assert f"Import {run.pk}</a> · Failed" in client.get("/notes/upload/").content.decode()


def test_an_upload_that_cannot_be_stored_is_a_failed_run_that_says_why(client, alice, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the uploads folder should go")
    settings.MEDIA_ROOT = blocked
    client.force_login(alice)
    response = client.post("/notes/upload/", {"files": [SimpleUploadedFile("cues.md", b"# Cues\n")]})
    run = ImportRun.objects.get()
    assert response["Location"] == f"/notes/upload/{run.pk}/" and run.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert "The import failed and changed nothing: it could not be started (" in page


def test_a_failed_run_still_names_the_files_it_refused(client, alice):
    client.force_login(alice)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    refused = [{"file": "a b.md", "message": "another file of this upload has the same name"}]
    run = ImportRun.objects.create(started_by=alice, status="running", pid=ended.pid,
                                   report={"names": {}, "rejected": refused})
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "ended without finishing" in page
    assert "Files refused" in page and "a b.md: another file of this upload has the same name" in page


def test_a_run_whose_import_process_ended_but_is_not_yet_reaped_is_failed(client, alice):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, status="running")
    # A child of this process that has ended but was not waited for: a zombie, whose id still answers.
    child = subprocess.Popen([sys.executable, "-c", "pass", "import_notes", "--run", str(run.pk)])
    stat = Path(f"/proc/{child.pid}/stat")
    deadline = time.monotonic() + 30
    while stat.read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
        assert time.monotonic() < deadline, "the child never ended"
        time.sleep(0.01)
    try:
        ImportRun.objects.filter(pk=run.pk).update(pid=child.pid)
        client.get(f"/notes/upload/{run.pk}/")
        assert ImportRun.objects.get(pk=run.pk).status == "failed"
    finally:
        child.wait()
