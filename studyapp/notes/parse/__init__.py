"""Markdown study notes to plain drafts. Pure: no Django, no database, no rendering."""

import re
from pathlib import PurePath

from .blocks import drop_debris, scan, split_front_matter
from .drafts import DomainDraft, ExamDraft, NoteDraft, Problem
from .extract import Extractor, plain
from .text import NoteError, decode, to_lines

__all__ = ["NoteError", "parse_note", "plain"]

KINDS = {"exam", "service", "concept", "topic", "patterns", "scenarios"}


def parse_note(name: str, data: bytes, max_bytes: int) -> NoteDraft:
    """Parse one note. Raises NoteError when the file cannot be imported at all."""
    lines, repaired = to_lines(decode(data, max_bytes))
    meta, body = split_front_matter(lines)
    body, debris = drop_debris(body)
    blocks, scan_warnings = scan(body)

    warnings = [Problem(line, message) for line, message in debris + scan_warnings]
    if repaired:
        warnings.append(Problem(repaired[0], f"repaired mis-decoded characters on {len(repaired)} lines"))

    kind = str(meta.get("type") or "topic").strip().lower()
    if kind not in KINDS:
        warnings.append(Problem(1, f"unknown note type {kind!r}; read it as a topic"))
        kind = "topic"
    title = _title(meta, blocks, name)
    domains = _int_list(meta.get("domains"), warnings) if kind != "exam" else []

    extractor = Extractor(blocks, meta, title, kind, domains[0] if domains else None)
    extractor.run()
    exam = _declared_exam(meta, title) if kind == "exam" else extractor.inferred_exam

    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list):
        aliases = [aliases]
    return NoteDraft(
        title=title,
        kind=kind,
        meta=meta,
        aliases=[str(a).strip() for a in aliases if str(a).strip()],
        category=str(meta.get("category") or "").strip(),
        domains=domains,
        sections=extractor.sections,
        tables=extractor.tables,
        patterns=extractor.patterns,
        scenarios=extractor.scenarios,
        exam=exam,
        warnings=warnings + extractor.warnings,
    )


def _title(meta, blocks, name) -> str:
    if meta.get("title"):
        return str(meta["title"]).strip()
    heading = next((b for b in blocks if b.kind == "heading"), None)
    if heading is not None:
        return plain(heading.text)
    stem = PurePath(name).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or name


def _int_list(value, warnings) -> list[int]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    numbers = []
    for item in items:
        try:
            numbers.append(int(item))
        except (TypeError, ValueError):
            warnings.append(Problem(1, f"front matter domain {item!r} is not a domain number"))
    return numbers


def _declared_exam(meta, title) -> ExamDraft:
    code = meta.get("code")
    if not code:
        raise NoteError("an exam note needs a 'code' in its front matter", line=1)
    domains = []
    for entry in meta.get("domains") or []:
        try:
            domains.append(DomainDraft(
                number=int(entry["number"]),
                name=str(entry["name"]).strip(),
                weight=float(entry["weight"]),
                tasks=[str(t) for t in entry.get("tasks") or []],
            ))
        except (KeyError, TypeError, ValueError):
            raise NoteError(
                "each exam domain needs a number, a name and a weight", line=1
            ) from None

    def number(key):
        value = meta.get(key)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise NoteError(f"exam {key} must be a whole number, not {value!r}", line=1) from None

    return ExamDraft(
        code=str(code).strip(),
        title=title,
        domains=domains,
        line=1,
        declared=True,
        question_count=number("questions"),
        scored_questions=number("scored_questions"),
        minutes=number("minutes"),
        passing_score=number("passing_score"),
        score_min=number("score_min"),
        score_max=number("score_max"),
    )
