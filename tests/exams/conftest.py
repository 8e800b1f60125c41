import io

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture
def content():
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())
