"""An import's reading of notes, and its one call that writes them.

An import (studyapp.ops.importing) reads and parses every file first and renders their sections
in a bounded worker (`read_notes`), and only then writes, in one transaction (`write_notes`): either
the whole import applies or none of it does. A file that cannot be read is reported and skipped;
what it held before stays as it was.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .citations import grouped, lift
from .models import SourceFile
from .parse import NoteError, parse_note
from .parse.drafts import NoteDraft, Problem
from .paths import collect_paths, stored_path
from .progress import Callback, Phase
from .registry import NameRegistry
from .render import Renderer
from .reports import FileReport, Report
from .writer import Writer


@dataclass
class ParsedNote:
    report: FileReport
    data: bytes
    checksum: str
    draft: NoteDraft | None = None
    rendered: list = field(default_factory=list)
    citations: list = field(default_factory=list)  # each section's, lifted out of its text before rendering
    source_id: int | None = None
    domains: list[int] = field(default_factory=list)
    links: list = field(default_factory=list)


@dataclass
class Reading:
    """Notes read, parsed and rendered, ready to be written: what an import does before its
    transaction (studyapp.ops.importing)."""

    report: Report
    registry: "NameRegistry"
    changed: list[ParsedNote]


def read_notes(arguments, progress: Callback | None = None, names=None) -> Reading:
    """Read, parse and render note files and folders. `names` lets an upload keep the names the
    user gave. Notes whose bytes and link context are as last imported are marked unchanged.
    `progress` hears of the reading and parsing, file by file, then of the rendering, note by note."""
    paths, missing = collect_paths(arguments)
    report = Report(files=list(missing))
    existing = {path: (checksum, context) for path, checksum, context in SourceFile.objects.filter(
        path__in=[(names or {}).get(p, stored_path(p)) for p in paths]).values_list("path", "checksum", "link_context")}

    reading = Phase(progress, "reading", len(paths))
    parsed: list[ParsedNote] = []
    for path in paths:
        label = (names or {}).get(path, stored_path(path))
        item = _read(path, label)
        report.files.append(item.report)
        if item.report.status != "error":
            parsed.append(item)
        else:
            reading.advance(label)

    registry = NameRegistry.build(parsed)
    renderer = Renderer.shared(settings.NOTES_RENDER_SECONDS)
    # The workers render each note while the next ones are parsed.
    rendering = []
    for item in parsed:
        if existing.get(item.report.path) == (item.checksum, registry.context):
            item.report.status = "unchanged"
        else:
            item.draft = _parse(item)
            if item.draft is not None:
                lifted = [lift(section.markdown, registry.library) for section in item.draft.sections]
                item.citations = [grouped(found) for _, found in lifted]
                rendering.append((item, renderer.submit([markdown for markdown, _ in lifted])))
        # Parsing is most of the reading's time: a file counts as read once it is parsed.
        reading.advance(item.report.path)
    rendered = Phase(progress, "rendering", len(rendering))
    for item, batch in rendering:
        _rendered(item, renderer.collect(batch, registry.urls))
        rendered.advance(item.report.path)
    return Reading(report, registry, [item for item, _ in rendering])


def write_notes(reading: Reading, now, progress: Callback | None = None) -> None:
    """Write what was read, inside the import's transaction."""
    Writer(now, reading.registry).write(reading.changed, progress)


def _read(path: Path, label: str) -> ParsedNote:
    file_report = FileReport(label)
    try:
        data = path.read_bytes()
    except OSError as exc:
        file_report.status, file_report.error = "error", Problem(None, f"cannot read the file: {exc.strerror}")
        return ParsedNote(file_report, b"", "")
    return ParsedNote(file_report, data, hashlib.sha256(data).hexdigest())


def _parse(item: ParsedNote) -> NoteDraft | None:
    try:
        draft = parse_note(item.report.path, item.data, settings.NOTES_MAX_FILE_BYTES)
    except NoteError as exc:
        item.report.status, item.report.error = "error", Problem(exc.line, exc.message)
        return None
    item.report.warnings.extend(draft.warnings)
    return draft


def _rendered(item: ParsedNote, results: list[tuple[str, str]]):
    for section, (html, warning) in zip(item.draft.sections, results):
        if warning:
            item.report.warnings.append(Problem(section.line, warning))
    item.rendered = [html for html, _ in results]
