"""Scheduled actions driven the way Odoo's cron runner drives them (odoo/addons/base/models/ir_cron.py: _run_job,
_add_progress, _callback), on cursors of their own: the jobs commit exactly as in production.

``registry.enter_test_mode()`` makes ``registry.cursor()`` return a TestCursor on the test's transaction: its
commit() releases a savepoint, its rollback() returns to the last commit, and a cursor closed by an exception goes
back to its last commit, as PostgreSQL does with the transaction of a killed worker.
"""

from contextlib import suppress

from odoo import api
from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB


def enter_test_mode(case):
    """Give the test cursors of its own transaction (HttpCase classes already have them)."""
    if case.registry.test_cr is None:
        case.registry.enter_test_mode(case.cr)
        case.addCleanup(case.registry.leave_test_mode)


def run_cron(case, xmlid, lastcall=False):
    """One run of a scheduled action by a cron worker: a cursor of its own; up to MAX_BATCH_PER_CRON_JOB calls, each
    with a new progress record committed before it, committed after it; the runner stops once the job reports nothing
    left (or no progress at all). Returns the progress records of the calls, read in the test's environment.

    An exception that is not an ``Exception`` (a worker killed by its time limit) ends the run where it stands:
    nothing after it runs, and the cursor goes back to its last commit."""
    enter_test_mode(case)
    case.env.flush_all()
    cron = case.env.ref(xmlid)
    progress_ids = []
    try:
        with case.registry.cursor() as job_cr:
            env = api.Environment(job_cr, cron.user_id.id, {"lastcall": lastcall, "cron_id": cron.id})
            job = env["ir.cron"].browse(cron.id)
            for _call in range(MAX_BATCH_PER_CRON_JOB):
                job, progress = job._add_progress(timed_out_counter=0)
                job_cr.commit()  # pylint: disable=invalid-commit
                progress_ids.append(progress.id)
                # a failed call is logged (and rolled back) by _callback; the runner goes on after it only when the
                # job had committed some progress
                with suppress(Exception):
                    job._callback(job.cron_name, job.ir_actions_server_id.id)
                job_cr.commit()  # pylint: disable=invalid-commit
                if not (progress.done and progress.remaining):
                    break
    finally:
        case.env.invalidate_all()
    return case.env["ir.cron.progress"].browse(progress_ids)


def run_manually(case, xmlid):
    """The scheduled action's Run Manually button (ir.cron.method_direct_trigger), in a request cursor of its own."""
    enter_test_mode(case)
    case.env.flush_all()
    try:
        with case.registry.cursor() as request_cr:
            case.env(cr=request_cr).ref(xmlid).method_direct_trigger()
    finally:
        case.env.invalidate_all()
