"""The cards as Anki notes: a CSV file with Anki's header lines, or an .apkg package.

Each card becomes a note of two fields, Front and Back, whose GUID comes from the card's key. The
key survives re-imports of the notes, so importing a newer export into Anki finds each note by its
GUID and updates it in place, keeping its scheduling there. Review state stays here: the notes
arrive in Anki as new cards.
"""

import base64
import csv
import hashlib
import itertools
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki
from django.utils.text import slugify

from studyapp.spreadsheet import anki_html, inert

DECK_ROOT = "Exam Study"
# The same note type and deck ids in every export, so that Anki takes a newer package's note type
# and deck for those it has.
NOTE_TYPE_ID = 1_733_420_101
NOTE_TYPE = genanki.Model(
    NOTE_TYPE_ID, f"{DECK_ROOT} card",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AnkiNote:
    guid: str
    front: str  # HTML, as Anki's fields hold it
    back: str
    tags: tuple[str, ...]


def guid_for(card_key: str) -> str:
    """A short GUID, as Anki's own are, that is the same for a card in every export: 64 bits of a
    hash of the key, in letters and digits, so it needs no quoting in a CSV file."""
    digest = hashlib.sha256(f"studyapp card {card_key}".encode()).digest()[:8]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def tag(text: str) -> str:
    """A tag of the whole text, never cut: Anki splits tags on spaces, so words are joined by hyphens."""
    return WHITESPACE.sub("-", text.strip())


def note_for(card) -> AnkiNote:
    """`card` comes with its exam, source, pattern, domains and services (CardQuerySet.for_anki)."""
    back = card.answer + (f"\n\n{card.explanation}" if card.explanation else "")
    tags = []
    if card.exam_id:
        tags.append(tag(card.exam.code))
    tags += [f"domain-{domain.number}" for domain in card.domains.all()]
    if card.pattern_id and card.pattern.task:
        tags.append(f"task-{tag(card.pattern.task)}")
    if card.source_id:
        tags.append(slugify(card.source.title, allow_unicode=True) or "notes")
    tags += [f"service::{service.slug}" for service in card.services.all()]
    return AnkiNote(guid_for(card.key), anki_html(card.front), anki_html(back), tuple(dict.fromkeys(tags)))


def deck_name(*parts: str) -> str:
    """A deck under DECK_ROOT, one level per part ("Exam Study::DEA-C01::Domain 1 ..."). A name
    holding "::" would make levels of its own, and a line break would end the CSV header."""
    return "::".join([DECK_ROOT, *(WHITESPACE.sub(" ", part.replace("::", ":")).strip() for part in parts)])


def write_csv(stream, deck: str, notes) -> None:
    """Anki's text format with the header lines that make its import need no questions: the note
    type, the deck, which columns hold the GUID and the tags, and to update a note it already has."""
    stream.write("#separator:Comma\n#html:true\n#notetype:Basic\n"
                 f"#deck:{deck}\n#guid column:1\n#tags column:4\n#if matches:update current\n"
                 "#columns:GUID,Front,Back,Tags\n")
    writer = csv.writer(stream, lineterminator="\n")
    for note in notes:
        writer.writerow([note.guid, note.front, note.back, inert(" ".join(note.tags))])


def write_apkg(path: Path, deck: str, notes, now) -> int:
    """An .apkg of one deck made with genanki; returns how many notes it holds. `now` is when the
    notes were last changed, which Anki compares with its own copy before updating one."""
    package_deck = genanki.Deck(_deck_id(deck), deck)
    for note in notes:
        package_deck.add_note(genanki.Note(model=NOTE_TYPE, fields=[note.front, note.back], tags=list(note.tags),
                                           guid=note.guid))
    timestamp = now.timestamp()
    # genanki's write_to_file leaves its temporary database behind; this is what it does, with the
    # database in a folder that goes when the package is written.
    with tempfile.TemporaryDirectory(prefix="studyapp-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            genanki.Package(package_deck).write_to_db(connection.cursor(), timestamp,
                                                      itertools.count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(database, "collection.anki2")
            package.writestr("media", "{}")
    return len(package_deck.notes)


def _deck_id(name: str) -> int:
    # Stable, so that a newer export of a deck goes into the same deck; in the range genanki asks for.
    return (1 << 30) + int.from_bytes(hashlib.sha256(name.encode()).digest()[:4]) % (1 << 30)
