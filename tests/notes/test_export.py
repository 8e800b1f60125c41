import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported(notes_dir):
    call_command("import_notes", str(notes_dir), "--json", stdout=io.StringIO())


def test_json_export_lists_tables_and_patterns_as_plain_text(imported):
    out = io.StringIO()
    call_command("export_notes", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    table = next(t for t in data["tables"] if t["title"] == "Tables in the wild: Encryption Options")
    assert table["columns"] == ["Type", "Key Management", "Use Case"]
    assert table["rows"][1] == ["SSE-KMS", "KMS keys\naudit trail", "Audit"]
    assert table["source"].endswith("tables.md") and table["line"] == 5
    replay = next(p for p in data["patterns"] if p["prompt"] == "Replay data")
    assert replay["answer"] == "Amazon Kinesis Data Streams"  # the wikilink markup is gone
    assert replay["source"].endswith("patterns.md") and replay["line"] == 12
    assert [d["weight"] for d in data["exams"][0]["domains"]] == [34, 26, 22, 18]

