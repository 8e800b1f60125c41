"""Note addresses written from a prefix found once are the addresses reverse() writes."""

import pytest
from django.urls import reverse, set_script_prefix

from studyapp.notes.models import address


@pytest.mark.parametrize("name, argument", [
    ("notes:document", "kinesis-data-streams"),
    ("notes:service", "amazon-s3"),
    ("notes:table", "0f3a9c"),
    ("notes:table", "odd key: é ? # % & ~ (1)"),
])
def test_an_address_is_what_reverse_writes(name, argument):
    assert address(name, argument) == reverse(name, args=[argument])


def test_an_address_keeps_the_sites_script_prefix():
    set_script_prefix("/study/")
    try:
        assert address("notes:service", "amazon-s3") == reverse("notes:service", args=["amazon-s3"])
        assert address("notes:service", "amazon-s3").startswith("/study/notes/")
    finally:
        set_script_prefix("/")
