# Shared helpers of scripts/test.sh and scripts/demo.sh: finding Odoo, installing
# the Python requirements and reaching (or starting) a PostgreSQL server.
# Source it; do not run it.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE=account_dunning
PYTHON="${PYTHON:-python3}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

# --- Odoo -------------------------------------------------------------------

# Sets ODOO_ADDONS: Odoo's own addons folders, comma-separated.
require_odoo() {
    local out
    if ! out=$("$PYTHON" - 2>&1 <<'EOF'
import os
import odoo.release as r
if r.version_info[0] != 18:
    raise SystemExit("found Odoo %s, need 18.0" % r.version)
root = os.path.dirname(os.path.dirname(os.path.abspath(r.__file__)))
paths = [os.path.join(root, "odoo", "addons"), os.path.join(root, "addons")]
print(",".join(p for p in paths if os.path.isdir(p)))
EOF
    ); then
        die "Odoo 18.0 is not importable by '$PYTHON' ('$PYTHON -c \"import odoo\"' fails).
Install Odoo 18.0 Community and make its 'odoo' package importable, e.g. by
'pip install -e <odoo checkout>' or a .pth file in site-packages.
Details: $(printf '%s' "$out" | tail -n 1)"
    fi
    ODOO_ADDONS=$(printf '%s' "$out" | tail -n 1)
}

# Prints the requirements of requirements.txt that $PYTHON does not satisfy, one a line:
# "NAME SPECIFIER missing", or "NAME SPECIFIER VERSION" when another version is installed.
unmet_requirements() {
    "$PYTHON" - "$REPO_DIR/requirements.txt" <<'EOF'
import sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:  # a fresh virtual environment may lack it; pip carries a copy
    from pip._vendor.packaging.requirements import Requirement
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    req = Requirement(line)
    if req.marker and not req.marker.evaluate():
        continue
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        print(req.name, req.specifier or "-", "missing")
        continue
    if not req.specifier.contains(version, prereleases=True):
        print(req.name, req.specifier, version)
EOF
}

# Installs requirements.txt when one of its requirements is not satisfied (demo, benchmark, screenshots).
ensure_requirements() {
    local unmet
    if unmet=$(unmet_requirements 2>/dev/null) && [ -z "$unmet" ]; then
        return 0
    fi
    log "installing Python requirements (requirements.txt)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$REPO_DIR/requirements.txt" \
        || die "could not install requirements.txt"
}

# The test command installs nothing: it judges the environment as it is. A requirement missing (websocket-client,
# without which Odoo skips every browser tour) stops it with the command that installs it; another version than
# the one of requirements.txt is only noted.
check_requirements() {
    local unmet missing hint=
    unmet=$(unmet_requirements) || die "'$PYTHON' could not read requirements.txt"
    missing=$(printf '%s\n' "$unmet" | awk '$3 == "missing" {print "  " $1 ($2 == "-" ? "" : $2)}')
    if [ -n "$missing" ]; then
        case "$missing" in
            *websocket-client*) hint=$'\n''Without websocket-client, Odoo would skip every browser tour.' ;;
        esac
        die "'$PYTHON' lacks these requirements of requirements.txt:
$missing
Install them with: $PYTHON -m pip install -r $REPO_DIR/requirements.txt$hint"
    fi
    printf '%s\n' "$unmet" | awk 'NF == 3 && $3 != "missing" {print $1 " " $3 " is installed, requirements.txt asks " $2}' \
        | while read -r line; do log "note: $line"; done
}

# A folder outside the repository, stable for this checkout (demo and benchmark reuse it between runs).
persistent_addons_dir() {
    echo "${TMPDIR:-/tmp}/${MODULE}_addons_$(id -u)_$(printf '%s' "$REPO_DIR" | md5sum | cut -c1-10)"
}

# A TCP port free on 127.0.0.1 now, for an Odoo HTTP server of our own.
free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A folder that holds the module under its technical name, whatever the clone's name.
# Sets MODULE_ADDONS.
link_module() {
    # The addons folder holding the module must sit outside the repository: Odoo's term export walks the
    # module folder following links, and a link back into the repository would be exported again and again.
    if [ "$(basename "$REPO_DIR")" = "$MODULE" ]; then
        MODULE_ADDONS="$(dirname "$REPO_DIR")"
    else
        MODULE_ADDONS="$1/addons"
        mkdir -p "$MODULE_ADDONS"
        ln -sfn "$REPO_DIR" "$MODULE_ADDONS/$MODULE"
    fi
}

# --- PostgreSQL -------------------------------------------------------------

pg_bin() {
    local name=$1 dir
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
    done
    die "PostgreSQL's '$name' was not found: install PostgreSQL server binaries"
}

# Runs a command as the owner of a private cluster (initdb refuses root).
as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when the server named by the PG* variables (or libpq's defaults) answers.
pg_server_answers() {
    "$PYTHON" - <<'EOF' 2>/dev/null
import psycopg2
psycopg2.connect(dbname="postgres", connect_timeout=3).close()
EOF
}

# Starts a cluster in $1 (created when missing), listening on a Unix socket only.
# Sets DB_ARGS for Odoo.
pg_start_private() {
    local dir=$1 role
    role=$(id -un)
    mkdir -p "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        [ "$(id -u)" = 0 ] && chown postgres: "$dir"
        as_pg_owner "$(pg_bin initdb)" -D "$dir/data" -A trust -U postgres -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || die "initdb failed, see $dir/initdb.log"
    fi
    as_pg_owner "$(pg_bin pg_ctl)" -D "$dir/data" status >/dev/null 2>&1 \
    || as_pg_owner "$(pg_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || die "PostgreSQL did not start, see $dir/server.log"
    "$(pg_bin psql)" -h "$dir" -U postgres -d postgres -qtA -c \
        "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role')
         THEN CREATE ROLE \"$role\" LOGIN SUPERUSER; END IF; END\$\$;" >/dev/null \
        || die "could not create the PostgreSQL role '$role'"
    export PGHOST="$dir" PGUSER="$role" PGDATABASE=postgres
    DB_ARGS=(--db_host="$dir" --db_user="$role")
}

pg_stop_private() {
    local dir=$1
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_pg_owner "$(pg_bin pg_ctl)" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# Uses the server of the PG* variables when it answers; otherwise starts a
# private cluster in $1. Sets DB_ARGS and PG_PRIVATE (1 when we started one).
pg_ensure() {
    local dir=$1
    if pg_server_answers; then
        PG_PRIVATE=0
        DB_ARGS=()
        [ -n "${PGHOST:-}" ] && DB_ARGS+=(--db_host="$PGHOST")
        [ -n "${PGPORT:-}" ] && DB_ARGS+=(--db_port="$PGPORT")
        [ -n "${PGUSER:-}" ] && DB_ARGS+=(--db_user="$PGUSER")
        [ -n "${PGPASSWORD:-}" ] && DB_ARGS+=(--db_password="$PGPASSWORD")
        log "using the PostgreSQL server that answers (${PGHOST:-default socket})"
    else
        PG_PRIVATE=1
        log "no PostgreSQL server answers: using a private cluster in $dir"
        pg_start_private "$dir"
    fi
}

# CPU seconds used so far by the private cluster in $1: its server and the connections it served (Linux only).
pg_cpu_seconds() {
    local pid ticks
    pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null) && [ -r "/proc/$pid/stat" ] || return 0
    ticks=$(getconf CLK_TCK 2>/dev/null) || return 0
    # after "pid (name) ", fields 12 to 15 are its user and system time and those of its ended children
    cat "/proc/$pid/stat" $(pgrep -P "$pid" 2>/dev/null | sed 's|.*|/proc/&/stat|') 2>/dev/null \
        | awk -v ticks="$ticks" '{ sub(/^.*\) /, ""); total += $12 + $13 + $14 + $15 } END { printf "%d", total / ticks }'
}

# Drops database $1 if it exists, and its filestore.
pg_drop_db() {
    "$PYTHON" - "$1" <<'EOF'
import os
import shutil
import sys
import psycopg2
from odoo.tools import config
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
name = sys.argv[1].replace('"', '')
conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
shutil.rmtree(os.path.join(config["data_dir"], "filestore", name), ignore_errors=True)
EOF
}

# Creates database $2 as a copy of database $1 (which nobody may be connected to), with its filestore.
createdb_from() {
    "$PYTHON" - "$1" "$2" <<'PYEOF'
import os
import shutil
import sys
import psycopg2
from odoo.tools import config
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
source, target = (name.replace('"', '') for name in sys.argv[1:3])
conn.cursor().execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
conn.cursor().execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
# the attachments stored as files (a dashboard's JSON, letters...) go with the copy, as Odoo's own duplicate does
filestore = os.path.join(config["data_dir"], "filestore")
if os.path.isdir(os.path.join(filestore, source)):
    shutil.rmtree(os.path.join(filestore, target), ignore_errors=True)
    shutil.copytree(os.path.join(filestore, source), os.path.join(filestore, target))
PYEOF
}

# --- queue_job (optional) ---------------------------------------------------

# OCA's queue_job for Odoo 18, installed from PyPI when missing. --no-deps: its wheel requires the `odoo`
# distribution, which pip cannot see when Odoo is importable through a .pth file; the addon lands in
# site-packages/odoo/addons, which Odoo's `odoo.addons` namespace finds beside its own addons. 18.0.3.1.2 is the
# last 18.0 release whose test helpers run on an Odoo 18 without `odoo.tests.common.SETATTR_SOURCES` (later 18.0
# sources only).
QUEUE_JOB_REQUIREMENT="odoo-addon-queue_job==18.0.3.1.2"
ensure_queue_job() {
    if "$PYTHON" -c 'import odoo.addons.queue_job' 2>/dev/null; then
        return 0
    fi
    log "installing $QUEUE_JOB_REQUIREMENT (optional queue jobs, tested by the test command)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps "$QUEUE_JOB_REQUIREMENT" \
        || die "could not install $QUEUE_JOB_REQUIREMENT"
}
