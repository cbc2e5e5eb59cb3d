from odoo import fields, models


class AccountDunningSimulationTimelineLine(models.TransientModel):
    _name = "account.dunning.simulation.timeline.line"
    _description = "Follow-up Simulation: a Day of One Customer's Timeline"
    _order = "side, day, sequence, id"

    # One thing that happened to the customer on a day: under a replayed policy (a follow-up sent, an invoice
    # becoming late, a tolerance changing and why, a follow-up held back and why), or in reality (a follow-up sent,
    # a payment).

    timeline_id = fields.Many2one("account.dunning.simulation.timeline", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="timeline_id.company_id", store=True)
    side = fields.Selection(
        [("policy", "Simulated Policy"), ("comparison", "Compared Policy"), ("real", "What Really Happened")],
        required=True,
    )
    policy_id = fields.Many2one("account.dunning.policy", ondelete="cascade")
    day = fields.Date(required=True)
    sequence = fields.Integer()
    kind = fields.Selection(
        [
            ("payment", "Payment"),
            ("late", "Invoice Late"),
            ("tolerance", "Customer's Tolerance"),
            ("invoice_tolerance", "Invoice's Tolerance"),
            ("followup", "Follow-up Sent"),
            ("held", "Follow-up Held Back"),
            ("real_followup", "Real Follow-up"),
        ],
        string="What",
        required=True,
    )
    level_id = fields.Many2one("account.dunning.level", string="Level Record")
    level = fields.Char(help="Scenario and level of the follow-up.")
    move_ids = fields.Many2many("account.move", string="Invoices")
    description = fields.Char(string="Details")
    warmup = fields.Boolean(
        string="Warm-up", help="A day of the warm-up, replayed before the period so that it starts with its history."
    )
