from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """The merged customer keeps its follow-ups (moved by the foreign keys) and gets its payment figures
        recomputed from all the invoices it now holds, instead of copies of another customer's figures."""
        result = super(BasePartnerMergeAutomaticWizard, self.with_context(dunning_partner_merge=True))._update_values(
            src_partners, dst_partner.with_context(dunning_partner_merge=True)
        )
        companies = self.env["res.company"].sudo().search([("id", "!=", False)])
        # sudo: the figures are bookkeeping of the merge, whoever merges
        dst_partner.commercial_partner_id.sudo()._dunning_recompute_payment_stats(companies)
        return result
