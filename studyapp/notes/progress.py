"""How far an import has gone, as one bar over all its phases (pure: no Django imports).

Each phase of an import (studyapp.ops.importing) reports units done of units total: files read and
parsed, notes rendered, writing steps, card steps, question steps. The bar gives each phase a share
of its length in proportion to the time the phase took on a first import of content/ (3.9 s
reading and parsing, while the workers render; 0.1 s waiting for the last renderings; 0.8 s
writing; 0.2 s cards; 0.4 s questions), so that it moves at a steady pace.
"""

from collections.abc import Callable
from dataclasses import dataclass

# name: (what the page and the terminal call it, what its units are, share of the bar in %)
PHASES = {
    "reading": ("Reading the files", "files", 70),
    "rendering": ("Rendering the notes", "notes", 5),
    "writing": ("Writing the notes", "steps", 13),
    "cards": ("Building the flashcards", "steps", 4),
    "questions": ("Building the exam questions", "steps", 8),
}
ORDER = list(PHASES)

# progress(phase, done, total, label): what an import calls as it goes.
Callback = Callable[[str, int, int, str], None]


@dataclass(frozen=True)
class ImportProgress:
    phase: str
    done: int
    total: int
    label: str = ""

    @property
    def fraction(self) -> float:
        """How much of the whole import is done, from 0 to 1."""
        before = sum(PHASES[name][2] for name in ORDER[:ORDER.index(self.phase)])
        within = min(self.done / self.total, 1.0) if self.total else 0.0
        return (before + PHASES[self.phase][2] * within) / 100

    @property
    def percent(self) -> int:
        return int(100 * self.fraction)

    @property
    def title(self) -> str:
        return PHASES[self.phase][0]

    @property
    def units(self) -> str:
        return PHASES[self.phase][1]

    def as_dict(self) -> dict:
        return {"phase": self.phase, "done": self.done, "total": self.total, "label": self.label}

    @classmethod
    def from_dict(cls, data: dict) -> "ImportProgress | None":
        """The progress recorded, or None for a record that is not one (unknown phase, wrong types)."""
        try:
            progress = cls(data["phase"], int(data["done"]), int(data["total"]), str(data.get("label", "")))
        except (KeyError, TypeError, ValueError):
            return None
        return progress if progress.phase in PHASES else None


class Phase:
    """Counts one phase's units for a callback that may be None."""

    def __init__(self, progress: Callback | None, name: str, total: int):
        self.progress, self.name, self.total, self.done = progress, name, total, 0
        self._report("")

    def advance(self, label: str = "", by: int = 1):
        self.done += by
        self._report(label)

    def _report(self, label: str):
        if self.progress is not None:
            self.progress(self.name, self.done, self.total, label)
