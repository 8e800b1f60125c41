"""The upload page in Chromium: a preview of what each file gives, applied on confirmation, one
progress bar over the whole import with its phase named, and the report."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from studyapp.notes.models import ImportRun, QuestionPattern
from studyapp.ops.rehearsal import one_import_at_a_time
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = """# Storage cues

| Question pattern | Answer |
|---|---|
| Cheapest storage for data read once a year | Amazon S3 Glacier Deep Archive |
| Query files in S3 with SQL, no servers | Amazon Athena |

See [[No Such Note]] for more.
"""
# A front-matter key the importer refuses, on line 2.
BAD = "---\ntitle: [unclosed\n---\n# Broken\n"


@pytest.fixture
def staff(browser, live_server, notes_dir, admin_user, settings, tmp_path, backup_dir):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("import_notes", str(notes_dir), stdout=io.StringIO())  # a database with notes to back up
    client = Client()
    client.force_login(admin_user)
    contexts = []

    def new_page(**options):
        context = browser.new_context(**options)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def fits_a_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_upload_preview_apply_with_progress_then_the_report(staff, live_server, tmp_path):
    files = tmp_path / "upload"
    files.mkdir()
    (files / "storage-cues.md").write_text(GOOD)
    (files / "broken.md").write_text(BAD)
    page = staff(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/notes/upload/")
    page.get_by_label("Note files").set_input_files([files / "storage-cues.md", files / "broken.md"])
    page.get_by_role("button", name="Import").click()

    # The preview: what each file gives, its warnings and errors with file and line; nothing written.
    progress = page.locator("#progress")
    expect(progress).to_contain_text("Preview: nothing is written yet", timeout=90_000)
    row = page.get_by_role("row").filter(has_text="uploads/storage-cues.md")
    expect(row.get_by_role("cell")).to_have_text(["imported", "1", "1", "2", "0", "2", "1"])
    expect(page.get_by_role("row").filter(has_text="uploads/broken.md").get_by_role("cell").first).to_have_text("fails")
    expect(progress).to_contain_text("uploads/broken.md:2: ")
    expect(progress).to_contain_text("uploads/storage-cues.md:1: wikilink [[No Such Note]] matches no service or note")
    expect(progress).to_contain_text("Flashcards: 2 added, 0 changed, 0 retired")
    assert not QuestionPattern.objects.filter(prompt__startswith="Cheapest storage").exists()
    run = ImportRun.objects.get()
    screenshot(page, "upload-preview-wide")

    phone = staff(viewport={"width": 390, "height": 844}, color_scheme="dark")
    phone.goto(f"{live_server.url}/notes/upload/{run.pk}/")
    expect(phone.get_by_role("button", name="Apply this import")).to_be_visible()
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 24, 28)"
    assert fits_a_phone(phone)
    screenshot(phone, "upload-preview-phone-dark")

    # Applied from the keyboard. The import is held at the lock that imports take in turn, after
    # reading and rendering, so that the page is seen polling its progress.
    with one_import_at_a_time():
        page.get_by_role("button", name="Apply this import").focus()
        page.keyboard.press("Enter")
        heading = page.get_by_role("heading", name="Importing")
        expect(heading).to_be_focused()
        bar = page.get_by_role("progressbar", name="Rendering the notes")
        expect(bar).to_be_visible(timeout=60_000)
        expect(progress).to_contain_text(re.compile(r"Rendering the notes: \d of 1 notes · \d+% of the whole import"))
        assert 0 < int(bar.get_attribute("value")) < 100
        assert ImportRun.objects.get().status == "running"
        screenshot(page, "upload-progress-wide")
        phone.reload()
        expect(phone.get_by_role("progressbar", name="Rendering the notes")).to_be_visible()
        assert fits_a_phone(phone)
        screenshot(phone, "upload-progress-phone-dark")

    # The report, with the flashcards and questions it added; focus moves to it.
    report = page.get_by_role("heading", name="Report")
    expect(report).to_be_visible(timeout=60_000)
    expect(report).to_be_focused()
    expect(progress).to_contain_text("Done")
    expect(progress).to_contain_text("1 imported, 0 unchanged, 1 failed.")
    expect(progress).to_contain_text("Flashcards: 2 added, 0 changed, 0 retired")
    expect(progress).to_contain_text(re.compile(r"Exam questions: \d+ added, \d+ changed, \d+ retired\."))
    expect(progress).to_contain_text("The database was backed up first")
    assert QuestionPattern.objects.filter(prompt__startswith="Cheapest storage").exists()
    screenshot(page, "upload-report-wide")
    phone.reload()
    expect(phone.get_by_role("heading", name="Report")).to_be_visible()
    assert fits_a_phone(phone)
    screenshot(phone, "upload-report-phone-dark")
