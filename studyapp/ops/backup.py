"""Consistent copies of the live database, and bringing one back.

SQLite uses its online backup API, which copies one consistent snapshot while other connections
keep writing (WAL included), and restores through the same API, so connections that are open
see the restored contents and nothing is left in a stale WAL. PostgreSQL uses pg_dump's custom
format (one snapshot, taken without blocking writers) and pg_restore in a single transaction.

A backup is written under a temporary name and read back in full before it gets its real name,
so a file with a backup's name is always whole and readable.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
SQLITE_HEADER = b"SQLite format 3\x00"
# How long SQLite waits for a writer to finish before giving up, as the app's own connections do.
SQLITE_TIMEOUT = 20
# pg_dump and pg_restore fail after this rather than wait forever behind a lock.
PG_LOCK_TIMEOUT = "60s"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str
    bytes: int
    seconds: float

    def as_dict(self):
        return {"path": str(self.path), "engine": self.engine, "bytes": self.bytes,
                "seconds": round(self.seconds, 3), "check": "ok"}


@dataclass(frozen=True)
class Restored:
    path: Path
    safety_backup: Backup
    pending_migrations: int

    def as_dict(self):
        return {"restored": str(self.path), "safety_backup": str(self.safety_backup.path),
                "pending_migrations": self.pending_migrations}


def create_backup(target: Path | str | None = None, prefix: str = "backup") -> Backup:
    """Copy the live database to `target` (a new file, or a folder for a timestamped name);
    by default a timestamped file in BACKUP_DIR."""
    engine = _engine()
    started = time.monotonic()
    folder, name, numbered = _destination(target, prefix, engine)
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{name}.{os.getpid()}.partial"
    temp.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            _sqlite_backup(temp)
        else:
            _pg_dump(temp)
        read_backup(temp)
        path = _publish(temp, folder, name, numbered)
    finally:
        temp.unlink(missing_ok=True)
    return Backup(path, engine, path.stat().st_size, time.monotonic() - started)


def import_backup() -> Backup:
    """The backup an import takes before it writes; only the newest BACKUP_KEEP of them are kept."""
    backup = create_backup(prefix="import")
    prune("import", settings.BACKUP_KEEP)
    return backup


def backups(prefix: str) -> list[Path]:
    """The backups in BACKUP_DIR with this prefix, oldest first."""
    pattern = re.compile(rf"{re.escape(prefix)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.(?:sqlite3|dump)")
    found = []
    for path in Path(settings.BACKUP_DIR).glob(f"{prefix}-*"):
        if match := pattern.fullmatch(path.name):
            found.append(((match[1], int(match[2] or 0)), path))
    return [path for _, path in sorted(found)]


def prune(prefix: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups with this prefix (at least the newest one, which
    may have been taken a moment ago); returns what was deleted."""
    old = backups(prefix)[:-max(keep, 1)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def check_backup(path: Path | str) -> set[tuple[str, str]]:
    """Make sure a file is a whole backup of this app's database, one this code can run on;
    returns the migrations it has applied. Raises BackupError, naming the problem, when it is not."""
    path = Path(path)
    applied = read_backup(path)
    if not {label for label, _ in applied} & _local_apps():
        raise BackupError(f"{path} is a database, but not one of this app: it has none of its migrations.")
    unknown = {m for m in applied if m[0] in _local_apps()} - set(MigrationLoader(None).disk_migrations)
    if unknown:
        names = ", ".join(sorted(f"{app}.{name}" for app, name in unknown))
        raise BackupError(f"{path} was made by a newer or different version of this app (it has {names}).")
    return applied


def read_backup(path: Path | str) -> set[tuple[str, str]]:
    """Read a backup in full; returns the migrations it has applied (none if it has no
    django_migrations table). Raises BackupError when it is missing, damaged or not a backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    return _sqlite_check(path) if _engine() == "sqlite" else _pg_check(path)


def restore_backup(path: Path | str) -> Restored:
    """Replace the live database's contents with a backup's, after a safety backup of them."""
    path = Path(path)
    if connection.in_atomic_block:
        raise BackupError("A restore replaces the whole database, so it cannot run inside a transaction.")
    check_backup(path)
    safety = create_backup(prefix="pre-restore")
    if _engine() == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return Restored(path, safety, len(pending))


def _engine() -> str:
    if connection.vendor not in SUFFIXES:
        raise BackupError(f"Backups work on SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _local_apps() -> set[str]:
    return {app.label for app in apps.get_app_configs() if app.name.startswith("studyapp.")}


def _destination(target, prefix: str, engine: str) -> tuple[Path, str, bool]:
    """The folder and name to write to, and whether the name may be numbered if it is taken."""
    folder = Path(settings.BACKUP_DIR if target is None else target)
    if target is None or folder.is_dir():
        return folder, f"{prefix}-{timezone.now():%Y%m%d-%H%M%S}{SUFFIXES[engine]}", True
    if folder.exists():
        raise BackupError(f"{folder} already exists; a backup never overwrites a file.")
    return folder.parent, folder.name, False


def _publish(temp: Path, folder: Path, name: str, numbered: bool) -> Path:
    """Give the checked copy its name. A hard link, unlike a rename, fails when the name is
    taken, so two backups in the same second (or a name given twice) never overwrite each other."""
    if not numbered:
        return _link(temp, folder / name)
    stem, suffix = Path(name).stem, Path(name).suffix
    # Numbered after the highest number in use, not in the first gap pruning left, so that
    # the newest backup always sorts last.
    taken = [int(m[1] or 1) for p in folder.glob(f"{stem}*{suffix}")
             if (m := re.fullmatch(rf"{re.escape(stem)}(?:-(\d+))?{re.escape(suffix)}", p.name))]
    first = max(taken, default=0) + 1
    for number in range(first, first + 100):
        try:
            return _link(temp, folder / (name if number == 1 else f"{stem}-{number}{suffix}"))
        except BackupError:
            continue  # another process took this name a moment ago
    raise BackupError(f"Too many backups named {name} in {folder}.")


def _link(temp: Path, path: Path) -> Path:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise BackupError(f"{path} already exists; a backup never overwrites a file.") from None
    return path


# SQLite ---------------------------------------------------------------------------------------

def _sqlite_path() -> Path:
    path = Path(connection.settings_dict["NAME"])
    if not path.is_file():
        raise BackupError(f"There is no database at {path} yet (run manage.py migrate).")
    return path


def _sqlite_backup(temp: Path):
    source = sqlite3.connect(_sqlite_path(), timeout=SQLITE_TIMEOUT)
    copy = sqlite3.connect(temp)
    try:
        # All pages in one step, under one read snapshot: writers carry on meanwhile (WAL)
        # and nothing they have not committed is copied.
        source.backup(copy)
        # A file that stands alone: in WAL mode it would want -wal and -shm files beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _sqlite_check(path: Path) -> set[tuple[str, str]]:
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database.")
    try:
        # Read-only and immutable: checking a backup never changes it or leaves files beside it.
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}.")
            if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
                              ).fetchone():
                return set()
            return set(db.execute("SELECT app, name FROM django_migrations"))
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}.") from None


def _sqlite_restore(path: Path):
    backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    live = sqlite3.connect(_sqlite_path(), timeout=SQLITE_TIMEOUT)
    try:
        # Into the live database through SQLite itself (not by copying files over it): it waits
        # for writers, replaces every page in one transaction, and open connections see it.
        backup.backup(live)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not restore {path}: {exc}") from None
    finally:
        live.close()
        backup.close()


# PostgreSQL -----------------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed: backups of PostgreSQL need the PostgreSQL client tools "
                          f"(e.g. apt install postgresql-client) of the server's version or newer, on the PATH.")
    return tool


def _pg_run(name: str, *arguments: str) -> str:
    db = connection.settings_dict
    env = dict(os.environ)
    # libpq's own variables, so that a password never appears in a process listing.
    for key, variable in [("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                          ("HOST", "PGHOST"), ("PORT", "PGPORT")]:
        if db.get(key):
            env[variable] = str(db[key])
    options = db.get("OPTIONS") or {}
    # A unix socket's folder can arrive as the `host` option (DATABASE_URL's ?host=) rather than HOST.
    if options.get("host") and not db.get("HOST"):
        env["PGHOST"] = str(options["host"])
    if sslmode := options.get("sslmode"):
        env["PGSSLMODE"] = sslmode
    result = subprocess.run([_pg_tool(name), *arguments], env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")
    return result.stdout


def _pg_dump(temp: Path):
    _pg_run("pg_dump", "--format=custom", f"--lock-wait-timeout={PG_LOCK_TIMEOUT}", f"--file={temp}")


def _pg_check(path: Path) -> set[tuple[str, str]]:
    try:
        # Every table's data, decompressed and thrown away: a truncated or damaged archive fails.
        _pg_run("pg_restore", f"--file={os.devnull}", str(path))
        script = _pg_run("pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(path))
    except BackupError as exc:
        raise BackupError(f"{path} is not a readable PostgreSQL backup: {exc}") from None
    return _copied_migrations(script)


def _copied_migrations(script: str) -> set[tuple[str, str]]:
    """The (app, name) rows of django_migrations in pg_restore's COPY output."""
    lines = iter(script.splitlines())
    for line in lines:
        if match := re.match(r"COPY \S*django_migrations \(([^)]*)\) FROM stdin;", line):
            columns = [c.strip().strip('"') for c in match[1].split(",")]
            app, name = columns.index("app"), columns.index("name")
            rows = []
            for row in lines:
                if row == "\\.":
                    return {(values[app], values[name]) for values in rows}
                rows.append(row.split("\t"))
    return set()


def _pg_restore(path: Path):
    connection.close()  # holds no locks, but a restore should start from a fresh session
    _pg_run("pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}", str(path))
