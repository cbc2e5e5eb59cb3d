from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import models
from odoo.exceptions import UserError


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _dunning_check_iban_bic(self):
        """A payment account printed on letters needs a valid IBAN and a valid BIC (checked by python-stdnum)."""
        for account in self:
            try:
                stdnum_iban.validate(account.acc_number or "")
            except StdnumValidationError as error:
                raise UserError(
                    self.env._(
                        "The bank account %(account)s has no valid IBAN (%(reason)s).",
                        account=account.display_name,
                        reason=error.message,
                    )
                ) from error
            try:
                stdnum_bic.validate(account.bank_bic or "")
            except StdnumValidationError as error:
                raise UserError(
                    self.env._(
                        "The bank account %(account)s has no valid BIC: set its bank with a valid BIC (%(reason)s).",
                        account=account.display_name,
                        reason=error.message,
                    )
                ) from error
        return True
