"""What only a browser shows: pages rendered in Chromium and live search swapping results."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def imported(notes_dir):
    call_command("import_notes", str(notes_dir), "--json", stdout=io.StringIO())


def test_a_service_page_shows_its_notes_and_links(page, live_server, imported):
    page.goto(f"{live_server.url}/notes/services/amazon-kinesis-data-streams/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amazon Kinesis Data Streams")
    expect(page.get_by_text("Each shard takes 1 MB/s")).to_be_visible()
    expect(page.get_by_text("Replay data")).to_be_visible()
    screenshot(page, "service-wide")

    page.get_by_role("link", name="Firehose").first.click()
    expect(page).to_have_url(re.compile(r"/notes/services/amazon-data-firehose/$"))


def test_live_search_updates_results_as_you_type(page, live_server, imported):
    page.goto(f"{live_server.url}/search/")
    box = page.get_by_label("Search services, notes, tables and question patterns")
    expect(box).to_be_focused()
    box.press_sequentially("replay", delay=30)
    results = page.locator("#results")
    expect(results).to_contain_text("Replay data")
    expect(results).to_contain_text("result")
    expect(page).to_have_url(re.compile(r"/search/\?q=replay$"))
    box.fill("")
    box.press_sequentially("html table", delay=30)
    expect(results).to_contain_text("An HTML table")
    expect(results).not_to_contain_text("Replay data")
    screenshot(page, "search-wide")

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Search")).to_be_focused()
    page.keyboard.press("Enter")  # the plain form submission works too
    expect(page.locator("#results")).to_contain_text("An HTML table")


def test_a_misspelt_search_offers_the_closest_words_and_the_keyboard_follows_it(browser, live_server, imported):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server.url}/search/")
    box = page.get_by_label("Search services, notes, tables and question patterns")
    box.press_sequentially("kinesiss", delay=30)
    suggestion = page.get_by_role("link", name="kinesis", exact=True)
    expect(suggestion).to_be_visible()
    expect(page.locator("#result-count")).to_have_text("0 results for “kinesiss”")
    expect(page.locator("#suggestion")).to_have_text("Did you mean kinesis?")
    screenshot(page, "search-suggestion-phone-dark")

    page.keyboard.press("Tab")  # the Search button, then the suggestion
    page.keyboard.press("Tab")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=kinesis$"))
    expect(box).to_have_value("kinesis")
    expect(page.locator("#results")).to_contain_text("Replay data")
    context.close()


def test_hostile_notes_run_no_script_in_the_browser(page, live_server, imported):
    dialogs, requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/search/?q=hostile")
    page.get_by_role("link", name=re.compile("› Hostile")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert all(url.startswith(live_server.url) for url in requests)


def test_pages_fit_a_phone_and_follow_dark_mode(browser, live_server, imported):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server.url}/notes/services/amazon-kinesis-data-streams/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 28)"
    screenshot(page, "service-phone-dark")
    page.goto(f"{live_server.url}/")
    screenshot(page, "home-phone-dark")
    context.close()


def test_every_asset_a_page_asks_for_is_there_the_icon_included(page, live_server, imported, admin_user):
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(f"{live_server.url}/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    page.goto(f"{live_server.url}/notes/services/amazon-kinesis-data-streams/")
    page.goto(f"{live_server.url}/admin/login/")  # Django's admin names no icon: /favicon.ico is asked for
    assert page.request.get(f"{live_server.url}/favicon.ico").url.endswith(icon)
    assert page.request.get(f"{live_server.url}{icon}").headers["content-type"] == "image/svg+xml"
    assert failed == []


# Pages of content/ that once scrolled sideways on a phone: a long resource type in a code span,
# wide tables, the front page's domain weights.
NARROW_PAGES = ["/", "/notes/", "/notes/tables/", "/notes/services/aws-cloudformation/",
                "/notes/services/amazon-kinesis-data-streams/", "/notes/services/amazon-s3-intelligent-tiering/",
                "/notes/docs/ebs-volume-types/", "/search/?q=kinesis"]


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server):
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    widths = {}
    for path in NARROW_PAGES:
        assert page.goto(live_server.url + path).ok, path
        widths[path] = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot(page, "search-phone-dark")
    context.close()
    assert {path: width for path, width in widths.items() if width > 390} == {}
