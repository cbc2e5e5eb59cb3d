{
    "name": "Customer Follow-ups (Dunning)",
    "summary": "Customer follow-ups driven by each customer's own payment habit: "
    "scenarios, levels, email, SMS, calls, letters and collection KPIs",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning contributors",
    "website": "https://github.com/account-dunning/account_dunning",
    "depends": ["account", "mail", "sms", "portal", "account_payment"],
    "external_dependencies": {"python": ["python-stdnum", "num2words"]},
    "data": [
        "security/ir.model.access.csv",
        "security/account_dunning_security.xml",
        "views/res_partner_views.xml",
        "views/account_dunning_segment_rule_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/account_dunning_segment_override_views.xml",
        "views/account_dunning_menus.xml",
        "data/ir_cron_data.xml",
    ],
    "post_init_hook": "post_init_hook",
}
