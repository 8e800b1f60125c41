"""Questions from the project's whole content/: none ambiguous, wrong options of the answer's kind."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from studyapp.exams.bank import load_bank
from studyapp.exams.questions import normalise

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_question_from_the_content_is_unambiguous_and_its_domains_can_fill_two_exams():
    call_command("import_notes", str(settings.BASE_DIR / "content"), stdout=io.StringIO())
    bank = load_bank()
    questions = bank.all_questions(seed=2026)
    assert len(questions) > 600
    assert [q.stem for q in questions if bank.ambiguities(q)] == []

    # Each wrong option of a one-answer question comes from the same list or column, or is a
    # service of the same category as the answer.
    categories = {normalise(n): s.category for s in bank.services for n in (s.name, *s.aliases)}
    for question in (q for q in questions if q.kind == "single"):
        fact = bank.by_key[question.key]
        family = {normalise(f.answer) for f in bank.families[fact.family]}
        for option in question.options:
            if not option.correct:
                same_category = categories.get(normalise(option.text)) == categories.get(normalise(fact.answer)) is not None
                assert normalise(option.text) in family or same_category, (question.stem, option.text)

    out = io.StringIO()
    call_command("question_report", "--json", stdout=out)
    [exam] = json.loads(out.getvalue())["exams"]
    assert exam["code"] == "DEA-C01" and exam["ambiguous"] == 0
    assert [d["full_exam_share"] for d in exam["domains"]] == [22, 17, 14, 12]
    for domain in exam["domains"]:
        assert domain["questions"] >= 2 * domain["full_exam_share"], domain
    assert sum(d["multiple"] for d in exam["domains"]) > 0 and sum(d["scenario"] for d in exam["domains"]) > 0
