"""The import's bulk writes: many rows per statement, each value as the ORM would store it, and
every row in the search index the triggers keep."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes import bulk
from studyapp.notes.bulk import ROWS_PER_INSERT, insert_rows
from studyapp.notes.models import Service, SourceFile
from studyapp.notes.search import run_search

pytestmark = pytest.mark.django_db

IMPORTED_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_rows_past_one_statement_are_all_written_as_given():
    names = ["path", "slug", "title", "kind", "aliases", "checksum", "link_context", "size", "front_matter",
             "warnings", "imported_at", "tasks"]
    per_statement = min(ROWS_PER_INSERT, bulk.parameter_limit() // len(names))
    count = 2 * per_statement + per_statement // 3
    rows = [(f"notes/{n}.md", f"note-{n}", f"Note {n}", "topic", [f"alias {n}", "é→"], "0" * 64, "", n,
             {"title": f"Note {n}"}, [], IMPORTED_AT, ["1.1"]) for n in range(count)]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(SourceFile, names, rows)
    assert len(queries) == 3
    assert list(SourceFile.objects.order_by("pk").values_list(*names)) == rows


def test_a_statement_holds_no_more_values_than_the_database_takes(monkeypatch):
    monkeypatch.setattr(bulk, "parameter_limit", lambda: 50)
    names = ["name", "slug", "aliases", "category", "summary", "line", "search_text"]  # 7 a row: 7 rows in 50
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Service, names, [(f"Svc {n}", f"svc-{n}", [], "", "", 1, f"svc {n}") for n in range(15)])
    assert len(queries) == 3  # 7, 7 and 1
    assert Service.objects.count() == 15


def test_bulk_rows_reach_the_search_index():
    names = ["name", "slug", "aliases", "category", "summary", "line", "search_text"]
    insert_rows(Service, names, [(f"Svc {n}", f"svc-{n}", [], "", "", 1,
                                  f"svc {n} holds {'needle' if n == 1717 else 'hay'}") for n in range(ROWS_PER_INSERT * 2)])
    assert [s.name for s in run_search("needle")["services"]] == ["Svc 1717"]
