import io
import json
import random

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from studyapp.notes import writer


@pytest.fixture
def content():
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())


@pytest.fixture(scope="class")
def shared_content(django_db_setup, django_db_blocker, tmp_path_factory):
    """content/ imported once for a class of tests, the slowest import the tests make, with seeded
    keys and its backup in a folder of its own as every test's import has; gone after the class.
    Its tests run inside a transaction of their own (`django_db` without `transaction`), rolled
    back after each, so that each finds the import as it was."""
    rng = random.Random(0)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, \
            override_settings(BACKUP_DIR=tmp_path_factory.mktemp("backups")):
        patch.setattr(writer, "new_key", lambda: f"{rng.getrandbits(128):032x}")
        out = io.StringIO()
        call_command("import_notes", str(settings.BASE_DIR / "content"), "--json", stdout=out)
        yield json.loads(out.getvalue())
        call_command("flush", interactive=False, verbosity=0)
