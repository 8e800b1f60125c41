"""Notes uploaded from the browser are imported in a process of their own.

Parsing and rendering take seconds and untrusted Markdown is never rendered inside a
request, so the view saves the files, records an ImportRun and starts `import_notes --run`.
The page then polls the run for progress.
"""

import os
import subprocess
import sys
from pathlib import Path, PurePath
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection
from django.utils.text import get_valid_filename

from .models import ImportRun


def start_upload(user, files) -> ImportRun:
    run = ImportRun.objects.create(started_by=user, files_total=len(files))
    folder = Path(settings.MEDIA_ROOT) / "uploads" / str(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for upload in files:
        original = PurePath(upload.name).name
        target = folder / get_valid_filename(original)
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        # Uploads are identified by name, so uploading an edited note again updates it.
        names[str(target)] = f"uploads/{original}"
    run.report = {"names": names}
    run.save(update_fields=["report"])
    _spawn(run, folder)
    return run


def _spawn(run, folder):
    env = {**os.environ, "DATABASE_URL": database_url()}
    log = (folder / "import.log").open("ab")
    subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "import_notes", "--run", str(run.pk), str(folder)],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def database_url(db: dict | None = None) -> str:
    """The database this process is using (or `db`, a settings dict), as a URL a child process
    can be given."""
    db = db or connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host, options = db["HOST"] or "", dict(db.get("OPTIONS") or {})
    if host.startswith("/"):
        # A unix socket's folder: URL parsers lowercase a host name, so it goes in the query.
        options["host"], host = host, ""
    elif ":" in host:
        host = f"[{host}]"
    port = f":{db['PORT']}" if db["PORT"] else ""
    query = urlencode({k: v for k, v in options.items() if isinstance(v, str | int)})
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}" + (f"?{query}" if query else "")
