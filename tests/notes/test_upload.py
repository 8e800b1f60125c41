"""Uploading notes from the browser: staff only, imported by a background process."""

import os
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

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="correct horse battery", is_staff=True)


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password="correct horse battery")


def wait_for(run_pk, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_pk)
        if run.finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"import {run_pk} did not finish in {seconds} s")


def test_staff_upload_notes_and_see_the_same_report(client, alice, settings, tmp_path, backup_dir):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    note = SimpleUploadedFile("cues.md", "# Cues\n\nDefault encryption → SSE-S3\n\n| a |\n".encode())
    broken = SimpleUploadedFile("broken.md", b"\x00\x01binary")
    response = client.post("/notes/upload/", {"files": [note, broken]})
    assert response.status_code == 302
    run = wait_for(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    assert run.status == "done"
    assert QuestionPattern.objects.get(prompt="Default encryption").source.path == "uploads/cues.md"
    assert run.report["errors"][0]["file"] == "uploads/broken.md"
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "1 imported, 0 unchanged, 1 failed" in page and "uploads/broken.md" in page and "binary" in page
    assert f"The database was backed up first, to <code>{run.report['backup']}</code>" in page
    assert run.report["backup"].startswith(str(backup_dir / "import-"))  # the child process was told where


def test_upload_progress_is_a_partial_for_htmx(client, alice):
    client.force_login(alice)
    run = ImportRun.objects.create(started_by=alice, files_total=4, files_done=1, status="running")
    html = client.get(f"/notes/upload/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="progress"') and 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html and "<html" not in html


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
    response = client.post("/notes/upload/", {"files": files})
    run = wait_for(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    assert run.status == "done"
    assert sorted(SourceFile.objects.values_list("path", flat=True)) == sorted(f"uploads/{n}" for n in names)
    assert SourceFile.objects.get(path="uploads/a b.md").title == "Note 0"
    assert run.report["errors"] == [{"file": "uploads/a b.md", "line": None,
                                     "message": "another file in this upload has the same name; rename one of them"}]
    page = client.get(f"/notes/upload/{run.pk}/").content.decode()
    assert "5 of 5 files read" in page and "4 imported, 0 unchanged, 1 failed" in page


def test_a_run_whose_import_process_is_gone_is_shown_as_failed_and_stops_polling(client, alice):
    client.force_login(alice)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    run = ImportRun.objects.create(started_by=alice, files_total=3, files_done=1, status="running", pid=ended.pid)

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
