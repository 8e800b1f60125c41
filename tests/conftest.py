import io
import json
import random
import shutil
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.core.cache import cache
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from studyapp.notes import writer
from studyapp.review.models import ReviewState
from studyapp.review.scheduler import Phase

FIXTURES = Path(__file__).parent / "fixtures"
NOTES = FIXTURES / "notes"


@pytest.fixture
def notes_dir():
    return NOTES


def read_fixture(name: str) -> bytes:
    return (NOTES / name).read_bytes()


REVIEW_NOTES = FIXTURES / "review"
HOSTILE_NOTES = FIXTURES / "hostile"


@pytest.fixture(autouse=True)
def steady_schedule(settings):
    """FSRS fuzzing off, so every interval in a test is exact."""
    settings.REVIEW_FUZZ = False


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: the statistics page keys its figures by learner and
    day, which the next test's learner and fixed clock may share."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def seeded_keys(monkeypatch):
    """An import gives new items random keys, and the order of new cards and of the question bank
    follows them: seeded here, so that a test sees the same order, and draws the same exam
    questions, every run."""
    rng = random.Random(0)
    monkeypatch.setattr(writer, "new_key", lambda: f"{rng.getrandbits(128):032x}")


@contextmanager
def content_imported(django_db_blocker, tmp_path_factory):
    """content/, the slowest import the tests make, imported once for a module or a class of tests,
    with seeded keys and its backup in a folder of its own as every test's import has; gone after.
    Their tests run inside a transaction of their own (`django_db` without `transaction`), rolled
    back after each, so that each finds the import as it was. Yields the import's report."""
    rng = random.Random(0)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, \
            override_settings(BACKUP_DIR=tmp_path_factory.mktemp("backups")):
        patch.setattr(writer, "new_key", lambda: f"{rng.getrandbits(128):032x}")
        out = io.StringIO()
        call_command("import_notes", str(settings.BASE_DIR / "content"), "--json", stdout=out)
        yield json.loads(out.getvalue())
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Production hashes passwords slowly on purpose; tests that log in dozens of times need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path, monkeypatch):
    """Backups (every import into a database with notes takes one) go to the test's own folder, never the project's; the
    environment says so too, for imports that run in a child process."""
    folder = tmp_path / "backups"
    settings.BACKUP_DIR = folder
    monkeypatch.setenv("BACKUP_DIR", str(folder))
    return folder


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table the project's models (and their many-to-many links) use, in key
    order: two calls return equal values exactly when the database holds the same data. Unmanaged
    models are left out: they are indexes over the others (SQLite's search index), not data."""
    return {model._meta.db_table: list(model.objects.order_by("pk").values_list())
            for model in apps.get_models(include_auto_created=True) if model._meta.managed}


@pytest.fixture
def review_notes():
    return REVIEW_NOTES


@pytest.fixture
def notes(tmp_path, review_notes):
    """A copy of the review notes that a test may edit."""
    folder = tmp_path / "notes"
    shutil.copytree(review_notes, folder)
    return folder


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def studied(user, cards, when=None):
    """Cards the learner has studied: each with a schedule in review, as answering it would have
    left it (mock exam answers count only for studied cards)."""
    when = when or NOW
    ReviewState.objects.bulk_create(
        ReviewState(user=user, card=card, phase=Phase.REVIEW, stability=5, difficulty=5, reps=1,
                    due=when + timedelta(days=5), last_review=when - timedelta(days=1)) for card in cards)


@pytest.fixture
def clock(time_machine):
    """The clock stands still at NOW until a test moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def hostile_notes():
    """Notes written to attack every page that shows them; see tests/fixtures/hostile/README.md."""
    return HOSTILE_NOTES


@pytest.fixture
def imported(review_notes):
    call_command("import_notes", str(review_notes), stdout=io.StringIO())


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-password-1")
