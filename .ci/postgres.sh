#!/usr/bin/env bash
# The whole test suite against PostgreSQL (`make test-postgres`). Uses the server DATABASE_URL
# names when it is a postgres:// URL; otherwise makes a throwaway cluster in .pg/, reachable
# only through a unix socket in that folder (so it never clashes with another server or
# another checkout's run), and stops it afterwards, whether the tests pass or not.
# Arguments are passed to pytest; after `--`, they are a command to run instead (make bench-postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python

case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*|pgsql://*)
        echo "Testing against the PostgreSQL server in DATABASE_URL."
        if [ "${1:-}" = "--" ]; then shift; exec "$@"; fi
        exec "$PYTHON" -m pytest "$@" ;;
esac

server_bindir() {
    local candidates=()
    command -v initdb >/dev/null 2>&1 && candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
    command -v pg_config >/dev/null 2>&1 && candidates+=("$(pg_config --bindir)")
    # Debian keeps the server out of PATH; prefer its newest version.
    candidates+=($(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV))
    for dir in "${candidates[@]}"; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

if ! BINDIR=$(server_bindir); then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing Debian's postgresql package for the tests."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        BINDIR=$(server_bindir)
    else
        echo "make test-postgres needs the PostgreSQL server programs (initdb, pg_ctl)." >&2
        echo "Install them (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql)," >&2
        echo "or point DATABASE_URL at a server whose user may create databases." >&2
        exit 1
    fi
fi

# initdb refuses to run as root: there the server runs as an unprivileged user.
as_server=()
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id "$owner" >/dev/null 2>&1 || owner=nobody
    as_server=(runuser -u "$owner" --)
fi
# From /, which every user may enter, whichever folder this runs in.
as_server() { (cd / && "${as_server[@]}" "$@"); }

PGROOT=$PWD/.pg
# A socket path has to fit in about 100 bytes, and the server's user has to reach the folder
# (a checkout under /root is closed to it): otherwise the cluster goes in a temporary folder.
mkdir -p "$PGROOT"
[ -n "${owner:-}" ] && chown "$owner" "$PGROOT"
if [ ${#PGROOT} -gt 80 ] || ! as_server test -w "$PGROOT"; then
    PGROOT=$(mktemp -d /tmp/studyapp-pg.XXXXXX)
    [ -n "${owner:-}" ] && chown "$owner" "$PGROOT"
fi
DATA=$PGROOT/data
pg_ctl() { as_server "$BINDIR/pg_ctl" "$@"; }

# A server left running by an interrupted run would hold the folder.
[ -f "$DATA/postmaster.pid" ] && pg_ctl stop -D "$DATA" -m immediate >/dev/null 2>&1 || true
rm -rf "$DATA"

# No locale: text sorts bytewise, as it does in SQLite.
as_server "$BINDIR/initdb" -D "$DATA" -U studyapp --auth=trust --encoding=UTF8 --no-locale \
    --no-sync >/dev/null
stop() {
    pg_ctl stop -D "$DATA" -m fast >/dev/null || true
    [ "$PGROOT" = "$PWD/.pg" ] || rm -rf "$PGROOT"
}
trap stop EXIT
# Durability is worth nothing to a throwaway cluster; speed is.
pg_ctl start -D "$DATA" -l "$PGROOT/server.log" -w -o "-c listen_addresses='' -k '$PGROOT' \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$BINDIR/createdb" -h "$PGROOT" -U studyapp studyapp

export DATABASE_URL="postgres://studyapp@/studyapp?host=$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGROOT")"
echo "Testing against PostgreSQL $("$BINDIR/pg_ctl" --version | awk '{print $3}') in $PGROOT."
if [ "${1:-}" = "--" ]; then
    shift
    "$@"
else
    "$PYTHON" -m pytest "$@"
fi
