#!/usr/bin/env bash
# Runs account_dunning's lint and tests on a fresh database of real Odoo 18.
#
#   bash scripts/test.sh                       # lint, tests, optional apps, acceptance, i18n and uninstall checks
#   bash scripts/test.sh --tags /account_dunning:TestDunningEmail   # one class (and the lint; --no-lint without)
#   bash scripts/test.sh --long-acceptance     # the acceptance phase with 6,000 customers (default 1,500)
#   bash scripts/test.sh --no-acceptance       # without the acceptance phase (a real prefork server)
#   I18N_UPDATE=1 bash scripts/test.sh         # refresh i18n/*.pot and add new terms to fr.po
#
# The module is installed once (the linters alongside); copies of that database then take the optional apps, the
# acceptance and the i18n and uninstall checks while the tests run on it, in parallel. It installs nothing in
# Python: a requirement of requirements.txt missing stops it, naming it. Browser tours need Chromium.
# PostgreSQL: the server of the PG* variables when it answers, otherwise a private throwaway cluster (initdb +
# pg_ctl in a temporary folder, Unix socket only), stopped and removed at the end, also on failure or interruption.
# Closing lines: "N tours ran (of N)", "N passed, N failed, N skipped". Exit status non-zero on any failure, on any
# skipped test and when fewer browser tours ran than exist. The benchmark is scripts/bench.sh.
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
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
# the whole suite: the optional apps and the acceptance run too (on copies of the installed database)
FULL=0
[ "$TAGS" = "/$MODULE" ] && FULL=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/${MODULE}_test.XXXXXX")
chmod 755 "$WORK"  # the private cluster runs as another user
PG_PRIVATE=0
CHILD=
JOBS=()
cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    [ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
    for pid in "${JOBS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${JOBS[@]}"; do wait "$pid" 2>/dev/null; done
    [ "$PG_PRIVATE" = 1 ] && pg_stop_private "$WORK/pg"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- phases: each one's start, end and CPU time are kept in $WORK/phases -------------------------------------

# Runs "$@" in the background and waits for it: a signal then reaches the trap at once, which stops it.
run_child() {
    "$@" &
    CHILD=$!
    wait "$CHILD"
    local rc=$?
    CHILD=
    return "$rc"
}

# `timed NAME COMMAND...`: runs the command, then notes its wall and CPU seconds (those of the processes it waited
# for: Odoo, Chromium, the linters; PostgreSQL's are counted apart).
timed() {
    local name=$1 start=$SECONDS rc
    shift
    # `times` in the shell itself: in a pipe or in $(...) it would report a subshell, which waited for nothing
    times >"$WORK/times.$name.start"
    "$@"
    rc=$?
    times >"$WORK/times.$name.end"
    printf '%s %s %s %s %s\n' "$name" "$start" "$SECONDS" "$(cpu_between "$WORK/times.$name.start" "$WORK/times.$name.end")" \
        "$rc" >>"$WORK/phases"
    return "$rc"
}

# The CPU seconds (user and system) of the waited-for processes between two outputs of `times`.
cpu_between() {
    tail -q -n 1 "$1" "$2" | awk '
        { seconds = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); seconds += t[1] * 60 + t[2] } }
        NR == 1 { first = seconds }
        END { printf "%d", seconds - first }'
}

# `job NAME FUNCTION...`: runs `timed NAME FUNCTION...` in a background subshell (its output in $WORK/NAME.out),
# which stops its running command when it is stopped.
job() {
    local name=$1
    shift
    (
        CHILD=
        trap '[ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null; exit 143' TERM
        timed "$name" "$@"
    ) >"$WORK/$name.out" 2>&1 &
    JOBS+=($!)
}

# Waits for every job; non-zero when one failed.
wait_jobs() {
    local pid rc=0
    for pid in "${JOBS[@]}"; do wait "$pid" || rc=1; done
    JOBS=()
    return "$rc"
}

phase_summary() {
    local pg_cpu=
    if [ "$PG_PRIVATE" = 1 ]; then
        pg_cpu=$(pg_cpu_seconds "$WORK/pg")
    fi
    awk -v total="$SECONDS" -v pg="$pg_cpu" '
        { printf "  %-11s %4d s  (from %3d s to %3d s, CPU %3d s)%s\n", $1, $3 - $2, $2, $3, $4, ($5 == 0 ? "" : "  FAILED") }
        END { printf "  total       %4d s%s\n", total, (pg == "" ? "" : sprintf("  (PostgreSQL CPU %d s)", pg)) }
    ' <(sort -n -k 2 "$WORK/phases") | { log "time per phase (wall; CPU of its own processes):"; cat >&2; }
}

# --- the jobs ---------------------------------------------------------------------------------------------------

run_lint() {
    local rc=0
    log "lint: ruff"
    (cd "$REPO_DIR" && "$PYTHON" -m ruff check . && "$PYTHON" -m ruff format --check .) || rc=1
    log "lint: file and function sizes (400 / 50 lines)"
    "$PYTHON" "$REPO_DIR/scripts/check_size.py" "$REPO_DIR" || rc=1
    log "lint: pylint-odoo (OCA mandatory checks)"
    (cd "$MODULE_ADDONS" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" "$MODULE") || rc=1
    (cd "$REPO_DIR/bridges" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" account_dunning_queue_job) || rc=1
    (cd "$REPO_DIR/bridges" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" account_dunning_sale) || rc=1
    (cd "$REPO_DIR/bridges" && "$PYTHON" -m pylint --rcfile="$REPO_DIR/.pylintrc" account_dunning_spreadsheet_dashboard) || rc=1
    log "lint: $([ "$rc" = 0 ] && echo passed || echo FAILED)"
    return "$rc"
}

install_module() {
    log "installing $MODULE on database $DB"
    run_child "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -d "$DB" -i "$MODULE" --stop-after-init >"$WORK/install.log" 2>&1 \
        || { tail -n 40 "$WORK/install.log" >&2; log "installing $MODULE failed"; return 1; }
}

run_tests() {
    log "tests ($TAGS) on database $DB"
    run_child "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -d "$DB" --test-enable --test-tags "$TAGS" --http-port="$(free_port)" \
        --stop-after-init "$@" >"$WORK/test.log" 2>&1
}

# Other apps are optional: the tests ran without them. On a copy of the installed database, install Snailmail,
# Sales, Purchase, Expenses, Point of Sale, the demo payment provider and queue_job (which brings the bridge
# account_dunning_queue_job), then run the tests that need them: letters posted through Snailmail, salesmen,
# purchase users, expense approvers and cashiers opening invoices, bills, expense entries and customers (the module
# must neither require those apps nor break them), a customer paying online from its follow-up page in a browser,
# and the queue jobs of the bridge.
run_apps() {
    local db=${DB}_apps
    log "optional apps: installing Snailmail, Sales, Purchase, Expenses, Point of Sale, the demo payment provider and queue_job"
    run_child "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -d "$db" \
        -i snailmail,sale,purchase,hr_expense,point_of_sale,payment_demo,queue_job,spreadsheet_dashboard --stop-after-init \
        >"$WORK/apps_install.log" 2>&1 || return 1
    log "optional apps: tests ($APPS_TAGS)"
    run_child "$PYTHON" -m odoo "${ODOO_ARGS[@]}" -d "$db" --test-enable --test-tags "$APPS_TAGS" \
        --http-port="$(free_port)" --stop-after-init >"$WORK/apps_test.log" 2>&1
}

# A real Odoo server in prefork mode runs the scheduled jobs under worker limits, through its cron runner and then
# through queue_job (scripts/acceptance.sh), on a copy of the installed database.
run_acceptance() {
    log "acceptance (scripts/acceptance.sh $ACCEPTANCE)"
    run_child bash "$REPO_DIR/scripts/acceptance.sh" --template "${DB}_acceptance" ${ACCEPTANCE/=/ }
}

# On a copy of the installed database: the terms of i18n/ against those of the module, then the uninstall.
run_i18n_uninstall() {
    local db=${DB}_i18n rc=0
    log "i18n: comparing i18n/ with the terms of the installed module"
    run_child "$PYTHON" "$REPO_DIR/scripts/odoo_task.py" export-pot "$WORK/exported.pot" -- "${ODOO_ARGS[@]}" -d "$db" \
        >"$WORK/i18n.log" 2>&1 || { cat "$WORK/i18n.log"; rc=1; }
    # a source file whose terms Odoo cannot extract is logged as an ERROR and left out of the template
    if grep -A3 -E ' (ERROR|CRITICAL) ' "$WORK/i18n.log"; then rc=1; fi
    "$PYTHON" "$REPO_DIR/scripts/check_i18n.py" "$WORK/exported.pot" ${I18N_UPDATE:+--fix} || rc=1
    log "uninstall check"
    run_child "$PYTHON" "$REPO_DIR/scripts/odoo_task.py" uninstall -- "${ODOO_ARGS[@]}" -d "$db" \
        >"$WORK/uninstall.log" 2>&1 || { tail -n 40 "$WORK/uninstall.log"; rc=1; }
    if grep -E ' (ERROR|CRITICAL) ' "$WORK/uninstall.log"; then rc=1; fi
    return "$rc"
}

# --- the run ----------------------------------------------------------------------------------------------------

prepare() {
    require_odoo
    check_requirements
    [ "$FULL" = 1 ] && ensure_queue_job
    link_module "$WORK"
    pg_ensure "$WORK/pg"
}
timed prepare prepare
DB="${MODULE}_test_$$"
pg_drop_db "$DB"
ODOO_ARGS=(--addons-path="$ODOO_ADDONS,$MODULE_ADDONS,$REPO_DIR/bridges" "${DB_ARGS[@]}"
           --without-demo=all --max-cron-threads=0 --log-level=info)
APPS_TAGS="dunning_apps/$MODULE,dunning_pay/$MODULE,/$MODULE:TestDunningLetters.test_sending_by_post_uses_snailmail_only_when_installed,/account_dunning_queue_job,/account_dunning_sale,/account_dunning_spreadsheet_dashboard"
FAILED=0
# The linters use one core for about 25 s: they run alongside the install, their output shown at the end.
[ "$LINT" = 1 ] && job lint run_lint
# the logs of the test runs (with the modules and tags that each ran), and those of installs without tests
RUNS=(--run "$WORK/test.log" "$MODULE" "$TAGS")
INSTALL_LOGS=()
if [ "$FULL" = 1 ]; then
    RUNS+=(--run "$WORK/apps_test.log" "$MODULE,account_dunning_queue_job,account_dunning_sale,account_dunning_spreadsheet_dashboard" "$APPS_TAGS")
    INSTALL_LOGS=("$WORK/install.log" "$WORK/apps_install.log")
    if timed install install_module; then
        createdb_from "$DB" "${DB}_apps" || die "could not copy $DB"
        [ -n "$ACCEPTANCE" ] && { createdb_from "$DB" "${DB}_acceptance" || die "could not copy $DB"; }
        [ "$UNINSTALL" = 1 ] && { createdb_from "$DB" "${DB}_i18n" || die "could not copy $DB"; }
        job apps run_apps
        [ -n "$ACCEPTANCE" ] && job acceptance run_acceptance
        [ "$UNINSTALL" = 1 ] && job i18n run_i18n_uninstall
        timed tests run_tests
    else
        FAILED=1
    fi
else
    # one class or a few: install and test in one Odoo process
    timed tests run_tests -i "$MODULE"
fi
wait_jobs || FAILED=1
for name in lint apps acceptance i18n; do
    [ -s "$WORK/$name.out" ] && cat "$WORK/$name.out" >&2
done
for db in "$DB" "${DB}_apps" "${DB}_acceptance" "${DB}_i18n"; do pg_drop_db "$db" >/dev/null 2>&1; done

grep -h -E ' (WARNING|ERROR|CRITICAL) |FAIL:|Traceback' "${INSTALL_LOGS[@]}" "$WORK"/*test.log 2>/dev/null \
    | head -n 200 >&2
"$PYTHON" "$REPO_DIR/scripts/check_log.py" "${RUNS[@]}" --log "${INSTALL_LOGS[@]}" >"$WORK/result.txt" || FAILED=1
if [ -n "${KEEP_LOG:-}" ]; then
    cp "$WORK/test.log" "$KEEP_LOG" 2>/dev/null
    for name in install apps_install apps_test; do
        [ -f "$WORK/$name.log" ] && cp "$WORK/$name.log" "$KEEP_LOG.$name"
    done
fi
grep '^PROBLEM:' "$WORK/result.txt" >&2
phase_summary
[ "$FAILED" = 0 ] || log "FAILED (see the messages above)"
grep -v '^PROBLEM:' "$WORK/result.txt"
exit "$FAILED"
