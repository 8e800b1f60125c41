import json

from django.core.management.base import BaseCommand

from studyapp.notes.models import Exam

from ...bank import load_bank
from ...questions import domain_shares

REPORT_SEED = 0


class Command(BaseCommand):
    help = "How many exam questions each domain can supply, and whether any is ambiguous."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        report = {"exams": [build_report(exam) for exam in Exam.objects.all()]}
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for exam in report["exams"]:
                self.stdout.write(f"{exam['code']}: {exam['questions']} questions, {exam['ambiguous']} ambiguous, "
                                  f"{exam['cards_lacking_distractors']} cards without three good wrong options")
                for domain in exam["domains"]:
                    self.stdout.write(
                        f"  D{domain['number']} {domain['name']}: {domain['questions']} questions "
                        f"({domain['single']} single, {domain['multiple']} choose-two, {domain['scenario']} scenario); "
                        f"a full exam needs {domain['full_exam_share']}"
                    )
        if any(exam["ambiguous"] for exam in report["exams"]):
            raise SystemExit(1)


def build_report(exam) -> dict:
    bank = load_bank(exam)
    questions = bank.all_questions(REPORT_SEED)
    ambiguous = [q for q in questions if bank.ambiguities(q)]
    domains = []
    shares = full_exam_shares(exam)
    for domain in exam.domains.active():
        mine = [q for q in questions if domain.pk in q.domain_ids]
        domains.append({
            "number": domain.number, "name": domain.name, "weight": float(domain.weight),
            "questions": len(mine),
            "single": sum(q.kind == "single" for q in mine),
            "multiple": sum(q.kind == "multiple" for q in mine),
            "scenario": sum(q.kind == "scenario" for q in mine),
            "full_exam_share": shares.get(domain.number, 0),
        })
    return {
        "code": exam.code, "questions": len(questions), "ambiguous": len(ambiguous),
        "ambiguous_examples": [{"question": q.stem, "problems": bank.ambiguities(q)} for q in ambiguous[:10]],
        "cards_lacking_distractors": len(bank.lacking_distractors()), "domains": domains,
    }


def full_exam_shares(exam) -> dict[int, int]:
    return domain_shares(exam.question_count or 0, {d.number: float(d.weight) for d in exam.domains.active()})
