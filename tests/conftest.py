from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
NOTES = FIXTURES / "notes"


@pytest.fixture
def notes_dir():
    return NOTES


def read_fixture(name: str) -> bytes:
    return (NOTES / name).read_bytes()
