#!/usr/bin/env bash
# Benchmark of the payment behaviour recompute on a large, reusable database.
#
#   bash scripts/bench.sh [--size N] [--rebuild] [MEASURE...]
#   bash scripts/bench.sh --history FILE.csv [--rebuild] [history]
#
# Builds once (kept, reused by later runs) the database account_dunning_bench_<N>x with
# N x (2,000 customers, 40,000 paid invoices with real reconciliations, 8,000 open invoices),
# then runs each MEASURE of scripts/bench.py on it (default: behaviour). --rebuild drops it first.
# With --history, the database account_dunning_history_<file name> holds that real payment history instead
# (scripts/history_data.py: one paid invoice per row), and the default measure is `history`: the history replayed
# by the policy simulation on a tuning period and a later validation period (scripts/bench_history.py).
# PostgreSQL: the server of the PG* variables when it answers, otherwise a private cluster
# kept in .bench/pg (left running; stop it with the command printed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE=1
REBUILD=0
HISTORY=
MEASURES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --rebuild) REBUILD=1; shift ;;
        --history) HISTORY="$(realpath "$2")"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) MEASURES+=("$1"); shift ;;
    esac
done
[ ${#MEASURES[@]} -gt 0 ] || MEASURES=($([ -n "$HISTORY" ] && echo history || echo behaviour))
[ -z "$HISTORY" ] || [ -f "$HISTORY" ] || die "no such history file: $HISTORY"
[[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || die "--size takes a positive integer"

STATE="$REPO_DIR/.bench"
mkdir -p "$STATE" && chmod 755 "$STATE"
require_odoo
ensure_requirements
link_module "$(persistent_addons_dir)"
PG_PRIVATE=0
pg_ensure "$STATE/pg"
DB="account_dunning_bench_${SIZE}x"
MARK_KEY=account_dunning.bench_size
MARK="$SIZE"
if [ -n "$HISTORY" ]; then
    DB="account_dunning_history_$(basename "$HISTORY" .csv | tr -c 'a-zA-Z0-9_\n' '_')"
    MARK_KEY=account_dunning.history_source
    MARK=$(sha1sum "$HISTORY" | cut -d' ' -f1)
fi
ODOO_ARGS=(-d "$DB" --addons-path="$ODOO_ADDONS,$MODULE_ADDONS" "${DB_ARGS[@]}" --max-cron-threads=0
           --log-level=warn)

ready() {
    "$PYTHON" - "$DB" "$MARK_KEY" "$MARK" <<'PYEOF' 2>/dev/null
import sys
import psycopg2
conn = psycopg2.connect(dbname=sys.argv[1])
cr = conn.cursor()
cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [sys.argv[2]])
row = cr.fetchone()
raise SystemExit(0 if row and row[0] == sys.argv[3] else 1)
PYEOF
}

if [ "$REBUILD" = 1 ] || ! ready; then
    log "building $DB (size ${SIZE}x)"
    pg_drop_db "$DB"
    "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -i "$MODULE" --without-demo=all --stop-after-init \
        >"$STATE/install_$DB.log" 2>&1 \
        || { tail -n 40 "$STATE/install_$DB.log" >&2; die "installing $MODULE failed"; }
    if [ -n "$HISTORY" ]; then
        "$PYTHON" "$REPO_DIR/scripts/bench.py" load-history --csv "$HISTORY" -- "${ODOO_ARGS[@]}" \
            || { pg_drop_db "$DB"; die "loading $HISTORY failed (nothing kept)"; }
    else
        "$PYTHON" "$REPO_DIR/scripts/bench.py" generate --size "$SIZE" -- "${ODOO_ARGS[@]}"
    fi
else
    log "reusing $DB (updating $MODULE to the code of this checkout)"
    "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -u "$MODULE" --stop-after-init >"$STATE/update_$DB.log" 2>&1 \
        || { tail -n 40 "$STATE/update_$DB.log" >&2; die "updating $MODULE failed"; }
fi
for measure in "${MEASURES[@]}"; do
    "$PYTHON" "$REPO_DIR/scripts/bench.py" "$measure" -- "${ODOO_ARGS[@]}"
done
if [ "$PG_PRIVATE" = 1 ]; then
    echo "The private PostgreSQL cluster keeps running; stop it with:"
    echo "  $( [ "$(id -u)" = 0 ] && echo 'runuser -u postgres -- ')$(pg_bin pg_ctl) -D $STATE/pg/data stop"
fi
