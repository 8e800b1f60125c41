"""What an import says about each file and in all, and what the database holds after it."""

from dataclasses import dataclass, field

from .models import ComparisonTable, Exam, NoteSection, QuestionPattern, Scenario, Service, SourceFile
from .parse.drafts import Problem


@dataclass
class FileReport:
    path: str
    status: str = "imported"  # imported | unchanged | error
    counts: dict = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    error: Problem | None = None

    def as_dict(self):
        return {
            "path": self.path,
            "status": self.status,
            "counts": self.counts,
            "warnings": [{"file": self.path, "line": w.line, "message": w.message} for w in self.warnings],
            "error": {"file": self.path, "line": self.error.line, "message": self.error.message}
            if self.error else None,
        }


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    backup: str | None = None  # where the database was backed up before this import wrote
    # What the import did to the flashcards and the question bank: created, changed, retired (and
    # for cards, near-duplicates merged); empty when nothing needed building.
    cards: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    preview: bool = False  # built and thrown away: what the import would do

    @property
    def errors(self):
        return [f for f in self.files if f.error]

    def as_dict(self):
        files = [f.as_dict() for f in self.files]
        return {
            "files": len(self.files),
            "imported": sum(f.status == "imported" for f in self.files),
            "unchanged": sum(f.status == "unchanged" for f in self.files),
            "failed": len(self.errors),
            "totals": self.totals,
            "backup": self.backup,
            "preview": self.preview,
            "cards": self.cards,
            "questions": self.questions,
            "warnings": [w for f in files for w in f["warnings"]],
            "errors": [f["error"] for f in files if f["error"]],
            "details": files,
        }


def totals() -> dict:
    return {
        "sources": SourceFile.objects.count(),
        "services": Service.objects.active().count(),
        "sections": NoteSection.objects.active().count(),
        "tables": ComparisonTable.objects.active().count(),
        "patterns": QuestionPattern.objects.active().count(),
        "scenarios": Scenario.objects.active().count(),
        "exams": Exam.objects.count(),
    }
