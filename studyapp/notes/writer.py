"""Applies parsed notes inside the import's transaction: files, exams, domains, services, and
each note's sections, tables, mappings and scenario items."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q
from django.utils.text import slugify

from .bulk import chunked, insert_rows, replace_m2m, sync_rows, update_rows
from .identity import Candidate, match
from .lookalike import lookalike_letters, skeleton
from .mentions import MentionFinder
from .models import (
    SEARCH_INDEXES,
    ComparisonTable,
    Domain,
    Exam,
    NoteSection,
    QuestionPattern,
    Scenario,
    SearchWord,
    Service,
    SourceFile,
    analyze_searchable,
    new_key,
)
from .parse.drafts import Problem
from .progress import Callback, Phase
from .words import naming
from .registry import NameRegistry, SlugSet, _service_slug_base
from .citations import grouped, lift_all
from .render import normalise_name

if TYPE_CHECKING:
    from .sync import ParsedNote


def _hash(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


SPACES = re.compile(r"\s+")


def _search(*parts) -> str:
    return SPACES.sub(" ", " ".join(str(p) for p in parts)).lower().strip()


# What Writer.write reports to a progress bar: files, exams and domains, services, the four kinds of
# item, the search index.
WRITING_STEPS = 8


class Writer:
    """Applies parsed notes inside the import's transaction.

    Each kind of row is written for all changed notes at once: one query reads what they held,
    one statement per batch inserts, updates or retires, and one per relation sets links.
    """

    def __init__(self, now, registry: NameRegistry):
        self.now = now
        self.registry = registry
        self._mentions = None
        self._searchable_writes = Counter()

    def write(self, items: list[ParsedNote], progress: Callback | None = None):
        step = Phase(progress, "writing", WRITING_STEPS).advance
        for item in items:
            item.links = self._links(item)
        self._sources(items)
        step("files")
        for item in items:
            if item.draft.exam:
                self._exam(item, item.draft.exam)
        self._load_domains()
        for item in items:
            item.domains = self._domains(item.draft, item.draft.domains)
        replace_m2m(SourceFile.domains, [i.source_id for i in items],
                    [(i.source_id, d) for i in items for d in i.domains], fresh_ids=self._fresh_sources)
        step("exams and domains")
        self._services([i for i in items if i.draft.kind == "service"])
        step("services")
        counts = {}
        for kind, write in [("sections", self._sections), ("tables", self._tables), ("patterns", self._patterns),
                            ("scenarios", self._scenarios)]:
            counts[kind] = write(items)
            step(kind)
        for index, item in enumerate(items):
            item.report.counts = {name: per_item[index] for name, per_item in counts.items()}
        # Writing exams and services has more to say about notes whose rows were written first.
        update_rows(SourceFile, ["warnings"], [(i.source_id, (_stored_warnings(i),)) for i in items
                                                if len(i.report.warnings) > self._warnings_stored[i.source_id]])
        self._compact_search_indexes()
        if items:
            SearchWord.rebuild()
            analyze_searchable()
        step("search index")

    def _compact_search_indexes(self):
        # Only after an import that wrote a large share of a kind, such as the first: merging costs
        # as much as the whole index holds, and the index's own merging keeps small writes in check.
        if connection.vendor != "sqlite":
            return
        for model, written in self._searchable_writes.items():
            if written * 4 >= model.objects.count():
                SEARCH_INDEXES[model].compact()

    def _links(self, item) -> list[tuple[int, str, str]]:
        """Where each section's wikilinks lead: (section index, "service" or "note", target)."""
        links = []
        for index, draft in enumerate(item.draft.sections):
            for target in draft.wikilinks:
                name = normalise_name(target)
                if name in self.registry.services:
                    links.append((index, "service", self.registry.services[name]))
                elif name in self.registry.notes:
                    links.append((index, "note", self.registry.notes[name]))
                else:
                    item.report.warnings.append(Problem(draft.line, f"wikilink [[{target}]] matches no service or note"))
        return links

    # Files, exams and services ---------------------------------------------------------------

    def _sources(self, items):
        names = ["slug", "title", "kind", "aliases", "checksum", "link_context", "size", "front_matter", "warnings",
                 "imported_at", "tasks", "citations"]

        def values(item):
            draft = item.draft
            return (self.registry.slugs[item.report.path], draft.title, draft.kind, draft.aliases, item.checksum,
                    self.registry.context, len(item.data), _jsonable(draft.meta),
                    _stored_warnings(item), self.now, draft.tasks, self._note_citations(draft.meta))

        paths = [i.report.path for i in items]
        existing = dict(SourceFile.objects.filter(path__in=paths).values_list("path", "pk"))
        update_rows(SourceFile, names, [(existing[i.report.path], values(i)) for i in items if i.report.path in existing])
        fresh = [i for i in items if i.report.path not in existing]
        insert_rows(SourceFile, ["path", *names], [(i.report.path, *values(i)) for i in fresh])
        ids = {**existing, **dict(SourceFile.objects.filter(path__in=[i.report.path for i in fresh])
                                  .values_list("path", "pk"))} if fresh else existing
        for item in items:
            item.source_id = ids[item.report.path]
        self._fresh_sources = {ids[i.report.path] for i in fresh}
        self._warnings_stored = {i.source_id: len(i.report.warnings) for i in items}

    def _note_citations(self, meta: dict) -> list[dict]:
        """The front matter's `sources`, named as the sections' citations are."""
        listed = meta.get("sources")
        listed = [text for text in (listed if isinstance(listed, list) else [listed]) if isinstance(text, str)]
        return grouped(lift_all(", ".join(listed), self.registry.library))

    def _exam(self, item, draft):
        exam = Exam.objects.filter(code=draft.code).select_related("source").first()
        previous = exam.source if exam else None
        if exam and exam.declared and not draft.declared:
            return  # an exam note says more than a weights table in someone's notes
        fields = dict(title=draft.title, source_id=item.source_id, line=draft.line, declared=draft.declared)
        if draft.declared:
            fields.update(question_count=draft.question_count, scored_questions=draft.scored_questions,
                          minutes=draft.minutes, passing_score=draft.passing_score,
                          score_min=draft.score_min, score_max=draft.score_max)
        exam, _ = Exam.objects.update_or_create(code=draft.code, defaults=fields)
        for domain in draft.domains:
            Domain.objects.update_or_create(
                exam=exam, number=domain.number,
                defaults=dict(name=domain.name, weight=domain.weight, tasks=domain.tasks, retired_at=None),
            )
        dropped = exam.domains.active().exclude(number__in=[d.number for d in draft.domains])
        if gone := list(dropped.values_list("number", "name")):
            dropped.update(retired_at=self.now)
            names = "; ".join(f"{number} ({name})" for number, name in gone)
            before = f", defined until now by {previous.path}," if previous and previous.pk != item.source_id else ""
            item.report.warnings.append(Problem(draft.line, (
                f"exam {exam.code}{before} no longer lists domain{'s' if len(gone) > 1 else ''} {names}: retired, "
                "so past attempts keep them and a note that lists them again brings them back")))

    def _load_domains(self):
        # Read once, after this import's exams are written: every note's domains come from here.
        self._exams = list(Exam.objects.order_by("code").values_list("pk", "code"))
        self._exam_domains = defaultdict(dict)
        for pk, exam_id, number in Domain.objects.values_list("pk", "exam_id", "number"):
            self._exam_domains[exam_id][number] = pk

    def _exam_ids(self, draft) -> list[int]:
        code = draft.meta.get("exam")
        return [pk for pk, c in self._exams if c == str(code)] if code else [pk for pk, _ in self._exams]

    def _domains(self, draft, numbers) -> list[int]:
        if not numbers:
            return []
        return list(dict.fromkeys(self._exam_domains[exam][n] for exam in self._exam_ids(draft) for n in numbers
                                  if n in self._exam_domains[exam]))

    def _domain_lookup(self, draft) -> dict[int, int]:
        exams = self._exam_ids(draft)
        return self._exam_domains[exams[0]] if len(exams) == 1 else {}

    def _services(self, items):
        if not items:
            return
        for item in items:
            if holder := self.registry.refused.get(item.report.path):
                item.report.warnings.append(Problem(_line_of(item.data, item.draft.title), (
                    f"the service {item.draft.title!r} is defined by {holder}; this note's service is left as it was")))
        items = [i for i in items if i.report.path not in self.registry.refused]
        if not items:
            return
        self._lookalikes(items)
        rows = Service.objects.filter(Q(source_id__in=[i.source_id for i in items])
                                      | Q(name__in=[i.draft.title for i in items])).values_list(
            "pk", "source_id", "name", "search_text")
        by_source = {source_id: pk for pk, source_id, _, _ in rows if source_id}
        by_name = {name: pk for pk, _, name, _ in rows}
        indexed = {pk: text for pk, _, _, text in rows}
        # In file order, as one at a time would: a later note of the same name takes the service over.
        planned = {}
        for item in items:
            draft = item.draft
            service = by_source.get(item.source_id) or by_name.get(draft.title) or ("new", draft.title)
            by_source[item.source_id] = by_name[draft.title] = service
            summary_section = next((s for s in draft.sections if s.heading_path[-1].lower() == "summary"),
                                   draft.sections[0] if draft.sections else None)
            summary = summary_section.text.split("\n")[0][:600] if summary_section else ""
            slug, natural = self.registry.service_slug(item.report.path, draft.title), _service_slug_base(draft.title)
            if slug != natural[:180]:
                item.report.warnings.append(Problem(_line_of(item.data, draft.title), (
                    f"service {draft.title!r} would have the address of another service, /notes/services/{natural}/; "
                    f"it is at /notes/services/{slug}/")))
            values = (draft.title, slug, draft.aliases, draft.category, summary, item.source_id, 1,
                      None, _search(draft.title, " ".join(draft.aliases), draft.category),
                      naming(draft.title, *draft.aliases, draft.category))
            planned[service] = (values, item.domains)
        names = ["name", "slug", "aliases", "category", "summary", "source_id", "line", "retired_at", "search_text",
                 "search_names"]
        update_rows(Service, names, [(pk, v) for pk, (v, _) in planned.items() if not isinstance(pk, tuple)])
        fresh = [v for pk, (v, _) in planned.items() if isinstance(pk, tuple)]
        insert_rows(Service, names, fresh)
        text = names.index("search_text")
        self._searchable_writes[Service] += sum(indexed.get(key) != values[text]
                                                for key, (values, _) in planned.items())
        new_ids = dict(Service.objects.filter(name__in=[v[0] for v in fresh]).values_list("name", "pk")) if fresh else {}
        ids = {key: new_ids[key[1]] if isinstance(key, tuple) else key for key in planned}
        replace_m2m(Service.domains, list(ids.values()),
                    [(ids[key], d) for key, (_, domains) in planned.items() for d in domains],
                    fresh_ids=new_ids.values())

    def _lookalikes(self, items):
        """Warn of a service name (or alias) that can be mistaken for another service's: written
        with a Greek or Cyrillic letter in place of a Latin one, or differing only in case and
        punctuation, it would be a second service that readers and wikilinks take for the first."""
        incoming = {i.source_id for i in items}
        known: dict[str, tuple[str, str]] = {}  # skeleton -> (name as written, its service)
        for name, aliases, source_id in Service.objects.active().values_list("name", "aliases", "source_id"):
            if source_id not in incoming:
                for written in [name, *aliases]:
                    known.setdefault(skeleton(written), (written, name))
        for item in items:
            service = item.draft.title
            for written in dict.fromkeys([service, *item.draft.aliases]):
                other, other_service = known.get(skeleton(written), (written, service))
                if other_service != service and other != written:
                    odd = lookalike_letters(written)
                    why = (f"it is written with {', '.join(odd)}" if odd
                           else "they differ only in case, spacing or punctuation")
                    item.report.warnings.append(Problem(_line_of(item.data, written), (
                        f"service name {written!r} can be taken for {other!r} of the service {other_service!r}: "
                        f"{why}")))
            for written in [service, *item.draft.aliases]:
                known.setdefault(skeleton(written), (written, service))

    # Items ---------------------------------------------------------------------------------

    def _sync(self, model, batches, candidate) -> tuple[list[list[int]], set[int]]:
        """Create, update and retire one kind of item for many notes.

        `batches` holds (source id, drafts, values) per note, `values` a dict of fields per draft.
        Returns the saved rows' pks in draft order per note, and the pks of rows created.
        """
        names = next((list(values[0]) for _, _, values in batches if values), [])
        source_ids = [source_id for source_id, _, _ in batches]
        existing = defaultdict(list)
        for chunk in chunked(source_ids):
            for row in (model.objects.filter(source_id__in=chunk).order_by("position", "pk")
                        .values("pk", "key", "source_id", "retired_at", *names)):
                existing[row["source_id"]].append(row)
        saved, rows, existing_by_key = [], {}, {}
        for source_id, drafts, values in batches:
            old = existing.get(source_id, [])
            existing_by_key.update((r["key"], (r["pk"], tuple(r[n] for n in names), r["retired_at"])) for r in old)
            pairs = match([candidate(o) for o in old], [candidate(vars(d)) for d in drafts]) if old else {}
            keys = []
            for index, fields in enumerate(values):
                key = old[pairs[index]]["key"] if index in pairs else new_key()
                rows[key] = ((source_id, *fields.values()), tuple(fields.values()))
                keys.append(key)
            saved.append(keys)
        synced = sync_rows(model, ["source_id", *names], rows, existing_by_key, self.now, read_back=lambda: (
            pair for chunk in chunked(source_ids)
            for pair in model.objects.filter(source_id__in=chunk).values_list("key", "pk")))
        if model in SEARCH_INDEXES and rows:
            # Rows whose search text is new or changed: what the index has to take in.
            text = names.index("search_text")
            self._searchable_writes[model] += len(synced.created) + sum(
                existing_by_key[key][1][text] != rows[key][1][text] for key in synced.changed)
        return ([[synced.ids[key] for key in keys] for keys in saved],
                {synced.ids[key] for key in synced.created})

    def _sections(self, items) -> list[int]:
        batches = []
        for item in items:
            anchors = SlugSet()
            values = []
            for index, draft in enumerate(item.draft.sections):
                anchor = anchors.claim(slugify(draft.heading_path[-1]) or "section")
                values.append(dict(
                    line=draft.line, position=draft.position, heading_path=draft.heading_path,
                    anchor=anchor, html=item.rendered[index], citations=item.citations[index], text=draft.text,
                    search_text=_search(" ".join(draft.heading_path), draft.text),
                    search_names=naming(*draft.heading_path),
                    content_hash=_hash(draft.heading_path, draft.markdown),
                ))
            batches.append((item.source_id, item.draft.sections, values))
        saved, fresh = self._sync(NoteSection, batches,
                                  lambda d: Candidate(None, " › ".join(d["heading_path"]), d["text"]))
        mentions = MentionFinder.get(self)
        ids = [pk for pks in saved for pk in pks]
        mentioned, link_services, link_notes, domains = [], [], [], []
        for item, pks in zip(items, saved):
            for pk, draft in zip(pks, item.draft.sections):
                mentioned.extend((pk, s) for s in mentions.find(" ".join(draft.heading_path) + "\n" + draft.text))
                domains.extend((pk, d) for d in item.domains)
            for index, kind, target in item.links:
                (link_services if kind == "service" else link_notes).append((pks[index], target))
        replace_m2m(NoteSection.services, ids, mentioned, mentions.ids, fresh_ids=fresh)
        replace_m2m(NoteSection.links_to, ids, link_services, mentions.ids, fresh_ids=fresh)
        note_ids = dict(SourceFile.objects.filter(path__in={p for _, p in link_notes}).values_list("path", "pk"))
        replace_m2m(NoteSection.links_to_notes, ids, link_notes, note_ids, fresh_ids=fresh)
        replace_m2m(NoteSection.domains, ids, domains, fresh_ids=fresh)
        return [len(pks) for pks in saved]

    def _tables(self, items) -> list[int]:
        batches = [(item.source_id, item.draft.tables, [dict(
            line=draft.line, position=draft.position, title=draft.title, columns=draft.columns,
            rows=draft.rows, citation=draft.citation[:300], flashcards=draft.cards,
            search_text=_search(draft.title, " ".join(draft.columns), " ".join(c for r in draft.rows for c in r)),
            search_names=naming(draft.title, *draft.columns),
            content_hash=_hash(draft.title, draft.columns, draft.rows),
        ) for draft in item.draft.tables]) for item in items]
        saved, fresh = self._sync(ComparisonTable, batches,
                                  lambda d: Candidate(None, d["title"], repr((d["columns"], d["rows"]))))
        mentions = MentionFinder.get(self)
        pairs = [(pk, s) for item, pks in zip(items, saved) for pk, d in zip(pks, item.draft.tables)
                 for s in mentions.find(" ".join([d.title, *d.columns, *(r[0] for r in d.rows if r)]))]
        replace_m2m(ComparisonTable.services, [pk for pks in saved for pk in pks], pairs, mentions.ids, fresh_ids=fresh)
        return [len(pks) for pks in saved]

    def _patterns(self, items) -> list[int]:
        batches = []
        for item in items:
            domains = self._domain_lookup(item.draft)
            batches.append((item.source_id, item.draft.patterns, [dict(
                line=draft.line, position=draft.position, prompt=draft.prompt, answer=draft.answer[:500],
                explanation=draft.explanation, citation=draft.citation[:300], origin=draft.origin,
                group=draft.group[:300], domain_id=domains.get(draft.domain), task=draft.task,
                search_text=_search(draft.prompt, draft.answer, draft.explanation),
                search_names=naming(draft.prompt, draft.answer),
                content_hash=_hash(draft.prompt, draft.answer, draft.explanation),
            ) for draft in item.draft.patterns]))
        saved, fresh = self._sync(QuestionPattern, batches, lambda d: Candidate(None, d["prompt"], d["answer"]))
        mentions = MentionFinder.get(self)
        services = self.registry.services
        pairs = []
        for item, pks in zip(items, saved):
            for pk, draft in zip(pks, item.draft.patterns):
                names = [services.get(normalise_name(t)) for t in draft.answer_links]
                names.append(services.get(normalise_name(draft.answer)))
                pairs.extend((pk, name) for name in dict.fromkeys(n for n in names if n))
        replace_m2m(QuestionPattern.answer_services, [pk for pks in saved for pk in pks], pairs, mentions.ids,
                    fresh_ids=fresh)
        return [len(pks) for pks in saved]

    def _scenarios(self, items) -> list[int]:
        batches = []
        for item in items:
            domains = self._domain_lookup(item.draft)
            values = []
            for draft in item.draft.scenarios:
                options = [{"text": o.text, "correct": o.correct, "explanation": o.explanation} for o in draft.options]
                values.append(dict(
                    line=draft.line, position=draft.position, title=draft.title, stem=draft.stem,
                    options=options, citation=draft.citation[:300], domain_id=domains.get(draft.domain),
                    task=draft.task, tests=draft.tests,
                    content_hash=_hash(draft.title, draft.stem, options, draft.task, draft.tests),
                ))
            batches.append((item.source_id, item.draft.scenarios, values))
        saved, _ = self._sync(Scenario, batches, lambda d: Candidate(None, d["title"], d["stem"]))
        return [len(pks) for pks in saved]


def _line_of(data: bytes, text: str) -> int:
    """The first line holding `text`: where a name read from front matter was written, or 1."""
    at = data.find(text.encode())
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _stored_warnings(item: ParsedNote) -> list[dict]:
    return [{"line": w.line, "message": w.message} for w in item.report.warnings]


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
