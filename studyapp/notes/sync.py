"""The one place that writes parsed notes into the database.

An import reads and parses every file first, renders their sections in a bounded worker, and
only then writes, in one transaction: either the whole import applies or none of it does. A file
that cannot be read is reported and skipped; what it held before stays as it was.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .identity import Candidate, match
from .models import (
    ComparisonTable,
    Domain,
    Exam,
    NoteSection,
    QuestionPattern,
    Scenario,
    Service,
    SourceFile,
)
from .parse import NoteError, parse_note
from .parse.blocks import YAML_LOADER
from .parse.drafts import NoteDraft, Problem
from .render import Renderer, normalise_name
from .signals import notes_imported

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}


def _importer_fingerprint() -> str:
    """Changes whenever the parser or renderer changes, so upgraded code re-reads every note."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in sorted([*here.joinpath("parse").glob("*.py"), here / "render.py"]):
        digest.update(module.read_bytes())
    return digest.hexdigest()


IMPORTER_FINGERPRINT = _importer_fingerprint()


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
            "warnings": [w for f in files for w in f["warnings"]],
            "errors": [f["error"] for f in files if f["error"]],
            "details": files,
        }


def collect_paths(arguments: list[str]) -> tuple[list[Path], list[FileReport]]:
    """The note files named, directly or inside folders; and reports for names that are not."""
    found, missing = [], []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(FileReport(argument, "error", error=Problem(None, "no such file or folder")))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, missing


def stored_path(path: Path) -> str:
    """Paths inside the project are stored relative to it, so a clone elsewhere matches."""
    try:
        return path.resolve().relative_to(settings.BASE_DIR).as_posix()
    except ValueError:
        return path.resolve().as_posix()


@dataclass
class _Parsed:
    report: FileReport
    data: bytes
    checksum: str
    draft: NoteDraft | None = None
    rendered: list = field(default_factory=list)
    source: SourceFile | None = None
    domains: list = field(default_factory=list)


def import_notes(arguments, progress=None, now=None, names=None) -> Report:
    """Import note files and folders. `names` lets an upload keep the names the user gave."""
    now = now or timezone.now()
    paths, missing = collect_paths(arguments)
    report = Report(files=list(missing))
    existing = {s.path: s for s in SourceFile.objects.filter(path__in=[(names or {}).get(p, stored_path(p)) for p in paths])}

    parsed: list[_Parsed] = []
    for done, path in enumerate(paths, start=1):
        label = (names or {}).get(path, stored_path(path))
        item = _read(path, label)
        report.files.append(item.report)
        if item.report.status != "error":
            parsed.append(item)
        if progress:
            progress(done, len(paths), label)

    registry = NameRegistry.build(parsed)
    for item in parsed:
        previous = existing.get(item.report.path)
        if previous and previous.checksum == item.checksum and previous.link_context == registry.context:
            item.report.status = "unchanged"
        else:
            item.draft = _parse(item)
    changed = [i for i in parsed if i.draft is not None]
    _render(changed, registry)
    changed = [i for i in changed if i.report.status != "error"]

    with transaction.atomic():
        writer = Writer(now, registry)
        # Files first, then what is in them: an item may name a service defined by a later file.
        for item in sorted(changed, key=lambda i: i.draft.exam is None):  # exams before their domains are used
            writer.write_source(item)
        for item in changed:
            writer.write_items(item)
        # Inside the transaction, so whatever is built from the notes applies with them or not at all.
        notes_imported.send(sender=SourceFile, now=now, changed=bool(changed))
    report.totals = totals()
    return report


def _read(path: Path, label: str) -> _Parsed:
    file_report = FileReport(label)
    try:
        data = path.read_bytes()
    except OSError as exc:
        file_report.status, file_report.error = "error", Problem(None, f"cannot read the file: {exc.strerror}")
        return _Parsed(file_report, b"", "")
    return _Parsed(file_report, data, hashlib.sha256(data).hexdigest())


def _parse(item: _Parsed) -> NoteDraft | None:
    try:
        draft = parse_note(item.report.path, item.data, settings.NOTES_MAX_FILE_BYTES)
    except NoteError as exc:
        item.report.status, item.report.error = "error", Problem(exc.line, exc.message)
        return None
    item.report.warnings.extend(draft.warnings)
    return draft


def _render(items: list[_Parsed], registry: "NameRegistry"):
    with Renderer(settings.NOTES_RENDER_SECONDS) as renderer:
        for item in items:
            if item.draft is None:
                continue
            results = renderer.render_many([s.markdown for s in item.draft.sections], registry.urls)
            for section, (html, warning) in zip(item.draft.sections, results):
                if warning:
                    item.report.warnings.append(Problem(section.line, warning))
            item.rendered = [html for html, _ in results]


@dataclass
class NameRegistry:
    """Every name a wikilink or a mention can resolve to, as this import will leave them."""

    urls: dict[str, str]
    services: dict[str, str]  # normalised name or alias -> canonical service name
    notes: dict[str, str]  # normalised title, alias or file stem -> stored path
    slugs: dict[str, str]  # stored path -> document slug
    context: str

    @classmethod
    def build(cls, parsed: list[_Parsed]) -> "NameRegistry":
        incoming = {i.report.path for i in parsed}
        service_names: dict[str, str] = {}
        note_names: dict[str, str] = {}
        slugs: dict[str, str] = {}
        for source in SourceFile.objects.exclude(path__in=incoming).only("path", "slug", "title", "aliases", "kind"):
            slugs[source.path] = source.slug
            for name in [source.title, *source.aliases, Path(source.path).stem]:
                note_names.setdefault(normalise_name(name), source.path)
        for service in Service.objects.active().exclude(source__path__in=incoming).only("name", "aliases"):
            for name in [service.name, *service.aliases]:
                service_names.setdefault(normalise_name(name), service.name)

        taken = set(slugs.values())
        known = dict(SourceFile.objects.filter(path__in=incoming).values_list("path", "slug"))
        for item in parsed:
            meta_title, aliases, kind = _peek(item.data)
            path = item.report.path
            title = meta_title or Path(path).stem
            slug = known.get(path) or _unique_slug(slugify(Path(path).stem) or "note", taken)
            taken.add(slug)
            slugs[path] = slug
            for name in [title, *aliases, Path(path).stem]:
                note_names.setdefault(normalise_name(name), path)
            if kind == "service" and meta_title:
                for name in [title, *aliases]:
                    service_names.setdefault(normalise_name(name), title)

        urls = {name: f"/notes/docs/{slugs[path]}/" for name, path in note_names.items()}
        urls.update({name: f"/notes/services/{slugify(service)}/" for name, service in service_names.items()})
        context = hashlib.sha256(repr((IMPORTER_FINGERPRINT, sorted(urls.items()))).encode()).hexdigest()
        return cls(urls, service_names, note_names, slugs, context)


def _peek(data: bytes) -> tuple[str, list[str], str]:
    """Title, aliases and type from front matter, read before the full parse."""
    match_ = re.match(rb"^(?:\xef\xbb\xbf)?---\r?\n(.*?)\r?\n(?:---|\.\.\.)\r?\n", data, re.S)
    if not match_:
        return "", [], "topic"
    try:
        meta = yaml.load(match_.group(1).decode("utf-8", "replace"), Loader=YAML_LOADER) or {}
    except yaml.YAMLError:
        return "", [], "topic"
    if not isinstance(meta, dict):
        return "", [], "topic"
    aliases = meta.get("aliases") or []
    aliases = [str(a) for a in (aliases if isinstance(aliases, list) else [aliases])]
    return str(meta.get("title") or ""), aliases, str(meta.get("type") or "topic").lower()


def _unique_slug(base: str, taken: set[str]) -> str:
    slug, counter = base[:180], 2
    while slug in taken:
        slug = f"{base[:175]}-{counter}"
        counter += 1
    return slug


def _hash(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _search(*parts) -> str:
    return re.sub(r"\s+", " ", " ".join(str(p) for p in parts)).lower().strip()


class Writer:
    """Applies parsed notes inside the import's transaction."""

    def __init__(self, now, registry: NameRegistry):
        self.now = now
        self.registry = registry
        self._mentions = None

    def write_source(self, item: _Parsed):
        draft = item.draft
        source, _ = SourceFile.objects.update_or_create(
            path=item.report.path,
            defaults=dict(
                slug=self.registry.slugs[item.report.path], title=draft.title, kind=draft.kind,
                aliases=draft.aliases, checksum=item.checksum, link_context=self.registry.context,
                size=len(item.data), front_matter=_jsonable(draft.meta),
                warnings=[{"line": w.line, "message": w.message} for w in item.report.warnings],
                imported_at=self.now,
            ),
        )
        item.source = source
        if draft.exam:
            self._exam(draft.exam, source)
        domains = self._domains(draft, draft.domains)
        source.domains.set(domains)
        if draft.kind == "service":
            self._service(draft, source, domains, item)
        item.domains = domains

    def write_items(self, item: _Parsed):
        counts = {
            "sections": self._sections(item, item.domains),
            "tables": self._tables(item),
            "patterns": self._patterns(item),
            "scenarios": self._scenarios(item),
        }
        item.report.counts = counts
        item.source.warnings = [{"line": w.line, "message": w.message} for w in item.report.warnings]
        item.source.save(update_fields=["warnings"])

    # Exams and services --------------------------------------------------------------------

    def _exam(self, draft, source):
        exam = Exam.objects.filter(code=draft.code).first()
        if exam and exam.declared and not draft.declared:
            return  # an exam note says more than a weights table in someone's notes
        fields = dict(title=draft.title, source=source, line=draft.line, declared=draft.declared)
        if draft.declared:
            fields.update(question_count=draft.question_count, scored_questions=draft.scored_questions,
                          minutes=draft.minutes, passing_score=draft.passing_score,
                          score_min=draft.score_min, score_max=draft.score_max)
        exam, _ = Exam.objects.update_or_create(code=draft.code, defaults=fields)
        for domain in draft.domains:
            Domain.objects.update_or_create(
                exam=exam, number=domain.number,
                defaults=dict(name=domain.name, weight=domain.weight, tasks=domain.tasks),
            )
        exam.domains.exclude(number__in=[d.number for d in draft.domains]).delete()

    def _domains(self, draft, numbers) -> list[Domain]:
        if not numbers:
            return []
        code = draft.meta.get("exam")
        exams = Exam.objects.filter(code=code) if code else Exam.objects.all()
        return list(Domain.objects.filter(exam__in=exams, number__in=numbers))

    def _service(self, draft, source, domains, item):
        service = Service.objects.filter(source=source).first() or Service.objects.filter(name=draft.title).first()
        summary_section = next((s for s in draft.sections if s.heading_path[-1].lower() == "summary"),
                               draft.sections[0] if draft.sections else None)
        summary = summary_section.text.split("\n")[0][:600] if summary_section else ""
        fields = dict(name=draft.title, slug=slugify(draft.title), aliases=draft.aliases,
                      category=draft.category, summary=summary, source=source, line=1, retired_at=None,
                      search_text=_search(draft.title, " ".join(draft.aliases), draft.category))
        if service is None:
            service = Service.objects.create(**fields)
        else:
            for name, value in fields.items():
                setattr(service, name, value)
            service.save()
        service.domains.set(domains)

    # Items ---------------------------------------------------------------------------------

    def _sync(self, model, source, drafts, candidate, fields):
        """Create, update and retire one kind of item; returns the saved objects in draft order."""
        existing = list(model.objects.filter(source=source).order_by("position"))
        pairs = match([candidate(o) for o in existing], [candidate(d) for d in drafts])
        saved, updated, created = [], [], []
        for index, draft in enumerate(drafts):
            values = fields(draft, index)
            if index in pairs:
                obj = existing[pairs[index]]
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.retired_at = None
                updated.append(obj)
            else:
                obj = model(source=source, **values)
                created.append(obj)
            saved.append(obj)
        if updated:
            model.objects.bulk_update(updated, list(values.keys()) + ["retired_at"] if drafts else ["retired_at"])
        model.objects.bulk_create(created)
        kept = {existing[o].pk for o in pairs.values()}
        model.objects.filter(source=source, retired_at__isnull=True).exclude(pk__in=kept).exclude(
            pk__in=[o.pk for o in created]).update(retired_at=self.now)
        if any(o.pk is None for o in created):  # backends without RETURNING on bulk insert
            keys = {o.key for o in created}
            by_key = {o.key: o for o in model.objects.filter(key__in=keys)}
            saved = [by_key.get(o.key, o) for o in saved]
        return saved

    def _sections(self, item, domains):
        drafts = item.draft.sections
        anchors = set()

        def fields(draft, index):
            anchor = _unique_slug(slugify(draft.heading_path[-1]) or "section", anchors)
            anchors.add(anchor)
            return dict(
                line=draft.line, position=draft.position, heading_path=draft.heading_path,
                anchor=anchor, html=item.rendered[index], text=draft.text,
                search_text=_search(" ".join(draft.heading_path), draft.text),
                content_hash=_hash(draft.heading_path, draft.markdown),
            )

        saved = self._sync(NoteSection, item.source, drafts,
                           lambda d: Candidate(None, " › ".join(d.heading_path), d.text), fields)
        mentions = MentionFinder.get(self)
        link_services = []
        link_notes = []
        for obj, draft in zip(saved, drafts):
            for target in draft.wikilinks:
                name = normalise_name(target)
                if name in self.registry.services:
                    link_services.append((obj.pk, self.registry.services[name]))
                elif name in self.registry.notes:
                    link_notes.append((obj.pk, self.registry.notes[name]))
                else:
                    item.report.warnings.append(Problem(draft.line, f"wikilink [[{target}]] matches no service or note"))
        ids = [o.pk for o in saved]
        replace_m2m(NoteSection.services, ids, [(o.pk, s) for o, d in zip(saved, drafts)
                                                  for s in mentions.find(" ".join(d.heading_path) + "\n" + d.text)],
                     mentions.ids)
        replace_m2m(NoteSection.links_to, ids, link_services, mentions.ids)
        note_ids = dict(SourceFile.objects.filter(path__in={p for _, p in link_notes}).values_list("path", "pk"))
        replace_m2m(NoteSection.links_to_notes, ids, [(s, p) for s, p in link_notes if p in note_ids], note_ids)
        replace_m2m(NoteSection.domains, ids, [(o.pk, d.pk) for o in saved for d in domains])
        return len(saved)

    def _tables(self, item):
        drafts = item.draft.tables

        def fields(draft, index):
            return dict(
                line=draft.line, position=draft.position, title=draft.title, columns=draft.columns,
                rows=draft.rows, citation=draft.citation[:300],
                search_text=_search(draft.title, " ".join(draft.columns), " ".join(c for r in draft.rows for c in r)),
                content_hash=_hash(draft.title, draft.columns, draft.rows),
            )

        saved = self._sync(ComparisonTable, item.source, drafts,
                           lambda d: Candidate(None, d.title, repr((d.columns, d.rows))), fields)
        mentions = MentionFinder.get(self)
        pairs = [(o.pk, s) for o, d in zip(saved, drafts)
                 for s in mentions.find(" ".join([d.title, *d.columns, *(r[0] for r in d.rows if r)]))]
        replace_m2m(ComparisonTable.services, [o.pk for o in saved], pairs, mentions.ids)
        return len(saved)

    def _patterns(self, item):
        drafts = item.draft.patterns
        domains = self._domain_lookup(item.draft)

        def fields(draft, index):
            return dict(
                line=draft.line, position=draft.position, prompt=draft.prompt, answer=draft.answer[:500],
                explanation=draft.explanation, citation=draft.citation[:300], origin=draft.origin,
                group=draft.group[:300], domain=domains.get(draft.domain),
                search_text=_search(draft.prompt, draft.answer, draft.explanation),
                content_hash=_hash(draft.prompt, draft.answer, draft.explanation),
            )

        saved = self._sync(QuestionPattern, item.source, drafts,
                           lambda d: Candidate(None, d.prompt, d.answer), fields)
        mentions = MentionFinder.get(self)
        pairs = []
        for obj, draft in zip(saved, drafts):
            names = [self.registry.services.get(normalise_name(t)) for t in draft.answer_links]
            names.append(self.registry.services.get(normalise_name(draft.answer)))
            for name in dict.fromkeys(n for n in names if n):
                pairs.append((obj.pk, name))
        replace_m2m(QuestionPattern.answer_services, [o.pk for o in saved], pairs, mentions.ids)
        return len(saved)

    def _scenarios(self, item):
        drafts = item.draft.scenarios
        domains = self._domain_lookup(item.draft)

        def fields(draft, index):
            options = [{"text": o.text, "correct": o.correct, "explanation": o.explanation} for o in draft.options]
            return dict(
                line=draft.line, position=draft.position, title=draft.title, stem=draft.stem,
                options=options, citation=draft.citation[:300], domain=domains.get(draft.domain),
                content_hash=_hash(draft.title, draft.stem, options),
            )

        saved = self._sync(Scenario, item.source, drafts, lambda d: Candidate(None, d.title, d.stem), fields)
        return len(saved)

    def _domain_lookup(self, draft) -> dict[int, Domain]:
        code = draft.meta.get("exam")
        exams = list(Exam.objects.filter(code=code)) if code else list(Exam.objects.all()[:2])
        if len(exams) != 1:
            return {}
        return {d.number: d for d in exams[0].domains.all()}


class MentionFinder:
    """Finds the services a piece of text names, by canonical name or alias."""

    def __init__(self):
        services = list(Service.objects.active().only("pk", "name", "aliases"))
        self.ids = {s.name: s.pk for s in services}
        by_name = {}
        for service in services:
            for name in [service.name, *service.aliases]:
                if len(name) >= 2:
                    by_name.setdefault(name, service.name)
        self.by_name = by_name
        names = sorted(by_name, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])") if names else None

    @classmethod
    def get(cls, writer: Writer) -> "MentionFinder":
        # Built on first use, once every service of this import has been written.
        if writer._mentions is None:
            writer._mentions = cls()
        return writer._mentions

    def find(self, text: str) -> list[str]:
        if not self.pattern:
            return []
        return list(dict.fromkeys(self.by_name[m.group(1)] for m in self.pattern.finditer(text)))


def replace_m2m(descriptor, owner_ids, pairs, lookup=None):
    """Set a many-to-many relation for many owners at once: one delete and one insert.

    `pairs` holds (owner id, target) where target is a pk, or a key into `lookup`.
    """
    through = descriptor.through
    owner_field = descriptor.field.m2m_field_name() + "_id"
    target_field = descriptor.field.m2m_reverse_field_name() + "_id"
    through.objects.filter(**{owner_field + "__in": owner_ids}).delete()
    rows = {}
    for owner, target in pairs:
        target_id = lookup.get(target) if lookup is not None else target
        if target_id is not None:
            rows[(owner, target_id)] = through(**{owner_field: owner, target_field: target_id})
    through.objects.bulk_create(rows.values())


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


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
