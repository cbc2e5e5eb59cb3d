from odoo import api, models
from odoo.tools import SQL


class AccountDunningReportMixin(models.AbstractModel):
    _name = "account.dunning.report.mixin"
    _description = "Follow-up Report Queries"

    # The follow-up reports are SQL views whose plans PostgreSQL estimates as costly: its JIT compilation (on by
    # default from PostgreSQL 12) then takes longer than the queries themselves (0.4 s of compilation for a 0.15 s
    # grouped read of the effectiveness at 4x). The reads of these reports switch it off for their transaction.
    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self._dunning_without_jit()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._dunning_without_jit()
        # reading the records checks their company (record rules): fetched with them, not by a second query of the view
        if "company_id" in self._fields and "company_id" not in field_names:
            field_names = [*field_names, "company_id"]
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _dunning_without_jit(self):
        """No JIT compilation for the rest of the transaction (SET LOCAL: it ends with the request)."""
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
