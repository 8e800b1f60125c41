"""Work that must not run inside a request (an import, a fit of a learner's parameters) runs as a
management command in a process of its own, on the same database."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection


def spawn_manage(arguments: list[str], log: Path) -> int:
    """Start `manage.py <arguments>` detached, its output appended to `log`; returns its pid.
    It works on this process's database and media folder."""
    # The same media folder too: an upload's process records its progress beside the files.
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return child.pid


def process_exists(pid: int) -> bool:
    """Whether a process has this id: perhaps a zombie, perhaps another program that was given the
    id since (callers that care look further)."""
    if os.name != "posix":
        return True  # elsewhere os.kill() ends a process rather than asking after it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True


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
