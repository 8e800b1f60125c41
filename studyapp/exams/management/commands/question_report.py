import json
import re

from django.core.management.base import BaseCommand

from collections import Counter

from studyapp.notes.models import Exam, QuestionPattern, SourceFile

from ...bank import load_bank
from ...questions import domain_shares

REPORT_SEED = 0
TASK_NUMBER = re.compile(r"\d+\.\d+")


class Command(BaseCommand):
    help = "How many exam questions each domain can supply, and whether any is ambiguous."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--verbose", action="store_true",
                            help="list each suspect question with its reason, and each card that makes no question")

    def handle(self, *args, **options):
        report = {"exams": [build_report(exam) for exam in Exam.objects.all()]}
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for exam in report["exams"]:
                self.stdout.write(f"{exam['code']}: {exam['questions']} questions, {exam['ambiguous']} ambiguous, "
                                  f"{exam['off_kind']} with a wrong option of another kind, "
                                  f"{exam['cards_lacking_distractors']} cards without three good wrong options")
                if options["verbose"]:
                    for suspect in exam["suspects"]:
                        self.stdout.write(f"  suspect: {suspect['question']}")
                        for problem in suspect["problems"]:
                            self.stdout.write(f"    - {problem}")
                    for card in exam["lacking"]:
                        self.stdout.write(f"  no question: {card['front']} → {card['answer']} "
                                          f"(a {card['kind']}: fewer than three wrong options of that kind)")
                for domain in exam["domains"]:
                    self.stdout.write(
                        f"  D{domain['number']} {domain['name']}: {domain['questions']} questions "
                        f"({domain['single']} single, {domain['multiple']} choose-two, {domain['scenario']} scenario, "
                        f"{domain['scenario_multiple_response']} of them choose-two); "
                        f"a full exam needs {domain['full_exam_share']}"
                    )
                    tasks = ", ".join(f"{task}: {count}" for task, count in domain["tasks"].items())
                    self.stdout.write(f"    scenario items per task statement: {tasks}")
                    mappings = ", ".join(f"{task}: {count}" for task, count in domain["mappings_per_task"].items())
                    self.stdout.write(f"    mappings per task statement: {mappings}; "
                                      f"{domain['mappings_without_task']} without one")
                scenarios = exam["scenarios"]
                self.stdout.write(
                    f"  Scenario items: {scenarios['total']} ({scenarios['multiple_response']} choose-two, "
                    f"{scenarios['without_task']} without a task statement); the right option is the longest in "
                    f"{scenarios['single_longest_is_right']:.0%} of single-answer items and "
                    f"{scenarios['multiple_longest_is_right']:.0%} of choose-two items")
        if any(exam["ambiguous"] or exam["off_kind"] for exam in report["exams"]):
            raise SystemExit(1)


def build_report(exam) -> dict:
    bank = load_bank(exam)
    questions = bank.all_questions(REPORT_SEED)
    # Each question checked once, both ways: (question, why it reads two ways, options of another kind).
    checked = [(q, bank.ambiguities(q), bank.off_kind(q)) for q in questions]
    ambiguous = [(q, problems) for q, problems, _ in checked if problems]
    suspects = [(q, problems + kinds) for q, problems, kinds in checked if problems or kinds]
    lacking = bank.lacking_distractors()
    domains = []
    shares = full_exam_shares(exam)
    by_domain = Counter(QuestionPattern.objects.active().filter(domain__exam=exam).values_list("domain_id", "task"))
    mappings = Counter()
    for (_, task), count in by_domain.items():
        mappings[task] += count
    # Each note once, however many of the exam's domains it lists (DISTINCT over the tasks
    # themselves would count two notes teaching the same ones as one).
    exam_notes = SourceFile.objects.filter(pk__in=SourceFile.objects.filter(domains__exam=exam).values("pk"))
    notes = Counter(task for tasks in exam_notes.values_list("tasks", flat=True) for task in tasks)
    for domain in exam.domains.active():
        # Each question once, under its first domain: the one the bank files it under.
        mine = [q for q in questions if q.domain_ids[:1] == (domain.pk,)]
        scenarios = [q for q in mine if q.kind == "scenario"]
        domains.append({
            "number": domain.number, "name": domain.name, "weight": float(domain.weight),
            "questions": len(mine),
            "single": sum(q.kind == "single" for q in mine),
            "multiple": sum(q.kind == "multiple" for q in mine),
            "scenario": len(scenarios),
            "scenario_multiple_response": sum(q.choose == 2 for q in scenarios),
            "full_exam_share": shares.get(domain.number, 0),
            "tasks": {task: sum(q.task == task for q in scenarios) for task in task_numbers(domain)},
            "mappings_per_task": {task: mappings[task] for task in task_numbers(domain)},
            "notes_per_task": {task: notes[task] for task in task_numbers(domain)},
            "mappings_without_task": sum(
                count for (domain_id, task), count in by_domain.items() if domain_id == domain.pk and not task),
        })
    scenarios = [q for q in questions if q.kind == "scenario"]
    return {
        "code": exam.code, "questions": len(questions), "ambiguous": len(ambiguous),
        "ambiguous_examples": [{"question": q.stem, "problems": problems} for q, problems in ambiguous[:10]],
        "off_kind": sum(1 for _, _, kinds in checked if kinds),
        "suspects": [{"question": q.stem, "problems": problems} for q, problems in suspects],
        "cards_lacking_distractors": len(lacking),
        "lacking": [{"front": f.prompt, "answer": f.answer, "kind": bank.kind_of(f.answer)} for f in lacking],
        "domains": domains,
        "scenarios": {
            "total": len(scenarios),
            "multiple_response": sum(q.choose == 2 for q in scenarios),
            "without_task": sum(not q.task for q in scenarios),
            **longest_right_shares(scenarios),
        },
    }


def task_numbers(domain) -> list[str]:
    """The task statements an exam note lists for a domain ("2.1 Choose a data store"), as "2.1"."""
    return [found.group(0) for task in domain.tasks if (found := TASK_NUMBER.match(str(task)))]


def longest_right_shares(scenarios) -> dict:
    """How often the right option is the longest: a test-wise candidate's give-away. Single-answer
    items, and the multiple-response items where one of the two right options is the longest."""
    def longest_is_right(question) -> bool:
        longest = max(len(o.text) for o in question.options)
        return any(o.correct and len(o.text) == longest for o in question.options)

    single = [q for q in scenarios if q.choose == 1]
    multiple = [q for q in scenarios if q.choose == 2]
    return {
        "single_longest_is_right": round(sum(map(longest_is_right, single)) / len(single), 3) if single else 0.0,
        "multiple_longest_is_right": round(sum(map(longest_is_right, multiple)) / len(multiple), 3)
        if multiple else 0.0,
    }


def full_exam_shares(exam) -> dict[int, int]:
    return domain_shares(exam.question_count or 0, {d.number: float(d.weight) for d in exam.domains.active()})
