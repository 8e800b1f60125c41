import re

import pytest

from studyapp.review.models import StudySettings


@pytest.fixture
def learner(client, alice, imported, clock):
    client.force_login(alice)
    return client


class Page:
    """What a review page shows: the card, its ticket, and the counts."""

    def __init__(self, response):
        self.response = response
        self.html = response.content.decode()

    def _find(self, pattern):
        match = re.search(pattern, self.html, re.S)
        return match.group(1) if match else None

    @property
    def card(self):
        return self._find(r'data-card="([0-9a-f]+)"')

    @property
    def ticket(self):
        return self._find(r'name="ticket" value="([^"]+)"')

    @property
    def front(self):
        return self._find(r'id="card-front"[^>]*>([^<]+)<')

    @property
    def counts(self):
        return tuple(int(self._find(rf'id="count-{kind}">(\d+)')) for kind in ("new", "learning", "review"))

    @property
    def notice(self):
        return self._find(r'class="notice"[^>]*>([^<]+)<')

    @property
    def intervals(self):
        return re.findall(r'class="interval">([^<]+)<', self.html)


def show(client, url="/review/"):
    return Page(client.get(url))


def grade(client, page, rating, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return Page(client.post("/review/", {"ticket": page.ticket, "grade": str(rating)}, headers=headers))


def limits(user, **fields):
    StudySettings.objects.for_user(user)
    StudySettings.objects.filter(user=user).update(**fields)
