import io

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.review.conftest import NOW, alice, bob, clock, imported  # noqa: F401  (shared personas and clock)

__all__ = ["NOW"]


@pytest.fixture
def content():
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())
