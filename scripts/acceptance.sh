#!/usr/bin/env bash
# Acceptance of the scheduled jobs under real worker limits: a real Odoo server in prefork mode runs the daily
# run and the KPI refresh through its cron runner, then through queue_job with two job workers.
#
#   bash scripts/acceptance.sh [--template DB] [--customers N] [--long] [--keep]
#
# --template DB  copy this database (account_dunning installed, no data of its own) instead of installing one
# --customers N  customers due today (default 1500: the daily run takes about 20 s, over the 15 s limit)
# --long         the longer variant: 6000 customers
# Phase 1 (cron): --workers=2 --max-cron-threads=1 --limit-time-real-cron=15, slices of 50 customers and the
#   default time budget of 60 s, on purpose over the limit: every call of the daily run is killed by the worker
#   limit in the middle of a slice, which rolls back; the next worker goes on from the last committed slice.
# Phase 2 (queue_job): the same server with queue_job loaded, two job workers (channel capacity 2): the daily run
#   and the KPI refresh only queue one job per slice, which the two HTTP workers run in parallel.
# Both check with SQL: one follow-up per customer due, every month's KPI rows, no duplicate, no failure.
# Uses the PostgreSQL server of the PG* variables, or a private cluster as scripts/test.sh does.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEMPLATE=
CUSTOMERS=1500
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --template) TEMPLATE="$2"; shift 2 ;;
        --customers) CUSTOMERS="$2"; shift 2 ;;
        --long) CUSTOMERS=6000; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/${MODULE}_acceptance.XXXXXX")
chmod 755 "$WORK"
SERVER=
PG_PRIVATE=0
DB="${MODULE}_acceptance_$$"
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    if [ "$KEEP" = 0 ]; then
        pg_drop_db "$DB" >/dev/null 2>&1
        pg_drop_db "${DB}_qj" >/dev/null 2>&1
    fi
    [ "$PG_PRIVATE" = 1 ] && pg_stop_private "$WORK/pg"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_odoo
ensure_queue_job
link_module "$WORK"
pg_ensure "$WORK/pg"
ADDONS="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges"
odoo_args() { echo -d "$1" --addons-path="$ADDONS" "${DB_ARGS[@]}" --log-level=info; }

# the database: a copy of the template, or a fresh install
if [ -n "$TEMPLATE" ]; then
    createdb_from "$TEMPLATE" "$DB" || die "could not copy $TEMPLATE"
else
    "$PYTHON" -m odoo $(odoo_args "$DB") -i "$MODULE" --without-demo=all --stop-after-init --max-cron-threads=0 \
        >"$WORK/install.log" 2>&1 || { tail -n 30 "$WORK/install.log" >&2; die "installing $MODULE failed"; }
fi
log "acceptance: generating $CUSTOMERS customers due today"
"$PYTHON" "$REPO_DIR/scripts/acceptance.py" prepare --customers "$CUSTOMERS" --slice 50 \
    -- $(odoo_args "$DB") \
    >"$WORK/prepare.log" 2>&1 || { tail -n 30 "$WORK/prepare.log" >&2; die "preparing the data failed"; }
grep '^prepared' "$WORK/prepare.log" >&2
# the same data for the queue_job phase, with queue_job (and so the bridge) installed and the setting on
createdb_from "$DB" "${DB}_qj" || die "could not copy $DB"
"$PYTHON" -m odoo $(odoo_args "${DB}_qj") -i queue_job --stop-after-init --max-cron-threads=0 \
    >"$WORK/queue_job_install.log" 2>&1 || { tail -n 30 "$WORK/queue_job_install.log" >&2; die "installing queue_job failed"; }
"$PYTHON" - "${DB}_qj" <<'EOF'
import sys
import psycopg2
with psycopg2.connect(dbname=sys.argv[1]) as conn:
    conn.cursor().execute(
        "INSERT INTO ir_config_parameter (key, value) VALUES ('account_dunning_queue_job.enabled', 'True') "
        "ON CONFLICT (key) DO UPDATE SET value = 'True'"
    )
EOF

# one server run: start, drive the two jobs through the cron runner, stop, check
serve_and_check() {
    local db=$1 label=$2 queue_flag=$3 port started rc=0
    shift 3
    port=$(free_port)
    started=$SECONDS
    "$PYTHON" "$REPO_DIR/scripts/odoo_server.py" $(odoo_args "$db") --db-filter="^${db}\$" --http-port="$port" --workers=2 \
        --max-cron-threads=1 --limit-time-real-cron=15 "$@" >"$WORK/$label.log" 2>&1 &
    SERVER=$!
    "$PYTHON" "$REPO_DIR/scripts/acceptance.py" drive --db "$db" --timeout 240 $queue_flag >&2 || rc=1
    kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; SERVER=
    "$PYTHON" "$REPO_DIR/scripts/acceptance.py" check --log "$WORK/$label.log" $queue_flag -- \
        $(odoo_args "$db") --log-level=warn >&2 || rc=1
    log "acceptance ($label): $((SECONDS - started)) s"
    if grep -E ' CRITICAL |Traceback' "$WORK/$label.log" | grep -v 'timeout after' | head -n 20 >&2; then rc=1; fi
    [ -n "${KEEP_LOG:-}" ] && cp "$WORK/$label.log" "${KEEP_LOG}.$label"
    return $rc
}

FAILED=0
log "acceptance (cron): prefork, 2 workers, 1 cron worker, --limit-time-real-cron=15"
serve_and_check "$DB" cron "" || FAILED=1
log "acceptance (queue_job): the same with queue_job and two job workers"
export ODOO_QUEUE_JOB_CHANNELS="root:2,root.account_dunning:2"
serve_and_check "${DB}_qj" queue_job --queue-job --load=base,web,queue_job || FAILED=1
[ "$FAILED" = 0 ] && log "acceptance: passed" || log "acceptance: FAILED"
exit "$FAILED"
