"""No cell we write into a CSV file is run by a spreadsheet, and Anki still shows each field as written."""

import csv
import html
import io

import pytest
from django.core.management import call_command

from studyapp.review.models import Card, ReviewLog
from studyapp.review.exam_answers import record_exam_answers
from studyapp.spreadsheet import anki_html, inert

from tests.conftest import FIXTURES, NOW, studied

FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)", "\t=1+1", "\r=1+1", "  =1+1"]


def spreadsheet_would_run(cell: str) -> bool:
    return cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_becomes_text_a_spreadsheet_shows(text):
    assert not spreadsheet_would_run(inert(text))
    assert inert(text) == "'" + text


def test_plain_text_and_numbers_are_written_as_they_are():
    assert inert("Amazon S3") == "Amazon S3" and inert(-3) == -3 and inert("") == ""


@pytest.mark.parametrize("text", [*FORMULAS, "a < b & c", "two\nlines", "Amazon S3"])
def test_an_anki_field_is_text_to_a_spreadsheet_and_shows_in_anki_as_written(text):
    field = anki_html(text)
    assert not spreadsheet_would_run(field)
    shown = html.unescape(field.replace("<br>", "\n")).replace("\xa0", " ")
    assert shown == text.replace("\r", "\n")


@pytest.mark.django_db(transaction=True)
def test_the_anki_export_writes_formula_cues_as_text(alice):
    call_command("import_notes", str(FIXTURES / "formulas"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_notes", "--format", "csv", stdout=out)
    lines = out.getvalue().split("\n", 8)
    assert lines[:2] == ["#separator:Comma", "#html:true"] and lines[7] == "#columns:GUID,Front,Back,Tags"
    rows = list(csv.reader(io.StringIO(lines[8])))
    assert len(rows) == 5
    assert not any(spreadsheet_would_run(cell) for row in rows for cell in row)
    shown = {html.unescape(row[1]): html.unescape(row[2].replace("<br>", "\n")) for row in rows}
    assert shown["=HYPERLINK(\"http://example.invalid/?leak\",\"Click for the answer\")"] == "Amazon S3"
    assert shown["+cmd|' /C calc'!A0"] == "AWS Glue"
    assert shown["Stream replay"] == "=1+1"


@pytest.mark.django_db(transaction=True)
def test_the_review_history_csv_writes_formula_cues_as_text(client, alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("import_notes", str(FIXTURES / "formulas"), stdout=io.StringIO())
    cards = list(Card.objects.active())
    studied(alice, cards)
    record_exam_answers(alice, [(card, True) for card in cards], NOW)
    client.force_login(alice)
    response = client.get("/review/history.csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == ReviewLog.objects.filter(user=alice).count() == len(cards) > 0
    assert not any(spreadsheet_would_run(cell) for row in rows for cell in row.values())
    fronts = {row["card_front"] for row in rows}
    assert "'=HYPERLINK(\"http://example.invalid/?leak\",\"Click for the answer\")" in fronts
