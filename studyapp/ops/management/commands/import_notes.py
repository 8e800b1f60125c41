import sys
from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from studyapp.notes.models import ImportRun
from studyapp.notes.progress import ImportProgress
from studyapp.notes.parse.drafts import Problem
from studyapp.notes.reports import FileReport
from studyapp.ops.importing import import_notes
from studyapp.ops.progress_display import ProgressRecorder, TerminalBar


class Command(BaseCommand):
    help = "Import Markdown study notes (.md, .markdown, .txt files, or folders of them)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="note files or folders")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
        parser.add_argument("--preview", action="store_true",
                            help="do the whole import but keep none of it: say what it would do")
        parser.add_argument("--run", type=int, help="record progress on this browser upload")

    def handle(self, *args, paths, json: bool, preview: bool, run: int | None, **options):
        upload = ImportRun.objects.filter(pk=run).first() if run else None
        bar = TerminalBar() if upload is None and not json and sys.stderr.isatty() else None
        recorder = ProgressRecorder(upload) if upload is not None else None

        def progress(phase, done, total, label):
            state = ImportProgress(phase, done, total, label)
            if bar is not None:
                bar.show(state)
            if recorder is not None:
                recorder.record(state)

        names = (upload.report.get("names") or {}) if upload is not None else {}
        rejected = (upload.report.get("rejected") or []) if upload is not None else []
        if upload is not None:
            ImportRun.objects.filter(pk=upload.pk).update(status=ImportRun.Status.RUNNING)
        try:
            report = import_notes(paths, progress=progress, names=_resolved(names), preview=preview)
            # Files the upload could not store are reported with the rest, by the names they were given.
            report.files[:0] = [FileReport(r["file"], "error", error=Problem(None, r["message"])) for r in rejected]
        except Exception as exc:
            if upload is not None:
                ImportRun.objects.filter(pk=upload.pk).update(
                    status=ImportRun.Status.FAILED, finished_at=timezone.now(),
                    report={"fatal": f"{type(exc).__name__}: {exc}"})
            raise
        finally:
            if bar is not None:
                bar.close()

        summary = report.as_dict()
        if upload is not None and preview:
            # The names and refusals stay for the import that applies it.
            ImportRun.objects.filter(pk=upload.pk).update(
                status=ImportRun.Status.PREVIEWED, report={**upload.report, "preview": summary})
        elif upload is not None:
            ImportRun.objects.filter(pk=upload.pk).update(
                status=ImportRun.Status.DONE, finished_at=timezone.now(), report=summary)
        if json:
            self.stdout.write(dumps(summary, indent=2, ensure_ascii=False))
        else:
            self._print(summary)
        if report.errors:
            sys.exit(1)

    def _print(self, summary):
        totals = summary["totals"]
        if summary["preview"]:
            self.stdout.write("A preview: nothing was written. Imported, these notes would give:")
            for file in summary["details"]:
                if counts := file["counts"]:
                    self.stdout.write(f"  {file['path']}: " + ", ".join(
                        f"{counts.get(name, 0)} {label}" for name, label in COUNTED))
        self.stdout.write(
            f"Read {summary['files']} files: {summary['imported']} imported, "
            f"{summary['unchanged']} unchanged, {summary['failed']} failed."
        )
        self.stdout.write(
            f"Now holding {totals['services']} services, {totals['sections']} note sections, "
            f"{totals['tables']} tables, {totals['patterns']} question patterns, "
            f"{totals['scenarios']} scenarios, {totals['exams']} exams."
        )
        if cards := summary["cards"]:
            merged = f" ({cards['merged']} near-duplicates merged into another card)" if cards["merged"] else ""
            self.stdout.write(f"Flashcards: {cards['created']} added, {cards['changed']} changed, "
                              f"{cards['retired']} retired{merged}.")
        if questions := summary["questions"]:
            self.stdout.write(f"Exam questions: {questions['created']} added, {questions['changed']} changed, "
                              f"{questions['retired']} retired.")
        if summary["backup"]:
            self.stdout.write(f"The database was backed up first, to {summary['backup']}.")
        for warning in summary["warnings"]:
            self.stdout.write(self.style.WARNING(f"warning: {_where(warning)}: {warning['message']}"))
        for error in summary["errors"]:
            self.stderr.write(self.style.ERROR(f"error: {_where(error)}: {error['message']}"))


# What the preview counts in each note: its report's name, and how the summary says it.
COUNTED = [("sections", "sections"), ("tables", "tables"), ("patterns", "mappings"),
           ("scenarios", "scenario items"), ("cards", "flashcards")]


def _where(problem):
    return f"{problem['file']}:{problem['line']}" if problem["line"] else problem["file"]


def _resolved(names):
    return {Path(path).resolve(): name for path, name in names.items()}

