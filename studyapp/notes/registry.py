"""Every name a wikilink or a mention can resolve to, and every address, as an import will leave them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from .citations import Library
from .models import Service, SourceFile, address
from .parse import read_front_matter
from .render import normalise_name

if TYPE_CHECKING:
    from .sync import ParsedNote


def _importer_fingerprint() -> str:
    """Changes whenever the parser or renderer changes, so upgraded code re-reads every note."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in sorted([*here.joinpath("parse").glob("*.py"), here / "render.py", here / "citations.py"]):
        digest.update(module.read_bytes())
    return digest.hexdigest()


IMPORTER_FINGERPRINT = _importer_fingerprint()


@dataclass
class NameRegistry:
    """Every name a wikilink or a mention can resolve to, as this import will leave them."""

    urls: dict[str, str]
    services: dict[str, str]  # normalised name or alias -> canonical service name
    notes: dict[str, str]  # normalised title, alias or file stem -> stored path
    slugs: dict[str, str]  # stored path -> document slug
    context: str
    service_slugs: dict[str, str] = field(default_factory=dict)  # stored path of a service note -> its slug
    service_taken: "SlugSet" = field(default_factory=lambda: SlugSet())
    refused: dict[str, str] = field(default_factory=dict)  # path of a service note -> the note holding its name
    library: Library = field(default_factory=Library)  # what citations name, as content/ gives it

    @classmethod
    def build(cls, parsed: list[ParsedNote]) -> "NameRegistry":
        incoming = {i.report.path for i in parsed}
        service_names: dict[str, str] = {}
        note_names: dict[str, str] = {}
        slugs: dict[str, str] = {}
        for source in SourceFile.objects.exclude(path__in=incoming).only("path", "slug", "title", "aliases", "kind"):
            slugs[source.path] = source.slug
            for name in [source.title, *source.aliases, Path(source.path).stem]:
                note_names.setdefault(normalise_name(name), source.path)
        service_pages: dict[str, str] = {}  # canonical service name -> slug
        holders: dict[str, str] = {}  # service name -> the path of the note defining it
        for name, aliases, slug, path in (Service.objects.active().exclude(source__path__in=incoming)
                                          .values_list("name", "aliases", "slug", "source__path")):
            service_pages[name] = slug
            if path:
                holders[name] = path
            for alias in [name, *aliases]:
                service_names.setdefault(normalise_name(alias), name)

        # A note read again keeps its address, so the new notes read before it must not take it.
        known = dict(SourceFile.objects.filter(path__in=incoming).values_list("path", "slug"))
        taken = SlugSet([*slugs.values(), *known.values()])
        # Likewise a service's: every slug a service holds, retired ones too, is kept from the others.
        owned, age, owned_names = {}, {}, {}
        for path, pk, slug, name in (Service.objects.filter(source__path__in=incoming)
                                     .values_list("source__path", "pk", "slug", "name")):
            owned[path], age[path], owned_names[path] = slug, pk, name
        service_taken = SlugSet(Service.objects.values_list("slug", flat=True))
        service_slugs: dict[str, str] = {}
        defined = []
        # The notes that give the titles of cited documents and the addresses of cited pages:
        # those read now, and those already in that this import leaves alone.
        libraries = [meta for meta in SourceFile.objects.exclude(path__in=incoming).filter(
            models.Q(front_matter__has_key=LIBRARY_KEYS[0]) | models.Q(front_matter__has_key=LIBRARY_KEYS[1]),
        ).values_list("front_matter", flat=True)]
        for item in parsed:
            meta = read_front_matter(item.data, settings.NOTES_MAX_FILE_BYTES)
            meta_title, aliases, kind = _peek(meta)
            if any(key in meta for key in LIBRARY_KEYS):
                libraries.append(meta)
            path = item.report.path
            title = meta_title or Path(path).stem
            slug = known.get(path) or taken.claim(slugify(Path(path).stem) or "note")
            taken.add(slug)
            slugs[path] = slug
            for name in [title, *aliases, Path(path).stem]:
                note_names.setdefault(normalise_name(name), path)
            if kind == "service" and meta_title:
                defined.append((path, title, aliases))
        # A service's name is its note's: another note giving itself that name is refused.
        for path, title, _ in defined:
            if owned_names.get(path) == title:
                holders.setdefault(title, path)
        refused = {}
        # Services in the order they were first imported, then new ones: a new note whose name
        # compares equal to an older service's takes neither its links nor its address.
        for path, title, aliases in sorted(defined, key=lambda d: (d[0] not in age, age.get(d[0], 0))):
            if holders.setdefault(title, path) != path:
                refused[path] = holders[title]
                continue
            for name in [title, *aliases]:
                service_names.setdefault(normalise_name(name), title)
            base = _service_slug_base(title)
            if path in owned and _slug_of(owned[path], base):
                service_slugs[path] = owned[path]
            elif path not in owned and title in service_pages:
                service_slugs[path] = service_pages[title]  # the same service, taken over by this note
            else:
                service_slugs[path] = service_taken.claim(base)
            service_taken.add(service_slugs[path])
            service_pages.setdefault(title, service_slugs[path])

        urls = {name: address("notes:document", slugs[path]) for name, path in note_names.items()}
        urls.update({name: address("notes:service", service_pages[service]) for name, service in service_names.items()})
        library = Library.from_meta(libraries)
        # A note is rendered again when what its links or its citations point at changes.
        context = hashlib.sha256(repr((IMPORTER_FINGERPRINT, sorted(urls.items()), library.fingerprint()))
                                 .encode()).hexdigest()
        return cls(urls, service_names, note_names, slugs, context, service_slugs, service_taken, refused, library)

    def service_slug(self, path: str, title: str) -> str:
        """The slug of the service a note defines: as planned above, or (for a note whose front
        matter gave no title, so that it was not planned) the first free one."""
        if path not in self.service_slugs:
            self.service_slugs[path] = self.service_taken.claim(_service_slug_base(title))
        return self.service_slugs[path]


def _service_slug_base(title: str) -> str:
    return slugify(title) or "service"


def _slug_of(slug: str, base: str) -> bool:
    """Whether `SlugSet.claim(base)` could have given `slug`."""
    return slug == base[:180] or (slug.startswith(f"{base[:175]}-") and slug[len(base[:175]) + 1:].isdigit())


LIBRARY_KEYS = ("source_documents", "documentation_pages")


def _peek(meta: dict) -> tuple[str, list[str], str]:
    """Title, aliases and type from front matter, read before the full parse.

    Read as the parser reads it (read_front_matter), so a note it will refuse names nothing;
    and never raising, since the parse reports what is wrong with the file.
    """
    aliases = meta.get("aliases") or []
    aliases = aliases if isinstance(aliases, list) else [aliases]
    return meta.get("title") or "", aliases, (meta.get("type") or "topic").lower()


class SlugSet:
    """Slugs taken so far, and a new unique one for a base: the base itself, else base-2, base-3...

    Where the last search for a base stopped is kept, so that a note of thousands of sections
    headed alike gets its anchors in linear time, not by counting up from 2 for each.
    """

    def __init__(self, taken=()):
        self._taken = set(taken)
        self._next: dict[str, int] = {}

    def __contains__(self, slug: str) -> bool:
        return slug in self._taken

    def add(self, slug: str):
        self._taken.add(slug)

    def claim(self, base: str) -> str:
        slug, counter = base[:180], self._next.get(base, 2)
        while slug in self._taken:
            slug = f"{base[:175]}-{counter}"
            counter += 1
        self._next[base] = counter
        self._taken.add(slug)
        return slug
