"""Notes uploaded from the browser are imported in a process of their own, twice.

Parsing and rendering take seconds and untrusted Markdown is never rendered inside a request, so
the view saves the files, records an ImportRun and starts `import_notes --run --preview`: the
whole import, built and thrown away, whose report says what each file would give. The page polls
the run for progress and shows the preview; applying it starts `import_notes --run` on the same
files, which writes.
"""

import logging
import unicodedata
from pathlib import Path, PurePath

from django.utils import timezone

from .models import ImportRun
from .processes import spawn_manage

logger = logging.getLogger(__name__)


def start_upload(user, files) -> ImportRun:
    run = ImportRun.objects.create(started_by=user, files_total=len(files), started_at=timezone.now())
    try:
        run.folder.mkdir(parents=True, exist_ok=True)
        names, rejected = _save(files, run.folder)
        run.report = {"names": names, "rejected": rejected}
        run.save(update_fields=["report"])
        _spawn(run, "--preview")
    except Exception as exc:
        _could_not_start(run, exc)
    return run


def apply_upload(run: ImportRun) -> bool:
    """Import for real what `run` previewed; False if it is not waiting to be applied (applied
    already, from another tab or by a second click)."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.QUEUED, pid=None, started_at=timezone.now(), finished_at=None)
    if not claimed:
        return False
    run.refresh_from_db()
    try:
        _spawn(run)
    except Exception as exc:
        _could_not_start(run, exc)
    return True


def _could_not_start(run, exc):
    # The run's page says what went wrong, instead of a run left queued and an error page.
    logger.exception("import %s could not be started", run.pk)
    run.fail(f"it could not be started ({type(exc).__name__}: {exc})")


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


def _spawn(run, *options):
    run.pid = spawn_manage(["import_notes", "--run", str(run.pk), *options, str(run.folder)], run.folder / "import.log")
    run.save(update_fields=["pid"])
