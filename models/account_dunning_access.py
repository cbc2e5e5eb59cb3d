import re
import secrets

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..tools.security import BILLING, check_billing

#: random bytes of a link's token: 43 URL-safe characters, 256 bits that nobody guesses
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
#: requests per link and hour: page views and downloads, and the forms the customer sends
RATE_LIMITS = {"view": 300, "post": 30}


class AccountDunningAccess(models.Model):
    _name = "account.dunning.access"
    _description = "Customer Follow-up Page Link"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    token = fields.Char(required=True, readonly=True, copy=False, index=True, groups=BILLING)
    url = fields.Char(string="Page Link", compute="_compute_url", groups=BILLING)
    expiry_date = fields.Date(string="Valid Until", required=True, readonly=True)
    revoked = fields.Boolean(readonly=True, copy=False, help="A revoked link opens nothing any more.")
    revoked_uid = fields.Many2one("res.users", string="Revoked By", readonly=True, copy=False)
    last_used = fields.Datetime(string="Last Opened", readonly=True, copy=False)
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")], compute="_compute_state"
    )
    rate_window_start = fields.Datetime(readonly=True, copy=False)
    rate_view_count = fields.Integer(string="Views this Hour", readonly=True, copy=False)
    rate_post_count = fields.Integer(string="Answers this Hour", readonly=True, copy=False)

    _sql_constraints = [("token_unique", "UNIQUE(token)", "A follow-up page link token is unique.")]

    @api.depends("token", "company_id")
    def _compute_url(self):
        for access in self:
            access.url = f"{access.company_id.get_base_url()}/followup/{access.token}" if access.token else False

    @api.depends("revoked", "expiry_date")
    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for access in self:
            if access.revoked:
                access.state = "revoked"
            else:
                access.state = "valid" if access.expiry_date and access.expiry_date >= today else "expired"

    @api.depends("partner_id", "expiry_date")
    def _compute_display_name(self):
        for access in self:
            access.display_name = self.env._(
                "%(customer)s, until %(date)s",
                customer=access.partner_id.display_name,
                date=format_date(self.env, access.expiry_date),
            )

    @api.model
    def _dunning_new_token(self):
        """A long random token from the operating system's secure generator."""
        return secrets.token_urlsafe(TOKEN_BYTES)

    @api.model
    def _dunning_get_for(self, partners, company):
        """A valid page link per customer of the company, made when the customer has none valid for at least half
        the company's validity: {commercial partner id: link (sudo)}. One search and at most one create per batch.
        """
        commercials = partners.commercial_partner_id
        if not commercials:
            return {}
        today = fields.Date.context_today(self)
        validity = company.dunning_page_validity_days
        # sudo: links are made by the module (the run, a letter, the customer's own portal), never typed by users
        access_model = self.sudo()
        existing = access_model.search(
            [
                ("partner_id", "in", commercials.ids),
                ("company_id", "=", company.id),
                ("revoked", "=", False),
                ("expiry_date", ">=", fields.Date.add(today, days=(validity + 1) // 2)),
            ],
            order="expiry_date desc, id desc",
        )
        links = {}
        for access in existing:
            links.setdefault(access.partner_id.id, access)
        missing = commercials.filtered(lambda partner: partner.id not in links)
        created = access_model.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "token": self._dunning_new_token(),
                    "expiry_date": fields.Date.add(today, days=validity),
                }
                for partner in missing
            ]
        )
        links.update({access.partner_id.id: access for access in created})
        return links

    @api.model
    def _dunning_find(self, token):
        """The valid link of a token (sudo), or an empty recordset: unknown, badly formed, expired or revoked."""
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            return self.browse()
        # sudo: the visitor is anonymous; the token itself is the authorisation, checked here
        access = self.sudo().search([("token", "=", token)], limit=1)
        if not access or access.revoked or access.expiry_date < fields.Date.context_today(self):
            return self.browse()
        return access

    def _dunning_hit(self, kind):
        """Count a request on this link (view or post) in the current hour; False when over the limit.

        One atomic UPDATE: concurrent requests are all counted, and the window restarts after an hour.
        """
        self.ensure_one()
        column = "rate_view_count" if kind == "view" else "rate_post_count"
        fnames = ["rate_view_count", "rate_post_count", "rate_window_start", "last_used"]
        self.flush_recordset(fnames)
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_dunning_access
                   SET rate_view_count = CASE WHEN fresh THEN 0 ELSE rate_view_count END + %(view)s,
                       rate_post_count = CASE WHEN fresh THEN 0 ELSE rate_post_count END + %(post)s,
                       rate_window_start = CASE WHEN fresh THEN now() AT TIME ZONE 'UTC' ELSE rate_window_start END,
                       last_used = now() AT TIME ZONE 'UTC'
                  FROM (SELECT rate_window_start IS NULL
                               OR rate_window_start < (now() AT TIME ZONE 'UTC') - interval '1 hour' AS fresh
                          FROM account_dunning_access WHERE id = %(id)s) AS rate
                 WHERE id = %(id)s
             RETURNING %(column)s
                """,
                view=int(kind == "view"),
                post=int(kind != "view"),
                id=self.id,
                column=SQL.identifier(column),
            )
        )
        count = self.env.cr.fetchone()[0]
        self.invalidate_recordset(fnames)
        return count <= RATE_LIMITS["view" if kind == "view" else "post"]

    def action_revoke(self):
        """Revoke these links: they open nothing any more (the next reminder carries a new one)."""
        check_billing(self.env)
        # sudo: links are written by the module only; billing users revoke them through this button
        self.sudo().write({"revoked": True, "revoked_uid": self.env.uid})
        return True

    def action_open_page(self):
        """Open the customer's follow-up page as the customer sees it."""
        self.ensure_one()
        check_billing(self.env)
        return {"type": "ir.actions.act_url", "url": self.url, "target": "new"}
