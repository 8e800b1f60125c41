"""An exam note that drops domains retires them: learners' history and choices keep them."""

import pytest
from django.test import Client

from studyapp.exams import attempts
from studyapp.exams.forms import CustomExamForm
from studyapp.notes.models import Domain, Exam
from studyapp.ops.importing import import_notes
from studyapp.review.models import StudySettings

from tests.conftest import NOW
from tests.review.conftest import show

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN_4 = "  - {number: 4, name: Data Security and Governance, weight: 18}\n"


@pytest.fixture
def exam_note(notes):
    note = notes / "exam.md"
    assert DOMAIN_4 in note.read_text()
    return note


def offers(client) -> str:
    """The pages that offer domains: the custom exam form, the notes index, the front page."""
    return "".join(page.content.decode() for page in [
        client.get("/exams/"), client.get("/notes/"), Client().get("/")])


def test_an_exam_note_that_drops_a_domain_retires_it_and_learners_keep_their_history(
        client, alice, notes, exam_note, clock):
    s3 = notes / "amazon-s3.md"
    s3.write_text(s3.read_text().replace("domains: [2, 4]", "domains: [4]"))
    import_notes([notes])
    exam = Exam.objects.get(code="DEA-C01")
    one, four = Domain.objects.get(exam=exam, number=1), Domain.objects.get(exam=exam, number=4)
    study = StudySettings.objects.for_user(alice)
    study.domains.set([one, four])
    attempt = attempts.start(alice, exam, "custom", NOW, 3, 10, seed=1)
    # The review notes' few bank questions fall in other domains: these stand for domain 4's.
    attempt.questions.update(domain=four)
    attempt = attempts.finish(attempt, NOW)
    original = exam_note.read_text()

    exam_note.write_text(original.replace(DOMAIN_4, ""))
    report = import_notes([exam_note])

    [warning] = [w.message for w in report.files[0].warnings]
    assert "domain 4 (Data Security and Governance)" in warning and "retired" in warning
    assert Domain.objects.get(pk=four.pk).retired_at == NOW
    client.force_login(alice)
    results = client.get(f"/exams/{attempt.pk}/results/").content.decode()
    assert "4. Data Security and Governance" in results and "Other" not in results
    assert set(study.domains.all()) == {one, four}
    assert four not in CustomExamForm(exam=exam).fields["domains"].queryset
    assert "Data Security and Governance" not in offers(client)
    assert 'href="/notes/services/amazon-s3/"' in client.get("/notes/").content.decode()  # among other services

    exam_note.write_text(original)
    report = import_notes([exam_note])

    assert not report.files[0].warnings
    assert Domain.objects.active().get(exam=exam, number=4).pk == four.pk
    assert four in CustomExamForm(exam=exam).fields["domains"].queryset
    assert offers(client).count("Data Security and Governance") == 3


def test_a_chosen_domain_that_is_retired_offers_nothing_and_stays_chosen_when_settings_are_saved(
        client, alice, notes, exam_note, clock):
    import_notes([notes])
    four = Domain.objects.get(number=4)
    study = StudySettings.objects.for_user(alice)
    study.domains.set([four])
    client.force_login(alice)
    assert show(client).counts[0] > 0
    exam_note.write_text(exam_note.read_text().replace(DOMAIN_4, ""))
    import_notes([exam_note])

    assert show(client).counts == (0, 0, 0)
    page = client.get("/review/settings/").content.decode()
    assert "Data Security and Governance" in page and f'value="{four.pk}"' not in page
    client.post("/review/settings/", {"new_per_day": "20", "reviews_per_day": "200", "learning_steps": "1m 10m",
                                      "relearning_steps": "10m", "desired_retention": "0.90", "time_zone": "UTC"})
    assert list(study.domains.all()) == [four]


def test_a_second_note_redefining_an_exam_names_the_note_that_defined_it(notes, exam_note, tmp_path):
    import_notes([notes])
    four = Domain.objects.get(number=4)
    other = tmp_path / "exam-again.md"
    other.write_text(exam_note.read_text().replace(DOMAIN_4, ""))

    [warning] = import_notes([other]).files[0].warnings

    assert f"defined until now by {exam_note.resolve().as_posix()}," in warning.message  # stored as outside the project
    assert "domain 4 (Data Security and Governance)" in warning.message
    assert Domain.objects.get(pk=four.pk).retired_at is not None
    assert Exam.objects.get().source.path.endswith("exam-again.md")
