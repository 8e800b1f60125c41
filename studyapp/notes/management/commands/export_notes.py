import csv
import json

from django.core.management.base import BaseCommand
from django.db.models import Prefetch
from django.utils.text import slugify

from studyapp.notes.models import ComparisonTable, Domain, Exam, QuestionPattern, Scenario, Service
from studyapp.spreadsheet import anki_html, inert


class Command(BaseCommand):
    help = "Print everything imported: JSON for scripts, or CSV of the question patterns for Anki."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, format, **options):
        patterns = QuestionPattern.objects.active().select_related("source", "domain__exam").order_by("source__path", "position")
        if format == "csv":
            self._csv(patterns)
        else:
            self.stdout.write(json.dumps(self._everything(patterns), indent=2, ensure_ascii=False))

    def _everything(self, patterns):
        tables = ComparisonTable.objects.active().select_related("source").order_by("source__path", "position")
        return {
            "exams": [
                {
                    "code": exam.code, "title": exam.title, "questions": exam.question_count,
                    "minutes": exam.minutes, "passing_score": exam.passing_score,
                    "domains": [{"number": d.number, "name": d.name, "weight": float(d.weight)}
                                for d in exam.domains.all()],
                }
                for exam in Exam.objects.prefetch_related(Prefetch("domains", queryset=Domain.objects.active()))
            ],
            "services": [
                {"name": s.name, "aliases": s.aliases, "category": s.category}
                for s in Service.objects.active()
            ],
            "tables": [
                {"title": t.title, "columns": t.columns, "rows": t.rows, "source": t.source.path,
                 "line": t.line, "citation": t.citation}
                for t in tables
            ],
            "patterns": [
                {"prompt": p.prompt, "answer": p.answer, "explanation": p.explanation,
                 "domain": p.domain.number if p.domain else None, "task": p.task, "source": p.source.path,
                 "line": p.line, "citation": p.citation}
                for p in patterns
            ],
            "scenarios": [
                {"title": s.title, "stem": s.stem, "domain": s.domain.number if s.domain else None, "task": s.task,
                 "choose": s.choose,
                 "options": [{"text": o["text"], "correct": o["correct"], "reason": o.get("explanation", "")}
                             for o in s.options],
                 "tests": s.tests, "source": s.source.path, "line": s.line}
                for s in Scenario.objects.active().select_related("source", "domain")
                .order_by("source__path", "position")
            ],
        }

    def _csv(self, patterns):
        # Anki reads these header lines and then maps the columns to Front, Back and Tags. HTML
        # fields let a cue that starts like a formula ("=", "+", "-", "@") be written with that
        # character as an entity: a spreadsheet sees text, Anki shows the character.
        self.stdout.write("#separator:Comma\n#html:true\n#tags column:3\n", ending="")
        writer = csv.writer(self.stdout, lineterminator="\n")
        for pattern in patterns:
            back = pattern.answer + (f"\n\n{pattern.explanation}" if pattern.explanation else "")
            tags = [slugify(pattern.source.title)[:40] or "notes"]
            if pattern.domain:
                tags[:0] = [pattern.domain.exam.code, f"domain-{pattern.domain.number}"]
            if pattern.task:
                tags.insert(-1, f"task-{pattern.task}")
            writer.writerow([anki_html(pattern.prompt), anki_html(back), inert(" ".join(tags))])
