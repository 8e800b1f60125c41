from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
NOTES = FIXTURES / "notes"


@pytest.fixture
def notes_dir():
    return NOTES


def read_fixture(name: str) -> bytes:
    return (NOTES / name).read_bytes()


REVIEW_NOTES = FIXTURES / "review"


@pytest.fixture(autouse=True)
def steady_schedule(settings):
    """FSRS fuzzing off, so every interval in a test is exact."""
    settings.REVIEW_FUZZ = False


@pytest.fixture
def review_notes():
    return REVIEW_NOTES
