#!/usr/bin/env bash
# Runs account_dunning's lint and tests on a fresh database of real Odoo 18.
#
#   bash scripts/test.sh                       # lint + all tests + uninstall check
#   bash scripts/test.sh --tags /account_dunning:TestDunningEmail   # one class
#   bash scripts/test.sh --no-lint --tags dunning_bench/account_dunning  # benchmark
#   bash scripts/test.sh --long-acceptance     # the acceptance phase with 6,000 customers (default 1,500)
#   bash scripts/test.sh --no-acceptance       # without the acceptance phase (a real prefork server)
#   I18N_UPDATE=1 bash scripts/test.sh         # refresh i18n/*.pot and add new terms to fr.po
#
# PostgreSQL: the server of the PG* variables when it answers, otherwise a private
# throwaway cluster (initdb + pg_ctl in a temporary folder, Unix socket only) that
# is stopped and removed at the end, also on failure or interruption.
# Closing line: "N passed, N failed". Exit status non-zero on any failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAGS="/$MODULE"
LINT=1
UNINSTALL=1
ACCEPTANCE=--customers=1500
while [ $# -gt 0 ]; do
    case "$1" in
        --tags) TAGS="$2"; UNINSTALL=0; shift 2 ;;
        --no-lint) LINT=0; shift ;;
        --no-uninstall) UNINSTALL=0; shift ;;
        --no-acceptance) ACCEPTANCE=; shift ;;
        --long-acceptance) ACCEPTANCE=--long; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/${MODULE}_test.XXXXXX")
chmod 755 "$WORK"  # the private cluster runs as another user
PG_PRIVATE=0
CHILD=
LINT_PID=
ACCEPTANCE_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
    [ -n "$LINT_PID" ] && kill "$LINT_PID" 2>/dev/null && wait "$LINT_PID" 2>/dev/null
    [ -n "$ACCEPTANCE_PID" ] && kill "$ACCEPTANCE_PID" 2>/dev/null && wait "$ACCEPTANCE_PID" 2>/dev/null
    [ "$PG_PRIVATE" = 1 ] && pg_stop_private "$WORK/pg"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_odoo
ensure_requirements
ensure_queue_job
link_module "$WORK"
FAILED=0

# Phase timing: `phase NAME` closes the running phase (its seconds are kept) and opens the next one.
PHASE_NAMES=()
PHASE_SECONDS=()
PHASE_START=$SECONDS
phase() {
    local now=$SECONDS
    if [ ${#PHASE_NAMES[@]} -gt 0 ]; then PHASE_SECONDS+=($((now - PHASE_START))); fi
    PHASE_NAMES+=("$1")
    PHASE_START=$now
}
phase_summary() {
    local index summary=""
    phase end
    for index in "${!PHASE_SECONDS[@]}"; do
        summary+="${PHASE_NAMES[$index]} ${PHASE_SECONDS[$index]} s, "
    done
    log "time per phase: ${summary}total ${SECONDS} s"
}

run_lint() {
    local rc=0
    log "lint: ruff"
    (cd "$REPO_DIR" && "$PYTHON" -m ruff check . && "$PYTHON" -m ruff format --check .) || rc=1
    log "lint: file and function sizes (400 / 50 lines)"
    "$PYTHON" "$REPO_DIR/scripts/check_size.py" "$REPO_DIR" || rc=1
    log "lint: pylint-odoo (OCA mandatory checks)"
    (cd "$MODULE_ADDONS" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" "$MODULE") || rc=1
    (cd "$REPO_DIR/bridges" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" account_dunning_queue_job) || rc=1
    (cd "$REPO_DIR/bridges" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" account_dunning_spreadsheet_dashboard) || rc=1
    log "lint: $([ "$rc" = 0 ] && echo passed || echo FAILED)"
    return "$rc"
}

pg_ensure "$WORK/pg"
DB="${MODULE}_test_$$"
pg_drop_db "$DB"
ODOO_ARGS=(-d "$DB" --addons-path="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges" "${DB_ARGS[@]}"
           --without-demo=all --max-cron-threads=0 --log-level=info)
HTTP_PORT=$(free_port)

phase tests
if [ "$LINT" = 1 ]; then
    # The linters use one core for about 25 s: they run alongside the tests, their output shown after them.
    run_lint >"$WORK/lint.out" 2>&1 &
    LINT_PID=$!
fi
log "installing $MODULE with tests ($TAGS) on database $DB"
# in the background, so that a signal reaches the trap at once and the trap stops Odoo
"$PYTHON" -m odoo "${ODOO_ARGS[@]}" -i "$MODULE" --test-enable --test-tags "$TAGS" \
    --http-port="$HTTP_PORT" --stop-after-init >"$WORK/test.log" 2>&1 &
CHILD=$!
wait "$CHILD"
ODOO_RC=$?
CHILD=
LOGS=("$WORK/test.log")
if [ -n "$LINT_PID" ]; then
    wait "$LINT_PID" || FAILED=1
    LINT_PID=
    cat "$WORK/lint.out" >&2
fi
if [ "$TAGS" = "/$MODULE" ] && [ "$ODOO_RC" = 0 ] && [ -n "$ACCEPTANCE" ]; then
    # A real Odoo server in prefork mode runs the scheduled jobs under worker limits, through its cron runner and
    # then through queue_job (scripts/acceptance.sh), on a copy of the freshly installed database made now; it runs
    # alongside the optional-apps phase below (each on its own database) and is waited for after it.
    createdb_from "$DB" "${DB}_acceptance" || die "could not copy $DB for the acceptance"
    log "acceptance: started alongside the optional apps (scripts/acceptance.sh)"
    bash "$REPO_DIR/scripts/acceptance.sh" --template "${DB}_acceptance" ${ACCEPTANCE/=/ } \
        >"$WORK/acceptance.out" 2>&1 &
    ACCEPTANCE_PID=$!
fi
if [ "$TAGS" = "/$MODULE" ] && [ "$ODOO_RC" = 0 ]; then
    # Other apps are optional: the tests above ran without them. Now install Snailmail, Sales, Purchase, Expenses,
    # Point of Sale, the demo payment provider and queue_job (which brings the bridge account_dunning_queue_job) on
    # the same database and run the tests that need them: letters posted through Snailmail, salesmen, purchase
    # users, expense approvers and cashiers opening invoices, bills, expense entries and customers (the module must
    # neither require those apps nor break them), a customer paying online from its follow-up page in a browser,
    # and the queue jobs of the bridge.
    phase apps
    log "optional apps: installing Snailmail, Sales, Purchase, Expenses, Point of Sale, the demo payment provider and queue_job, then testing"
    "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -i snailmail,sale,purchase,hr_expense,point_of_sale,payment_demo,queue_job,spreadsheet_dashboard \
        --stop-after-init \
        >"$WORK/apps_install.log" 2>&1 &
    CHILD=$!; wait "$CHILD" || ODOO_RC=$?; CHILD=
    "$PYTHON" -m odoo "${ODOO_ARGS[@]}" --test-enable --http-port="$HTTP_PORT" --stop-after-init \
        --test-tags "dunning_apps/$MODULE,dunning_pay/$MODULE,/$MODULE:TestDunningLetters.test_sending_by_post_uses_snailmail_only_when_installed,/account_dunning_queue_job,/account_dunning_spreadsheet_dashboard" \
        >"$WORK/apps_test.log" 2>&1 &
    CHILD=$!; wait "$CHILD" || ODOO_RC=$?; CHILD=
    LOGS+=("$WORK/apps_install.log" "$WORK/apps_test.log")
    if grep -E ' (ERROR|CRITICAL) ' "$WORK/apps_install.log" >/dev/null; then FAILED=1; fi
fi
if [ -n "$ACCEPTANCE_PID" ]; then
    phase acceptance
    wait "$ACCEPTANCE_PID" || FAILED=1
    ACCEPTANCE_PID=
    cat "$WORK/acceptance.out" >&2
    pg_drop_db "${DB}_acceptance" >/dev/null 2>&1
fi
grep -h -E ' (WARNING|ERROR|CRITICAL) |FAIL:|Traceback' "${LOGS[@]}" | head -n 200 >&2
"$PYTHON" "$REPO_DIR/scripts/check_log.py" "$WORK/test.log" "${LOGS[@]:2}" >"$WORK/result.txt"
RESULT_RC=$?
[ "$ODOO_RC" = 0 ] || { log "Odoo exited with status $ODOO_RC"; FAILED=1; }
[ "$RESULT_RC" = 0 ] || FAILED=1
[ -n "${KEEP_LOG:-}" ] && cp "$WORK/test.log" "$KEEP_LOG"

# I18N_UPDATE refreshes the terms even when a test fails: a test of the French texts needs them first
if [ "$UNINSTALL" = 1 ] && { [ "$RESULT_RC" = 0 ] || [ -n "${I18N_UPDATE:-}" ]; }; then
    phase i18n
    log "i18n: comparing i18n/ with the terms of the installed module"
    "$PYTHON" "$REPO_DIR/scripts/odoo_task.py" export-pot "$WORK/exported.pot" -- "${ODOO_ARGS[@]}" \
        >"$WORK/i18n.log" 2>&1 || { cat "$WORK/i18n.log" >&2; FAILED=1; }
    # a source file whose terms Odoo cannot extract is logged as an ERROR and left out of the template
    if grep -A3 -E ' (ERROR|CRITICAL) ' "$WORK/i18n.log" >&2; then FAILED=1; fi
    "$PYTHON" "$REPO_DIR/scripts/check_i18n.py" "$WORK/exported.pot" ${I18N_UPDATE:+--fix} >&2 || FAILED=1
    phase uninstall
    log "uninstall check"
    "$PYTHON" "$REPO_DIR/scripts/odoo_task.py" uninstall -- "${ODOO_ARGS[@]}" >"$WORK/uninstall.log" 2>&1 \
        || { tail -n 40 "$WORK/uninstall.log" >&2; FAILED=1; }
    if grep -E ' (ERROR|CRITICAL) ' "$WORK/uninstall.log" >&2; then FAILED=1; fi
fi

pg_drop_db "$DB" >/dev/null 2>&1
grep '^PROBLEM:' "$WORK/result.txt" >&2
phase_summary
[ "$FAILED" = 0 ] || log "FAILED (see the messages above)"
grep -v '^PROBLEM:' "$WORK/result.txt"
exit "$FAILED"
