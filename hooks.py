def post_init_hook(env):
    """Give every existing company the default risk segment rules and its current follow-up policy, which holds
    the settings in use (new companies get them on creation)."""
    companies = env["res.company"].search([])
    env["account.dunning.segment.rule"]._dunning_create_default_rules(companies)
    for company in companies:
        env["account.dunning.policy"]._dunning_live_policy(company)


def uninstall_hook(env):
    """Drop the indexes the module added to the journal entries and items (Odoo only drops the indexes of its
    fields)."""
    env.cr.execute("DROP INDEX IF EXISTS account_move_dunning_customer_index")
    env.cr.execute("DROP INDEX IF EXISTS account_move_line_dunning_open_item_index")
