"""The services a piece of text names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .models import Service
from .names import any_of

if TYPE_CHECKING:
    from .writer import Writer


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
        self.pattern = re.compile(r"(?<![\w-])(" + any_of(by_name) + r")(?![\w-])") if by_name else None

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
