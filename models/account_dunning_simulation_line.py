from odoo import fields, models


class AccountDunningSimulationLine(models.Model):
    _name = "account.dunning.simulation.line"
    _description = "Follow-up Policy Simulation: Follow-ups"
    _order = "simulation_id, side, month, level, channel"

    # The follow-ups a simulated policy sent, per month, level and channel (a follow-up by email and letter is on
    # two lines: read the totals per channel): the pivot and graph of a simulation.

    simulation_id = fields.Many2one("account.dunning.simulation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="simulation_id.company_id", store=True, index=True)
    side = fields.Selection(
        [("policy", "Policy"), ("comparison", "Comparison")], string="Policy Simulated", required=True
    )
    policy_id = fields.Many2one("account.dunning.policy", required=True, ondelete="cascade")
    month = fields.Date(required=True)
    level = fields.Char(required=True, help="Scenario and level of the follow-ups.")
    formal_notice = fields.Boolean()
    channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("letter", "Letter"), ("phone", "Phone call"), ("none", "No channel")],
        required=True,
    )
    followup_count = fields.Integer(string="Follow-ups", aggregator="sum")
