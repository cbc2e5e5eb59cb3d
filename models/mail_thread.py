from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # The mail gateway tells the follow-ups what only the raw email shows: whether a reply was written by a person
    # or sent automatically (out of office), and whether a bounce is final. Other models are left untouched.

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if any(route[0] == "account.dunning.action" for route in routes or ()):
            automatic = self.env["account.dunning.action"]._dunning_is_auto_reply(message, message_dict)
            self = self.with_context(dunning_gateway_reply="auto" if automatic else "human")
        return super()._message_route_process(message, message_dict, routes)

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        bounced = message_dict.get("bounced_message")
        if bounced and bounced.model == "account.dunning.action" and self._dunning_is_soft_bounce(email_message):
            self = self.with_context(dunning_soft_bounce=True)
        return super()._routing_handle_bounce(email_message, message_dict)

    @api.model
    def _dunning_is_soft_bounce(self, email_message):
        """A delivery report saying the delivery is only delayed or temporarily failing (status 4.x.x, action
        'delayed'): the address is not wrong. Any other bounce (5.x.x, 'failed', no status) is final."""
        for part in email_message.walk():
            if part.get_content_type() != "message/delivery-status":
                continue
            for block in part.get_payload()[1:]:
                action = (block.get("Action") or "").strip().lower()
                status = (block.get("Status") or "").strip()
                if action == "failed" or status.startswith("5"):
                    return False
                if action in ("delayed", "relayed", "delivered", "expanded") or status.startswith("4"):
                    return True
        return False
