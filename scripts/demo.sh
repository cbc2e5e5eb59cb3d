#!/usr/bin/env bash
# (Re)builds the demo database and runs the module's daily job on it.
#
#   bash scripts/demo.sh [--db NAME] [--today YYYY-MM-DD]
#
# PostgreSQL: the server of the PG* variables when it answers, otherwise a private
# cluster kept in .demo/pg (started again when needed, left running for the browser).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB=account_dunning_demo
DEMO_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --db) DB="$2"; shift 2 ;;
        --today) DEMO_ARGS+=(--today "$2"); shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

STATE="$REPO_DIR/.demo"
mkdir -p "$STATE" && chmod 755 "$STATE"
require_odoo
ensure_requirements
link_module "$(persistent_addons_dir)"
PG_PRIVATE=0
pg_ensure "$STATE/pg"
# bridges: the Collections dashboard (account_dunning_spreadsheet_dashboard) installs itself with Odoo's Dashboards
# app, which Odoo's accounting dashboards (spreadsheet_dashboard_account) bring with Invoicing
ODOO_ARGS=(-d "$DB" --addons-path="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges" "${DB_ARGS[@]}" --max-cron-threads=0)

log "rebuilding database $DB"
pg_drop_db "$DB"
"$PYTHON" -m odoo "${ODOO_ARGS[@]}" -i "$MODULE" --without-demo=all --load-language=en_US,fr_FR \
    --stop-after-init --log-level=warn >"$STATE/install.log" 2>&1 \
    || { tail -n 40 "$STATE/install.log" >&2; die "installing $MODULE failed (log: $STATE/install.log)"; }
log "creating a year of invoices and payments, then running the daily job"
# a free port for the HTTP server that serves the letters' stylesheets to wkhtmltopdf while printing
PRINT_PORT=$(free_port)
"$PYTHON" "$REPO_DIR/scripts/demo.py" --out "$REPO_DIR/demo_output" "${DEMO_ARGS[@]}" -- "${ODOO_ARGS[@]}" \
    --http-port="$PRINT_PORT" --http-interface=127.0.0.1 --db-filter="^$DB\$" --log-level=warn \
    --log-handler=odoo.addons.base.models.ir_actions_report:ERROR

cat <<EOT

Open the demo in a browser:
  $PYTHON -m odoo ${ODOO_ARGS[*]} --http-port=8069
  then http://localhost:8069  (login: admin, password: admin)
EOT
if [ "$PG_PRIVATE" = 1 ]; then
    echo "The private PostgreSQL cluster keeps running; stop it with:"
    echo "  $( [ "$(id -u)" = 0 ] && echo 'runuser -u postgres -- ')$(pg_bin pg_ctl) -D $STATE/pg/data stop"
fi
