#!/usr/bin/env bash
# Benchmark of the daily run through a real Odoo server with the default worker limits.
#
#   bash scripts/bench_server.sh [--size N] [--queue-job]
#
# Copies the benchmark database account_dunning_bench_<N>x (build it first with `bash scripts/bench.sh --size N`),
# gives its customers an email address, their payment behaviour and sending on, starts Odoo in prefork mode
# (--workers=2 --max-cron-threads=1, default time limits), sets the daily run's next call to now and waits until
# the cron runner has finished it; with --queue-job, queue_job is installed in the copy and the run queues one job
# per slice of 200 customers, run by two job workers (channel capacity 2). Prints the wall time, the SQL
# statements executed in the database (pg_stat_statements) and the checks of scripts/acceptance.py: one follow-up
# per customer due, no failed job. The copy is dropped at the end.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE=1
QUEUE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --queue-job) QUEUE=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

STATE="$REPO_DIR/.bench"
require_odoo
[ "$QUEUE" = 1 ] && ensure_queue_job
link_module "$(persistent_addons_dir)"
PG_PRIVATE=0
pg_ensure "$STATE/pg"
SOURCE="account_dunning_bench_${SIZE}x"
DB="${SOURCE}_server"
LOG="$STATE/server_${SIZE}x_$([ "$QUEUE" = 1 ] && echo queue_job || echo cron).log"
ADDONS="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges"
ODOO=(-d "$DB" --addons-path="$ADDONS" "${DB_ARGS[@]}")
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    pg_drop_db "$DB" >/dev/null 2>&1
}
trap cleanup EXIT

# counting statements needs pg_stat_statements loaded by the server (a private cluster is restarted once for it)
psql_do() { "$(pg_bin psql)" -qtAX -d "$1" -c "$2"; }
if [ "$(psql_do postgres 'SHOW shared_preload_libraries')" != pg_stat_statements ]; then
    [ "$PG_PRIVATE" = 1 ] || die "load pg_stat_statements in the PostgreSQL server first (shared_preload_libraries)"
    psql_do postgres "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    pg_stop_private "$STATE/pg" && pg_start_private "$STATE/pg"
fi
createdb_from "$SOURCE" "$DB" || die "no $SOURCE: build it with bash scripts/bench.sh --size $SIZE"
INSTALL=(-u "$MODULE")
[ "$QUEUE" = 1 ] && INSTALL+=(-i queue_job)
"$PYTHON" -m odoo "${ODOO[@]}" "${INSTALL[@]}" --stop-after-init \
    --max-cron-threads=0 --log-level=warn >"$STATE/server_update.log" 2>&1 \
    || { tail -n 30 "$STATE/server_update.log" >&2; die "updating $DB failed"; }
if [ "$QUEUE" = 1 ]; then
    psql_do "$DB" "INSERT INTO ir_config_parameter (key, value) VALUES ('account_dunning_queue_job.enabled', 'True')"
    export ODOO_QUEUE_JOB_CHANNELS="root:2,root.account_dunning:2"
fi
"$PYTHON" "$REPO_DIR/scripts/acceptance.py" prepare --customers 0 --run-only -- "${ODOO[@]}" --log-level=warn \
    || die "preparing $DB failed"
psql_do "$DB" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$REPO_DIR/scripts/odoo_server.py" "${ODOO[@]}" --db-filter="^${DB}\$" --http-port="$(free_port)" \
    --workers=2 --max-cron-threads=1 --log-level=info \
    $([ "$QUEUE" = 1 ] && echo --load=base,web,queue_job) >"$LOG" 2>&1 &
SERVER=$!
sleep 5
psql_do "$DB" "SELECT pg_stat_statements_reset()" >/dev/null
"$PYTHON" "$REPO_DIR/scripts/acceptance.py" drive --db "$DB" --run-only --timeout 3000 \
    $([ "$QUEUE" = 1 ] && echo --queue-job)
STATEMENTS=$(psql_do "$DB" "SELECT SUM(calls) || ' (of which SAVEPOINT/RELEASE: ' || COALESCE(SUM(calls) FILTER (
                            WHERE query ~* '^(SAVEPOINT|RELEASE|ROLLBACK TO)'), 0) || ')' FROM pg_stat_statements s
                            JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$DB'")
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=
echo "SQL statements in $DB during the run: $STATEMENTS"
"$PYTHON" "$REPO_DIR/scripts/acceptance.py" check --run-only --log "$LOG" $([ "$QUEUE" = 1 ] && echo --queue-job) \
    -- "${ODOO[@]}" --log-level=warn
