"""A service page read in Chromium, as a visitor and as a learner with some history, on a phone and
a desktop, in dark mode: nothing scrolls sideways, the sources sit out of the text, and the
learner's figures and both actions work."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from studyapp.review.models import Card
from tests.browser.conftest import screenshot
from tests.conftest import studied

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/notes/services/amazon-kinesis-data-streams/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# A seed document's id and lines, as notes cite them: never in the text a reader reads.
CODE = re.compile(r"\b00[0-4]:\d+")


@pytest.fixture
def content(live_server):
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())


@pytest.fixture
def erin(content):
    """A learner who has studied some of the service's cards, a day ago by the live server's clock."""
    learner = User.objects.create_user("erin", password="a long enough passphrase")
    studied(learner, Card.objects.active().filter(services__slug="amazon-kinesis-data-streams")[:4], timezone.now())
    return learner


def read_as(browser, live_server, size, log_in=False):
    context = browser.new_context(viewport=SIZES[size], color_scheme="dark")
    page = context.new_page()
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    if log_in:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("erin")
        page.get_by_label("Password").fill("a long enough passphrase")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.goto(live_server.url + PAGE)
    return context, page, failed


def assert_reads_cleanly(page, failed):
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon Kinesis Data Streams")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    prose = " ".join(page.locator(".prose").all_inner_texts())
    assert "Each shard takes in up to 1 MB/s" in prose and not CODE.search(prose)
    assert "AWS documentation (" not in prose
    sources = page.locator(".citations")
    assert sources.count() > 3
    expect(sources.last).to_contain_text("Path to AWS Data Engineer Associate DEA-C01")
    link = page.locator(".citations").get_by_role("link", name="Kinesis Data Streams capacity modes", exact=True)
    expect(link).to_have_attribute("href", "https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html")
    assert "content/services/" not in page.locator("main").inner_text()  # file and line are for staff
    assert failed == []


# One test, so that the content is imported once for all four readings.
def test_a_service_page_read_as_a_visitor_and_as_a_learner_on_a_phone_and_a_desktop(browser, live_server, erin):
    for size in SIZES:
        as_a_visitor(browser, live_server, size)
        as_a_learner(browser, live_server, size)


def as_a_visitor(browser, live_server, size):
    context, page, failed = read_as(browser, live_server, size)
    assert_reads_cleanly(page, failed)
    expect(page.get_by_text("Review this service")).to_have_count(0)
    screenshot(page, f"service-visitor-{size}-dark")
    context.close()


def as_a_learner(browser, live_server, size):
    context, page, failed = read_as(browser, live_server, size, log_in=True)
    assert_reads_cleanly(page, failed)
    study = page.get_by_role("region", name="Your study of Amazon Kinesis Data Streams")
    expect(study).to_contain_text(re.compile(r"4 of \d+ cards studied · 0 mature · recall now 9\d%"))
    screenshot(page, f"service-learner-{size}-dark")

    study.get_by_role("link", name="Review this service").click()
    expect(page.get_by_text("Reviewing Amazon Kinesis Data Streams only")).to_be_visible()
    front = page.locator("#card-front").inner_text()
    assert front in set(Card.objects.active().filter(services__slug="amazon-kinesis-data-streams")
                        .values_list("front", flat=True))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    page.go_back()
    page.get_by_role("button", name="Quiz me on this service").focus()
    page.keyboard.press("Enter")  # from the keyboard
    expect(page).to_have_url(re.compile(r"/exams/\d+/1/$"))
    expect(page.locator("main")).to_contain_text("review mode", ignore_case=True)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, f"service-quiz-{size}-dark")
    assert failed == []
    context.close()
