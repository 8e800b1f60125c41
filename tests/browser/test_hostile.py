"""Every page that shows the hostile corpus, opened in Chromium: nothing in the notes may run.

The pages come from the database (every service, note, table, card and question), so a new kind
of item carrying note text is covered without editing this list. Safety must not lean on a
Content-Security-Policy: sanitising and escaping are the first line, so a policy violation is
itself a failure (it means markup got through and only the policy stopped it).
"""

import io
import re
from collections import defaultdict

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from studyapp.exams.models import Attempt, BankQuestion
from studyapp.notes.models import ComparisonTable, ImportRun, Service, SourceFile
from studyapp.review.models import Card, StudySettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded before any page script runs; a payload that ran would also trip the other checks.
LISTEN_FOR_POLICY_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (event) => window.__violations.push(event.violatedDirective + " " + event.blockedURI));
"""
SEARCH_WORDS = ["alert", "script", "onerror", "evil.example", "javascript", "<img", "hx-get", "style",
                "iframe", "svg", "203.0.113.9"]
# The mock exam shows every question and its explanations; practice shows the same questions.
PRACTICE_CARDS = 12


class Watch:
    """Records, page by page, whatever a hostile note could make the browser do."""

    def __init__(self, context, origin):
        self.origin = origin
        self.where = "start"
        self.problems = defaultdict(list)
        self.checks = 0
        context.add_init_script(LISTEN_FOR_POLICY_VIOLATIONS)
        # Only requests that leave the live server are routed: routing every request costs a
        # round trip to this process for each stylesheet and script.
        context.route(re.compile(rf"^(?!{re.escape(origin)}/)"), self._route)

    def attach(self, page):
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems[self.where].append(f"script error: {error}"))
        return page

    def _route(self, route):
        self.problems[self.where].append(f"request to {route.request.url}")
        route.abort()

    def _dialog(self, dialog):
        self.problems[self.where].append(f"{dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems[self.where].append(f"console {message.type}: {message.text}")

    def open(self, page, path):
        self.where = path
        response = page.goto(self.origin + path)
        assert response.ok, f"{path} answered {response.status}"
        self.check(page)

    def check(self, page):
        self.checks += 1
        pwned, title, violations = page.evaluate("() => [typeof window.pwned, document.title, window.__violations]")
        if pwned != "undefined":
            self.problems[self.where].append(f"window.pwned is {pwned}")
        if "pwned" in title:
            self.problems[self.where].append(f"document.title is {title!r}")
        self.problems[self.where].extend(f"policy violation: {v}" for v in violations)


@pytest.fixture
def watched(browser, live_server, hostile_notes, alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("import_notes", str(hostile_notes), stdout=io.StringIO())
    alice.is_staff = alice.is_superuser = True
    alice.save()
    StudySettings.objects.for_user(alice)
    StudySettings.objects.for_user(bob)
    StudySettings.objects.filter(user=alice).update(new_per_day=9999)
    # No learning steps: each card is shown once in the multiple-choice review, then graduates.
    StudySettings.objects.filter(user=bob).update(new_per_day=9999, learning_steps=[], relearning_steps=[])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(context, live_server.url)
    page = watch.attach(context.new_page())
    yield watch, page, context
    context.close()


def log_in(context, user, origin):
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": origin}])


# The pages are opened in three tests, which can run side by side.
def test_no_hostile_note_runs_anything_on_the_note_pages_or_in_search(watched, live_server, alice):
    watch, page, context = watched
    # A visitor sees the exams and their domains on the front page.
    watch.open(page, "/")
    log_in(context, alice, live_server.url)
    for path in note_pages():
        watch.open(page, path)
    for word in SEARCH_WORDS:
        watch.open(page, f"/search/?q={word}")
    search_live(watch, page)
    assert_nothing_ran(watch, page)


def test_no_hostile_note_runs_anything_in_practice_or_review(watched, live_server, alice, bob):
    watch, page, context = watched
    # Bob answers cards as multiple choice, on a schedule of his own.
    log_in(context, bob, live_server.url)
    shown_as_choice = practise_some_cards(watch, page)
    assert len(shown_as_choice) == PRACTICE_CARDS

    log_in(context, alice, live_server.url)
    shown = review_every_card(watch, page)
    assert shown == set(Card.objects.active().values_list("key", flat=True))
    watch.open(page, "/review/suspended/")
    watch.open(page, "/review/settings/")
    assert_nothing_ran(watch, page)


def test_no_hostile_note_runs_anything_in_a_mock_exam_an_upload_or_the_admin(watched, live_server, alice,
                                                                             hostile_notes):
    watch, page, context = watched
    log_in(context, alice, live_server.url)
    take_a_mock_exam_of_every_question(watch, page)
    upload_a_note_with_a_hostile_name(watch, page, hostile_notes)
    # After the exam and the upload, so that the admin lists their rows too.
    for path in admin_pages():
        watch.open(page, path)
    assert_nothing_ran(watch, page)


def assert_nothing_ran(watch, page):
    watch.where = "after the last page"
    page.wait_for_timeout(500)  # a delayed payload would show itself now
    watch.check(page)
    assert {where: found for where, found in watch.problems.items() if found} == {}


def note_pages() -> list[str]:
    pages = ["/", "/notes/", "/notes/tables/", "/exams/"]
    pages += [s.get_absolute_url() for s in Service.objects.active()]
    pages += [s.get_absolute_url() for s in SourceFile.objects.exclude(kind="service")]
    pages += [t.get_absolute_url() for t in ComparisonTable.objects.active()]
    return pages


def search_live(watch, page):
    watch.open(page, "/search/")
    watch.where = "/search/ typed"
    page.locator("#q").press_sequentially("alert", delay=20)
    expect(page.locator("#result-count")).to_contain_text("for “alert”")
    watch.check(page)


def review_every_card(watch, page) -> set[str]:
    """Each card's front, then its answer, then Easy; the first one is suspended instead."""
    watch.open(page, "/review/")
    shown = set()
    while page.locator("#session article.flashcard").count():
        key = page.locator("#session article.flashcard").get_attribute("data-card")
        watch.where = f"/review/ card {key}"
        assert key not in shown, "a card came back in one session"
        shown.add(key)
        page.locator("details.reveal summary").click()
        expect(page.locator("#session .back .answer")).to_be_visible()
        watch.check(page)
        button = 'button[name="suspend"]' if len(shown) == 1 else 'button[name="grade"][value="4"]'
        page.locator(button).click()
        page.wait_for_function(
            "key => !document.querySelector('#session article.flashcard')"
            " || document.querySelector('#session article.flashcard').dataset.card !== key", arg=key)
        watch.check(page)  # the notice above the next card quotes this one
    return shown


def practise_some_cards(watch, page) -> set[str]:
    watch.open(page, "/exams/practice/")
    shown = set()
    for _ in range(PRACTICE_CARDS):
        card = page.locator("#practice article.flashcard")
        if not card.count():
            break
        key = card.get_attribute("data-card")
        ticket = page.locator('#practice input[name="ticket"]')
        watch.where = f"/exams/practice/ card {key}"
        shown.add(key)
        if not ticket.count():
            # Too few answers of its kind for a question: bury it as a flashcard and go on.
            page.get_by_role("link", name="Review it as a flashcard").click()
            page.locator('button[name="bury"]').click()
            # Only once the bury has landed: leaving sooner could show the same card again.
            # (a notice when htmx sent it, a message after the redirect when the form did)
            expect(page.get_by_text("Buried until tomorrow")).to_be_visible()
            watch.open(page, "/exams/practice/")
            continue
        before = ticket.get_attribute("value")
        page.locator("#practice button.choice-button").first.click()
        page.wait_for_function(
            "before => { const t = document.querySelector('#practice input[name=ticket]'); return !t || t.value !== before; }",
            arg=before)
        watch.check(page)  # the outcome quotes the card, the right option and the chosen one
    return shown


def take_a_mock_exam_of_every_question(watch, page):
    watch.open(page, "/exams/")
    watch.where = "/exams/ custom exam"
    page.locator("summary", has_text="Custom exam").click()
    page.locator("summary", has_text="Domains").click()  # the hostile domain names, as choices
    page.get_by_label("Questions").fill(str(min(BankQuestion.objects.count(), 130)))
    page.get_by_label("Minutes").fill("300")
    page.get_by_role("button", name="Start the custom exam").click()
    attempt = Attempt.objects.latest("started_at")
    bank = set(BankQuestion.objects.filter(retired_at__isnull=True).values_list("key", flat=True))
    assert len(bank) >= 20 and set(attempt.questions.values_list("bank_key", flat=True)) == bank
    for number in range(1, attempt.total + 1):
        watch.open(page, f"/exams/{attempt.pk}/{number}/")
    page.locator('input[name="choice"]').first.check()  # the results mark the answer chosen
    expect(page.locator("#answered-count")).to_contain_text("1 of")
    watch.where = f"/exams/{attempt.pk}/ finish"
    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Finish the exam?")).to_be_visible()  # the rest are unanswered
    watch.check(page)
    page.get_by_role("button", name="Finish anyway and see results").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    watch.check(page)
    watch.open(page, f"/exams/{attempt.pk}/results/")


def upload_a_note_with_a_hostile_name(watch, page, hostile_notes):
    [hostile_name] = [p for p in hostile_notes.rglob("*.md") if p.name.startswith('"><img')]
    watch.open(page, "/notes/upload/")
    watch.where = "/notes/upload/ submitted"
    page.locator('input[type="file"]').set_input_files([hostile_name, hostile_notes / "notes" / "forms.md"])
    page.get_by_role("button", name="Import").click()
    # The status page polls with htmx until the background preview is done, then until the import is.
    expect(page.locator("#progress")).to_contain_text("Preview: nothing is written yet", timeout=90_000)
    watch.check(page)
    watch.where = "/notes/upload/ applied"
    page.get_by_role("button", name="Apply this import").click()
    expect(page.locator("#progress")).to_contain_text("Done", timeout=90_000)
    run = ImportRun.objects.get()
    # The browser sends the name's quote as %22, as HTML forms do.
    assert run.report["imported"] == 2 and "><img src=x onerror=alert(1)>.md:" in page.locator("#progress").inner_text()
    watch.check(page)
    watch.open(page, f"/notes/upload/{run.pk}/")
    watch.open(page, "/notes/upload/")
    watch.open(page, SourceFile.objects.get(path__startswith="uploads/", path__endswith=hostile_name.name[1:]).get_absolute_url())


def admin_pages() -> list[str]:
    """Every admin list of what the notes, reviews and exams store, and one change page per model.

    A list shows every row's text. A change page prints each field through the same widget
    for every row, so one is opened per model: the row whose text holds the most markup.
    """
    pages = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in {"notes", "review", "exams"}:
            continue
        name = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append(reverse(f"{name}_changelist") + "?all=")
        rows = list(model.objects.all())
        if rows:
            pages.append(reverse(f"{name}_change", args=[max(rows, key=_markup_count).pk]))
    return pages


def _markup_count(row) -> int:
    return sum(str(getattr(row, field.attname)).count("<") for field in row._meta.concrete_fields)
