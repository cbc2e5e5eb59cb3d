def post_init_hook(env):
    """Give every existing company the default risk segment rules (new companies get them on creation)."""
    env["account.dunning.segment.rule"]._dunning_create_default_rules(env["res.company"].search([]))
