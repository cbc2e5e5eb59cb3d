def post_init_hook(env):
    """Give every existing company the default risk segment rules (new companies get them on creation)."""
    env["account.dunning.segment.rule"]._dunning_create_default_rules(env["res.company"].search([]))


def uninstall_hook(env):
    """Drop the indexes the module added to the journal entries and items (Odoo only drops the indexes of its
    fields)."""
    env.cr.execute("DROP INDEX IF EXISTS account_move_dunning_customer_index")
    env.cr.execute("DROP INDEX IF EXISTS account_move_line_dunning_open_item_index")
