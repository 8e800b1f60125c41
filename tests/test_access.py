"""Who may see and change what: every URL is public, a learner's own, or staff-only.

The URL list is read from the URL configuration, so a new page cannot be added without saying here
which kind it is. A learner's pages send visitors to log in; another learner asking for someone
else's attempt or card gets 404, and whatever they post leaves the first learner's data as it was.
"""

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from studyapp.exams.models import Attempt, AttemptQuestion
from studyapp.review.models import Card, ParameterFit, ReviewLog, ReviewState, StudySettings

from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = {
    "health",
    "review:dashboard",  # a visitor sees the public home, a learner their own day
    "notes:index", "notes:service", "notes:document", "notes:tables", "notes:table", "notes:search",
    # The same pages reached first, to add a learner's study to them (review.note_pages).
    "review:notes_index", "review:service_page", "review:document_page",
    "accounts:signup", "accounts:login", "accounts:logout",
}
STAFF = {"notes:upload", "notes:upload_status"}


def learner_urls(attempt, suspended, fit):
    """(route name, URL, methods) for every page that shows or changes a learner's data."""
    return [
        ("review:session", "/review/", ["get", "post"]),
        ("review:settings", "/review/settings/", ["get", "post"]),
        ("review:suspended", "/review/suspended/", ["get"]),
        ("review:unsuspend", f"/review/suspended/{suspended.pk}/unsuspend/", ["post"]),
        ("review:history", "/review/history.csv", ["get"]),
        ("review:history", "/review/history.json", ["get"]),
        ("review:stats", "/stats/", ["get"]),
        ("review:workload", "/review/settings/workload/", ["get"]),
        ("review:fit", "/review/settings/fit/", ["post"]),
        ("review:fit_status", f"/review/settings/fit/{fit.pk}/", ["get"]),
        ("review:previous_parameters", "/review/settings/fit/previous/", ["post"]),
        ("exams:index", "/exams/", ["get"]),
        ("exams:practice", "/exams/practice/", ["get", "post"]),
        ("exams:calibration", "/exams/calibration/", ["get"]),
        ("exams:start", "/exams/start/", ["post"]),
        ("exams:service_quiz", "/exams/service/amazon-kinesis-data-streams/", ["post"]),
        ("exams:question", f"/exams/{attempt.pk}/1/", ["get", "post"]),
        ("exams:finish", f"/exams/{attempt.pk}/finish/", ["post"]),
        ("exams:results", f"/exams/{attempt.pk}/results/", ["get"]),
        ("exams:retake", f"/exams/{attempt.pk}/retake/", ["post"]),
    ]


def route_names(patterns=None, namespace=""):
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":  # Django's admin guards itself: staff only
                names |= route_names(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


@pytest.fixture
def alices_data(client, alice, imported, clock):
    """Alice has an exam under way with an answer, a graded card and a suspended one."""
    client.force_login(alice)
    response = client.post("/exams/start/", {"preset": "quick"})
    attempt = Attempt.objects.get(pk=int(response["Location"].split("/")[2]))
    client.post(f"/exams/{attempt.pk}/1/", {"choice": "0"})
    page = client.get("/review/").content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    client.post("/review/", {"ticket": ticket, "grade": "3"})
    suspended = ReviewState.objects.create(user=alice, card=Card.objects.exclude(states__user=alice).first(),
                                           suspended=True)
    # A fit finished long ago, its parameters in use, with the defaults to go back to.
    fit = ParameterFit.objects.create(user=alice, created_at=NOW - timedelta(days=30), status="done")
    StudySettings.objects.filter(user=alice).update(parameters=[0.5] * 21, previous_parameters=[0.4] * 21)
    client.logout()
    return attempt, suspended, fit


def snapshot(user):
    """Everything that is a learner's own, as plain values."""
    return {
        "settings": list(StudySettings.objects.filter(user=user).values()),
        "states": list(ReviewState.objects.filter(user=user).order_by("pk").values()),
        "logs": list(ReviewLog.objects.filter(user=user).order_by("pk").values()),
        "attempts": list(Attempt.objects.filter(user=user).order_by("pk").values()),
        "answers": list(AttemptQuestion.objects.filter(attempt__user=user).order_by("pk").values()),
        "fits": list(ParameterFit.objects.filter(user=user).order_by("pk").values()),
    }


POSTED = {"grade": "3", "choice": "0", "new_per_day": "1", "reviews_per_day": "1", "learning_steps": "1m",
          "relearning_steps": "10m", "desired_retention": "0.8", "time_zone": "UTC", "preset": "quick"}


def test_every_url_is_public_a_learners_own_or_staff_only(alices_data):
    learner = {name for name, _, _ in learner_urls(*alices_data)}
    assert route_names() == PUBLIC | STAFF | learner
    assert not (PUBLIC & learner or PUBLIC & STAFF or STAFF & learner)


def test_a_visitor_is_sent_to_log_in_from_every_learner_url(client, alices_data, alice):
    before = snapshot(alice)
    for name, url, methods in learner_urls(*alices_data):
        for method in methods:
            response = getattr(client, method)(url, POSTED if method == "post" else None)
            assert response.status_code == 302, (name, method)
            assert response["Location"] == f"/accounts/login/?next={url}", (name, method)
    assert snapshot(alice) == before


def test_another_learner_gets_404_for_someone_elses_attempt_card_or_fit(client, alices_data, alice, bob):
    before = snapshot(alice)
    client.force_login(bob)
    checked = 0
    for name, url, methods in learner_urls(*alices_data):
        if not re.search(r"/\d+/", url):
            continue
        for method in methods:
            assert getattr(client, method)(url, POSTED if method == "post" else None).status_code == 404, name
            checked += 1
    assert checked == 7
    assert snapshot(alice) == before


def test_another_learners_own_pages_show_and_change_only_their_own_data(client, alices_data, alice, bob):
    attempt, suspended, _ = alices_data
    before = snapshot(alice)
    client.force_login(bob)
    for name, url, methods in learner_urls(*alices_data):
        if re.search(r"/\d+/", url):
            continue
        for method in methods:
            response = getattr(client, method)(url, POSTED if method == "post" else None)
            assert response.status_code in (200, 302), (name, method)
            html = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
            assert f"/exams/{attempt.pk}/" not in html and f"/suspended/{suspended.pk}/" not in html, name
    assert snapshot(alice) == before
    assert StudySettings.objects.get(user=bob).new_per_day == 1  # bob's own post did land


def test_staff_pages_refuse_learners_and_visitors(client, alice):
    for url in ["/notes/upload/", "/notes/upload/1/"]:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    client.force_login(alice)
    for url in ["/notes/upload/", "/notes/upload/1/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_a_card_shown_to_one_learner_cannot_be_answered_from_another_account(client, alice, bob, imported, clock):
    client.force_login(alice)
    ticket = re.search(r'name="ticket" value="([^"]+)"', client.get("/review/").content.decode()).group(1)
    client.force_login(bob)
    response = client.post("/review/", {"ticket": ticket, "grade": "3"}, headers={"HX-Request": "true"})
    assert "shown to someone else" in response.content.decode()
    assert not ReviewLog.objects.exists() and not ReviewState.objects.exists()
