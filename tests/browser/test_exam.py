"""A short mock exam in Chromium, from the keyboard, with a reload in the middle."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from studyapp.exams.models import Attempt
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learner(page, live_server, review_notes, django_user_model):
    call_command("import_notes", str(review_notes), stdout=io.StringIO())
    django_user_model.objects.create_user("gail", password="a long enough passphrase")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("gail")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    return page


def seconds_left(page) -> int:
    hours, minutes, seconds = map(int, page.locator("#timer").inner_text().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def test_a_short_mock_exam_survives_a_reload_and_ends_with_results_by_domain(learner, live_server):
    page = learner
    page.goto(f"{live_server.url}/exams/")
    page.get_by_role("button", name="Start the quick quiz").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of \d+"))).to_be_visible()
    page.wait_for_load_state()  # the page's script listens for keys once it has run
    total = Attempt.objects.get().total

    page.keyboard.press("1")
    expect(page.locator("#answered-count")).to_have_text(f"1 of {total} answered")
    page.keyboard.press("n")
    expect(page.get_by_role("heading", name=f"Question 2 of {total}")).to_be_visible()
    page.wait_for_load_state()
    page.keyboard.press("2")
    expect(page.locator("#answered-count")).to_have_text(f"2 of {total} answered")
    page.keyboard.press("f")
    expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "exam-question-wide")

    before = seconds_left(page)
    page.wait_for_timeout(1500)
    page.reload()
    page.wait_for_load_state()
    expect(page.locator('input[name="choice"]').nth(1)).to_be_checked()
    expect(page.locator("#answered-count")).to_have_text(f"2 of {total} answered")
    expect(page.locator(".navigator a.flagged")).to_have_count(1)
    after = seconds_left(page)
    assert after < before and before - after < 30  # the server's clock kept running, and did not restart

    page.keyboard.press("p")
    page.wait_for_load_state()
    expect(page.locator('input[name="choice"]').first).to_be_checked()
    page.get_by_role("button", name="Finish and see results").focus()
    page.keyboard.press("Enter")
    # Most questions are unanswered and one is flagged: finishing asks first, and lists them.
    expect(page.get_by_role("heading", name="Finish the exam?")).to_be_visible()
    expect(page.locator("#unanswered")).to_contain_text(f"{total - 2} questions not answered")
    expect(page.locator("#flagged")).to_contain_text("1 question flagged for review")
    screenshot(page, "exam-finish-confirmation")
    page.get_by_role("button", name="Finish anyway and see results").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    rows = page.locator("table.domain-results tbody tr")
    expect(rows.first).to_be_visible()
    assert sum(int(t.split("/")[1]) for t in rows.locator("td.num").all_inner_texts() if "/" in t) == total
    expect(page.locator("#scaled")).to_have_text(re.compile(r"^\d+$"))
    screenshot(page, "exam-results-wide")

    # The flagged question is marked, each answered one says how long it took, and the filters
    # narrow the list, from the keyboard.
    expect(page.locator(".question-review > li .flag-mark")).to_have_count(1)
    expect(page.locator(".question-review .time-taken")).to_have_count(2)
    page.get_by_role("link", name="Flagged (1)").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".question-review > li")).to_have_count(1)
    expect(page.get_by_role("link", name="Flagged (1)")).to_have_attribute("aria-current", "page")
    wrong = Attempt.objects.get().questions.all()
    missed = sum(not q.is_correct for q in wrong)
    page.get_by_role("link", name=f"Wrong or unanswered ({missed})").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".question-review > li")).to_have_count(missed)


def test_review_mode_shows_each_answer_and_every_reason_from_the_keyboard(learner, live_server):
    page = learner
    page.goto(f"{live_server.url}/exams/")
    page.get_by_role("button", name="Review mode, untimed, answers shown as you go: the quick quiz").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of \d+"))).to_be_visible()
    expect(page.locator("#timer")).to_have_count(0)
    expect(page.get_by_text("Review mode: untimed")).to_be_visible()
    page.wait_for_load_state()
    attempt = Attempt.objects.get()
    assert attempt.review
    question = attempt.questions.get(position=1)
    for key in range(1, question.choose + 1):
        page.keyboard.press(str(key))
    page.keyboard.press("Enter")
    expect(page.locator("#verdict")).to_be_visible()
    reasons = page.locator(".option-review li")
    expect(reasons).to_have_count(len(question.options))
    for option in question.options:
        expect(page.locator(".option-review")).to_contain_text(option["text"])
    expect(page.locator(".option-review .mark-chosen")).to_have_count(question.choose)
    screenshot(page, "exam-review-mode-answer")
    page.keyboard.press("n")
    expect(page.get_by_role("heading", name=re.compile(r"Question 2 of \d+"))).to_be_visible()

    # Two review-mode quizzes finished make a trend line of their own, beside no timed one.
    page.get_by_role("button", name="Finish and see results").click()
    page.get_by_role("button", name="Finish anyway and see results").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    page.goto(f"{live_server.url}/exams/")
    page.get_by_role("button", name="Review mode, untimed, answers shown as you go: the quick quiz").click()
    page.get_by_role("button", name="Finish and see results").click()
    page.get_by_role("button", name="Finish anyway and see results").click()
    page.goto(f"{live_server.url}/exams/")
    expect(page.locator("svg.trend-chart")).to_have_count(1)
    expect(page.locator("figure.trend")).to_contain_text("Quick quiz, review mode")
    screenshot(page, "exam-trend-review-mode")
