"""Everything imported, as JSON for scripts, or the cards as an Anki deck (CSV or .apkg).

It lives in the review app because the cards do, and review may read notes but not the reverse.
"""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.utils import timezone

from studyapp.notes.models import ComparisonTable, Domain, Exam, QuestionPattern, Scenario, Service
from studyapp.review import anki
from studyapp.review.models import Card


class Command(BaseCommand):
    help = ("Print everything imported as JSON for scripts, or write the cards as an Anki deck: CSV on "
            "standard output, or an .apkg file; --exam, --domain and --service choose the deck.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv", "apkg"], default="json")
        parser.add_argument("--exam", help="only this exam's cards (its code, e.g. DEA-C01)")
        parser.add_argument("--domain", type=int, help="only this domain's cards (its number in the exam)")
        parser.add_argument("--service", help="only the cards of this service (its name or address slug)")
        parser.add_argument("--output", "-o", type=Path, help="the .apkg file to write")

    def execute(self, *args, **options):
        try:
            super().execute(*args, **options)
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`export_notes | head`), which is its right and no error of
            # ours. As Python's documentation advises (the signal module, "Note on SIGPIPE"), what
            # is left goes to devnull, so that flushing it at exit does not fail a second time.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
            os.close(devnull)

    def handle(self, *args, format, output, **options):
        if format == "json":
            if any(options[name] is not None for name in ("exam", "domain", "service")) or output:
                raise CommandError("--exam, --domain, --service and --output are for an Anki deck (csv or apkg)")
            self.stdout.write(json.dumps(self._everything(), indent=2, ensure_ascii=False))
            return
        deck, cards = self._deck(**options)
        notes = (anki.note_for(card) for card in cards.for_anki().iterator(chunk_size=2000))
        if format == "csv":
            anki.write_csv(self.stdout, deck, notes)
            return
        if output is None:
            raise CommandError("--output names the .apkg file to write")
        count = anki.write_apkg(output, deck, notes, timezone.now())
        self.stdout.write(f"{count} card{'s' if count != 1 else ''} in the deck {deck!r}: {output}")

    def _deck(self, exam, domain, service, **options):
        """The deck's name and its cards: every active card, or those of an exam, a domain or a service."""
        cards, parts = Card.objects.active(), []
        if exam is not None or domain is not None:
            exams = Exam.objects.filter(code__iexact=exam) if exam is not None else Exam.objects.all()
            found = list(exams[:2])
            if len(found) != 1:
                raise CommandError(f"no exam {exam!r}" if exam is not None
                                   else "--domain needs --exam: which exam's domain")
            cards, parts = cards.filter(exam=found[0]), [found[0].code]
            if domain is not None:
                chosen = Domain.objects.active().filter(exam=found[0], number=domain).first()
                if chosen is None:
                    raise CommandError(f"{found[0].code} has no domain {domain}")
                cards, parts = cards.filter(domains=chosen), [*parts, f"Domain {chosen.number} {chosen.name}"]
        if service is not None:
            chosen = Service.objects.active().filter(slug=service).first() or \
                Service.objects.active().filter(name__iexact=service).first()
            if chosen is None:
                raise CommandError(f"no service {service!r}")
            cards, parts = cards.filter(services=chosen), [*parts, chosen.name]
        return anki.deck_name(*parts), cards

    def _everything(self):
        patterns = (QuestionPattern.objects.active().select_related("source", "domain__exam")
                    .order_by("source__path", "position"))
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
