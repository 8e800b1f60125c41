"""The hostile corpus imports, and what it stores holds no markup the sanitiser should have removed.

tests/browser/test_hostile.py opens every page that shows it in Chromium; this is the fast check
of the stored HTML, and of the one place templates print stored HTML unescaped.
"""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from studyapp.exams.models import BankQuestion
from studyapp.notes.models import ComparisonTable, Domain, Exam, NoteSection, QuestionPattern, Scenario, Service, SourceFile
from studyapp.review.models import Card
from tests.notes.markup import unsafe_markup

pytestmark = pytest.mark.django_db

PAYLOAD = re.compile(r"alert\(|evil\.example|203\.0\.113\.9|pwned", re.I)


@pytest.fixture
def report(hostile_notes):
    out = io.StringIO()
    call_command("import_notes", str(hostile_notes), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_corpus_holds_at_least_40_hostile_notes_and_all_of_them_import(report, hostile_notes):
    notes = [p for p in hostile_notes.rglob("*") if p.suffix in {".md", ".markdown", ".txt"} and p.name != "README.md"]
    assert len(notes) >= 40
    assert all(PAYLOAD.search(p.read_text()) for p in notes)
    assert report["failed"] == 0 and report["imported"] == len(notes) + 1


def test_the_payloads_reach_every_kind_of_imported_item(report):
    # If the corpus stopped carrying payloads into one kind, the browser test would prove nothing there.
    carriers = {
        "exam": Exam.objects.values_list("code", "title"),
        "domains": Domain.objects.values_list("name", "tasks"),
        "services": Service.objects.values_list("name", "aliases", "category", "summary"),
        "notes": SourceFile.objects.values_list("title", "path", "aliases"),
        "sections": NoteSection.objects.values_list("heading_path", "text"),
        "tables": ComparisonTable.objects.values_list("title", "columns", "rows", "citation"),
        "patterns": QuestionPattern.objects.values_list("prompt", "answer", "explanation"),
        "scenarios": Scenario.objects.values_list("title", "stem", "options", "citation"),
        "cards": Card.objects.values_list("front", "answer", "explanation", "context"),
        "questions": BankQuestion.objects.values_list("stem", "options", "context"),
    }
    for kind, rows in carriers.items():
        assert any(PAYLOAD.search(str(row)) for row in rows), f"no payload reaches {kind}"
    assert BankQuestion.objects.filter(kind="single").count() >= 10
    assert Scenario.objects.count() >= 2


def test_every_stored_section_holds_only_allowed_elements_attributes_and_urls(report):
    sections = list(NoteSection.objects.select_related("source"))
    assert len(sections) > 100
    problems = {f"{s.source.path}:{s.line}": unsafe_markup(s.html) for s in sections}
    assert {where: found for where, found in problems.items() if found} == {}


def test_no_stored_section_holds_an_executable_needle_outside_its_text(report):
    # A second, blunter net under the parser check: only the tags (sanitised HTML escapes every
    # "<" in text), with the text of titles emptied, as a title may say anything.
    for section in NoteSection.objects.all():
        tags = " ".join(re.findall(r"<[^>]*>", section.html))
        markup = re.sub(r'title="[^"]*"', 'title=""', tags).lower()
        for needle in ("<script", " on", "javascript:", "vbscript:", "data:", "style", "hx-", "<iframe",
                       "<svg", "<math", "<img", "<form", "formaction", "<base", "<link", "<meta", "<object",
                       "<embed", "srcdoc", "xlink", "<!--"):
            assert needle not in markup, (section.source.path, section.line, needle)


def test_the_sections_keep_the_payloads_as_visible_text(report):
    # Sanitising removes markup, not words: the reader still sees what the note says.
    html = " ".join(NoteSection.objects.filter(source__path__endswith="unclosed-code-spans.md")
                    .values_list("html", flat=True))
    assert "<code>&lt;script&gt;alert('in-fence')&lt;/script&gt;" in html
    assert "<p>&lt;img src=x onerror=alert('after-fence')&gt;</p>" in html


def test_templates_print_imported_text_unescaped_only_as_sanitised_section_html():
    unescaped = re.compile(r"\|\s*safe\b|\bsafeseq\b|autoescape\s+off|mark_safe|format_html|\{%\s*filter\s+safe")
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if unescaped.search(line):
                found.append((template.relative_to(settings.BASE_DIR).as_posix(), line.strip()))
    assert found == [("templates/notes/_section.html", '<div class="prose">{{ section.html|safe }}</div>')]
