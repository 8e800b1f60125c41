"""Markdown is rendered at import time only: no request renders or sanitises any."""

import markdown
import nh3
import pytest

from .conftest import grade, show

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tripwire(monkeypatch):
    """Make Python-Markdown and nh3 fail loudly if anything calls them."""
    def refuse(*args, **kwargs):
        raise AssertionError("Markdown was rendered during a request")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    monkeypatch.setattr(markdown, "markdown", refuse)
    monkeypatch.setattr(nh3, "clean", refuse)


def test_no_page_renders_markdown(learner, tripwire):
    with pytest.raises(AssertionError):
        markdown.markdown("# the tripwire is live")
    page = grade(learner, show(learner), 3)
    learner.post("/review/", {"undo": "1"}, headers={"HX-Request": "true"})
    learner.post("/review/", {"ticket": page.ticket, "bury": "1"})
    for url in ["/", "/review/", "/review/settings/", "/review/suspended/", "/notes/", "/notes/tables/",
                "/notes/services/amazon-s3/", "/notes/docs/cues/", "/search/?q=replay"]:
        assert learner.get(url).status_code == 200, url
