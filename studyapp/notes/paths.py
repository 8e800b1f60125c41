"""Which files an import reads, and the path each is stored under."""

from pathlib import Path

from django.conf import settings

from .parse.drafts import Problem
from .reports import FileReport

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}


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
