"""Sign up, log in, log out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from django.contrib.sessions.backends.db import SessionStore
from studyapp.review.models import StudySettings

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"


def sign_up(client, username="carol", zone="Europe/Lisbon", password=PASSWORD):
    return client.post("/accounts/signup/", {"username": username, "password1": password,
                                             "password2": password, "time_zone": zone})


def test_signing_up_logs_in_and_keeps_the_browsers_time_zone(client, django_user_model):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/"
    user = django_user_model.objects.get(username="carol")
    assert StudySettings.objects.get(user=user).time_zone == "Europe/Lisbon"
    assert "Today" in client.get("/").content.decode()


def test_an_unknown_time_zone_falls_back_to_utc(client, django_user_model):
    sign_up(client, zone="Nowhere/Special")
    assert StudySettings.objects.get(user__username="carol").time_zone == "UTC"


def test_sign_up_applies_the_password_validators(client, django_user_model):
    response = sign_up(client, password="password")
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert not django_user_model.objects.filter(username="carol").exists()


def test_the_pages_label_every_field(client):
    for url in ["/accounts/signup/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        assert '<label for="id_username">' in html and 'for="id_password' in html


def test_logging_in_and_out(client, django_user_model):
    django_user_model.objects.create_user("alice", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/review/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/review/").status_code == 302  # the session ended
    assert client.get("/accounts/logout/").status_code == 405  # only a form's POST logs out


def test_a_wrong_password_says_so(client, django_user_model):
    django_user_model.objects.create_user("alice", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "alice", "password": "not it"})
    assert response.status_code == 200 and "enter a correct username and password" in response.content.decode()


def test_logging_in_returns_to_the_page_that_asked(client, django_user_model):
    django_user_model.objects.create_user("alice", password=PASSWORD)
    login_page = client.get("/review/", follow=True)
    assert 'name="next" value="/review/"' in login_page.content.decode()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "/review/"})
    assert response["Location"] == "/review/"


def test_an_expired_session_signs_the_learner_out(client, django_user_model):
    django_user_model.objects.create_user("ann", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert client.get("/review/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/review/").status_code == 302


def test_a_deactivated_learner_is_signed_out(client, django_user_model):
    ann = django_user_model.objects.create_user("ann", password=PASSWORD)
    client.force_login(ann)
    assert client.get("/review/").status_code == 200
    django_user_model.objects.filter(pk=ann.pk).update(is_active=False)
    assert client.get("/review/").status_code == 302


def test_a_session_started_while_the_backend_was_ours_stays_signed_in(client, django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_sessions_name_our_backend")])
    ann = django_user_model.objects.create_user("ann", password=PASSWORD)
    before = SessionStore()
    before.update({SESSION_KEY: str(ann.pk), BACKEND_SESSION_KEY: "studyapp.accounts.backends.ModelBackend",
                   HASH_SESSION_KEY: ann.get_session_auth_hash()})
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    assert client.get("/review/").status_code == 302  # Django signs out an unknown backend
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert client.get("/review/").status_code == 200
