"""Notes uploaded from the browser are imported in a process of their own.

Parsing and rendering take seconds and untrusted Markdown is never rendered inside a
request, so the view saves the files, records an ImportRun and starts `import_notes --run`.
The page then polls the run for progress.
"""

import logging
import unicodedata
from pathlib import Path, PurePath

from django.conf import settings

from .models import ImportRun
from .processes import spawn_manage

logger = logging.getLogger(__name__)


def start_upload(user, files) -> ImportRun:
    run = ImportRun.objects.create(started_by=user, files_total=len(files))
    try:
        folder = Path(settings.MEDIA_ROOT) / "uploads" / str(run.pk)
        folder.mkdir(parents=True, exist_ok=True)
        names, rejected = _save(files, folder)
        run.report = {"names": names, "rejected": rejected}
        run.save(update_fields=["report"])
        run.pid = _spawn(run, folder)
        run.save(update_fields=["pid"])
    except Exception as exc:
        # The run's page says what went wrong, instead of a run left queued and an error page.
        logger.exception("import %s could not be started", run.pk)
        run.fail(f"it could not be started ({type(exc).__name__}: {exc})")
    return run


def _save(files, folder: Path) -> tuple[dict[str, str], list[dict]]:
    """Each file stored under its number in the upload, so no name the user chose can collide with
    another, hide itself or be too long for the file system; the user's name stays the note's
    identity. Returns {stored path: name} and the files refused, each named as the user named it."""
    names, rejected, seen = {}, [], set()
    for number, upload in enumerate(files, start=1):
        original = PurePath(upload.name).name
        label = f"uploads/{original}"
        if problem := _unusable(original, seen):
            rejected.append({"file": label, "message": problem})
            continue
        seen.add(original)
        target = folder / f"{number}{PurePath(original).suffix.lower()}"
        try:
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        except OSError as exc:
            rejected.append({"file": label, "message": f"cannot store the file: {exc.strerror}"})
            continue
        # Uploads are identified by name, so uploading an edited note again updates it.
        names[str(target)] = label
    return names, rejected


def _unusable(name: str, seen: set[str]) -> str | None:
    if any(unicodedata.category(char) in {"Cc", "Cs"} for char in name):
        return "the file name holds control characters; rename the file"
    if name in seen:
        return "another file in this upload has the same name; rename one of them"
    return None


def _spawn(run, folder) -> int:
    return spawn_manage(["import_notes", "--run", str(run.pk), str(folder)], folder / "import.log")
