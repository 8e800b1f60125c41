"""The statistics and settings pages for a learner with a real history, in Chromium: charts drawn,
no console errors, no sideways scroll on a phone, dark mode followed."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from django.utils import timezone

from studyapp.review.days import study_day
from studyapp.review.models import StudySettings
from tests.browser.conftest import screenshot
from tests.review.test_stats import history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, **context):
    page = browser.new_context(**context).new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("gail")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    return page, errors


def test_statistics_and_settings_for_a_learner_with_history(browser, live_server, review_notes, django_user_model):
    call_command("import_notes", str(review_notes), stdout=io.StringIO())
    gail = django_user_model.objects.create_user("gail", password="a long enough passphrase")
    StudySettings.objects.for_user(gail)
    today = study_day(timezone.now(), "UTC").date  # the live server's clock is the real one
    history(gail, 200, today=today)
    StudySettings.objects.filter(user=gail).update(exam_date=today + timedelta(days=30))
    for name, context in [("wide", {"viewport": {"width": 1280, "height": 900}}),
                          ("phone-dark", {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"})]:
        page, errors = signed_in(browser, live_server, **context)
        expect(page.locator("#exam-countdown")).to_contain_text("30 days to your exam")
        expect(page.locator("#readiness")).to_contain_text("Readiness forecast")
        expect(page.locator("#readiness")).to_contain_text("Not calibrated yet")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"home-exam-{name}")
        page.get_by_role("link", name="Stats").click()
        expect(page.get_by_role("heading", name="Statistics")).to_be_visible()
        expect(page.get_by_role("img", name="Answers on each day of the past year, darker for busier days")).to_be_visible()
        expect(page.locator(".heatmap rect.level-0")).not_to_have_count(0)
        expect(page.locator(".stacked-chart")).to_have_count(3)
        expect(page.locator("#retention")).to_contain_text("Last 30 days")
        # Forecast beside score, from the exams, once the page has loaded.
        expect(page.locator("#calibration")).to_contain_text("No timed mock exam finished yet")
        screenshot(page, f"stats-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        # One domain's cards, chosen from the keyboard.
        choice = page.get_by_label("Cards", exact=True)
        choice.focus()
        choice.select_option(label="2. Data Store Management")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Statistics: DEA-C01 2. Data Store Management")).to_be_visible()
        expect(page.locator("#domain-stats tbody tr")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        page.goto(f"{live_server.url}/review/settings/")
        expect(page.locator("#workload-summary")).to_contain_text("a day over the next 30 days")
        before = page.locator("#workload-summary").inner_text()
        retention = page.locator("#workload").get_by_label("Desired retention")
        retention.fill("0.99")
        retention.press("Enter")
        expect(page.locator("#workload-summary")).not_to_have_text(before)
        expect(page.locator("#memory")).to_contain_text("Fit my parameters to my 600 answers")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"settings-{name}")
        assert errors == []
        page.context.close()
