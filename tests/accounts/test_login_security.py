"""Guessing passwords is slowed down, weak passwords are refused, logging out ends the session."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"


def log_in(client, password, username="alice"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


def test_five_wrong_passwords_lock_the_name_out_for_fifteen_minutes(client, member, clock):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200
    locked = log_in(client, "wrong")
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused while the lock holds.
    assert log_in(client, PASSWORD).status_code == 429
    assert Client().get("/review/").status_code == 302
    clock.move_to(NOW + timedelta(minutes=16), tick=False)
    assert log_in(client, PASSWORD).status_code == 302


def test_the_lock_is_per_name_so_other_learners_can_still_log_in(client, member, django_user_model, clock):
    django_user_model.objects.create_user("bob", password=PASSWORD)
    for _ in range(5):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD, username="bob").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, member, clock):
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200


@pytest.mark.parametrize("password, message", [
    ("short1!", "too short"),
    ("password123", "too common"),
    ("48213957601", "entirely numeric"),
    ("carol-the-learner", "too similar to the username"),
])
def test_sign_up_refuses_weak_passwords(client, django_user_model, password, message):
    response = client.post("/accounts/signup/", {"username": "carol-the-learner", "password1": password,
                                                 "password2": password, "time_zone": "UTC"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not django_user_model.objects.exists()


def test_logging_out_ends_the_session_on_the_server_too(client, member):
    assert log_in(client, PASSWORD).status_code == 302
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    stolen = Client()
    stolen.cookies["sessionid"] = cookie  # a copy of the cookie taken before logging out
    response = stolen.get("/review/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
