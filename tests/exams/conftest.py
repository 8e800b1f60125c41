import io

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import content_imported


@pytest.fixture
def content():
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())


@pytest.fixture(scope="class")
def shared_content(django_db_setup, django_db_blocker, tmp_path_factory):
    """content/ imported once for a class of tests (see `content_imported`)."""
    with content_imported(django_db_blocker, tmp_path_factory) as report:
        yield report
