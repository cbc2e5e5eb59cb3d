"""Who may see and do what with follow-ups: the groups and the checks shared by the models.

Payment-risk data (segments, statistics, holds, disputes, follow-ups) is for accounting: billing users and
read-only auditors read it, billing users act on it, accounting managers configure. Fields carry these groups,
so other users (salesmen, purchase users, employees, portal users) neither see nor export them, and public
methods check the caller's group, since any method without a leading underscore can be called through RPC.
"""

from odoo.exceptions import AccessError

#: groups that read follow-up and payment-risk data: billing users and read-only auditors
READERS = "account.group_account_invoice,account.group_account_readonly"
#: group that runs follow-ups, records disputes and promises and changes a customer's follow-up settings
BILLING = "account.group_account_invoice"
#: group that configures scenarios, rules and settings, and sets segments by hand
MANAGERS = "account.group_account_manager"


def check_billing(env):
    """Refuse a follow-up operation to a user outside the invoicing group (superuser mode passes)."""
    if not env.su and not env.user.has_group(BILLING):
        raise AccessError(env._("Only invoicing users (Accounting: Invoicing) may carry out customer follow-ups."))


def check_manager(env):
    """Refuse a follow-up configuration operation to a user who is not an accounting manager."""
    if not env.su and not env.user.has_group(MANAGERS):
        raise AccessError(env._("Only accounting managers (Accounting: Administrator) may do this."))
