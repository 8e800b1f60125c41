import pytest

from tests.conftest import content_imported


@pytest.fixture(scope="class")
def shared_content(django_db_setup, django_db_blocker, tmp_path_factory):
    """content/ imported once for a class of tests (see `content_imported`)."""
    with content_imported(django_db_blocker, tmp_path_factory) as report:
        yield report
