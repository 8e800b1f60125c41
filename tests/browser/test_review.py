"""Review from the keyboard in Chromium: sign up, answer five cards, undo one."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from studyapp.review.models import ReviewLog
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def imported(review_notes):
    call_command("import_notes", str(review_notes), stdout=io.StringIO())


def counts(page):
    return tuple(int(page.locator(f"#count-{kind}").inner_text().split()[0]) for kind in ("new", "learning", "review"))


def sign_up(page, live_server, name="dana"):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Password confirmation").fill("a long enough passphrase")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def test_a_learner_reviews_five_cards_with_the_keyboard_and_undoes_one(page, live_server, imported):
    sign_up(page, live_server)
    new_left = int(page.locator("#new-left").inner_text())
    screenshot(page, "dashboard-wide")
    page.get_by_role("link", name="Study now").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#session")).to_be_visible()
    assert counts(page) == (new_left, 0, 0)
    screenshot(page, "review-front-wide")

    answered = []
    for n, key in enumerate(["3", "1", "4", "2", "3"], start=1):
        card = page.locator(".flashcard").get_attribute("data-card")
        answer = page.locator(".answer")
        expect(answer).to_be_hidden()
        page.keyboard.press("Space")
        expect(answer).to_be_visible()
        if n == 1:
            screenshot(page, "review-back-wide")
        page.keyboard.press(key)
        expect(page.locator(".flashcard")).not_to_have_attribute("data-card", card)
        expect(page.locator("#count-new")).to_contain_text(str(new_left - n))
        answered.append(card)
    assert ReviewLog.objects.count() == 5
    assert list(ReviewLog.objects.order_by("id").values_list("rating", flat=True)) == [3, 1, 4, 2, 3]

    page.keyboard.press("u")
    expect(page.locator(".notice")).to_have_text("Undone.")
    expect(page.locator(".flashcard")).to_have_attribute("data-card", answered[-1])
    expect(page.locator("#count-new")).to_contain_text(str(new_left - 4))
    assert ReviewLog.objects.count() == 4

    page.goto(f"{live_server.url}/")
    expect(page.locator("#answers-today")).to_have_text("4")
    expect(page.locator("#streak")).to_have_text("1")


def test_bury_and_suspend_from_the_keyboard(page, live_server, imported):
    sign_up(page, live_server, "erin")
    page.goto(f"{live_server.url}/review/")
    first = page.locator(".flashcard").get_attribute("data-card")
    page.keyboard.press("-")
    expect(page.locator(".notice")).to_contain_text("Buried until tomorrow")
    second = page.locator(".flashcard").get_attribute("data-card")
    assert second != first
    page.keyboard.press("Shift+!")
    expect(page.locator(".notice")).to_contain_text("Suspended")
    expect(page.locator(".flashcard")).not_to_have_attribute("data-card", second)


def test_review_pages_on_a_phone_in_dark_mode(browser, live_server, imported):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    sign_up(page, live_server, "fern")
    page.goto(f"{live_server.url}/review/")
    page.get_by_text("Show answer").click()
    grades = page.locator(".grades button")
    expect(grades).to_have_count(4)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    screenshot(page, "review-back-phone-dark")
    page.goto(f"{live_server.url}/review/settings/")
    screenshot(page, "settings-phone-dark")
    context.close()
