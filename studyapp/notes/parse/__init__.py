"""Markdown study notes to plain drafts. Pure: no Django, no database, no rendering."""

import re
from pathlib import PurePath

from .blocks import drop_debris, scan
from .drafts import DomainDraft, ExamDraft, NoteDraft, Problem
from .extract import Extractor, plain
from .front_matter import KINDS, domain_numbers, read_front_matter, split_front_matter, task_numbers
from .text import NoteError, decode, to_lines

__all__ = ["NoteError", "parse_note", "plain", "read_front_matter"]


def parse_note(name: str, data: bytes, max_bytes: int) -> NoteDraft:
    """Parse one note. Raises NoteError when the file cannot be imported at all."""
    lines, repaired = to_lines(decode(data, max_bytes))
    meta, body = split_front_matter(lines)
    body, debris = drop_debris(body)
    blocks, scan_warnings = scan(body)

    warnings = [Problem(line, message) for line, message in debris + scan_warnings]
    if repaired:
        warnings.append(Problem(repaired[0], f"repaired mis-decoded characters on {len(repaired)} lines"))

    kind = (meta.get("type") or "topic").strip().lower()
    if kind not in KINDS:
        warnings.append(Problem(1, f"unknown note type {kind!r}; read it as a topic"))
        kind = "topic"
    title = _title(meta, blocks, name)
    domains = []
    if kind != "exam":
        domains, messages = domain_numbers(meta.get("domains"))
        warnings.extend(Problem(1, message) for message in messages)

    tasks, messages = task_numbers(meta.get("tasks"))
    warnings.extend(Problem(1, message) for message in messages)
    if domains:
        outside = [t for t in tasks if int(t.split(".")[0]) not in domains]
        warnings.extend(Problem(1, f"front matter task {t} is not in the note's domains; ignored it") for t in outside)
        tasks = [t for t in tasks if t not in outside]

    extractor = Extractor(blocks, meta, title, kind, domains[0] if domains else None, tasks)
    extractor.run()
    exam = _declared_exam(meta, title) if kind == "exam" else extractor.inferred_exam

    return NoteDraft(
        title=title,
        kind=kind,
        meta=meta,
        aliases=[a.strip() for a in _listed(meta.get("aliases")) if a.strip()],
        category=(meta.get("category") or "").strip(),
        domains=domains,
        tasks=tasks,
        sections=extractor.sections,
        tables=extractor.tables,
        patterns=extractor.patterns,
        scenarios=extractor.scenarios,
        exam=exam,
        warnings=warnings + extractor.warnings,
    )


def _title(meta, blocks, name) -> str:
    if meta.get("title"):
        return meta["title"].strip()
    heading = next((b for b in blocks if b.kind == "heading"), None)
    if heading is not None:
        return plain(heading.text)
    stem = PurePath(name).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or name


def _listed(value) -> list:
    """A front matter value that may be one item or a list of them, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _declared_exam(meta, title) -> ExamDraft:
    # The values were checked as the front matter was read (see front_matter._check).
    code = meta.get("code")
    if not code:
        raise NoteError("an exam note needs a 'code' in its front matter", line=1)
    domains = [
        DomainDraft(number=entry["number"], name=entry["name"].strip(), weight=float(entry["weight"]),
                    tasks=_listed(entry.get("tasks")))
        for entry in meta.get("domains") or []
    ]
    return ExamDraft(
        code=code.strip(),
        title=title,
        domains=domains,
        line=1,
        declared=True,
        question_count=meta.get("questions"),
        scored_questions=meta.get("scored_questions"),
        minutes=meta.get("minutes"),
        passing_score=meta.get("passing_score"),
        score_min=meta.get("score_min"),
        score_max=meta.get("score_max"),
    )
