#!/usr/bin/env bash
# Screenshots of the real web client for the Apps page (static/description/*.png), with headless Chromium.
#
#   bash scripts/screenshots.sh [--rebuild-demo]
#
# Uses the demo database of scripts/demo.sh (built first when missing, or with --rebuild-demo) through a
# copy, account_dunning_demo_shots, dropped at the end: the demo itself is left as it is. The copy is set
# to the morning before the demo's last run (that run's follow-ups are taken back, and follow-ups wait for
# validation), so that Run Follow-ups Now shows a preview and leaves follow-ups to validate.
# Needs /usr/bin/chromium, pdftoppm (poppler-utils) and the Python package websocket-client. Odoo 18 draws
# with the system's fonts: install fonts-roboto-unhinted for the medium weights of titles and labels (Liberation
# Sans, often the only sans font of a server, has none, so they come out regular).
# Takes about 25 seconds once the demo exists. Writes its logs to .demo/screenshots_*.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB=account_dunning_demo
SHOTS_DB=${DB}_shots
REBUILD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rebuild-demo) REBUILD=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

STATE="$REPO_DIR/.demo"
mkdir -p "$STATE" && chmod 755 "$STATE"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (apt-get install chromium)"
command -v pdftoppm >/dev/null || die "pdftoppm is missing (apt-get install poppler-utils)"
"$PYTHON" -c 'import websocket' 2>/dev/null || die "the Python package websocket-client is missing"
require_odoo
ensure_requirements
link_module "$(persistent_addons_dir)"

# The private cluster is stopped at the end only when this script started it.
PG_WAS_RUNNING=0
as_pg_owner "$(pg_bin pg_ctl)" -D "$STATE/pg/data" status >/dev/null 2>&1 && PG_WAS_RUNNING=1
PG_PRIVATE=0
pg_ensure "$STATE/pg"
ODOO_DB_ARGS=(--addons-path="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges" "${DB_ARGS[@]}")
SERVER_PID=

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    "$PYTHON" -m odoo db "${ODOO_DB_ARGS[@]}" drop "$SHOTS_DB" >/dev/null 2>&1 || true
    if [ "$PG_PRIVATE" = 1 ] && [ "$PG_WAS_RUNNING" = 0 ]; then
        pg_stop_private "$STATE/pg"
    fi
}
trap cleanup EXIT

db_exists() {
    [ "$("$(pg_bin psql)" -d postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

if [ "$REBUILD" = 1 ] || ! db_exists "$DB" || ! ls "$REPO_DIR"/demo_output/letters/*.pdf >/dev/null 2>&1; then
    log "building the demo (scripts/demo.sh, about 2 minutes)"
    bash "$REPO_DIR/scripts/demo.sh" --db "$DB" >"$STATE/screenshots_demo.log" 2>&1 \
        || { tail -n 40 "$STATE/screenshots_demo.log" >&2; die "the demo failed (log: $STATE/screenshots_demo.log)"; }
fi

log "copying $DB to $SHOTS_DB, set to the morning before its last run"
"$PYTHON" -m odoo db "${ODOO_DB_ARGS[@]}" duplicate -f "$DB" "$SHOTS_DB" >"$STATE/screenshots_copy.log" 2>&1 \
    || { tail -n 20 "$STATE/screenshots_copy.log" >&2; die "could not copy $DB"; }
"$(pg_bin psql)" -d "$SHOTS_DB" -qtA -v ON_ERROR_STOP=1 -f "$REPO_DIR/scripts/screenshots_rewind.sql" >/dev/null \
    || die "could not set $SHOTS_DB back to the morning before its last run"

PORT=$(free_port)
rm -f "$STATE/screenshots_odoo.log"
log "starting Odoo on http://127.0.0.1:$PORT (log: $STATE/screenshots_odoo.log)"
"$PYTHON" -m odoo -d "$SHOTS_DB" "${ODOO_DB_ARGS[@]}" --http-port="$PORT" --http-interface=127.0.0.1 \
    --db-filter="^$SHOTS_DB\$" --max-cron-threads=0 --workers=0 --log-level=warn \
    --logfile="$STATE/screenshots_odoo.log" &
SERVER_PID=$!

log "taking the screenshots with headless Chromium"
"$PYTHON" "$REPO_DIR/scripts/screenshots.py" --url "http://127.0.0.1:$PORT" --db "$SHOTS_DB" \
    --out "$REPO_DIR/static/description" --letters "$REPO_DIR/demo_output/letters" --debug-dir "$STATE"
if grep -E ' (ERROR|CRITICAL) ' "$STATE/screenshots_odoo.log"; then
    die "the Odoo server logged errors while the screenshots were taken (log: $STATE/screenshots_odoo.log)"
fi
log "done: static/description/*.png"
