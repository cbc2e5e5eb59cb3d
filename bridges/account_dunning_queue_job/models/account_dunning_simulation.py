from odoo import api, models
from odoo.addons.queue_job.exception import RetryableJobError

#: seconds a simulation's job waits while another simulation runs
BUSY_RETRY_SECONDS = 60


class AccountDunningSimulation(models.Model):
    _inherit = "account.dunning.simulation"

    # With queue_job, each queued simulation is one queue job (channel root.account_dunning, see
    # data/queue_job_data.xml) instead of a call of the scheduled action; the scheduled action still puts back, every
    # hour, the simulations whose worker died, which queues a new job for them.

    def _dunning_enqueue(self):
        """One queue job per queued simulation: the job workers run it (one simulation at a time)."""
        for simulation in self:
            simulation.with_delay(
                description=f"Follow-up policy simulation: {simulation.name}",
                identity_key=f"account_dunning:simulation:{simulation.id}:{simulation.attempt_count}",
            )._dunning_queue_simulation()

    @api.model
    def _dunning_next_queued(self):
        """The job workers run the queued simulations: the scheduled action leaves them alone."""
        return self.browse()

    def _dunning_queue_simulation(self):
        """Queue job: run the simulation in the background; a simulation no longer queued (cancelled, deleted, or run
        by an earlier try of the job) is left alone, and the job comes back later while another simulation runs."""
        self.ensure_one()
        if not self.exists():
            return "Simulation deleted"
        status = self._dunning_run_job()
        if status == "busy":
            raise RetryableJobError("Another follow-up simulation is running", BUSY_RETRY_SECONDS, ignore_retry=True)
        return f"Simulation {self.name}: {status}"
